//go:build !wasm

package nacl

import "crypto/ecdh"

// Outside WebAssembly: crypto/ecdh for X25519 and x/crypto's secretbox,
// both with assembly where it exists (x25519.go, secretbox.go).

// useWordSecretbox keeps x/crypto's secretbox outside WebAssembly
// (secretbox.go).
const useWordSecretbox = false

// x25519Public returns X25519(priv, 9).
func x25519Public(priv []byte) ([]byte, bool) { return ecdhPublic(priv) }

// x25519Shared returns X25519(priv, peer) alone.
func x25519Shared(priv, peer []byte) ([]byte, bool) {
	_, s, ok := ecdhBoth(priv, peer)
	return s, ok
}

// x25519Both returns X25519(priv, 9) and X25519(priv, peer).
func x25519Both(priv, peer []byte) (public, shared []byte, ok bool) { return ecdhBoth(priv, peer) }

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
