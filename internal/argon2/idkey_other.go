//go:build !wasm

package argon2

import "golang.org/x/crypto/argon2"

// IDKey is golang.org/x/crypto/argon2.IDKey (Argon2id v1.3). Outside wasm
// it calls x/crypto itself, which has SIMD assembly on amd64; the fork is
// compiled and tested there but not used.
func IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// takeBlocks allocates the work memory. Natively the fork is only tested
// (IDKey is x/crypto's), and a server's heap should get its memory back.
func takeBlocks(n uint32) []block { return make([]block, n) }

// keepBlocks keeps nothing natively.
func keepBlocks([]block) {}
