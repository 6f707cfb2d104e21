package sign

import stded25519 "crypto/ed25519"

// Every Ed25519 operation of the package goes through these three
// functions, so that a build can put another implementation behind them
// (a smaller one for the browser module) by changing this file alone.
// Plain RFC 8032 with the crate's (ed25519-dalek) rules: the key is the
// 32-byte seed; verify is the non-strict check, as dalek's verify.

// ed25519PublicKey returns the public key of a 32-byte seed.
func ed25519PublicKey(seed []byte) []byte {
	k := stded25519.NewKeyFromSeed(seed)
	pk := append([]byte(nil), k[32:]...)
	clear(k) // seed ‖ public key: the seed's copy
	return pk
}

// ed25519Sign signs msg with the key of a 32-byte seed (64 bytes out).
// crypto/ed25519 keeps its expanded key (in a cache keyed by the key's
// address) where it cannot be wiped; the seed's copy in k is wiped here.
func ed25519Sign(seed, msg []byte) []byte {
	k := stded25519.NewKeyFromSeed(seed)
	sig := stded25519.Sign(k, msg)
	clear(k)
	return sig
}

// ed25519Verify reports whether sig (64 bytes) is pk's (32 bytes)
// signature of msg.
func ed25519Verify(pk, msg, sig []byte) bool {
	return stded25519.Verify(pk, msg, sig)
}
