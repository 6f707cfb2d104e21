// Package nacl implements the two libsodium formats sealkit speaks:
// secretbox with the nonce prepended, and crypto_box_seal. Randomness comes
// from the io.Reader the caller passes, so tests can replay fixed vectors.
package nacl

import (
	"io"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/nacl/secretbox"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/salsa20"
)

const (
	KeySize        = 32
	NonceSize      = 24
	Overhead       = secretbox.Overhead // 16, the Poly1305 tag
	SecretboxMin   = NonceSize + Overhead
	BoxSealMin     = 32 + Overhead
	PublicKeySize  = 32
	PrivateKeySize = 32
)

// Seal returns nonce(24) ‖ tag(16) ‖ ciphertext, reading the nonce from r.
// key must be 32 bytes.
func Seal(r io.Reader, plaintext, key []byte) ([]byte, error) {
	return AppendSeal(make([]byte, 0, SecretboxMin+len(plaintext)), r, plaintext, key)
}

// AppendSeal is Seal appending its result to dst, for a caller that has
// the output buffer already (cmd/sealkit-wasm writes a large ciphertext
// straight into its output). dst must not overlap plaintext.
func AppendSeal(dst []byte, r io.Reader, plaintext, key []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, errs.InvalidLength(KeySize, len(key))
	}
	var nonce [NonceSize]byte
	if _, err := io.ReadFull(r, nonce[:]); err != nil {
		return nil, err
	}
	return secretboxSeal(append(dst, nonce[:]...), plaintext, &nonce, (*[KeySize]byte)(key)), nil
}

// AppendOpen is Open appending the plaintext to dst, which must not
// overlap blob. Nothing is appended unless the blob authenticates.
func AppendOpen(dst, blob, key []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, errs.InvalidLength(KeySize, len(key))
	}
	if len(blob) < SecretboxMin {
		return nil, errs.ErrTooShort
	}
	pt, ok := secretboxOpen(dst, blob[NonceSize:], (*[NonceSize]byte)(blob[:NonceSize]), (*[KeySize]byte)(key))
	if !ok {
		return nil, errs.ErrDecryption
	}
	return pt, nil
}

// SealWithNonce is Seal with a caller-chosen nonce.
func SealWithNonce(plaintext []byte, key *[KeySize]byte, nonce *[NonceSize]byte) []byte {
	out := make([]byte, NonceSize, NonceSize+Overhead+len(plaintext))
	copy(out, nonce[:])
	return secretboxSeal(out, plaintext, nonce, key)
}

// Open reverses Seal. Key length is checked before blob length, as the
// crate does.
func Open(blob, key []byte) ([]byte, error) {
	return AppendOpen(make([]byte, 0, max(len(blob)-SecretboxMin, 0)), blob, key)
}

// X25519Public returns X25519(priv, 9). priv is any 32 bytes; clamping
// happens inside the scalar multiplication, as in libsodium.
func X25519Public(priv []byte) ([]byte, error) {
	pub, ok := x25519Public(priv)
	if !ok {
		return nil, errs.InvalidLength(PrivateKeySize, len(priv))
	}
	return pub, nil
}

// X25519 returns X25519(priv, 9) and the raw shared u-coordinate
// X25519(priv, peer). ok is false when the peer key is a low-order point
// (all-zero result); libsodium refuses those, and so does sealkit
// (wire-format.md §7.3).
func X25519(priv, peer []byte) (public, shared []byte, ok bool) {
	return x25519Both(priv, peer)
}

// X25519Shared returns the raw shared u-coordinate X25519(priv, peer)
// alone, for a caller that already has priv's public key (in the wasm
// build, one scalar multiplication instead of X25519's two); ok as for
// X25519.
func X25519Shared(priv, peer []byte) (shared []byte, ok bool) {
	return x25519Shared(priv, peer)
}

// boxKey is crypto_box_beforenm: HSalsa20(X25519(priv, pub)). The caller
// clears the key.
func boxKey(priv, pub []byte) (*[32]byte, bool) {
	// Only the shared secret: one scalar multiplication in the wasm build;
	// crypto/ecdh (native) multiplies the base point as well (x25519.go).
	shared, ok := x25519Shared(priv, pub)
	if !ok {
		return nil, false
	}
	return hsalsa(shared), true
}

// hsalsa returns HSalsa20(shared) and clears shared; the caller clears
// the key.
func hsalsa(shared []byte) *[32]byte {
	var k [32]byte
	var zero [16]byte
	salsa20.HSalsa20(&k, &zero, (*[32]byte)(shared))
	clear(shared)
	return &k
}

func sealNonce(epk, rpk []byte) *[NonceSize]byte {
	h, _ := blake2b.New(NonceSize, nil) // cannot fail: size in range, no key
	h.Write(epk)
	h.Write(rpk)
	var n [NonceSize]byte
	h.Sum(n[:0])
	return &n
}

// BoxSeal is crypto_box_seal: epk(32) ‖ tag(16) ‖ ct. The ephemeral secret
// (32 bytes) is read from r.
func BoxSeal(r io.Reader, plaintext, recipientPK []byte) ([]byte, error) {
	if len(recipientPK) != PublicKeySize {
		return nil, errs.InvalidLength(PublicKeySize, len(recipientPK))
	}
	esk := make([]byte, 32)
	if _, err := io.ReadFull(r, esk); err != nil {
		return nil, err
	}
	epk, shared, ok := X25519(esk, recipientPK)
	clear(esk)
	if !ok {
		return nil, errs.ErrLowOrderKey
	}
	key := hsalsa(shared)
	defer clear(key[:])
	out := make([]byte, 32, BoxSealMin+len(plaintext))
	copy(out, epk)
	return secretboxSeal(out, plaintext, sealNonce(epk, recipientPK), key), nil
}

// BoxSealOpen is crypto_box_seal_open. The nonce uses the caller's public
// key; a key that does not match privateKey fails as ErrDecryption.
func BoxSealOpen(blob, publicKey, privateKey []byte) ([]byte, error) {
	if len(publicKey) != PublicKeySize {
		return nil, errs.InvalidLength(PublicKeySize, len(publicKey))
	}
	if len(privateKey) != PrivateKeySize {
		return nil, errs.InvalidLength(PrivateKeySize, len(privateKey))
	}
	if len(blob) < BoxSealMin {
		return nil, errs.ErrTooShort
	}
	epk := blob[:32]
	key, ok := boxKey(privateKey, epk)
	if !ok {
		return nil, errs.ErrDecryption
	}
	defer clear(key[:])
	pt, ok := secretboxOpen(make([]byte, 0, len(blob)-BoxSealMin), blob[32:], sealNonce(epk, publicKey), key)
	if !ok {
		return nil, errs.ErrDecryption
	}
	return pt, nil
}
