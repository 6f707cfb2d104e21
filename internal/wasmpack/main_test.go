package main

import (
	"bytes"
	"encoding/binary"
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
	out, err := pack(in, 64)
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
	if again, err := pack(out, 64); err != nil || !bytes.Equal(again, out) {
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
		if _, err := pack(m, 64); err == nil {
			t.Errorf("%s: packed, want an error", name)
		}
	}
	if _, err := pack(withData(one), 64); err != nil {
		t.Errorf("the well-formed base of these cases: %v", err)
	}
}
