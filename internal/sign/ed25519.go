//go:build !(js && wasm)

package sign

import stded25519 "crypto/ed25519"

// Every Ed25519 operation of the package goes through these three
// functions: natively crypto/ed25519 (this file), in the browser module
// internal/ed25519 (ed25519_wasm.go: the module's own Curve25519 code, ~30
// KB of brotli smaller; the same acceptance rules, tested against this one).
// Plain RFC 8032 with the crate's (ed25519-dalek) rules: the key is the
// 32-byte seed; verify is the non-strict check, as dalek's verify.

// ed25519PublicKey returns the public key of a 32-byte seed.
func ed25519PublicKey(seed []byte) []byte {
	return stded25519.NewKeyFromSeed(seed).Public().(stded25519.PublicKey)
}

// ed25519Sign signs msg with the key of a 32-byte seed (64 bytes out).
func ed25519Sign(seed, msg []byte) []byte {
	return stded25519.Sign(stded25519.NewKeyFromSeed(seed), msg)
}

// ed25519Verify reports whether sig (64 bytes) is pk's (32 bytes)
// signature of msg.
func ed25519Verify(pk, msg, sig []byte) bool {
	return stded25519.Verify(pk, msg, sig)
}
