// Package ed25519 is Ed25519 (RFC 8032, pure, no context) for the
// WebAssembly build, on internal/x25519's field and Edwards-curve code.
//
// Why this is written by hand: crypto/ed25519 brings its own
// edwards25519 field, point and scalar code (five 51-bit limbs, whose
// bits.Mul64 products are slow in wasm) — about 35 KB of brotli-compressed
// module for arithmetic the module already carries in internal/x25519
// (ten 25.5-bit limbs, native i64 multiplies). Here the group operations
// are internal/x25519's (EdBaseMult, EdVerifyCombination), the scalar
// arithmetic mod ℓ is scalar.go (ref10's, in loops), and SHA-512 is
// crypto/sha512, already in the module.
//
// Acceptance rules: Verify accepts exactly the signatures crypto/ed25519's
// Verify accepts (TestAcceptanceRules pins each rule with an example;
// the differential tests and FuzzVerify compare with crypto/ed25519):
//   - sig must be 64 bytes, with S = sig[32:] canonical (S < ℓ; in
//     particular the top three bits of sig[63] clear);
//   - the public key A must decode as a point, with y read mod p (the
//     non-canonical encodings y ≥ p accepted) and x = 0 accepted with the
//     sign bit set; small-order and mixed-order A are accepted;
//   - R = sig[:32] is not decoded: the check is the cofactorless
//     [S]B − [k]A == R, compared as encodings, so only the canonical
//     encoding of R can match (a non-canonical R, even of a valid point,
//     is rejected), and small-order R is accepted when the equation holds;
//   - k = SHA-512(R ‖ A ‖ M) mod ℓ hashes the public key bytes as given.
//
// The one difference: crypto/ed25519.Verify panics when the public key is
// not 32 bytes; Verify here returns false (TestVerifyWrongLengths).
//
// These are also the rules of ed25519-dalek 2's non-strict verify (used by
// the Rust crate): it rejects non-canonical S, decompresses A with the
// same looser rules (curve25519-dalek's CompressedEdwardsY::decompress
// reads y mod p and keeps "-0"), and compares the recomputed R as bytes.
// Its verify_strict, which rejects small-order A and R, is not what the
// crate uses.
//
// Constant time: Sign and PublicKey branch on and index by nothing secret
// (SHA-512, internal/x25519's constant-time fixed-base multiplication and
// encoding, the loop-only scalar code). Verify is variable time; all its
// inputs are public.
package ed25519

import (
	"crypto/sha512"
	"hash"

	"github.com/sealkit/sealkit/internal/x25519"
)

const (
	// PublicKeySize, SignatureSize and SeedSize are crypto/ed25519's.
	PublicKeySize = 32
	SignatureSize = 64
	SeedSize      = 32
)

// expand returns the clamped secret scalar and the nonce prefix of seed
// (RFC 8032 §5.1.5).
func expand(seed *[32]byte) (s, prefix [32]byte) {
	h := sha512.Sum512(seed[:])
	copy(s[:], h[:32])
	copy(prefix[:], h[32:])
	clear(h[:])
	s[0] &= 248
	s[31] &= 63
	s[31] |= 64
	return s, prefix
}

// PublicKey returns the public key of seed, the 32-byte private key of
// RFC 8032 (crypto/ed25519's NewKeyFromSeed(seed).Public()).
func PublicKey(seed *[32]byte) [32]byte {
	s, prefix := expand(seed)
	var a [32]byte
	x25519.EdBaseMult(&a, &s)
	clear(s[:])
	clear(prefix[:])
	return a
}

// Sign returns the RFC 8032 signature of msg by seed, the same bytes as
// crypto/ed25519.Sign(ed25519.NewKeyFromSeed(seed), msg).
func Sign(seed *[32]byte, msg []byte) [64]byte {
	s, prefix := expand(seed)
	var a [32]byte
	x25519.EdBaseMult(&a, &s)

	// r = SHA-512(prefix ‖ M) mod ℓ, R = [r]B.
	var digest [64]byte
	h := sha512.New()
	h.Write(prefix[:])
	h.Write(msg)
	h.Sum(digest[:0])
	wipe(h)
	var r [32]byte
	scReduce(&r, &digest)
	var sig [64]byte
	var rEnc [32]byte
	x25519.EdBaseMult(&rEnc, &r)
	copy(sig[:32], rEnc[:])

	// S = r + k·s mod ℓ, k = SHA-512(R ‖ A ‖ M) mod ℓ.
	var k, sOut [32]byte
	challenge(&k, rEnc[:], a[:], msg)
	scMulAdd(&sOut, &k, &s, &r)
	copy(sig[32:], sOut[:])
	clear(s[:])
	clear(prefix[:])
	clear(r[:])
	clear(digest[:])
	return sig
}

// wipe clears the input crypto/sha512 keeps buffered — the nonce prefix,
// when prefix ‖ msg is shorter than a block —: Reset leaves the buffer,
// and a write of less than a block after Reset is copied over its start.
// h must not be used afterwards.
func wipe(h hash.Hash) {
	h.Reset()
	h.Write(make([]byte, sha512.BlockSize-1))
}

// challenge sets k = SHA-512(R ‖ A ‖ M) mod ℓ.
func challenge(k *[32]byte, r, a, msg []byte) {
	var digest [64]byte
	h := sha512.New()
	h.Write(r)
	h.Write(a)
	h.Write(msg)
	h.Sum(digest[:0])
	scReduce(k, &digest)
}

// Verify reports whether sig is a valid signature of msg by publicKey,
// with crypto/ed25519's acceptance rules (see the package comment). A
// public key or signature of the wrong length gives false, never a
// panic.
func Verify(publicKey, msg, sig []byte) bool {
	if len(publicKey) != PublicKeySize || len(sig) != SignatureSize || !scCanonical(sig[32:]) {
		return false
	}
	var k, s, a, got [32]byte
	challenge(&k, sig[:32], publicKey, msg)
	copy(s[:], sig[32:])
	copy(a[:], publicKey)
	if !x25519.EdVerifyCombination(&got, &a, &k, &s) {
		return false
	}
	return [32]byte(sig[:32]) == got
}
