package ed25519

import (
	"bytes"
	stded "crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/x25519"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRFC8032 is RFC 8032 §7.1 TEST 1, 2 and 3.
func TestRFC8032(t *testing.T) {
	for _, v := range []struct{ seed, pub, msg, sig string }{
		{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
			"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
			"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
			"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
			"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
		{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
			"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
			"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	} {
		seed := (*[32]byte)(unhex(t, v.seed))
		pub, msg, sig := unhex(t, v.pub), unhex(t, v.msg), unhex(t, v.sig)
		if got := PublicKey(seed); !bytes.Equal(got[:], pub) {
			t.Errorf("PublicKey(%s) = %x, want %s", v.seed, got, v.pub)
		}
		if got := Sign(seed, msg); !bytes.Equal(got[:], sig) {
			t.Errorf("Sign(%s, %s) = %x, want %s", v.seed, v.msg, got, v.sig)
		}
		if !Verify(pub, msg, sig) {
			t.Errorf("Verify rejects the RFC 8032 signature for %s", v.seed)
		}
		bad := bytes.Clone(sig)
		bad[0] ^= 1
		if Verify(pub, msg, bad) {
			t.Errorf("Verify accepts a flipped R for %s", v.seed)
		}
	}
}

// checkVerify compares Verify with crypto/ed25519's for one input.
func checkVerify(t testing.TB, pub, msg, sig []byte) bool {
	t.Helper()
	got := Verify(pub, msg, sig)
	want := false
	if len(pub) == stded.PublicKeySize {
		want = stded.Verify(stded.PublicKey(pub), msg, sig)
	}
	if got != want {
		t.Fatalf("Verify(%x, %x, %x) = %v, crypto/ed25519 says %v", pub, msg, sig, got, want)
	}
	return got
}

// TestDifferential signs and verifies random keys and messages, and
// tampered signatures, against crypto/ed25519.
func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		var seed [32]byte
		for j := range seed {
			seed[j] = byte(rng.Uint32())
		}
		msg := make([]byte, rng.IntN(200))
		for j := range msg {
			msg[j] = byte(rng.Uint32())
		}
		priv := stded.NewKeyFromSeed(seed[:])
		pub := PublicKey(&seed)
		if !bytes.Equal(pub[:], priv.Public().(stded.PublicKey)) {
			t.Fatalf("PublicKey(%x) = %x, crypto/ed25519 gives %x", seed, pub, priv.Public())
		}
		sig := Sign(&seed, msg)
		if want := stded.Sign(priv, msg); !bytes.Equal(sig[:], want) {
			t.Fatalf("Sign(%x, %x) = %x, crypto/ed25519 gives %x", seed, msg, sig, want)
		}
		if !checkVerify(t, pub[:], msg, sig[:]) {
			t.Fatal("a fresh signature does not verify")
		}
		// A flipped bit anywhere: both reject (or, for the unused high
		// bits of S's encoding, both agree).
		bad := sig
		bad[i%64] ^= 1 << (i % 8)
		checkVerify(t, pub[:], msg, bad[:])
		if len(msg) > 0 {
			m := bytes.Clone(msg)
			m[0] ^= 0x80
			checkVerify(t, pub[:], m, sig[:])
		}
		// S + ℓ: the same equation, a non-canonical S; both reject.
		var s big.Int
		s.SetBytes(reverse(sig[32:]))
		s.Add(&s, lOrder())
		nc := sig
		copy(nc[32:], reverse(s.FillBytes(make([]byte, 32))))
		if checkVerify(t, pub[:], msg, nc[:]) {
			t.Fatal("S + ℓ verifies")
		}
	}
}

func reverse(b []byte) []byte {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return r
}

func lOrder() *big.Int {
	l, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	return l
}

// edgeKeys are public key encodings at the decoding rules' edges: the
// eight small-order points (both signs of x where that differs), x = 0 with
// the sign bit set, non-canonical y ≥ p, and y values with no point.
func edgeKeys() [][]byte {
	var keys [][]byte
	for _, s := range []string{
		"0100000000000000000000000000000000000000000000000000000000000000", // identity
		"0100000000000000000000000000000000000000000000000000000000000080", // identity, "-0"
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, "-0"
		"0000000000000000000000000000000000000000000000000000000000000000", // order 4
		"0000000000000000000000000000000000000000000000000000000000000080", // order 4
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
		"0200000000000000000000000000000000000000000000000000000000000000", // y = 2: no point
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	} {
		b, _ := hex.DecodeString(s)
		keys = append(keys, b)
	}
	// y = p + k for k < 19 (the non-canonical encodings), both signs.
	for k := range 19 {
		for _, sign := range []byte{0, 0x80} {
			b := make([]byte, 32)
			for i := range b {
				b[i] = 0xff
			}
			b[0] = byte(0xed + k)
			b[31] = 0x7f | sign
			keys = append(keys, b)
		}
	}
	return keys
}

// TestEdgeEncodings verifies against public keys and R values at the
// edges of the decoding rules, with crypto/ed25519 as the reference.
func TestEdgeEncodings(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := edgeKeys()
	accepted := 0
	for _, a := range keys {
		for _, r := range keys {
			for trial := range 3 {
				msg := []byte{byte(trial), byte(rng.Uint32())}
				sig := make([]byte, 64)
				copy(sig, r)
				// S = 0, 1 or random below 2^252: with a small-order A and
				// R, [S]B − [k]A = R holds for S = 0 and some k.
				switch trial {
				case 1:
					sig[32] = 1
				case 2:
					for j := 32; j < 63; j++ {
						sig[j] = byte(rng.Uint32())
					}
				}
				if checkVerify(t, a, msg, sig) {
					accepted++
				}
			}
		}
		// A signature that holds by construction for a small-order or
		// identity A: R = [S]B, accepted when [k]A is the identity.
		for range 8 {
			var s [32]byte
			for j := range 31 {
				s[j] = byte(rng.Uint32())
			}
			var r [32]byte
			x25519.EdBaseMult(&r, &s)
			sig := append(r[:], s[:]...)
			if checkVerify(t, a, []byte("m"), sig) {
				accepted++
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no edge case was accepted: the cases do not reach the equation")
	}
	t.Logf("%d edge signatures accepted by both", accepted)
}

// TestVerifyWrongLengths: false, not a panic (crypto/ed25519 panics on a
// public key that is not 32 bytes).
func TestVerifyWrongLengths(t *testing.T) {
	seed := [32]byte{1}
	pub := PublicKey(&seed)
	sig := Sign(&seed, nil)
	if !Verify(pub[:], nil, sig[:]) {
		t.Fatal("the signature does not verify")
	}
	for _, n := range []int{0, 31, 33, 64} {
		p := make([]byte, n)
		copy(p, pub[:])
		if Verify(p, nil, sig[:]) {
			t.Errorf("a %d-byte public key verifies", n)
		}
	}
	for _, n := range []int{0, 63, 65, 128} {
		s := make([]byte, n)
		copy(s, sig[:])
		if Verify(pub[:], nil, s) || stded.Verify(pub[:], nil, s) {
			t.Errorf("a %d-byte signature verifies", n)
		}
	}
}

// TestFoldConstants checks the signed limbs of −(ℓ − 2^252).
func TestFoldConstants(t *testing.T) {
	var v big.Int
	for i, m := range []int64{m0, m1, m2, m3, m4, m5} {
		t := new(big.Int).Lsh(big.NewInt(m), uint(21*i))
		v.Add(&v, t)
	}
	c := new(big.Int).Sub(lOrder(), new(big.Int).Lsh(big.NewInt(1), 252))
	if v.Cmp(new(big.Int).Neg(c)) != 0 {
		t.Fatalf("fold constants give %v, want %v", &v, new(big.Int).Neg(c))
	}
}

func leInt(b []byte) *big.Int { return new(big.Int).SetBytes(reverse(b)) }

// TestScalars checks scReduce and scMulAdd against math/big on random
// inputs and on the extremes (all bits set), which bound the limbs.
func TestScalars(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	l := lOrder()
	fill := func(b []byte, mode int) {
		for i := range b {
			switch mode {
			case 0:
				b[i] = byte(rng.Uint32())
			case 1:
				b[i] = 0xff
			case 2:
				b[i] = 0
			}
		}
	}
	for i := range 3000 {
		mode := 0
		if i < 3 {
			mode = i
		}
		var in [64]byte
		fill(in[:], mode)
		var got [32]byte
		scReduce(&got, &in)
		want := new(big.Int).Mod(leInt(in[:]), l)
		if leInt(got[:]).Cmp(want) != 0 {
			t.Fatalf("scReduce(%x) = %x, want %x", in, got, want)
		}
		var a, b, c [32]byte
		fill(a[:], mode)
		fill(b[:], (mode+i/3)%3)
		fill(c[:], mode)
		if i%5 == 4 {
			// ℓ − 1 and ℓ neighbours.
			copy(a[:], reverse(new(big.Int).Sub(l, big.NewInt(int64(i%3))).FillBytes(make([]byte, 32))))
		}
		scMulAdd(&got, &a, &b, &c)
		want.Mul(leInt(a[:]), leInt(b[:]))
		want.Add(want, leInt(c[:]))
		want.Mod(want, l)
		if leInt(got[:]).Cmp(want) != 0 {
			t.Fatalf("scMulAdd(%x, %x, %x) = %x, want %x", a, b, c, got, want)
		}
	}
	for _, v := range []*big.Int{big.NewInt(0), new(big.Int).Sub(l, big.NewInt(1)), l, new(big.Int).Add(l, big.NewInt(1)), new(big.Int).Lsh(big.NewInt(1), 255)} {
		b := reverse(v.FillBytes(make([]byte, 32)))
		if got, want := scCanonical(b), v.Cmp(l) < 0; got != want {
			t.Errorf("scCanonical(%v) = %v, want %v", v, got, want)
		}
	}
}

func FuzzVerify(f *testing.F) {
	seed := [32]byte{7}
	pub := PublicKey(&seed)
	sig := Sign(&seed, []byte("hello"))
	f.Add(pub[:], []byte("hello"), sig[:])
	for _, k := range edgeKeys() {
		f.Add(k, []byte("hello"), append(bytes.Clone(k), make([]byte, 32)...))
	}
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		checkVerify(t, pub, msg, sig)
	})
}

func FuzzSign(f *testing.F) {
	f.Add(make([]byte, 32), []byte(""))
	f.Add(bytes.Repeat([]byte{0xff}, 32), []byte("message"))
	f.Fuzz(func(t *testing.T, seed, msg []byte) {
		if len(seed) != 32 {
			return
		}
		sig := Sign((*[32]byte)(seed), msg)
		if want := stded.Sign(stded.NewKeyFromSeed(seed), msg); !bytes.Equal(sig[:], want) {
			t.Fatalf("Sign(%x, %x) = %x, crypto/ed25519 gives %x", seed, msg, sig, want)
		}
		pub := PublicKey((*[32]byte)(seed))
		checkVerify(t, pub[:], msg, sig[:])
	})
}

func BenchmarkSign(b *testing.B) {
	seed := [32]byte{1}
	msg := make([]byte, 64)
	for b.Loop() {
		Sign(&seed, msg)
	}
}

func BenchmarkVerify(b *testing.B) {
	seed := [32]byte{1}
	msg := make([]byte, 64)
	pub := PublicKey(&seed)
	sig := Sign(&seed, msg)
	for b.Loop() {
		if !Verify(pub[:], msg, sig[:]) {
			b.Fatal("no")
		}
	}
}

func BenchmarkStdSign(b *testing.B) {
	priv := stded.NewKeyFromSeed(make([]byte, 32))
	msg := make([]byte, 64)
	for b.Loop() {
		stded.Sign(priv, msg)
	}
}

func BenchmarkStdVerify(b *testing.B) {
	priv := stded.NewKeyFromSeed(make([]byte, 32))
	msg := make([]byte, 64)
	sig := stded.Sign(priv, msg)
	pub := priv.Public().(stded.PublicKey)
	for b.Loop() {
		if !stded.Verify(pub, msg, sig) {
			b.Fatal("no")
		}
	}
}

// BenchmarkInterleaved times Sign and Verify and crypto/ed25519's, one
// call of each per iteration, so that a loaded machine slows all four
// alike; it reports each as a metric (ns per call).
func BenchmarkInterleaved(b *testing.B) {
	seed := [32]byte{1}
	msg := make([]byte, 64)
	pub := PublicKey(&seed)
	sig := Sign(&seed, msg)
	priv := stded.NewKeyFromSeed(seed[:])
	var t [4]time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		Sign(&seed, msg)
		t1 := time.Now()
		Verify(pub[:], msg, sig[:])
		t2 := time.Now()
		stded.Sign(priv, msg)
		t3 := time.Now()
		stded.Verify(pub[:], msg, sig[:])
		t4 := time.Now()
		t[0] += t1.Sub(t0)
		t[1] += t2.Sub(t1)
		t[2] += t3.Sub(t2)
		t[3] += t4.Sub(t3)
		n++
	}
	for i, name := range []string{"sign-ns", "verify-ns", "std-sign-ns", "std-verify-ns"} {
		b.ReportMetric(float64(t[i].Nanoseconds())/float64(n), name)
	}
}

