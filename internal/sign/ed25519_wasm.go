//go:build js && wasm

package sign

import ed "github.com/sealkit/sealkit/internal/ed25519"

// The browser module's Ed25519: internal/ed25519, on internal/x25519's
// field and Edwards code, which the module carries anyway; crypto/ed25519
// would add its own (about 30 KB of brotli). Same contract as ed25519.go's
// functions; the callers pass 32-byte seeds and keys (the layouts fix them).

func ed25519PublicKey(seed []byte) []byte {
	pk := ed.PublicKey((*[32]byte)(seed))
	return pk[:]
}

func ed25519Sign(seed, msg []byte) []byte {
	sig := ed.Sign((*[32]byte)(seed), msg)
	return sig[:]
}

func ed25519Verify(pk, msg, sig []byte) bool {
	return ed.Verify(pk, msg, sig)
}
