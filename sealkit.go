// Package sealkit is the crypto core of zero-knowledge web applications:
// symmetric secretboxes, sealed boxes to X25519 keys, hybrid post-quantum
// seals (ML-KEM + X25519), Argon2id session keys, recovery keys and blind
// indexes.
//
// Every format is byte-compatible with the Rust crate metamorphic-crypto
// and, where the crate maps onto libsodium, with libsodium itself: data
// either one produced opens here, and data produced here opens there. The
// byte layouts are written down in docs/ARCHITECTURE.md and in the project's
// wire-format specification, docs/wire-format.md.
//
// This package works on raw bytes. Package sealtext offers the same
// operations over base64 strings, with the crate's function shapes.
//
// All randomness comes from crypto/rand. Errors are the sentinels and types
// in errors.go; their texts equal the crate's, so a message shown to a user
// reads the same whichever implementation produced it.
package sealkit

import (
	"crypto/rand"
	"strconv"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/hybrid"
	"github.com/sealkit/sealkit/internal/nacl"
)

// Sizes in bytes.
const (
	KeySize            = 32 // secretbox key, session key, per-resource key
	NonceSize          = 24 // XSalsa20 nonce
	TagSize            = 16 // Poly1305 tag
	PublicKeySize      = 32 // X25519 public key
	PrivateKeySize     = 32 // X25519 private key
	SaltSize           = 16 // Argon2id salt
	HybridSeedSize     = 32 // the whole secret of a hybrid key pair
	RecoverySecretSize = 32
	BlindIndexSize     = 64 // HMAC-SHA512

	// SecretboxOverhead is what EncryptSecretbox adds to a plaintext.
	SecretboxOverhead = NonceSize + TagSize
	// BoxSealOverhead is what BoxSeal adds to a plaintext.
	BoxSealOverhead = PublicKeySize + TagSize
)

// Level is a hybrid seal's security category. The zero value is Cat3, the
// default everywhere the crate has a default.
type Level int

const (
	Cat3 Level = iota // ML-KEM-768 + X25519, tag 0x02 (default; X-Wing)
	Cat1              // ML-KEM-512 + X25519, tag 0x01
	Cat5              // ML-KEM-1024 + X25519, tag 0x03
)

// String returns "cat1", "cat3" or "cat5", the spelling ParseLevel takes.
func (l Level) String() string {
	switch l {
	case Cat1:
		return "cat1"
	case Cat3:
		return "cat3"
	case Cat5:
		return "cat5"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// ParseLevel reads the crate's level strings: "cat1", "cat3" or "cat5" in
// any case; the empty string means Cat3.
func ParseLevel(s string) (Level, error) {
	switch {
	case s == "" || levelIs(s, "cat3"):
		return Cat3, nil
	case levelIs(s, "cat1"):
		return Cat1, nil
	case levelIs(s, "cat5"):
		return Cat5, nil
	}
	return 0, errs.Hybrid("unknown security level " + errs.Quote(s) + " (want cat1, cat3 or cat5)")
}

// levelIs reports whether strings.ToLower(s) == name, for a lower-case
// ASCII name, folding ASCII letters only: the only non-ASCII runes that
// lower-case to ASCII are 'İ' (to 'i') and the Kelvin sign (to 'k'), in no
// level name (TestLevelIs checks every rune). strings.ToLower would link
// the Unicode case tables into the wasm module, ~4 KB brotli.
func levelIs(s, name string) bool {
	if len(s) != len(name) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// PublicKeySize returns the size of a hybrid public key at this level:
// 832, 1216 or 1600.
func (l Level) PublicKeySize() int {
	p, err := l.params()
	if err != nil {
		return 0
	}
	return p.PublicKeyLen
}

// Tag returns the version byte that starts a hybrid seal at this level.
func (l Level) Tag() byte {
	p, err := l.params()
	if err != nil {
		return 0
	}
	return p.Tag
}

// MinCiphertextSize returns the size of a hybrid seal of an empty
// plaintext at this level: 841, 1161 or 1641.
func (l Level) MinCiphertextSize() int {
	p, err := l.params()
	if err != nil {
		return 0
	}
	return p.MinLen
}

func (l Level) params() (*hybrid.Params, error) {
	switch l {
	case Cat1:
		return &hybrid.Cat1, nil
	case Cat3:
		return &hybrid.Cat3, nil
	case Cat5:
		return &hybrid.Cat5, nil
	}
	return nil, errs.Hybrid("unknown security level " + l.String())
}

// GenerateKey returns a new random 32-byte secretbox key
// (crypto_secretbox_keygen).
func GenerateKey() []byte { return randomBytes(KeySize) }

// GenerateSalt returns a new random 16-byte Argon2id salt.
func GenerateSalt() []byte { return randomBytes(SaltSize) }

// GenerateKeyPair returns a new X25519 key pair with crypto_box_keypair
// semantics: the private key is 32 random bytes, used unclamped as stored,
// and the public key is X25519(private, 9).
func GenerateKeyPair() (publicKey, privateKey []byte, err error) {
	privateKey = randomBytes(PrivateKeySize)
	publicKey, err = nacl.X25519Public(privateKey)
	if err != nil {
		return nil, nil, err
	}
	return publicKey, privateKey, nil
}

// PublicKeyFromPrivate returns X25519(privateKey, 9).
func PublicKeyFromPrivate(privateKey []byte) ([]byte, error) {
	if len(privateKey) != PrivateKeySize {
		return nil, errs.InvalidLength(PrivateKeySize, len(privateKey))
	}
	return nacl.X25519Public(privateKey)
}

// randomBytes reads n bytes from crypto/rand, which never fails on the
// platforms Go supports (it crashes the program rather than return short).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
