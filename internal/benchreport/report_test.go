package main

import (
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/benchreport/ops"
)

func TestKeepMarked(t *testing.T) {
	old := "# old report\n\n<!-- load-habits:start -->\n## Load\n\n| a |\n<!-- load-habits:end -->\n\ntrailing\n<!-- broken:start -->\nno end\n"
	got := string(keepMarked([]byte("# new report\n\nnumbers\n"), []byte(old)))
	want := "# new report\n\nnumbers\n\n<!-- load-habits:start -->\n## Load\n\n| a |\n<!-- load-habits:end -->\n"
	if got != want {
		t.Errorf("keepMarked:\n%s\nwant:\n%s", got, want)
	}
	if got := string(keepMarked([]byte("# new\n"), nil)); got != "# new\n" {
		t.Errorf("without an old report: %q", got)
	}
	// Kept once: regenerating twice does not duplicate the section.
	twice := string(keepMarked([]byte(want), []byte(old)))
	if twice != want {
		t.Errorf("kept twice:\n%s", twice)
	}
}

// TestWasmTableBytesAndHandles: the WebAssembly table shows the bytes and
// handle columns of bench/wasm.mjs with their ratios against libsodium.js
// and names each column's call, and merge accepts the columns from that
// runner only.
func TestWasmTableBytesAndHandles(t *testing.T) {
	list, err := ops.Match(`^(Hybrid/Open/Cat3|Secretbox/Decrypt/64B)$`)
	if err != nil || len(list) != 2 {
		t.Fatalf("ops: %v, %d", err, len(list))
	}
	peer := peerOutput{
		Runner: "bench/wasm.mjs", Node: "v20", Versions: map[string]string{"sealkit.wasm": "1 byte"},
		Columns: map[string]map[string]result{
			wasmColumn: {"Hybrid/Open/Cat3": {NsPerOp: 400e3}, "Secretbox/Decrypt/64B": {NsPerOp: 2000}},
			wasmBytes:  {"Hybrid/Open/Cat3": {NsPerOp: 380e3}, "Secretbox/Decrypt/64B": {NsPerOp: 1000}},
			wasmHandle: {"Hybrid/Open/Cat3": {NsPerOp: 200e3}},
		},
		Calls: map[string]map[string]string{
			wasmColumn: {"Hybrid/Open/Cat3": "unsealFromUser(ctB64, pkB64, skB64, pqSeedB64)", "Secretbox/Decrypt/64B": "decryptSecretbox(ctB64, keyB64)"},
			wasmBytes:  {"Hybrid/Open/Cat3": "unsealFromUserBytes(ct, pk, sk, pqSeed)", "Secretbox/Decrypt/64B": "decryptSecretboxBytes(ct, key)"},
			wasmHandle: {"Hybrid/Open/Cat3": "slotUnseal(userSlot, ctB64)"},
		},
	}
	results := map[string]map[string]result{lsColumn: {"Hybrid/Open/Cat3": {NsPerOp: 400e3}, "Secretbox/Decrypt/64B": {NsPerOp: 1000}}}
	if err := merge(results, peer, runners[1], list); err != nil {
		t.Fatal(err)
	}
	if err := merge(results, peer, runners[0], list); err == nil {
		t.Fatal("merge took the wasm columns from bench/libsodium.mjs")
	}
	var b strings.Builder
	writeWasm(&b, list, results, []peerOutput{peer})
	md := b.String()
	for _, want := range []string{
		"| Operation | sealkit-wasm | sealkit-wasm bytes | sealkit-wasm handle | libsodium.js |",
		"sealkit-wasm bytes ÷ libsodium.js | sealkit-wasm handle ÷ libsodium.js |",
		"| Hybrid/Open/Cat3 | 400 µs | 380 µs | 200 µs | 400 µs | 1.00 | 0.95 | 0.50 | `unsealFromUser(ctB64, pkB64, skB64, pqSeedB64)`; bytes: `unsealFromUserBytes(ct, pk, sk, pqSeed)`; handle: `slotUnseal(userSlot, ctB64)` |",
		"| Secretbox/Decrypt/64B | 2.00 µs | 1.00 µs | | 1.00 µs | 2.00 | 1.00 | | `decryptSecretbox(ctB64, keyB64)`; bytes: `decryptSecretboxBytes(ct, key)` |",
		"**sealkit-wasm handle** is what the SDK's key store",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the table lacks %q:\n%s", want, md)
		}
	}
}
