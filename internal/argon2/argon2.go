// Copyright 2017 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package argon2 is a minimal fork of the Argon2id path of
// golang.org/x/crypto/argon2 (at the version pinned in go.mod), tuned for
// Go's WebAssembly backend.
//
// Why a fork: x/crypto's block function (processBlockGeneric and
// blamkaGeneric) is unexported, so it cannot be replaced, and its generic
// form is slow under GOARCH=wasm: sixteen non-inlined calls with sixteen
// pointer arguments per block, a 1 KiB temporary zeroed and copied per
// block, and bounds-checked slice indexing. Function calls are costly in
// Go's wasm code (the resumable-stack machinery), and no Go library offers
// a wasm-tuned Argon2. Here the block function is generated fully unrolled
// (gen.go) on local variables and fixed-size arrays, with the final XOR
// fused into the last rounds and its scratch at a constant address; the
// segment loop computes the reference index inline and runs the lanes in
// turn rather than in goroutines. In Node (V8) this roughly halves the
// time of t=2, 64 MiB, p=1 and brings it level with libsodium.js.

// Only the wasm build uses the fork (see IDKey); other platforms call
// x/crypto/argon2, which has SIMD assembly on amd64. The algorithm and its
// output are unchanged: the tests compare it with argon2.IDKey.
package argon2

import (
	"encoding/binary"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// version is the Argon2 version implemented: 0x13.
const version = 0x13

const argon2id = 2

// idKey is x/crypto's deriveKey restricted to Argon2id, with the optional
// secret and associated data of RFC 9106 kept for the test vectors.
func idKey(password, salt, secret, data []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	if time < 1 {
		panic("argon2: number of rounds too small")
	}
	if threads < 1 {
		panic("argon2: parallelism degree too low")
	}
	h0 := initHash(password, salt, secret, data, time, memory, uint32(threads), keyLen, argon2id)

	memory = memory / (syncPoints * uint32(threads)) * (syncPoints * uint32(threads))
	if memory < 2*syncPoints*uint32(threads) {
		memory = 2 * syncPoints * uint32(threads)
	}
	B := initBlocks(&h0, memory, uint32(threads))
	clear(h0[:])
	processBlocks(B, time, memory, uint32(threads))
	key := extractKey(B, memory, uint32(threads), keyLen)
	// Unlike x/crypto, wipe the work memory: its last block alone gives
	// the key, and the garbage collector would free it without clearing
	// (64 MiB for a session key: one memory fill, within the noise of the
	// ~0.12 s derivation in Node).
	clear(B)
	return key
}

const (
	blockLength = 128
	syncPoints  = 4
)

type block [blockLength]uint64

// scratch is the working memory of the block function: r holds in1^in2,
// q the state between the row and the column rounds.
type scratch struct {
	r, q block
	// touch receives one word of each 64-byte line of in2 (see gen.go).
	touch uint64
}

var (
	// mu serialises processBlocks: the block function works in the
	// package-level gs (see gen.go for why). js/wasm runs one goroutine at
	// a time, so nothing is lost there.
	mu sync.Mutex
	gs scratch
)

func initHash(password, salt, key, data []byte, time, memory, threads, keyLen uint32, mode int) [blake2b.Size + 8]byte {
	var (
		h0     [blake2b.Size + 8]byte
		params [24]byte
		tmp    [4]byte
	)

	b2, _ := blake2b.New512(nil)
	binary.LittleEndian.PutUint32(params[0:4], threads)
	binary.LittleEndian.PutUint32(params[4:8], keyLen)
	binary.LittleEndian.PutUint32(params[8:12], memory)
	binary.LittleEndian.PutUint32(params[12:16], time)
	binary.LittleEndian.PutUint32(params[16:20], uint32(version))
	binary.LittleEndian.PutUint32(params[20:24], uint32(mode))
	b2.Write(params[:])
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(password)))
	b2.Write(tmp[:])
	b2.Write(password)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(salt)))
	b2.Write(tmp[:])
	b2.Write(salt)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(key)))
	b2.Write(tmp[:])
	b2.Write(key)
	binary.LittleEndian.PutUint32(tmp[:], uint32(len(data)))
	b2.Write(tmp[:])
	b2.Write(data)
	b2.Sum(h0[:0])
	wipe(b2) // its buffer holds the end of the input: password, salt…
	return h0
}

// newBlocks allocates the work memory. It is a variable only so that a
// test can check that idKey leaves the memory wiped.
var newBlocks = func(n uint32) []block { return make([]block, n) }

func initBlocks(h0 *[blake2b.Size + 8]byte, memory, threads uint32) []block {
	var block0 [1024]byte
	B := newBlocks(memory)
	for lane := uint32(0); lane < threads; lane++ {
		j := lane * (memory / threads)
		binary.LittleEndian.PutUint32(h0[blake2b.Size+4:], lane)

		binary.LittleEndian.PutUint32(h0[blake2b.Size:], 0)
		blake2bHash(block0[:], h0[:])
		for i := range B[j+0] {
			B[j+0][i] = binary.LittleEndian.Uint64(block0[i*8:])
		}

		binary.LittleEndian.PutUint32(h0[blake2b.Size:], 1)
		blake2bHash(block0[:], h0[:])
		for i := range B[j+1] {
			B[j+1][i] = binary.LittleEndian.Uint64(block0[i*8:])
		}
	}
	clear(block0[:])
	return B
}

