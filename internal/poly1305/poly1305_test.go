package poly1305

import (
	"encoding/hex"
	"math/rand/v2"
	"testing"

	//lint:ignore SA1019 the reference implementation; deprecated as an API for applications, not as a correct Poly1305, and x/crypto offers no other one-time-key MAC to compare with
	xpoly "golang.org/x/crypto/poly1305"
)

func TestRFC8439(t *testing.T) {
	for _, v := range []struct{ key, msg, tag string }{
		// §2.5.2.
		{"85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
			hex.EncodeToString([]byte("Cryptographic Forum Research Group")),
			"a8061dc1305136c6c22b8baf0c0127a9"},
		// Appendix A.3 #1: all zeros.
		{"0000000000000000000000000000000000000000000000000000000000000000",
			"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
			"00000000000000000000000000000000"},
		// A.3 #5: h reaches p.
		{"0200000000000000000000000000000000000000000000000000000000000000",
			"ffffffffffffffffffffffffffffffff",
			"03000000000000000000000000000000"},
		// A.3 #6.
		{"02000000000000000000000000000000ffffffffffffffffffffffffffffffff",
			"02000000000000000000000000000000",
			"03000000000000000000000000000000"},
	} {
		key, _ := hex.DecodeString(v.key)
		msg, _ := hex.DecodeString(v.msg)
		var tag [16]byte
		Sum(&tag, msg, (*[32]byte)(key))
		if got := hex.EncodeToString(tag[:]); got != v.tag {
			t.Errorf("key %s: tag %s, want %s", v.key, got, v.tag)
		}
		if !Verify(&tag, msg, (*[32]byte)(key)) {
			t.Errorf("key %s: Verify fails", v.key)
		}
	}
}

func TestAgainstXCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fill := func(b []byte, v int) {
		for i := range b {
			switch v {
			case 0:
				b[i] = byte(r.Uint32())
			case 1:
				b[i] = 0xff
			default:
				b[i] = 0
			}
		}
	}
	for n := 0; n <= 2000; n++ {
		for v := range 3 {
			var key [32]byte
			msg := make([]byte, n)
			fill(key[:], v%2) // keys random, or all ones (largest r and s)
			fill(msg, v)      // messages random, all 0xff, all zero
			var got, want [16]byte
			Sum(&got, msg, &key)
			xpoly.Sum(&want, msg, &key)
			if got != want {
				t.Fatalf("length %d, variant %d: tag %x, x/crypto %x", n, v, got, want)
			}
			if !Verify(&want, msg, &key) {
				t.Fatalf("length %d: Verify rejects x/crypto's tag", n)
			}
			want[r.IntN(16)] ^= 1 << r.IntN(8)
			if Verify(&want, msg, &key) {
				t.Fatalf("length %d: Verify accepts a wrong tag", n)
			}
		}
	}
}

func BenchmarkSum1MiB(b *testing.B) {
	msg := make([]byte, 1<<20)
	var key [32]byte
	var tag [16]byte
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Sum(&tag, msg, &key)
	}
}

func BenchmarkXCrypto1MiB(b *testing.B) {
	msg := make([]byte, 1<<20)
	var key [32]byte
	var tag [16]byte
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		xpoly.Sum(&tag, msg, &key)
	}
}
