//go:build wasm

package nacl

// In WebAssembly: internal/x25519's ladder (one scalar multiplication per
// call) and the word-wise secretbox (x25519.go, secretbox.go).

// useWordSecretbox selects wordSeal/wordOpen (secretbox.go).
const useWordSecretbox = true

// x25519Public returns X25519(priv, 9).
func x25519Public(priv []byte) ([]byte, bool) { return ladderPublic(priv) }

// x25519Shared returns X25519(priv, peer) alone.
func x25519Shared(priv, peer []byte) ([]byte, bool) { return ladderShared(priv, peer) }

// x25519Both returns X25519(priv, 9) and X25519(priv, peer).
func x25519Both(priv, peer []byte) (public, shared []byte, ok bool) { return ladderBoth(priv, peer) }
