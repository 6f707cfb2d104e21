//go:build js && wasm

package main

import (
	"unsafe"

	"github.com/sealkit/sealkit/internal/ed25519"
	"github.com/sealkit/sealkit/internal/x25519"
)

// The //go:wasmexport entry points of the convention in protocol.go.

var (
	in  []byte // the argument buffer JS writes into
	out []byte // the last result
)

func main() {
	warmUp()
	// The exports need the runtime alive: park main forever.
	select {}
}

// warmUp builds the core's lazily made tables (internal/x25519's base
// point table and Edwards constants) with public inputs before any call
// can bring a secret. Built during a call, their first use grew the
// goroutine's stack past what stackZero makes room for, and Go copies a
// growing stack and frees the old one as it is: a caller's frame with a
// clamped private key (ScalarBaseMult's) stayed in linear memory, unwiped
// (js/test/memory.test.mjs found it whenever a key happened to be clamped
// already, about one run in 32).
func warmUp() {
	var pub, scalar [32]byte
	scalar[0] = 9
	x25519.ScalarBaseMult(&pub, &scalar)
	ed25519.Verify(make([]byte, 32), nil, make([]byte, 64))
}

// The host calls the //go:wasmexport functions below; Go code does not.
// Naming them here makes them reachable for staticcheck's unused check,
// which does not count //go:wasmexport as a root.
var _ = []any{describe, inputBuffer, outputBuffer, outputLen, callExport}

func ptr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

//go:wasmexport manifest
func describe() uint32 {
	out = appendManifest(out[:0])
	return uint32(len(out))
}

//go:wasmexport input
func inputBuffer(n uint32) uint32 {
	if uint32(cap(in)) < n {
		in = make([]byte, n)
	}
	in = in[:n]
	return ptr(in)
}

//go:wasmexport output
func outputBuffer() uint32 { return ptr(out) }

//go:wasmexport outputLen
func outputLen() uint32 { return uint32(len(out)) }

//go:wasmexport call
func callExport(index, n uint32) uint32 {
	stackZero() // first, so that the stack has room for the one after
	defer stackZero()
	defer clear(in)
	if n > uint32(len(in)) {
		n = 0
	}
	var kind uint32
	kind, out = invoke(out[:0], index, in[:n])
	return kind
}

// stackScrub is how much stack stackZero overwrites.
const stackScrub = 16 << 10

// stackZero overwrites the stack below its caller, as libsodium's
// sodium_stackzero does: the frames a call leaves behind hold copies of
// its secrets (x/crypto's BLAKE2b leaves the session key in the frames of
// its Sum), and Go does not clear dead frames. Go zeroes a local array
// before its first use, so this frame covers the addresses the call's
// deeper frames occupied. It runs before the call as well, so that if the
// stack must grow to make room, it grows (copying only live frames and
// freeing the old stack as it is) before any secret is on it.
//
//go:noinline
func stackZero() {
	var b [stackScrub]byte
	sink(&b)
}

// sink keeps b alive, so that the compiler must materialise its zeroing.
//
//go:noinline
func sink(*[stackScrub]byte) {}
