package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Flattening the line tables.
//
// Go's runtime keeps, for every function, tables that map each PC of the
// function to a value (pclntab's pctab): the stack pointer delta (pcsp),
// the stack maps and unsafe points (pcdata), and the source file and line
// (pcfile, pcln). The first two are needed to run — the garbage collector
// and stack growth read them —, the file and line only for printing a
// traceback (and runtime.Caller). The line tables are ~90 KB of the data
// section, and being deltas they compress poorly: ~40 KB of the brotli
// module, more than anything else one can remove without changing what
// the module computes.
//
// flattenLines rewrites each pcfile and pcln table as a single entry
// covering the function's whole PC range with the table's first value
// (the file and line where the function starts), and zeros the rest of
// the table's bytes. A traceback then still names every function and its
// file, but every frame shows the line of its function's first
// instruction rather than the line that was running. Nothing else
// changes: the pcsp and pcdata tables, function names, inlining data and
// all other memory are left byte for byte (checked before the module is
// written), and no table is rewritten that another table shares.
//
// The layout read here is Go 1.20+'s pclntab (runtime/symtab.go:
// pcHeader, _func; cmd/link/internal/ld/pcln.go writes it). A toolchain
// that changes it makes wasmpack fail rather than guess (rebuild with
// -keep-lines to skip this step).

// pclnMagic is abi.Go120PCLnTabMagic followed by pcHeader's pad1, pad2,
// minLC (1: wasm PCs advance by one) and ptrSize (8).
var pclnMagic = []byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8}

// pctable is one pcvalue table: its offset in pctab, its encoded length
// and what it decodes to.
type pctable struct {
	off, n      int
	first, span uint64 // first value (zigzag-encoded delta from -1) and total PC span
}

// flattenStats says what flattenLines did.
type flattenStats struct {
	funcs, tables, bytes int
}

// flattenLines rewrites the line and file tables of the pclntab in mem (the
// module's initial memory, modified in place); see above.
func flattenLines(mem []byte) (flattenStats, error) {
	var st flattenStats
	h, err := findPCHeader(mem)
	if err != nil {
		return st, err
	}
	u64 := func(off int) uint64 { return binary.LittleEndian.Uint64(mem[off:]) }
	nfunc := u64(h + 8)
	pctab, functab := u64(h+56), u64(h+64)
	if nfunc == 0 || nfunc > 1<<20 || pctab >= functab || uint64(h)+functab+8*nfunc+4 > uint64(len(mem)) {
		return st, errors.New("pclntab: header out of range")
	}
	P, L := h+int(pctab), h+int(functab)
	u32 := func(off int) (uint32, error) {
		if off < 0 || off+4 > len(mem) {
			return 0, errors.New("pclntab: offset out of range")
		}
		return binary.LittleEndian.Uint32(mem[off:]), nil
	}

	// Every table offset each function refers to, by kind.
	rewrite := map[uint32]bool{} // pcfile and pcln
	keep := map[uint32]bool{}    // pcsp and pcdata
	for i := range int(nfunc) {
		foff, err := u32(L + 8*i + 4)
		if err != nil {
			return st, err
		}
		f := L + int(foff)
		if f+44 > len(mem) {
			return st, errors.New("pclntab: function out of range")
		}
		pcsp, _ := u32(f + 16)
		pcfile, _ := u32(f + 20)
		pcln, _ := u32(f + 24)
		npcdata, _ := u32(f + 28)
		if npcdata > 64 {
			return st, fmt.Errorf("pclntab: function %d has %d pcdata tables", i, npcdata)
		}
		keep[pcsp] = true
		for j := range int(npcdata) {
			off, err := u32(f + 44 + 4*j)
			if err != nil {
				return st, err
			}
			keep[off] = true
		}
		rewrite[pcfile] = true
		rewrite[pcln] = true
	}
	st.funcs = int(nfunc)

	var tabs []pctable
	for off := range rewrite {
		if off == 0 || keep[off] {
			continue // no table, or shared with a table that must stay
		}
		t, err := decodePCTable(mem, P, int(off))
		if err != nil {
			return st, err
		}
		tabs = append(tabs, t)
	}
	slices.SortFunc(tabs, func(a, b pctable) int { return a.off - b.off })
	for i := 1; i < len(tabs); i++ {
		if tabs[i-1].off+tabs[i-1].n > tabs[i].off {
			return st, errors.New("pclntab: line tables overlap")
		}
	}
	for _, t := range tabs {
		enc := binary.AppendUvarint(nil, t.first)
		enc = binary.AppendUvarint(enc, t.span)
		enc = append(enc, 0)
		if len(enc) > t.n {
			continue // cannot happen for a table of more than one entry; keep it
		}
		b := mem[P+t.off : P+t.off+t.n]
		copy(b, enc)
		clear(b[len(enc):])
		got, err := decodePCTable(mem, P, t.off)
		if err != nil || got.first != t.first || got.span != t.span || got.n != len(enc) {
			return st, errors.New("pclntab: a rewritten table does not decode to its first value")
		}
		st.tables++
		st.bytes += t.n
	}
	return st, nil
}

// findPCHeader returns the offset in mem of the one pcHeader.
func findPCHeader(mem []byte) (int, error) {
	i := bytes.Index(mem, pclnMagic)
	if i < 0 {
		return 0, errors.New("no Go 1.20+ pclntab header found")
	}
	if bytes.Contains(mem[i+1:], pclnMagic) {
		return 0, errors.New("more than one candidate pclntab header")
	}
	if i+72 > len(mem) {
		return 0, errors.New("pclntab header truncated")
	}
	return i, nil
}

// decodePCTable decodes the pcvalue table at pctab offset off (runtime's
// step: pairs of a zigzag value delta and a PC delta, ended by a zero
// value delta after the first pair).
func decodePCTable(mem []byte, pctab, off int) (pctable, error) {
	t := pctable{off: off}
	p := pctab + off
	start := p
	for first := true; ; first = false {
		if p >= len(mem) {
			return t, errors.New("pclntab: table runs off the end")
		}
		v, n := binary.Uvarint(mem[p:])
		if n <= 0 || v > 1<<32 {
			return t, errors.New("pclntab: bad value delta")
		}
		p += n
		if v == 0 && !first {
			break
		}
		if first {
			t.first = v
		}
		d, n := binary.Uvarint(mem[p:])
		if n <= 0 || d > 1<<32 {
			return t, errors.New("pclntab: bad PC delta")
		}
		p += n
		t.span += d
	}
	t.n = p - start
	return t, nil
}
