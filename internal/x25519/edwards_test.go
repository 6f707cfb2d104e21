package x25519

import (
	"bytes"
	"crypto/ecdh"
	"math/rand/v2"
	"runtime"
	"testing"
)

func checkBase(t testing.TB, k *[32]byte) {
	t.Helper()
	var got, old [32]byte
	ScalarBaseMult(&got, k)
	priv, err := ecdh.X25519().NewPrivateKey(k[:])
	if err != nil {
		t.Fatal(err)
	}
	if want := priv.PublicKey().Bytes(); !bytes.Equal(got[:], want) {
		t.Fatalf("ScalarBaseMult(%x) = %x, crypto/ecdh gives %x", k, got, want)
	}
	if scalarBaseMultLadder(&old, k); old != got {
		t.Fatalf("ScalarBaseMult(%x) = %x, the ladder gives %x", k, got, old)
	}
}

// TestEdwardsBase checks the base point's constants: (x, y) is on
// -x² + y² = 1 + d·x²·y², y = 4/5, and it maps to u = 9.
func TestEdwardsBase(t *testing.T) {
	var b geP3
	edBase(&b)
	var d, x2, y2, lhs, rhs, one fe
	edD(&d)
	feFromInt(&one, 1)
	feSq(&x2, &b.X)
	feSq(&y2, &b.Y)
	feSub(&lhs, &y2, &x2)
	feMul(&rhs, &x2, &y2)
	feMul(&rhs, &rhs, &d)
	feAdd(&rhs, &rhs, &one)
	var l, r [32]byte
	feToBytes(&l, &lhs)
	feToBytes(&r, &rhs)
	if l != r {
		t.Fatalf("base point not on the curve: %x vs %x", l, r)
	}
	var n, den fe
	feAdd(&n, &one, &b.Y)
	feSub(&den, &one, &b.Y)
	feInvert(&den, &den)
	feMul(&n, &n, &den)
	feToBytes(&l, &n)
	if l != basePoint {
		t.Fatalf("base point maps to u = %x", l)
	}
	// d·121666 = -121665.
	var k, m fe
	feFromInt(&k, 121666)
	feMul(&m, &d, &k)
	feFromInt(&k, 121665)
	feAdd(&m, &m, &k)
	feToBytes(&l, &m)
	if l != ([32]byte{}) {
		t.Fatalf("d·121666 + 121665 = %x", l)
	}
}

func TestScalarBaseMultDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 5000
	if testing.Short() || runtime.GOARCH == "wasm" {
		n = 500
	}
	for range n {
		var k [32]byte
		fill(r, k[:])
		checkBase(t, &k)
	}
}

// TestScalarBaseMultEdges covers scalars whose clamped bits or radix-16
// digits are extreme: all zeros, all ones, every single byte and nibble
// value in every position, and the bits that clamping changes.
func TestScalarBaseMultEdges(t *testing.T) {
	var ks [][32]byte
	var z, f [32]byte
	for i := range f {
		f[i] = 0xff
	}
	ks = append(ks, z, f)
	for _, v := range []byte{0x00, 0x01, 0x07, 0x08, 0x0f, 0x10, 0x40, 0x77, 0x78, 0x7f, 0x80, 0x87, 0x88, 0x8f, 0xf0, 0xf7, 0xf8, 0xff} {
		var all [32]byte
		for i := range all {
			all[i] = v
		}
		ks = append(ks, all)
		for pos := range 32 {
			a, b := z, f
			a[pos], b[pos] = v, v
			ks = append(ks, a, b)
		}
	}
	for bit := range 256 {
		a, b := z, f
		a[bit/8] |= 1 << (bit % 8)
		b[bit/8] &^= 1 << (bit % 8)
		ks = append(ks, a, b)
	}
	// Clamping-relevant bits: 0–2, 254, 255 in every combination.
	for m := range 32 {
		var a [32]byte
		a[0] = byte(m & 7)
		a[31] = byte(m>>3) << 6
		b := a
		b[5] = 0xa5
		ks = append(ks, a, b)
	}
	for i := range ks {
		checkBase(t, &ks[i])
	}
}

func FuzzScalarBaseMult(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add(bytes.Repeat([]byte{0x88}, 32))
	f.Fuzz(func(t *testing.T, scalar []byte) {
		if len(scalar) < 32 {
			return
		}
		checkBase(t, (*[32]byte)(scalar[:32]))
	})
}

func BenchmarkScalarBaseMult(b *testing.B) {
	k := [32]byte{1, 2, 3}
	var out [32]byte
	ScalarBaseMult(&out, &k) // the table
	for b.Loop() {
		ScalarBaseMult(&out, &k)
	}
}

func BenchmarkScalarBaseMultLadder(b *testing.B) {
	k := [32]byte{1, 2, 3}
	var out [32]byte
	for b.Loop() {
		scalarBaseMultLadder(&out, &k)
	}
}

func BenchmarkBaseTable(b *testing.B) {
	for b.Loop() {
		initBaseTable()
	}
}
