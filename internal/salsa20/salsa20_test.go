package salsa20

import (
	"bytes"
	"math/rand/v2"
	"testing"

	//lint:ignore SA1019 the reference implementation; deprecated as an API for applications, not as a correct Salsa20, and the supported x/crypto/salsa20 cannot set the block counter this test needs
	"golang.org/x/crypto/salsa20/salsa"
)

func TestAgainstXCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	var lengths []int
	for n := range 300 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 4096, 4097, 65536+13)
	for _, n := range lengths {
		var key [32]byte
		var counter [16]byte
		rnd(key[:])
		rnd(counter[:])
		switch n % 3 {
		case 0: // block number about to carry from the low word into the high one
			copy(counter[8:], []byte{0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0})
		case 1:
			clear(counter[8:])
		}
		in := make([]byte, n)
		rnd(in)
		want := make([]byte, n)
		salsa.XORKeyStream(want, in, &counter, &key)
		saved := counter
		got := make([]byte, n+5)
		XORKeyStream(got, in, &counter, &key)
		if !bytes.Equal(got[:n], want) {
			t.Fatalf("length %d: keystream differs from x/crypto", n)
		}
		if !bytes.Equal(got[n:], make([]byte, 5)) {
			t.Fatalf("length %d: wrote past the input length", n)
		}
		if counter != saved {
			t.Fatalf("counter modified")
		}
		// In place.
		XORKeyStream(in, in, &counter, &key)
		if !bytes.Equal(in, want) {
			t.Fatalf("length %d: in-place result differs", n)
		}
	}
}

func BenchmarkXORKeyStream1MiB(b *testing.B) {
	buf := make([]byte, 1<<20)
	var key [32]byte
	var counter [16]byte
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		XORKeyStream(buf, buf, &counter, &key)
	}
}

func BenchmarkXCrypto1MiB(b *testing.B) {
	buf := make([]byte, 1<<20)
	var key [32]byte
	var counter [16]byte
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		salsa.XORKeyStream(buf, buf, &counter, &key)
	}
}
