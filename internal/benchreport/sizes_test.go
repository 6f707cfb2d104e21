package main

import (
	"testing"
)

func TestSymbolPackager(t *testing.T) {
	graph := map[string][]string{
		wasmMain:                     nil,
		"github.com/sealkit/sealkit": nil,
		"github.com/sealkit/sealkit/internal/nacl": nil,
		"crypto/internal/fips140/mlkem":            nil,
		"crypto/internal/fips140":                  nil,
		"runtime":                                  nil,
		"syscall/js":                               nil,
	}
	pkgOf := symbolPackager(graph)
	for sym, want := range map[string]string{
		"crypto_internal_fips140_mlkem.__DecapsulationKey768_.Decapsulate": "crypto/internal/fips140/mlkem",
		"crypto_internal_fips140.init":                                     "crypto/internal/fips140",
		"github.com_sealkit_sealkit_internal_nacl.BoxSealOpen":             "github.com/sealkit/sealkit/internal/nacl",
		"github.com_sealkit_sealkit.SealForUser":                           "github.com/sealkit/sealkit",
		"main.init.func2":                                                  wasmMain,
		"runtime.mallocgc":                                                 "runtime",
		"syscall_js.Value.Get":                                             "syscall/js",
		"type_.eq.runtime.itab":                                            "(compiler-generated: type equality, wrappers)",
		"memchr":                                                           "(other: memchr)",
	} {
		if got := pkgOf(sym); got != want {
			t.Errorf("pkgOf(%q) = %q, want %q", sym, got, want)
		}
	}
}

func TestParseWasm(t *testing.T) {
	// A module with one imported function, two defined functions (bodies
	// of 2 and 3 bytes), and a name section naming them.
	mod := []byte("\x00asm\x01\x00\x00\x00")
	section := func(id byte, body []byte) {
		mod = append(mod, id, byte(len(body)))
		mod = append(mod, body...)
	}
	section(2, []byte("\x01\x02go\x01f\x00\x00"))           // import "go" "f" func type 0
	section(10, []byte("\x02\x02\x00\x0b\x03\x00\x01\x0b")) // two bodies
	entries := []byte("\x02\x01\x01a\x02\x02bb")            // count 2: idx 1 "a", idx 2 "bb"
	sub := append([]byte{1, byte(len(entries))}, entries...)
	section(0, append([]byte("\x04name"), sub...))
	secs, funcs, err := parseWasm(mod)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 3 || secs[1].Name != "code" || secs[2].Name != "custom name" {
		t.Fatalf("sections %+v", secs)
	}
	if len(funcs) != 2 || funcs[0] != (wasmFunc{"a", 2}) || funcs[1] != (wasmFunc{"bb", 3}) {
		t.Fatalf("functions %+v", funcs)
	}
}

func TestCommas(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 3483409: "3,483,409", -1234: "-1,234"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %q, want %q", n, got, want)
		}
	}
}
