// Package jstest holds sealkit's JavaScript-side tests: the WebAssembly
// build driven through the SDK in js/ inside headless Chromium (under a
// strict Content-Security-Policy) and through js/crypto.js in Node, checked
// against the shared vectors and, operation by operation in both
// directions, against the native Go packages.
//
// Everything is in the _test.go files and testdata/; this file only names
// the package. The tests are native only (a js/wasm test binary cannot
// start Chromium or Node): they build the wasm module themselves, so `go test
// ./...` needs no `make wasm`. They need Node and Debian's chromium
// (or SEALKIT_CHROMIUM=/path); SEALKIT_SKIP_BROWSER=1 and
// SEALKIT_SKIP_NODE=1 skip those parts explicitly.
package jstest
