package nacl

import (
	"crypto/subtle"

	"github.com/sealkit/sealkit/internal/x25519"
)

// Two X25519 implementations behind one set of functions (x25519Public,
// x25519Shared, x25519Both); select_wasm.go and select_other.go pick one at
// build time, so the wasm build does not link crypto/ecdh (and its NIST
// curves) at all.
//
//   - crypto/ecdh everywhere but WebAssembly: its field arithmetic has
//     assembly on amd64/arm64 and is the fastest there. Its NewPrivateKey
//     always multiplies the base point too, so even a shared-secret-only
//     call costs two scalar multiplications.
//   - internal/x25519 for GOOS=js GOARCH=wasm: 32-bit-limb arithmetic that
//     suits wasm's 64-bit multiplier (crypto/ecdh needs bits.Mul64, which
//     wasm emulates), and one scalar multiplication per call.
//
// The ladder compiles on every platform, so native tests compare the two
// (x25519_ecdh_test.go); the wasm test run covers the ladder. Their
// results and failures are identical: ok is false for a key that is not
// 32 bytes or an all-zero shared secret (a low-order peer key).

func ladderPublic(priv []byte) ([]byte, bool) {
	if len(priv) != PrivateKeySize {
		return nil, false
	}
	pub := new([32]byte)
	x25519.ScalarBaseMult(pub, (*[32]byte)(priv))
	return pub[:], true
}

func ladderShared(priv, peer []byte) ([]byte, bool) {
	if len(priv) != PrivateKeySize || len(peer) != PublicKeySize {
		return nil, false
	}
	s := new([32]byte)
	x25519.ScalarMult(s, (*[32]byte)(priv), (*[32]byte)(peer))
	if subtle.ConstantTimeCompare(s[:], make([]byte, 32)) == 1 {
		return nil, false
	}
	return s[:], true
}

func ladderBoth(priv, peer []byte) (public, shared []byte, ok bool) {
	s, ok := ladderShared(priv, peer)
	if !ok {
		return nil, nil, false
	}
	p, _ := ladderPublic(priv) // cannot fail: length checked above
	return p, s, true
}