// TestAcceptanceRules pins each rule of the package comment with an
// example, and that crypto/ed25519 agrees on it.
func TestAcceptanceRules(t *testing.T) {
	h := func(s string) []byte { return unhex(t, s) }
	identity := h("0100000000000000000000000000000000000000000000000000000000000000")
	identityNegZero := h("0100000000000000000000000000000000000000000000000000000000000080")
	identityNonCanonical := h("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f") // y = p + 1
	order2 := h("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	s := [32]byte{9, 8, 7}
	var sB [32]byte
	x25519.EdBaseMult(&sB, &s)
	sig := func(r []byte, s []byte) []byte { return append(bytes.Clone(r), s...) }
	zero := make([]byte, 32)
	for _, c := range []struct {
		name     string
		pub, sig []byte
		want     bool
	}{
		{"small-order A (the identity)", identity, sig(sB[:], s[:]), true},
		{`A = "-0" (x = 0, sign bit set)`, identityNegZero, sig(sB[:], s[:]), true},
		{"A non-canonical (y = p + 1)", identityNonCanonical, sig(sB[:], s[:]), true},
		{"small-order R (the identity, S = 0)", identity, sig(identity, zero), true},
		{"R non-canonical (y = p + 1 for the identity)", identity, sig(identityNonCanonical, zero), false},
		{`R = "-0" for the identity`, identity, sig(identityNegZero, zero), false},
		{"S = ℓ", identity, sig(identity, reverse(lOrder().FillBytes(make([]byte, 32)))), false},
	} {
		if got := checkVerify(t, c.pub, nil, c.sig); got != c.want {
			t.Errorf("%s: Verify = %v, want %v", c.name, got, c.want)
		}
	}
	// Cofactorless: with A of order 2, [S]B − [k]A is [S]B for even k and
	// [S]B − A for odd k, so R = [S]B verifies exactly when k is even.
	seen := map[bool]bool{}
	for i := range 16 {
		msg := []byte{byte(i)}
		var k [32]byte
		challenge(&k, sB[:], order2, msg)
		even := k[0]&1 == 0
		if got := checkVerify(t, order2, msg, sig(sB[:], s[:])); got != even {
			t.Errorf("A of order 2, k = %x: Verify = %v, want %v", k, got, even)
		}
		seen[even] = true
	}
	if !seen[true] || !seen[false] {
		t.Error("the messages did not give both an even and an odd k")
	}
}

// TestSignAroundBlockSize: Sign matches crypto/ed25519 for messages around
// SHA-512's 128-byte block, where the nonce hash's buffering changes.
func TestSignAroundBlockSize(t *testing.T) {
	seed := [32]byte{3}
	priv := stded.NewKeyFromSeed(seed[:])
	for n := 80; n <= 260; n++ {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		if got := Sign(&seed, msg); !bytes.Equal(got[:], stded.Sign(priv, msg)) {
			t.Fatalf("Sign of a %d-byte message differs from crypto/ed25519", n)
		}
	}
}

// TestWipe: after wipe, the hash's buffer no longer holds the nonce
// prefix. It reads the buffer (the unexported field x of the standard
// library's SHA-512 digest) through reflect: MarshalBinary writes only the
// buffer's used part, which Reset alone already empties.
func TestWipe(t *testing.T) {
	prefix := bytes.Repeat([]byte{0xa5}, 32)
	for _, n := range []int{0, 10, 95, 96, 200} {
		h := sha512.New()
		h.Write(prefix)
		h.Write(make([]byte, n))
		h.Sum(nil)
		buffer := func() []byte {
			v := reflect.ValueOf(h).Elem().FieldByName("x")
			if !v.IsValid() || v.Kind() != reflect.Array {
				t.Fatalf("%T has no buffer field x: update this test for the Go version", h)
			}
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			return b
		}
		if n < 96 && !bytes.Contains(buffer(), prefix) {
			t.Fatalf("n=%d: the prefix is not in the buffer before the wipe; the test checks nothing", n)
		}
		wipe(h)
		if bytes.Contains(buffer(), prefix[:8]) {
			t.Fatalf("n=%d: the prefix is still in the hash's buffer after wipe", n)
		}
	}
}
