package main

import (
	"encoding/base64"
	"encoding/binary"
	"unsafe"

	"github.com/sealkit/sealkit/internal/b64"
)

// The module's calling convention. Each export of the table is reached
// through one //go:wasmexport entry point over linear memory rather than a
// syscall/js callback: a js.FuncOf call resumes the Go scheduler through
// the event loop machinery and costs ~13 µs in Node, a wasmexport call
// ~20 ns, which is the difference between 20× and parity with
// libsodium.js on small operations. js/crypto.js is the other half:
//
//  1. manifest() describes the table: for each export, in order,
//     "name" then its parameters, as length-prefixed strings (see
//     putString). A parameter's name may end in "*" (raw bytes: a
//     Uint8Array) or "#" (a number: u32le), then in "?" (optional); a
//     plain name is a string.
//  2. For a call, JS asks input(n) for a buffer of n bytes and writes each
//     argument as u32le length + its bytes — a string's UTF-8, a
//     Uint8Array's bytes as they are, a number's four — (length
//     0xFFFFFFFF: an absent optional argument), then calls call(index, n).
//  3. call returns a kind; output() and outputLen() locate the result:
//     kindString: the UTF-8 bytes; kindBool: one byte; kindObject: key,
//     value, key, value… as length-prefixed strings; kindError: code,
//     message as length-prefixed strings; kindBytes: the raw bytes (JS
//     returns a copy in a fresh Uint8Array); kindNumber: a u32le.
//
// Go zeroes the input after the call, and JS zeroes the output after
// reading it. In between, arguments are not copied: a call sees views of
// the input buffer (decodeArgs), and a result is written to the output
// once, with secret results wiped where they were made (invoke). So no
// argument or result is left in linear memory by this layer; what the
// core itself leaves is in docs/ARCHITECTURE.md, "Key material in memory".

const (
	kindString = 0
	kindBool   = 1
	kindObject = 2
	kindError  = 3
	kindBytes  = 4
	kindNumber = 5
)

const absent = 0xFFFFFFFF

// putString appends a length-prefixed string.
func putString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// appendManifest appends the description of the export table.
func appendManifest(b []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(exports)+len(slotExports)))
	for i := range len(exports) + len(slotExports) {
		e := exportAt(uint32(i))
		b = putString(b, e.name)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(e.params)))
		for _, p := range e.params {
			b = appendParam(b, p)
		}
	}
	return b
}

// appendParam appends a parameter's name as the manifest writes it, with
// its kind and optionality as suffixes, length-prefixed.
func appendParam(b []byte, p param) []byte {
	start := len(b)
	b = putString(b, p.name)
	if p.kind != kindStringParam {
		b = append(b, "?*#"[p.kind])
	}
	if p.optional {
		b = append(b, '?')
	}
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}

// outNext is the output buffer of the call in progress (invoke sets it):
// an export with a large byte result (a secretbox of the bytes API or of a
// key slot, slots.go) appends it there through reserve and returns it as
// inPlace, which invoke passes on without a copy or a second buffer.
var outNext []byte

// inPlace is a byte result already written to outNext. It is not cleared
// here: it is the output, which JS zeroes once read.
type inPlace []byte

// exportAt is export i of the module: the compatible table, then the
// slot and bytes exports (slots.go). nil past the end.
func exportAt(i uint32) *export {
	if int(i) < len(exports) {
		return &exports[i]
	}
	if j := int(i) - len(exports); j < len(slotExports) {
		return &slotExports[j]
	}
	return nil
}

// invoke runs export index over encoded arguments and appends the encoded
// result to out. Malformed input is an INVALID_ARGUMENT error, never a
// panic. The arguments are views of args, valid during the call only.
func invoke(out []byte, index uint32, args []byte) (kind uint32, _ []byte) {
	e := exportAt(index)
	if e == nil {
		return appendError(out, codeInvalidArgument, "invalid call: no export")
	}
	a, ok := decodeArgs(args, len(e.params))
	if !ok {
		return appendError(out, codeInvalidArgument, "invalid call: malformed arguments")
	}
	outNext = out
	r, err := e.call(a)
	outNext = nil
	if err != nil {
		return appendError(out, errorCode(err), err.Error())
	}
	return appendResult(out, r)
}

// appendResult appends an encoded result to out, and wipes it if it is
// secret.
func appendResult(out []byte, r result) (kind uint32, _ []byte) {
	switch r := r.(type) {
	case bool:
		if r {
			return kindBool, append(out, 1)
		}
		return kindBool, append(out, 0)
	case object:
		n := 0
		for _, f := range r {
			n += 8 + len(f.key) + valueLen(f.value)
		}
		out = reserve(out, n)
		for _, f := range r {
			out = putString(out, f.key)
			out = binary.LittleEndian.AppendUint32(out, uint32(valueLen(f.value)))
			out = appendValue(out, f.value)
		}
		return kindObject, out
	case string, secretText, secretB64:
		return kindString, appendValue(reserve(out, valueLen(r)), r)
	case secretBytes:
		out = appendBytes(out, r)
		clear(r)
		return kindBytes, out
	case inPlace:
		return kindBytes, r
	case number:
		return kindNumber, binary.LittleEndian.AppendUint32(out, uint32(r))
	}
	return appendError(out, codeInternal, "internal error: unexpected result type")
}

// valueLen is the length of a text result as written to the output.
func valueLen(v result) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case secretText:
		return len(v)
	case secretB64:
		return base64.StdEncoding.EncodedLen(len(v))
	}
	return 0
}

// appendValue appends a text result, and wipes it if it is secret.
func appendValue(out []byte, v result) []byte {
	switch v := v.(type) {
	case string:
		out = append(out, v...)
	case secretText:
		out = append(out, v...)
		clear(v)
	case secretB64:
		out = b64.AppendEncode(out, v)
		clear(v)
	}
	return out
}

// appendBytes appends b to out through reserve. Not inlined: inlined in
// both byte cases of appendResult, with reserve, it was ~3 KB of wasm code.
//
//go:noinline
func appendBytes(out, b []byte) []byte { return append(reserve(out, len(b)), b...) }

// reserve returns out with room for n more bytes. Growing out moves it:
// the old array is wiped first, so that no earlier result or part of this
// one stays behind in it.
func reserve(out []byte, n int) []byte {
	if cap(out)-len(out) >= n {
		return out
	}
	grown := make([]byte, len(out), len(out)+n)
	copy(grown, out)
	clear(out[:cap(out)])
	return grown
}

// decodeArgs reads exactly want length-prefixed arguments; an absent one
// is "", which every optional parameter reads as the crate's None. The
// strings are views of b, not copies: a copy on the Go heap could not be
// wiped, while b is (main_js.go clears the input after each call). They
// must not be kept past the call or written to.
func decodeArgs(b []byte, want int) ([]string, bool) {
	args := make([]string, want)
	for i := range args {
		if len(b) < 4 {
			return nil, false
		}
		n := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if n == absent {
			continue
		}
		if uint64(n) > uint64(len(b)) {
			return nil, false
		}
		if n > 0 {
			args[i] = unsafe.String(&b[0], n)
		}
		b = b[n:]
	}
	return args, len(b) == 0
}

// appendError is not inlined: its four call sites in invoke, each with two
// putStrings, were ~3 KB of wasm code for the error path.
//
//go:noinline
func appendError(out []byte, code, msg string) (uint32, []byte) {
	return kindError, putString(putString(out, code), msg)
}
