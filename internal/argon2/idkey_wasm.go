//go:build wasm

package argon2

// IDKey is golang.org/x/crypto/argon2.IDKey (Argon2id v1.3), computed by
// this package's wasm-tuned fork.
func IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return idKey(password, salt, nil, nil, time, memory, threads, keyLen)
}
