package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// module builds a module of a type section, a data section of segs and a
// custom section, so that the test sees sections before and after.
func module(segs []segment) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, 1, 1, 0) // type section, no types
	data := encodeData(segs)
	m = append(m, 11)
	m = binary.AppendUvarint(m, uint64(len(data)))
	m = append(m, data...)
	m = append(m, 0, 3, 1, 'x', 9) // custom section "x"
	return m
}

func TestPack(t *testing.T) {
	segs := []segment{
		{8, []byte{1, 2}},
		{8 + 2 + 18, []byte{3}},                   // 18 zeros: merged
		{8 + 2 + 18 + 1 + 64, []byte{4, 5}},       // 64 zeros: merged
		{8 + 2 + 18 + 1 + 64 + 2 + 65, []byte{6}}, // 65 zeros: a new segment
		{100000, bytes.Repeat([]byte{7}, 300)},    // offset and size of several LEB bytes
		{1 << 21, []byte{8}},                      // a 4-byte offset
		{1<<21 + 1 + 64, []byte{9}},               // merged there too
		{4, []byte{10, 11}},                       // a section at lower addresses, as Go writes them
		{4 + 2 + 1, []byte{12}},                   // merged: contiguous in the section
	}
	in := module(segs)
	out, err := pack(in, 64, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, in[:11]) || !bytes.HasSuffix(out, in[len(in)-5:]) {
		t.Error("sections other than data changed")
	}
	start := 11 + 1
	size, n := binary.Uvarint(out[start:])
	got, err := parseData(out[start+n : start+n+int(size)])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Errorf("%d segments, want 5", len(got))
	}
	if !bytes.Equal(image(got), image(segs)) {
		t.Error("initial memory changed")
	}
	if again, err := pack(out, 64, false); err != nil || !bytes.Equal(again, out) {
		t.Errorf("packing twice changed the module (%v)", err)
	}
}

func TestSleb32(t *testing.T) {
	for _, v := range []int32{0, 1, 63, 64, -1, -64, -65, 127, 128, 1 << 20, 1 << 27, 1<<31 - 1, -1 << 31} {
		b := appendSleb32(nil, v)
		got, n := sleb32(b)
		if got != v || n != len(b) {
			t.Errorf("%d: encoded % x, decoded %d (%d bytes)", v, b, got, n)
		}
	}
	if _, n := sleb32([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0}); n != 0 {
		t.Error("a 6-byte i32 decoded")
	}
}

// withData is a module whose data section body is data, as given.
func withData(data []byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, 11)
	m = binary.AppendUvarint(m, uint64(len(data)))
	return append(m, data...)
}

func TestPackRefuses(t *testing.T) {
	one := encodeData([]segment{{8, []byte{1}}}) // 1, 0, 0x41, 8, 0x0b, 1, 1
	for name, m := range map[string][]byte{
		"not wasm":       []byte("\x7fELF\x02\x01\x01\x00"),
		"overlap":        module([]segment{{8, []byte{1, 2, 3}}, {9, []byte{2}}}),
		"overlap behind": module([]segment{{20, []byte{1}}, {8, []byte{1, 2, 3}}, {9, []byte{2}}}),
		"passive":        withData([]byte{1, 1, 1, 1}),
		"other memory":   withData([]byte{1, 2, 1, 0x41, 8, 0x0b, 1, 1}),
		"data count":     append(withData(one), 12, 1, 1),
		"truncated":      withData(one)[:len(withData(one))-2],
		"short segment":  withData([]byte{1, 0, 0x41, 8, 0x0b, 5, 1}),
		"trailing bytes": withData(append(bytes.Clone(one), 0)),
	} {
		if _, err := pack(m, 64, false); err == nil {
			t.Errorf("%s: packed, want an error", name)
		}
	}
	if _, err := pack(withData(one), 64, false); err != nil {
		t.Errorf("the well-formed base of these cases: %v", err)
	}
}

// TestFlattenLines builds testdata/prog for js/wasm, packs it with and
// without flattening the line tables, and runs both in Node: the same
// output, and a traceback that still names the panicking function and its
// file (at the function's first line).
func TestFlattenLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a wasm program")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	root := strings.TrimSpace(string(goroot))
	goBin := filepath.Join(root, "bin", "go")
	dir := t.TempDir()
	orig := filepath.Join(dir, "prog.wasm")
	build := exec.Command(goBin, "build", "-trimpath", "-o", orig, "./testdata/prog")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	in, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := pack(in, maxGap, false)
	if err != nil {
		t.Fatal(err)
	}
	flat, err := pack(in, maxGap, true)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := pack(flat, maxGap, true); err != nil || !bytes.Equal(again, flat) {
		t.Errorf("flattening twice changed the module (%v)", err)
	}

	// What changed: only line and file tables, to fewer non-zero bytes.
	memOf := func(mod []byte) []byte {
		t.Helper()
		for i := 8; i < len(mod); {
			size, n := binary.Uvarint(mod[i+1:])
			start := i + 1 + n
			if mod[i] == 11 {
				segs, err := parseData(mod[start : start+int(size)])
				if err != nil {
					t.Fatal(err)
				}
				return image(segs)
			}
			i = start + int(size)
		}
		t.Fatal("no data section")
		return nil
	}
	mk, mf := memOf(kept), memOf(flat)
	st, err := flattenLines(bytes.Clone(mk))
	if err != nil {
		t.Fatal(err)
	}
	diff := 0
	for i := range mk {
		if mk[i] != mf[i] {
			diff++
		}
	}
	if diff == 0 || diff > st.bytes || st.tables == 0 {
		t.Fatalf("%d bytes differ; %d tables, %d bytes rewritten", diff, st.tables, st.bytes)
	}
	t.Logf("%d functions, %d tables flattened (%d bytes, %d changed)", st.funcs, st.tables, st.bytes, diff)

	run := func(mod []byte, args ...string) (string, string, error) {
		t.Helper()
		f := filepath.Join(dir, "run.wasm")
		if err := os.WriteFile(f, mod, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(filepath.Join(root, "lib", "wasm", "go_js_wasm_exec"), append([]string{f}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	want, _, err := run(kept)
	if err != nil {
		t.Fatalf("unflattened program: %v", err)
	}
	got, _, err := run(flat)
	if err != nil || got != want {
		t.Fatalf("flattened program: %q (%v), want %q", got, err, want)
	}
	if !strings.Contains(want, "assignment to entry in nil map") {
		t.Fatalf("output %q: the recovered panic is missing", want)
	}
	_, trace, err := run(flat, "boom")
	if err == nil || !strings.Contains(trace, "panic: boom") || !strings.Contains(trace, "main.boom(") ||
		!regexp.MustCompile(`prog/main\.go:\d+`).MatchString(trace) {
		t.Fatalf("traceback of the flattened program (%v):\n%s", err, trace)
	}
}
