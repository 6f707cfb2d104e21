//go:build js && wasm

package main

import "unsafe"

// The //go:wasmexport entry points of the convention in protocol.go.

var (
	in  []byte // the argument buffer JS writes into
	out []byte // the last result
)

func main() {
	// The exports need the runtime alive: park main forever.
	select {}
}

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
	defer clear(in)
	if n > uint32(len(in)) {
		n = 0
	}
	var kind uint32
	kind, out = invoke(out[:0], index, in[:n])
	return kind
}
