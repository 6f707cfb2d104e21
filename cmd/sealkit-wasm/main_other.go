//go:build !(js && wasm)

// Command sealkit-wasm is sealkit's crypto core as a WebAssembly module with
// the JavaScript API of metamorphic-crypto's wasm-bindgen build
// (wire-format.md §6.1). Build it with `make wasm`, which runs
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o js/dist/sealkit.wasm ./cmd/sealkit-wasm
//
// and load it through js/crypto.js (compatible API) or js/index.js (the
// SDK). Built for any other target it only says so.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sealkit-wasm is a WebAssembly module: build it with GOOS=js GOARCH=wasm (make wasm)")
	os.Exit(2)
}
