package salsa20

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	xsalsa20 "golang.org/x/crypto/salsa20"
	//lint:ignore SA1019 the reference HSalsa20; deprecated as an API for applications, not as a correct implementation
	"golang.org/x/crypto/salsa20/salsa"
)

// NaCl's tests/core1.c: crypto_core_hsalsa20 of the X25519 shared secret
// of its box example, with a zero input — the box key ("firstkey").
func TestHSalsa20NaClVector(t *testing.T) {
	shared, _ := hex.DecodeString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
	want, _ := hex.DecodeString("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
	var out [32]byte
	HSalsa20(&out, new([16]byte), (*[32]byte)(shared))
	if !bytes.Equal(out[:], want) {
		t.Fatalf("HSalsa20 = %x, want %x", out, want)
	}
}

// TestHSalsa20AgainstXCrypto compares HSalsa20 with x/crypto's, directly
// and as XSalsa20's subkey: x/crypto/salsa20 (the supported package) with
// a 24-byte nonce must equal Salsa20 under HSalsa20(key, nonce[:16]).
func TestHSalsa20AgainstXCrypto(t *testing.T) {
	if Sigma != salsa.Sigma {
		t.Fatalf("Sigma = %q, x/crypto %q", Sigma, salsa.Sigma)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		var key [32]byte
		var nonce [24]byte
		for i := range key {
			key[i] = byte(r.Uint32())
		}
		for i := range nonce {
			nonce[i] = byte(r.Uint32())
		}
		var got, want [32]byte
		HSalsa20(&got, (*[16]byte)(nonce[:16]), &key)
		salsa.HSalsa20(&want, (*[16]byte)(nonce[:16]), &key, &salsa.Sigma)
		if got != want {
			t.Fatalf("HSalsa20(%x, %x) = %x, x/crypto %x", key, nonce[:16], got, want)
		}

		msg := make([]byte, 100)
		ref := make([]byte, len(msg))
		xsalsa20.XORKeyStream(ref, msg, nonce[:], &key)
		var counter [16]byte
		copy(counter[:], nonce[16:])
		out := make([]byte, len(msg))
		XORKeyStream(out, msg, &counter, &got)
		if !bytes.Equal(out, ref) {
			t.Fatalf("XSalsa20 over HSalsa20 differs from x/crypto/salsa20")
		}
	}
}
