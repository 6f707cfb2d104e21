// Package js embeds the browser files of @sealkit/sdk (this directory is
// also the npm package) so that a Go server can serve them from its own
// binary. dist/ holds the wasm build of `make wasm`; in a checkout where it
// has not run, dist/ holds only .gitkeep and servers report the wasm as
// missing.
package js

import "embed"

// Files holds the SDK's ES modules (*.js) and dist/ (sealkit.wasm, its
// .gz/.br copies, wasm_exec.js).
//
//go:embed *.js all:dist
var Files embed.FS
