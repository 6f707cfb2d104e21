package sealkit

import (
	"crypto/rand"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/hybrid"
	"github.com/sealkit/sealkit/internal/nacl"
)

// BoxSeal seals plaintext to an X25519 public key so that only the holder
// of the private key can open it (libsodium crypto_box_seal). The result is
// ephemeral_pk(32) ‖ tag(16) ‖ ciphertext, and carries no version byte.
func BoxSeal(plaintext, publicKey []byte) ([]byte, error) {
	return nacl.BoxSeal(rand.Reader, plaintext, publicKey)
}

// BoxSealOpen opens a BoxSeal ciphertext (crypto_box_seal_open). The nonce
// is derived from publicKey as given; it is not checked against privateKey,
// so a mismatch fails as ErrDecryption.
func BoxSealOpen(ciphertext, publicKey, privateKey []byte) ([]byte, error) {
	return nacl.BoxSealOpen(ciphertext, publicKey, privateKey)
}

// GenerateHybridKeyPair returns a new hybrid key pair. The seed (32 random
// bytes) is the whole secret; the public key is the ML-KEM encapsulation
// key followed by the X25519 public key (832, 1216 or 1600 bytes).
func GenerateHybridKeyPair(level Level) (publicKey, seed []byte, err error) {
	p, err := level.params()
	if err != nil {
		return nil, nil, err
	}
	seed = randomBytes(HybridSeedSize)
	publicKey, err = hybrid.PublicKey(p, seed)
	if err != nil {
		return nil, nil, err
	}
	return publicKey, seed, nil
}

// HybridPublicKey recomputes the public key of a 32-byte seed at a level.
// The same seed yields the same X25519 key and ML-KEM seed at every level.
func HybridPublicKey(seed []byte, level Level) ([]byte, error) {
	p, err := level.params()
	if err != nil {
		return nil, err
	}
	return hybrid.PublicKey(p, seed)
}

// HybridSeal seals plaintext to a hybrid public key. The level follows from
// the key's length (832, 1216 or 1600 bytes → tag 0x01, 0x02, 0x03); any
// other length is an *InvalidLengthError that expects the Cat-3 size.
func HybridSeal(plaintext, publicKey []byte) ([]byte, error) {
	p, err := hybridParamsFor(publicKey)
	if err != nil {
		return nil, err
	}
	return hybrid.Seal(p, plaintext, publicKey)
}

// hybridParamsFor returns the level of a hybrid public key by its length.
func hybridParamsFor(publicKey []byte) (*hybrid.Params, error) {
	p, ok := hybrid.ByPublicKeyLen(len(publicKey))
	if !ok {
		return nil, errs.InvalidLength(hybrid.Cat3.PublicKeyLen, len(publicKey))
	}
	return p, nil
}

// HybridSealWithLevel seals plaintext to a hybrid public key of the given
// level; the key must have exactly that level's size (the crate's
// hybrid_seal_with_level).
func HybridSealWithLevel(plaintext, publicKey []byte, level Level) ([]byte, error) {
	p, err := level.params()
	if err != nil {
		return nil, err
	}
	return hybrid.Seal(p, plaintext, publicKey)
}

// HybridOpen opens a hybrid seal with the recipient's 32-byte seed. The
// level comes from the blob's first byte. Errors, in order: ErrBadTag,
// *InvalidLengthError (seed), ErrTooShort, ErrDecryption.
func HybridOpen(ciphertext, seed []byte) ([]byte, error) {
	return hybrid.Open(ciphertext, seed)
}

// IsHybridCiphertext reports whether ciphertext looks like a hybrid seal:
// its first byte is a seal tag and it is at least as long as that tag's
// smallest seal (the crate's v0.6 rule; 0x01 ≥ 841, 0x02 ≥ 1161,
// 0x03 ≥ 1641, and the crate's CNSA tags 0x10 ≥ 1597, 0x13 ≥ 1173,
// 0x14 ≥ 1730). A BoxSeal blob of a 32-byte key is 80 bytes and never
// qualifies.
func IsHybridCiphertext(ciphertext []byte) bool { return hybrid.IsHybrid(ciphertext) }

// SealForUser seals plaintext to a user: a Cat-3 hybrid seal (tag 0x02) to
// pqPublicKey when it is non-empty — which must then be 1216 bytes — and
// otherwise a BoxSeal to publicKey. publicKey is not used when pqPublicKey
// is given, as in the crate.
func SealForUser(plaintext, publicKey, pqPublicKey []byte) ([]byte, error) {
	return SealForUserWithLevel(plaintext, publicKey, pqPublicKey, Cat3)
}

// SealForUserWithLevel is SealForUser at a chosen level; pqPublicKey must
// have that level's size.
func SealForUserWithLevel(plaintext, publicKey, pqPublicKey []byte, level Level) ([]byte, error) {
	if len(pqPublicKey) == 0 {
		return nacl.BoxSeal(rand.Reader, plaintext, publicKey)
	}
	p, err := level.params()
	if err != nil {
		return nil, err
	}
	return hybrid.Seal(p, plaintext, pqPublicKey)
}

// UnsealFromUser opens what SealForUser made, with the crate's v0.6 rule:
// when pqSeed is non-empty and the blob looks hybrid, it tries HybridOpen
// first; if that fails for any reason — a box-sealed blob can start with a
// tag byte by chance — it falls back to BoxSealOpen, whose error is the one
// reported.
func UnsealFromUser(ciphertext, publicKey, privateKey, pqSeed []byte) ([]byte, error) {
	if len(pqSeed) > 0 && hybrid.IsHybrid(ciphertext) {
		if pt, err := hybrid.Open(ciphertext, pqSeed); err == nil {
			return pt, nil
		}
	}
	return nacl.BoxSealOpen(ciphertext, publicKey, privateKey)
}
