package sealkit

import (
	"io"

	"github.com/sealkit/sealkit/internal/nacl"
	"github.com/sealkit/sealkit/internal/recovery"
	"golang.org/x/crypto/blake2b"
)

// Hooks into the internal packages for the fixed-randomness vectors.

func boxSealFrom(r io.Reader, plaintext, publicKey []byte) ([]byte, error) {
	return nacl.BoxSeal(r, plaintext, publicKey)
}

func sealNonceForTest(epk, rpk []byte) []byte {
	h, _ := blake2b.New(24, nil)
	h.Write(epk)
	h.Write(rpk)
	return h.Sum(nil)
}

func encodeRecoveryKeyForTest(secret []byte) string { return recovery.Encode(secret) }
