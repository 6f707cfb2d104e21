package x25519

import (
	"bytes"
	"crypto/ecdh"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"runtime"
	"testing"
)

func unhex(t testing.TB, s string) *[32]byte {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad hex %q", s)
	}
	return (*[32]byte)(b)
}

// reference is X25519 by crypto/ecdh; zero reports crypto/ecdh's
// low-order-point error, whose output would be all zeros.
func reference(t testing.TB, scalar, point []byte) (out []byte, zero bool) {
	k, err := ecdh.X25519().NewPrivateKey(scalar)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ecdh.X25519().NewPublicKey(point)
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.ECDH(p)
	if err != nil {
		return make([]byte, 32), true
	}
	return s, false
}

func check(t testing.TB, scalar, point *[32]byte) {
	t.Helper()
	want, zero := reference(t, scalar[:], point[:])
	var got [32]byte
	ScalarMult(&got, scalar, point)
	if !bytes.Equal(got[:], want) {
		t.Fatalf("X25519(%x, %x) = %x, crypto/ecdh gives %x", scalar, point, got, want)
	}
	if zero != (got == [32]byte{}) {
		t.Fatalf("X25519(%x, %x): all-zero mismatch", scalar, point)
	}
}

// RFC 7748 §5.2.
func TestRFC7748Vectors(t *testing.T) {
	for _, v := range []struct{ scalar, u, out string }{
		{"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
			"e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
			"c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
		{"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
			"e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
			"95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
	} {
		var got [32]byte
		ScalarMult(&got, unhex(t, v.scalar), unhex(t, v.u))
		if want := unhex(t, v.out); got != *want {
			t.Errorf("X25519(%s, %s) = %x, want %s", v.scalar, v.u, got, v.out)
		}
	}
}

// RFC 7748 §5.2, the iterated function: k, u = X25519(k, u), k.
func TestRFC7748Iterations(t *testing.T) {
	k, u := basePoint, basePoint
	for i := 1; i <= 1000; i++ {
		var r [32]byte
		ScalarMult(&r, &k, &u)
		u, k = k, r
		switch i {
		case 1:
			if want := unhex(t, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"); k != *want {
				t.Fatalf("after 1 iteration: %x", k)
			}
		case 1000:
			if want := unhex(t, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"); k != *want {
				t.Fatalf("after 1000 iterations: %x", k)
			}
		}
	}
}

// RFC 7748 §6.1.
func TestRFC7748DH(t *testing.T) {
	aSK := unhex(t, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
	aPK := unhex(t, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	bSK := unhex(t, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
	bPK := unhex(t, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
	shared := unhex(t, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
	var got [32]byte
	if ScalarBaseMult(&got, aSK); got != *aPK {
		t.Errorf("Alice's public key %x", got)
	}
	if ScalarBaseMult(&got, bSK); got != *bPK {
		t.Errorf("Bob's public key %x", got)
	}
	if ScalarMult(&got, aSK, bPK); got != *shared {
		t.Errorf("Alice's shared secret %x", got)
	}
	if ScalarMult(&got, bSK, aPK); got != *shared {
		t.Errorf("Bob's shared secret %x", got)
	}
}

var p = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// le encodes n (< 2^256) as 32 little-endian bytes.
func le(n *big.Int) *[32]byte {
	var out [32]byte
	b := n.FillBytes(make([]byte, 32))
	for i := range b {
		out[i] = b[31-i]
	}
	return &out
}

// specialPoints are edge cases for the u-coordinate: the low-order points
// (all giving all-zero output), their non-canonical encodings, every value
// in [p, 2^255), and each of those with bit 255 set.
func specialPoints() []*[32]byte {
	var pts []*[32]byte
	add := func(n *big.Int) {
		u := le(n)
		pts = append(pts, u)
		hi := *u
		hi[31] |= 0x80
		pts = append(pts, &hi)
	}
	for _, s := range []string{
		"0", "1",
		"325606250916557431795983626356110631294008115727848805560023387167927233504",
		"39382357235489614581723060781553021112529911719440698176882885853963445705823",
	} {
		n, _ := new(big.Int).SetString(s, 10)
		add(n)
		add(new(big.Int).Add(n, p)) // non-canonical, < 2^255 for all four
	}
	add(new(big.Int).Sub(p, big.NewInt(1)))
	for i := range 19 {
		add(new(big.Int).Add(p, big.NewInt(int64(i))))
	}
	add(big.NewInt(9))
	add(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(1)))
	return pts
}

func TestLowOrderAndNonCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	zeros := 0
	for _, u := range specialPoints() {
		for range 4 {
			var k [32]byte
			fill(r, k[:])
			check(t, &k, u)
			var got [32]byte
			if ScalarMult(&got, &k, u); got == ([32]byte{}) {
				zeros++
			}
		}
	}
	if zeros < 4*2*8 {
		t.Errorf("only %d all-zero outputs; the low-order points should give them", zeros)
	}
}

func fill(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 2000
	if testing.Short() || runtime.GOARCH == "wasm" { // the reference is slow there
		n = 300
	}
	for range n {
		var k, u [32]byte
		fill(r, k[:])
		fill(r, u[:])
		check(t, &k, &u)
		// Chained: a point that is an actual curve output.
		var out [32]byte
		ScalarMult(&out, &k, &u)
		fill(r, k[:])
		check(t, &k, &out)
	}
}

func TestScalarBaseMult(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		var k, got [32]byte
		fill(r, k[:])
		ScalarBaseMult(&got, &k)
		priv, err := ecdh.X25519().NewPrivateKey(k[:])
		if err != nil {
			t.Fatal(err)
		}
		if want := priv.PublicKey().Bytes(); !bytes.Equal(got[:], want) {
			t.Fatalf("ScalarBaseMult(%x) = %x, crypto/ecdh gives %x", k, got, want)
		}
	}
}

// TestFieldEdges checks feToBytes's reduction and feInvert on values
// around p and on extreme limbs, against math/big.
func TestFieldEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	vals := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(19)}
	for i := range 20 {
		vals = append(vals, new(big.Int).Sub(p, big.NewInt(int64(i))), new(big.Int).Add(p, big.NewInt(int64(i))))
	}
	for range 200 {
		var b [32]byte
		fill(r, b[:])
		b[31] &= 0x7f
		vals = append(vals, leToInt(&b))
	}
	for _, v := range vals {
		if v.BitLen() > 255 {
			continue
		}
		var f, inv, prod fe
		feFromBytes(&f, le(v))
		var got [32]byte
		feToBytes(&got, &f)
		if want := new(big.Int).Mod(v, p); leToInt(&got).Cmp(want) != 0 {
			t.Fatalf("round trip of %v: %v", v, leToInt(&got))
		}
		feInvert(&inv, &f)
		feMul(&prod, &inv, &f)
		feToBytes(&got, &prod)
		want := big.NewInt(1)
		if new(big.Int).Mod(v, p).Sign() == 0 {
			want = big.NewInt(0)
		}
		if leToInt(&got).Cmp(want) != 0 {
			t.Fatalf("%v · 1/%v = %v", v, v, leToInt(&got))
		}
		feSq(&prod, &f)
		feToBytes(&got, &prod)
		if want := new(big.Int).Exp(v, big.NewInt(2), p); leToInt(&got).Cmp(want) != 0 {
			t.Fatalf("%v² = %v, want %v", v, leToInt(&got), want)
		}
	}
}

func leToInt(b *[32]byte) *big.Int {
	var be [32]byte
	for i := range b {
		be[i] = b[31-i]
	}
	return new(big.Int).SetBytes(be[:])
}

func FuzzScalarMult(f *testing.F) {
	for _, u := range specialPoints() {
		f.Add(make([]byte, 32), u[:])
	}
	f.Add(basePoint[:], basePoint[:])
	f.Fuzz(func(t *testing.T, scalar, point []byte) {
		if len(scalar) < 32 || len(point) < 32 {
			return
		}
		check(t, (*[32]byte)(scalar[:32]), (*[32]byte)(point[:32]))
	})
}

func BenchmarkScalarMult(b *testing.B) {
	k, u := [32]byte{1, 2, 3}, [32]byte{9}
	var out [32]byte
	for b.Loop() {
		ScalarMult(&out, &k, &u)
	}
}

func BenchmarkReferenceECDH(b *testing.B) {
	k, _ := ecdh.X25519().NewPrivateKey(make([]byte, 32))
	pub := k.PublicKey()
	for b.Loop() {
		k.ECDH(pub)
	}
}

// BenchmarkLadder and BenchmarkInvert split BenchmarkScalarMult into its
// two parts, the ladder and the final inversion.
func BenchmarkLadder(b *testing.B) {
	var x1, x2, z2 fe
	feFromBytes(&x1, &[32]byte{9})
	e := [32]byte{1, 2, 3, 31: 64}
	for b.Loop() {
		ladder(&x2, &z2, &x1, &e)
	}
}

func BenchmarkInvert(b *testing.B) {
	var z fe
	feFromBytes(&z, &[32]byte{9, 8, 7})
	for b.Loop() {
		feInvert(&z, &z)
	}
}
