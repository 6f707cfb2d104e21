package nacl

import (
	"crypto/ecdh"
	"crypto/subtle"

	"github.com/sealkit/sealkit/internal/x25519"
)

// Two X25519 implementations behind one set of functions; useLadder
// (select_wasm.go, select_other.go) picks one at build time.
//
//   - crypto/ecdh everywhere but WebAssembly: its field arithmetic has
//     assembly on amd64/arm64 and is the fastest there. Its NewPrivateKey
//     always multiplies the base point too, so even a shared-secret-only
//     call costs two scalar multiplications.
//   - internal/x25519 for GOOS=js GOARCH=wasm: 32-bit-limb arithmetic that
//     suits wasm's 64-bit multiplier (crypto/ecdh needs bits.Mul64, which
//     wasm emulates), and one scalar multiplication per call.
//
// Both compile on every platform, so native tests compare them
// (x25519_test.go); the wasm test run covers the selected one. Their
// results and failures are identical: ok is false for a key that is not
// 32 bytes or an all-zero shared secret (a low-order peer key).

// x25519Public returns X25519(priv, 9).
func x25519Public(priv []byte) ([]byte, bool) {
	if useLadder {
		return ladderPublic(priv)
	}
	return ecdhPublic(priv)
}

// x25519Shared returns X25519(priv, peer) alone.
func x25519Shared(priv, peer []byte) ([]byte, bool) {
	if useLadder {
		return ladderShared(priv, peer)
	}
	_, s, ok := ecdhBoth(priv, peer)
	return s, ok
}

// x25519Both returns X25519(priv, 9) and X25519(priv, peer).
func x25519Both(priv, peer []byte) (public, shared []byte, ok bool) {
	if useLadder {
		return ladderBoth(priv, peer)
	}
	return ecdhBoth(priv, peer)
}

func ecdhPublic(priv []byte) ([]byte, bool) {
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, false
	}
	return k.PublicKey().Bytes(), true
}

func ecdhBoth(priv, peer []byte) (public, shared []byte, ok bool) {
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, nil, false
	}
	p, err := ecdh.X25519().NewPublicKey(peer)
	if err != nil {
		return nil, nil, false
	}
	s, err := k.ECDH(p)
	if err != nil {
		return nil, nil, false
	}
	return k.PublicKey().Bytes(), s, true
}

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
