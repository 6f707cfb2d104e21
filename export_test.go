package sealkit

import (
	"io"

	"github.com/sealkit/sealkit/internal/hybrid/hybridtest"
	"github.com/sealkit/sealkit/internal/nacl"
	"github.com/sealkit/sealkit/internal/recovery"
	"golang.org/x/crypto/blake2b"
)

// Hooks into the internal packages for the fixed-randomness vectors.

func boxSealFrom(r io.Reader, plaintext, publicKey []byte) ([]byte, error) {
	return nacl.BoxSeal(r, plaintext, publicKey)
}

// hybridSealFrom is HybridSeal with its randomness read from r (ML-KEM
// coins, X25519 ephemeral secret, nonce). The derandomised encapsulation
// it needs is test-only (hybridtest), so it lives here, not in seal.go.
func hybridSealFrom(r io.Reader, plaintext, publicKey []byte) ([]byte, error) {
	p, err := hybridParamsFor(publicKey)
	if err != nil {
		return nil, err
	}
	return hybridtest.Seal(r, p, plaintext, publicKey)
}

func sealNonceForTest(epk, rpk []byte) []byte {
	h, _ := blake2b.New(24, nil)
	h.Write(epk)
	h.Write(rpk)
	return h.Sum(nil)
}

func encodeRecoveryKeyForTest(secret []byte) string { return recovery.Encode(secret) }
