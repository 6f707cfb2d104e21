package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/sealtext"
)

// encodeArgs is the JS side's encoding (js/crypto.js bindExport); nil
// stands for an absent optional argument.
func encodeArgs(args ...*string) []byte {
	var b []byte
	for _, a := range args {
		if a == nil {
			b = binary.LittleEndian.AppendUint32(b, absent)
			continue
		}
		b = putString(b, *a)
	}
	return b
}

func s(v string) *string { return &v }

type reader struct{ b []byte }

func (r *reader) str(t *testing.T) string {
	t.Helper()
	if len(r.b) < 4 {
		t.Fatalf("short output")
	}
	n := binary.LittleEndian.Uint32(r.b)
	if uint64(n) > uint64(len(r.b)-4) {
		t.Fatalf("length %d past the end", n)
	}
	v := string(r.b[4 : 4+n])
	r.b = r.b[4+n:]
	return v
}

func index(t *testing.T, name string) uint32 {
	for i := uint32(0); exportAt(i) != nil; i++ {
		if exportAt(i).name == name {
			return i
		}
	}
	t.Fatalf("no export %s", name)
	return 0
}

func TestManifest(t *testing.T) {
	b := appendManifest(nil)
	n := binary.LittleEndian.Uint32(b)
	r := &reader{b[4:]}
	if int(n) != len(exports)+len(slotExports) {
		t.Fatalf("manifest has %d exports", n)
	}
	for _, e := range append(append([]export(nil), exports...), slotExports...) {
		if got := r.str(t); got != e.name {
			t.Fatalf("manifest name %q, want %q", got, e.name)
		}
		m := binary.LittleEndian.Uint32(r.b)
		r.b = r.b[4:]
		if int(m) != len(e.params) {
			t.Fatalf("%s: %d params in manifest", e.name, m)
		}
		for _, p := range e.params {
			want := p.name
			if p.kind == kindBytesParam {
				want += "*"
			}
			if p.kind == kindNumberParam {
				want += "#"
			}
			if p.optional {
				want += "?"
			}
			if got := r.str(t); got != want {
				t.Fatalf("%s: param %q, want %q", e.name, got, want)
			}
		}
	}
	if len(r.b) != 0 {
		t.Fatalf("%d trailing bytes", len(r.b))
	}
}

func TestInvoke(t *testing.T) {
	kp, _ := sealtext.GenerateKeyPair()
	pt := "aGVsbG8="
	kind, out := invoke(nil, index(t, "sealForUser"), encodeArgs(s(pt), s(kp.PublicKey), nil))
	if kind != kindString {
		t.Fatalf("sealForUser kind %d: %q", kind, out)
	}
	ct := string(out)
	kind, out = invoke(nil, index(t, "unsealFromUser"), encodeArgs(s(ct), s(kp.PublicKey), s(kp.PrivateKey), nil))
	if kind != kindString || string(out) != pt {
		t.Fatalf("unsealFromUser = %d %q", kind, out)
	}
	kind, out = invoke(nil, index(t, "isHybridCiphertext"), encodeArgs(s(ct)))
	if kind != kindBool || !bytes.Equal(out, []byte{0}) {
		t.Fatalf("isHybridCiphertext = %d %v", kind, out)
	}
	kind, out = invoke(nil, index(t, "generateKeyPair"), nil)
	r := &reader{out}
	if kind != kindObject || r.str(t) != "publicKey" || len(r.str(t)) != 44 || r.str(t) != "privateKey" || len(r.str(t)) != 44 || len(r.b) != 0 {
		t.Fatalf("generateKeyPair = %d %q", kind, out)
	}
	kind, out = invoke([]byte("stale"), index(t, "decryptSecretbox"), encodeArgs(s("AAAA"), s(sealtext.GenerateKey())))
	r = &reader{out[len("stale"):]}
	if kind != kindError || r.str(t) != codeTooShort || r.str(t) != "ciphertext too short to be valid" {
		t.Fatalf("decryptSecretbox error = %d %q", kind, out)
	}
}

