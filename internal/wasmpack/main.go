// Command wasmpack rewrites the data section of a WebAssembly module that
// Go's linker wrote, so that it compresses better, and leaves everything
// else as it is:
//
//	go run ./internal/wasmpack [-keep-lines] FILE     (scripts/wasm.sh, after go build)
//
// Go's linker (cmd/link/internal/wasm) starts a new data segment at every
// run of more than 8 zero bytes, which makes the raw module smallest. But
// the runtime's findfunctab (one 20-byte bucket per 4096 PCs, and a wasm
// function spans 65536: 16 buckets a function, ~35,000 in all) holds two
// non-zero bytes and 18 zeros a bucket, so each bucket becomes a segment of
// its own, and the segment headers, each with a different memory offset,
// are what brotli and gzip cannot squeeze: ~290 KB of headers, ~45 KB of
// the brotli module. Merging segments across short zero runs writes those
// zeros out instead (the raw module grows by ~0.4 MB of zeros, which
// compress to almost nothing) and drops the headers: the module comes out
// ~44 KB smaller with brotli and ~63 KB with gzip. The linear memory the
// module starts with is byte for byte the same: wasmpack checks that before
// it writes the file.
//
// Second, unless -keep-lines is given, it flattens the runtime's line and
// file tables (lines.go): a traceback still names each function and its
// file but shows the function's first line; ~47 KB less brotli. Apart from
// those tables the initial memory is again byte for byte the same.
package main

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
)

// maxGap is the longest run of zeros merged into a segment. Measured on
// sealkit.wasm: 32 and 64 both swallow findfunctab's 18- and 19-byte runs;
// 64 came out smallest with brotli (larger gaps only add raw bytes).
const maxGap = 64