// processBlocks runs the passes. Unlike x/crypto it processes the lanes of
// a slice one after the other instead of in goroutines: the segments of one
// slice are independent, so the result is the same, and js/wasm has no
// parallelism to gain.
func processBlocks(B []block, time, memory, threads uint32) {
	mu.Lock()
	defer mu.Unlock()
	// The scratch ends up holding the last block's intermediate state.
	defer func() { gs = scratch{} }()
	s := new(segmentState)
	for n := uint32(0); n < time; n++ {
		for slice := uint32(0); slice < syncPoints; slice++ {
			for lane := uint32(0); lane < threads; lane++ {
				s.processSegment(B, time, memory, threads, n, slice, lane)
			}
		}
	}
}

type segmentState struct {
	addresses, in, zero block
}

func (s *segmentState) processSegment(B []block, time, memory, threads, n, slice, lane uint32) {
	lanes := memory / threads
	segments := lanes / syncPoints
	// Argon2id: data-independent addressing in the first half of the
	// first pass.
	dataIndependent := n == 0 && slice < syncPoints/2

	if dataIndependent {
		s.in = block{}
		s.in[0] = uint64(n)
		s.in[1] = uint64(lane)
		s.in[2] = uint64(slice)
		s.in[3] = uint64(memory)
		s.in[4] = uint64(time)
		s.in[5] = uint64(argon2id)
	}

	index := uint32(0)
	if n == 0 && slice == 0 {
		index = 2 // we have already generated the first two blocks
		s.in[6]++
		processBlock(&s.addresses, &s.in, &s.zero)
		processBlock(&s.addresses, &s.addresses, &s.zero)
	}

	offset := lane*lanes + slice*segments + index
	var random uint64
	for index < segments {
		prev := offset - 1
		if index == 0 && slice == 0 {
			prev += lanes // last block in lane
		}
		if dataIndependent {
			if index%blockLength == 0 {
				s.in[6]++
				processBlock(&s.addresses, &s.in, &s.zero)
				processBlock(&s.addresses, &s.addresses, &s.zero)
			}
			random = s.addresses[index%blockLength]
		} else {
			random = B[prev][0]
		}
		// indexAlpha, inlined by hand (calls are costly in wasm).
		refLane := uint32(0)
		if threads > 1 { // a division less per block in the usual p=1
			refLane = uint32(random>>32) % threads
		}
		if n == 0 && slice == 0 {
			refLane = lane
		}
		m, st := 3*segments, ((slice+1)%syncPoints)*segments
		if lane == refLane {
			m += index
		}
		if n == 0 {
			m, st = slice*segments, 0
			if slice == 0 || lane == refLane {
				m += index
			}
		}
		if index == 0 || lane == refLane {
			m--
		}
		// phi
		x := random & 0xFFFFFFFF
		x = (x * x) >> 32
		x = (x * uint64(m)) >> 32
		// (st + m - (x+1)) mod lanes without a division (an i64.rem_u,
		// tens of cycles, per block): st < lanes and x < m ≤ lanes, so
		// the sum is below 2·lanes and one conditional subtraction,
		// done with a mask, reduces it.
		pos := uint64(st) + uint64(m) - (x + 1) - uint64(lanes)
		pos += uint64(lanes) & -(pos >> 63)
		newOffset := refLane*lanes + uint32(pos)
		processBlockXOR(&B[offset], &B[prev], &B[newOffset])
		index, offset = index+1, offset+1
	}
}

// processBlock sets out to the compression G(in1, in2) of RFC 9106
// section 3.5 (x/crypto's processBlockGeneric(out, in1, in2, false)); out
// may alias in1. It is processBlockXOR into a zeroed block rather than a
// second unrolled copy of the block function (~30 KB of wasm code, ~2 KB
// brotli): it computes only the address blocks of the data-independent
// half of the first pass, two per 128 blocks, so the extra clear and copy
// cost nothing measurable. The addresses depend on the public parameters
// alone. The caller holds mu.
func processBlock(out, in1, in2 *block) {
	var t block
	processBlockXOR(&t, in1, in2)
	*out = t
}

func extractKey(B []block, memory, threads, keyLen uint32) []byte {
	lanes := memory / threads
	for lane := uint32(0); lane < threads-1; lane++ {
		for i, v := range B[(lane*lanes)+lanes-1] {
			B[memory-1][i] ^= v
		}
	}

	var block [1024]byte
	for i, v := range B[memory-1] {
		binary.LittleEndian.PutUint64(block[i*8:], v)
	}
	key := make([]byte, keyLen)
	blake2bHash(key, block[:])
	clear(block[:])
	return key
}
