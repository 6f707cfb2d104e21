//go:build !wasm

package argon2

import "golang.org/x/crypto/argon2"

// IDKey is golang.org/x/crypto/argon2.IDKey (Argon2id v1.3). Outside wasm
// it calls x/crypto itself, which has SIMD assembly on amd64; the fork is
// compiled and tested there but not used.
func IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}
