//go:build !wasm

package nacl

// useLadder keeps crypto/ecdh outside WebAssembly (x25519.go).
const useLadder = false

// useWordSecretbox keeps x/crypto's secretbox outside WebAssembly
// (secretbox.go).
const useWordSecretbox = false
