//go:build wasm

package argon2

// IDKey is golang.org/x/crypto/argon2.IDKey (Argon2id v1.3), computed by
// this package's wasm-tuned fork.
func IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return idKey(password, salt, nil, nil, time, memory, threads, keyLen)
}

// spare is the last derivation's work memory, wiped, for the next one.
// A WebAssembly module's linear memory never shrinks: once a derivation
// has grown it by 64 MiB, those pages are the module's for good whether
// Go's heap keeps this slice or frees it, so keeping it costs nothing,
// and saves the next derivation allocating and touching 64 MiB of fresh
// pages (measured 2–3% of an INTERACTIVE derivation in Node). It holds
// only zeros between calls: idKey clears the memory before keepBlocks.
var spare []block

// takeBlocks returns n blocks: the spare memory when it is large enough
// (taken, so that a nested call could not share it), else new memory.
func takeBlocks(n uint32) []block {
	if uint64(cap(spare)) >= uint64(n) {
		b := spare[:n]
		spare = nil
		return b
	}
	return make([]block, n)
}

// keepBlocks keeps wiped work memory for the next derivation.
func keepBlocks(b []block) {
	if cap(b) > cap(spare) {
		spare = b[:0]
	}
}
