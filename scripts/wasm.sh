#!/usr/bin/env bash
# Builds js/dist/sealkit.wasm reproducibly — no paths, build id, symbols or
# VCS stamp, so the same source and Go version give the same bytes —, packs
# its data section (internal/wasmpack), copies
# the matching wasm_exec.js next to it and writes .gz and .br copies for
# servers that serve precompressed files. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod needs Go 1.27 (crypto/mldsa); the go command fetches it
out=js/dist
mkdir -p "$out"
GOOS=js GOARCH=wasm "$GO" build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$out/sealkit.wasm.tmp" ./cmd/sealkit-wasm
# Merge the linker's data segments across short zero runs (the same initial
# memory, ~44 KB less brotli) and flatten the pclntab's line tables (a
# traceback shows each function's first line; ~47 KB less brotli);
# internal/wasmpack says why. WASMPACK_FLAGS=-keep-lines keeps the lines.
"$GO" run ./internal/wasmpack ${WASMPACK_FLAGS:-} "$out/sealkit.wasm.tmp"
mv "$out/sealkit.wasm.tmp" "$out/sealkit.wasm"
cp "$("$GO" env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
# -n: no name or time stamp in the gzip header, so the .gz is reproducible.
gzip -9 -n -c "$out/sealkit.wasm" > "$out/sealkit.wasm.gz"
if command -v brotli >/dev/null; then
  brotli -q 11 -f -o "$out/sealkit.wasm.br" "$out/sealkit.wasm"
else
  rm -f "$out/sealkit.wasm.br"
  echo "wasm.sh: brotli not installed; no .br written" >&2
fi
for f in "$out"/sealkit.wasm*; do
  printf '%-28s %9d bytes\n' "$f" "$(wc -c < "$f")"
done