func main() {
	keepLines := flag.Bool("keep-lines", false, "leave the line tables as the linker wrote them (see lines.go)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmpack [-keep-lines] FILE.wasm (rewritten in place)")
		os.Exit(2)
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
	}
	name := flag.Arg(0)
	in, err := os.ReadFile(name)
	if err == nil {
		var out []byte
		if out, err = pack(in, maxGap, !*keepLines); err == nil {
			err = os.WriteFile(name, out, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmpack:", name+":", err)
		os.Exit(1)
	}
}

// segment is an active data segment of memory 0: data copied to offset
// when the module is instantiated.
type segment struct {
	offset uint32
	data   []byte
}

// pack returns the module with its data segments merged across zero runs
// of at most gap bytes, and with the pclntab's line tables flattened
// (lines.go) if lines is true. A module with no data section is returned as it
// is; one whose data section is not the plain kind Go writes (active
// segments of memory 0 at constant offsets, not overlapping) is an error
// rather than something to guess at.
func pack(mod []byte, gap int, lines bool) ([]byte, error) {
	if len(mod) < 8 || string(mod[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	out := append([]byte(nil), mod[:8]...)
	merged := -1
	for i := 8; i < len(mod); {
		id := mod[i]
		size, n := binary.Uvarint(mod[i+1:])
		start := i + 1 + n
		if n <= 0 || size > uint64(len(mod)-start) {
			return nil, fmt.Errorf("section %d: bad size", id)
		}
		end := start + int(size)
		switch id {
		case 12: // data count: would have to match a changed count
			return nil, errors.New("module has a data count section; not written by Go's linker")
		case 11:
			segs, err := parseData(mod[start:end])
			if err != nil {
				return nil, fmt.Errorf("data section: %w", err)
			}
			mem := image(segs)
			if lines {
				if _, err := flattenLines(mem); err != nil {
					return nil, err
				}
				segs = reload(segs, mem)
			}
			packed := mergeSegments(segs, gap)
			if !bytes.Equal(mem, image(packed)) {
				return nil, errors.New("merged segments would change the initial memory")
			}
			body := encodeData(packed)
			out = append(out, 11)
			out = binary.AppendUvarint(out, uint64(len(body)))
			out = append(out, body...)
			merged = len(packed)
		default:
			out = append(out, mod[i:end]...)
		}
		i = end
	}
	if merged < 0 {
		return mod, nil
	}
	return out, nil
}

// parseData reads a data section of active segments for memory 0 whose
// offsets are i32.const expressions.
func parseData(b []byte) ([]segment, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errors.New("bad segment count")
	}
	b = b[n:]
	segs := make([]segment, 0, count)
	for range count {
		if len(b) < 2 || b[0] != 0 || b[1] != 0x41 { // mode 0 (active, memory 0), i32.const
			return nil, errors.New("segment is not active at an i32.const offset")
		}
		off, n := sleb32(b[2:])
		if n <= 0 || len(b) < 2+n+1 || b[2+n] != 0x0b { // end
			return nil, errors.New("bad segment offset")
		}
		b = b[2+n+1:]
		size, n := binary.Uvarint(b)
		if n <= 0 || size > uint64(len(b)-n) {
			return nil, errors.New("bad segment size")
		}
		data := b[n : n+int(size)]
		b = b[n+int(size):]
		segs = append(segs, segment{uint32(off), data})
	}
	if len(b) != 0 {
		return nil, errors.New("bytes after the last segment")
	}
	// Go writes the segments of each of its data sections in address
	// order, but not the sections themselves; they never overlap.
	sorted := slices.SortedFunc(slices.Values(segs), func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	for i := 1; i < len(sorted); i++ {
		if uint64(sorted[i-1].offset)+uint64(len(sorted[i-1].data)) > uint64(sorted[i].offset) {
			return nil, errors.New("segments overlap")
		}
	}
	return segs, nil
}

// mergeSegments joins each segment to the one before it in the section
// when it starts at most gap zero bytes after that one's end.
func mergeSegments(segs []segment, gap int) []segment {
	var out []segment
	for _, s := range segs {
		if k := len(out) - 1; k >= 0 {
			end := uint64(out[k].offset) + uint64(len(out[k].data))
			if uint64(s.offset) >= end && uint64(s.offset)-end <= uint64(gap) {
				out[k].data = append(append(out[k].data, make([]byte, uint64(s.offset)-end)...), s.data...)
				continue
			}
		}
		out = append(out, segment{s.offset, append([]byte(nil), s.data...)})
	}
	return out
}

func encodeData(segs []segment) []byte {
	b := binary.AppendUvarint(nil, uint64(len(segs)))
	for _, s := range segs {
		b = append(b, 0, 0x41)
		b = appendSleb32(b, int32(s.offset))
		b = append(b, 0x0b)
		b = binary.AppendUvarint(b, uint64(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// reload returns segments at the offsets and of the sizes of segs, holding
// what mem (image(segs), changed) holds there.
func reload(segs []segment, mem []byte) []segment {
	lo := segs[0].offset
	for _, s := range segs {
		lo = min(lo, s.offset)
	}
	out := make([]segment, len(segs))
	for i, s := range segs {
		out[i] = segment{s.offset, mem[s.offset-lo : int(s.offset-lo)+len(s.data)]}
	}
	return out
}

// image is the memory the segments initialise, from the lowest address
// they write to the highest.
func image(segs []segment) []byte {
	if len(segs) == 0 {
		return nil
	}
	lo, hi := uint64(segs[0].offset), uint64(0)
	for _, s := range segs {
		lo = min(lo, uint64(s.offset))
		hi = max(hi, uint64(s.offset)+uint64(len(s.data)))
	}
	m := make([]byte, hi-lo)
	for _, s := range segs {
		copy(m[uint64(s.offset)-lo:], s.data)
	}
	return m
}

// sleb32 decodes a signed LEB128 i32 (an i32.const immediate); n is the
// number of bytes read, 0 if b ends first or the value is too long.
func sleb32(b []byte) (v int32, n int) {
	var x int64
	var shift uint
	for i, c := range b {
		if i == 5 {
			return 0, 0
		}
		x |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if c&0x40 != 0 {
				x |= -1 << shift
			}
			return int32(x), i + 1
		}
	}
	return 0, 0
}

func appendSleb32(b []byte, v int32) []byte {
	x := int64(v)
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if (x == 0 && c&0x40 == 0) || (x == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
