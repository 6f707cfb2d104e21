// Package poly1305 is the Poly1305 one-time authenticator (RFC 8439) in
// 26-bit limbs, for the WebAssembly build.
//
// Why this is written by hand: golang.org/x/crypto's portable Poly1305
// (the code GOARCH=wasm runs) uses 64-bit limbs and bits.Mul64, which
// WebAssembly has no instruction for; each becomes four multiplies and
// carry handling. No Go library offers the 26-bit-limb form
// (poly1305-donna-32, public domain, transcribed here) in which every
// product is one native i64.mul: 25 per 16-byte block.
//
// Plain Go without build tags; internal/nacl decides where it is used.
// Tested against x/crypto/poly1305 and RFC 8439 (poly1305_test.go).
// Constant time: no branch or index depends on the key, the message
// contents or the tag.
package poly1305

import (
	"crypto/subtle"
	"encoding/binary"
)

// TagSize is the size of a Poly1305 tag.
const TagSize = 16

const mask26 = 1<<26 - 1

// Sum sets out to the Poly1305 tag of m under the one-time key.
func Sum(out *[TagSize]byte, m []byte, key *[32]byte) {
	r0 := uint64(binary.LittleEndian.Uint32(key[0:])) & 0x3ffffff
	r1 := uint64(binary.LittleEndian.Uint32(key[3:])>>2) & 0x3ffff03
	r2 := uint64(binary.LittleEndian.Uint32(key[6:])>>4) & 0x3ffc0ff
	r3 := uint64(binary.LittleEndian.Uint32(key[9:])>>6) & 0x3f03fff
	r4 := uint64(binary.LittleEndian.Uint32(key[12:])>>8) & 0x00fffff
	s1, s2, s3, s4 := r1*5, r2*5, r3*5, r4*5

	var h0, h1, h2, h3, h4 uint64
	var last [16]byte
	hibit := uint64(1 << 24)
	for len(m) > 0 {
		var b *[16]byte
		if len(m) >= 16 {
			b = (*[16]byte)(m[:16])
			m = m[16:]
		} else {
			// The final partial block: the message, a 1 byte, zeros, and
			// no 2^128 bit.
			n := copy(last[:], m)
			last[n] = 1
			b = &last
			hibit = 0
			m = nil
		}
		h0 += uint64(binary.LittleEndian.Uint32(b[0:])) & mask26
		h1 += uint64(binary.LittleEndian.Uint32(b[3:])>>2) & mask26
		h2 += uint64(binary.LittleEndian.Uint32(b[6:])>>4) & mask26
		h3 += uint64(binary.LittleEndian.Uint32(b[9:])>>6) & mask26
		h4 += uint64(binary.LittleEndian.Uint32(b[12:])>>8) | hibit

		d0 := h0*r0 + h1*s4 + h2*s3 + h3*s2 + h4*s1
		d1 := h0*r1 + h1*r0 + h2*s4 + h3*s3 + h4*s2
		d2 := h0*r2 + h1*r1 + h2*r0 + h3*s4 + h4*s3
		d3 := h0*r3 + h1*r2 + h2*r1 + h3*r0 + h4*s4
		d4 := h0*r4 + h1*r3 + h2*r2 + h3*r1 + h4*r0

		c := d0 >> 26
		h0 = d0 & mask26
		d1 += c
		c = d1 >> 26
		h1 = d1 & mask26
		d2 += c
		c = d2 >> 26
		h2 = d2 & mask26
		d3 += c
		c = d3 >> 26
		h3 = d3 & mask26
		d4 += c
		c = d4 >> 26
		h4 = d4 & mask26
		h0 += c * 5
		c = h0 >> 26
		h0 &= mask26
		h1 += c
	}
	clear(last[:])

	// Fully carry h.
	c := h1 >> 26
	h1 &= mask26
	h2 += c
	c = h2 >> 26
	h2 &= mask26
	h3 += c
	c = h3 >> 26
	h3 &= mask26
	h4 += c
	c = h4 >> 26
	h4 &= mask26
	h0 += c * 5
	c = h0 >> 26
	h0 &= mask26
	h1 += c

	// g = h + 5 - 2^130; use g if it is not negative, by mask.
	g0 := h0 + 5
	c = g0 >> 26
	g0 &= mask26
	g1 := h1 + c
	c = g1 >> 26
	g1 &= mask26
	g2 := h2 + c
	c = g2 >> 26
	g2 &= mask26
	g3 := h3 + c
	c = g3 >> 26
	g3 &= mask26
	g4 := h4 + c - 1<<26

	sel := (g4 >> 63) - 1 // all ones if g ≥ 0
	h0 = h0&^sel | g0&sel
	h1 = h1&^sel | g1&sel
	h2 = h2&^sel | g2&sel
	h3 = h3&^sel | g3&sel
	h4 = h4&^sel | g4&sel

	// h mod 2^128, plus s.
	w0 := (h0 | h1<<26) & 0xffffffff
	w1 := (h1>>6 | h2<<20) & 0xffffffff
	w2 := (h2>>12 | h3<<14) & 0xffffffff
	w3 := (h3>>18 | h4<<8) & 0xffffffff

	f := w0 + uint64(binary.LittleEndian.Uint32(key[16:]))
	binary.LittleEndian.PutUint32(out[0:], uint32(f))
	f = w1 + uint64(binary.LittleEndian.Uint32(key[20:])) + f>>32
	binary.LittleEndian.PutUint32(out[4:], uint32(f))
	f = w2 + uint64(binary.LittleEndian.Uint32(key[24:])) + f>>32
	binary.LittleEndian.PutUint32(out[8:], uint32(f))
	f = w3 + uint64(binary.LittleEndian.Uint32(key[28:])) + f>>32
	binary.LittleEndian.PutUint32(out[12:], uint32(f))
}

// Verify reports whether mac is the tag of m under key, in constant time.
func Verify(mac *[TagSize]byte, m []byte, key *[32]byte) bool {
	var tag [TagSize]byte
	Sum(&tag, m, key)
	return subtle.ConstantTimeCompare(tag[:], mac[:]) == 1
}
