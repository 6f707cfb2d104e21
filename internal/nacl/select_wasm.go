//go:build wasm

package nacl

// useLadder selects internal/x25519 in WebAssembly builds (x25519.go).
const useLadder = true

// useWordSecretbox selects wordSeal/wordOpen in WebAssembly builds
// (secretbox.go).
const useWordSecretbox = true