// TestInvokeMalformed: an encoding the JS side never produces is an
// INVALID_ARGUMENT error, not a panic and not a call.
func TestInvokeMalformed(t *testing.T) {
	good := encodeArgs(s("AAAA"), s("AAAA"))
	for name, tc := range map[string]struct {
		index uint32
		args  []byte
	}{
		"no such export":  {uint32(len(exports) + len(slotExports)), good},
		"too few args":    {index(t, "decryptSecretbox"), encodeArgs(s("AAAA"))},
		"too many args":   {index(t, "decryptSecretbox"), encodeArgs(s("AAAA"), s("AAAA"), s("AAAA"))},
		"length past end": {index(t, "decryptSecretbox"), append(binary.LittleEndian.AppendUint32(nil, 100), "AAAA"...)},
		"truncated len":   {index(t, "decryptSecretbox"), []byte{1, 0}},
		"empty":           {index(t, "boxSeal"), nil},
	} {
		kind, out := invoke(nil, tc.index, tc.args)
		r := &reader{out}
		if kind != kindError || r.str(t) != codeInvalidArgument {
			t.Errorf("%s: kind %d %q", name, kind, out)
		}
	}
}

// FuzzDecodeArgs: any bytes decode or fail cleanly, and what decodes
// re-encodes to the same bytes (absent arguments aside).
func FuzzDecodeArgs(f *testing.F) {
	f.Add(encodeArgs(s("a"), nil, s("")), 3)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, 1)
	f.Add([]byte{5, 0, 0, 0, 'a'}, 1)
	f.Fuzz(func(t *testing.T, b []byte, want int) {
		if want < 0 || want > 8 {
			return
		}
		args, ok := decodeArgs(b, want)
		if !ok {
			return
		}
		if len(args) != want {
			t.Fatalf("%d args, want %d", len(args), want)
		}
		if bytes.Contains(b, []byte{0xff, 0xff, 0xff, 0xff}) {
			return
		}
		var re []byte
		for _, a := range args {
			re = putString(re, a)
		}
		if !bytes.Equal(re, b) {
			t.Fatalf("re-encoding differs")
		}
	})
}

// TestArgumentsAreViews: decodeArgs copies nothing, so the only copy of an
// argument in linear memory is the input buffer, which main_js.go clears
// after every call.
func TestArgumentsAreViews(t *testing.T) {
	b := encodeArgs(s("password"), nil, s("key"))
	args, ok := decodeArgs(b, 3)
	if !ok {
		t.Fatal("decodeArgs failed")
	}
	clear(b)
	for i, a := range args {
		if strings.Trim(a, "\x00") != "" {
			t.Errorf("argument %d = %q after its buffer was cleared: a copy", i, a)
		}
	}
}

// TestSecretResultsWiped: invoke clears a secret result once it is in the
// output, and a moved output leaves nothing behind.
func TestSecretResultsWiped(t *testing.T) {
	text, raw := secretText("recovery key"), secretB64{1, 2, 3}
	if got := string(appendValue(nil, text)); got != "recovery key" {
		t.Fatalf("secretText written as %q", got)
	}
	if got := string(appendValue(nil, raw)); got != "AQID" {
		t.Fatalf("secretB64 written as %q", got)
	}
	if !isZero(text) || !isZero(raw) {
		t.Fatalf("not wiped: %q %v", text, raw)
	}

	old := make([]byte, 0, 8)
	old = append(old, "secret!!"...)
	grown := reserve(old[:2], 100)
	if string(grown) != "se" || cap(grown) < 102 {
		t.Fatalf("reserve = %q (cap %d)", grown, cap(grown))
	}
	if !isZero(old[:cap(old)]) {
		t.Fatalf("the array reserve left still holds %q", old[:cap(old)])
	}

	// Through the table: a call's secret results are secretText or
	// secretB64, not strings, so invoke can wipe them.
	key := sealtext.GenerateKey()
	kp, _ := sealtext.GenerateKeyPair()
	wrapped, _ := sealtext.EncryptPrivateKey(kp.PrivateKey, key)
	r, err := exports[index(t, "decryptPrivateKey")].call([]string{wrapped, key})
	if _, ok := r.(secretText); !ok || err != nil {
		t.Fatalf("decryptPrivateKey returns %T, %v", r, err)
	}
	kind, out := invoke(nil, index(t, "decryptPrivateKey"), encodeArgs(s(wrapped), s(key)))
	if kind != kindString || string(out) != kp.PrivateKey {
		t.Fatalf("decryptPrivateKey = %d %q", kind, out)
	}
	for _, name := range []string{"generateKeyPair", "generateHybridKeyPair", "generateRecoveryKey"} {
		r, _ = exports[index(t, name)].call(nil)
		for _, f := range r.(object) {
			if _, public := f.value.(string); public != (f.key == "publicKey") {
				t.Errorf("%s: %s is a %T", name, f.key, f.value)
			}
		}
	}
	if r, _ := exports[index(t, "generateKey")].call(nil); fmt.Sprintf("%T", r) != "main.secretB64" {
		t.Errorf("generateKey returns %T", r)
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
