package x25519

// fe is an element of GF(2^255-19) in ref10's representation: ten signed
// limbs of alternately 26 and 25 bits, value Σ f[i]·2^⌈25.5·i⌉. Every limb
// product fits an int64, so a multiplication is 100 plain 64-bit
// multiplies (55 for a square), each a single i64.mul in WebAssembly. The
// bounds on the limbs (inputs to feMul/feSq below 1.65·2^26 resp. 1.65·2^25
// in magnitude, outputs below 1.01·2^25 resp. 1.01·2^24 after the carry
// chain) are those proved for ref10 (SUPERCOP crypto_scalarmult/curve25519/
// ref10, public domain), from which this file is transcribed.
type fe [10]int32

// feFromBytes loads a little-endian u-coordinate, ignoring bit 255 as RFC
// 7748 requires. Values in [p, 2^255) are not reduced here; the arithmetic
// is correct for them, and feToBytes returns the canonical result.
func feFromBytes(h *fe, s *[32]byte) {
	load3 := func(b []byte) int64 { return int64(b[0]) | int64(b[1])<<8 | int64(b[2])<<16 }
	load4 := func(b []byte) int64 { return int64(b[0]) | int64(b[1])<<8 | int64(b[2])<<16 | int64(b[3])<<24 }
	h0 := load4(s[0:4])
	h1 := load3(s[4:7]) << 6
	h2 := load3(s[7:10]) << 5
	h3 := load3(s[10:13]) << 3
	h4 := load3(s[13:16]) << 2
	h5 := load4(s[16:20])
	h6 := load3(s[20:23]) << 7
	h7 := load3(s[23:26]) << 5
	h8 := load3(s[26:29]) << 4
	h9 := (load3(s[29:32]) & 0x7fffff) << 2

	var c int64
	c = (h9 + 1<<24) >> 25
	h0 += c * 19
	h9 -= c << 25
	c = (h1 + 1<<24) >> 25
	h2 += c
	h1 -= c << 25
	c = (h3 + 1<<24) >> 25
	h4 += c
	h3 -= c << 25
	c = (h5 + 1<<24) >> 25
	h6 += c
	h5 -= c << 25
	c = (h7 + 1<<24) >> 25
	h8 += c
	h7 -= c << 25

	c = (h0 + 1<<25) >> 26
	h1 += c
	h0 -= c << 26
	c = (h2 + 1<<25) >> 26
	h3 += c
	h2 -= c << 26
	c = (h4 + 1<<25) >> 26
	h5 += c
	h4 -= c << 26
	c = (h6 + 1<<25) >> 26
	h7 += c
	h6 -= c << 26
	c = (h8 + 1<<25) >> 26
	h9 += c
	h8 -= c << 26

	h[0], h[1], h[2], h[3], h[4] = int32(h0), int32(h1), int32(h2), int32(h3), int32(h4)
	h[5], h[6], h[7], h[8], h[9] = int32(h5), int32(h6), int32(h7), int32(h8), int32(h9)
}

// feToBytes stores h fully reduced (the unique value in [0, p)).
func feToBytes(s *[32]byte, h *fe) {
	h0, h1, h2, h3, h4 := h[0], h[1], h[2], h[3], h[4]
	h5, h6, h7, h8, h9 := h[5], h[6], h[7], h[8], h[9]

	// q is floor(h / p), 0 or 1 (or -1 for a slightly negative h),
	// computed without branches.
	q := (19*h9 + 1<<24) >> 25
	q = (h0 + q) >> 26
	q = (h1 + q) >> 25
	q = (h2 + q) >> 26
	q = (h3 + q) >> 25
	q = (h4 + q) >> 26
	q = (h5 + q) >> 25
	q = (h6 + q) >> 26
	q = (h7 + q) >> 25
	q = (h8 + q) >> 26
	q = (h9 + q) >> 25

	// h - q·p = h + 19q - q·2^255; the carry out of h9 is that 2^255 term.
	h0 += 19 * q

	var c int32
	c = h0 >> 26
	h1 += c
	h0 -= c << 26
	c = h1 >> 25
	h2 += c
	h1 -= c << 25
	c = h2 >> 26
	h3 += c
	h2 -= c << 26
	c = h3 >> 25
	h4 += c
	h3 -= c << 25
	c = h4 >> 26
	h5 += c
	h4 -= c << 26
	c = h5 >> 25
	h6 += c
	h5 -= c << 25
	c = h6 >> 26
	h7 += c
	h6 -= c << 26
	c = h7 >> 25
	h8 += c
	h7 -= c << 25
	c = h8 >> 26
	h9 += c
	h8 -= c << 26
	c = h9 >> 25
	h9 -= c << 25

	s[0] = byte(h0)
	s[1] = byte(h0 >> 8)
	s[2] = byte(h0 >> 16)
	s[3] = byte(h0>>24 | h1<<2)
	s[4] = byte(h1 >> 6)
	s[5] = byte(h1 >> 14)
	s[6] = byte(h1>>22 | h2<<3)
	s[7] = byte(h2 >> 5)
	s[8] = byte(h2 >> 13)
	s[9] = byte(h2>>21 | h3<<5)
	s[10] = byte(h3 >> 3)
	s[11] = byte(h3 >> 11)
	s[12] = byte(h3>>19 | h4<<6)
	s[13] = byte(h4 >> 2)
	s[14] = byte(h4 >> 10)
	s[15] = byte(h4 >> 18)
	s[16] = byte(h5)
	s[17] = byte(h5 >> 8)
	s[18] = byte(h5 >> 16)
	s[19] = byte(h5>>24 | h6<<1)
	s[20] = byte(h6 >> 7)
	s[21] = byte(h6 >> 15)
	s[22] = byte(h6>>23 | h7<<3)
	s[23] = byte(h7 >> 5)
	s[24] = byte(h7 >> 13)
	s[25] = byte(h7>>21 | h8<<4)
	s[26] = byte(h8 >> 4)
	s[27] = byte(h8 >> 12)
	s[28] = byte(h8>>20 | h9<<6)
	s[29] = byte(h9 >> 2)
	s[30] = byte(h9 >> 10)
	s[31] = byte(h9 >> 18)
}

// feInvert sets out = z^(p-2) = 1/z (0 for z = 0), with the usual chain
// of 254 squarings and 11 multiplications; runs of squarings go through
// feSqN.
func feInvert(out, z *fe) {
	var t0, t1, t2, t3 fe

	feSq(&t0, z)         // 2
	feSqN(&t1, &t0, 2)   // 8
	feMul(&t1, z, &t1)   // 9
	feMul(&t0, &t0, &t1) // 11
	feSq(&t2, &t0)       // 22
	feMul(&t1, &t1, &t2) // 31 = 2^5 - 2^0
	feSqN(&t2, &t1, 5)
	feMul(&t1, &t2, &t1) // 2^10 - 2^0
	feSqN(&t2, &t1, 10)
	feMul(&t2, &t2, &t1) // 2^20 - 2^0
	feSqN(&t3, &t2, 20)
	feMul(&t2, &t3, &t2) // 2^40 - 2^0
	feSqN(&t2, &t2, 10)
	feMul(&t1, &t2, &t1) // 2^50 - 2^0
	feSqN(&t2, &t1, 50)
	feMul(&t2, &t2, &t1) // 2^100 - 2^0
	feSqN(&t3, &t2, 100)
	feMul(&t2, &t3, &t2) // 2^200 - 2^0
	feSqN(&t2, &t2, 50)
	feMul(&t1, &t2, &t1) // 2^250 - 2^0
	feSqN(&t1, &t1, 5)
	feMul(out, &t1, &t0) // 2^255 - 2^5 + 11 = p - 2
}

// feMul sets h = f·g. Generated (the term list is mechanical: f_i·g_j goes
// to h_{(i+j) mod 10}, doubled when i and j are both odd, times 19 when
// i+j ≥ 10). h may alias f or g.
func feMul(h, f, g *fe) {
	f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 := int64(f[0]), int64(f[1]), int64(f[2]), int64(f[3]), int64(f[4]), int64(f[5]), int64(f[6]), int64(f[7]), int64(f[8]), int64(f[9])
	g0, g1, g2, g3, g4, g5, g6, g7, g8, g9 := int64(g[0]), int64(g[1]), int64(g[2]), int64(g[3]), int64(g[4]), int64(g[5]), int64(g[6]), int64(g[7]), int64(g[8]), int64(g[9])
	g1_19, g2_19, g3_19, g4_19, g5_19, g6_19, g7_19, g8_19, g9_19 := 19*g1, 19*g2, 19*g3, 19*g4, 19*g5, 19*g6, 19*g7, 19*g8, 19*g9
	f1_2, f3_2, f5_2, f7_2, f9_2 := 2*f1, 2*f3, 2*f5, 2*f7, 2*f9
	h0 := f0*g0 + f1_2*g9_19 + f2*g8_19 + f3_2*g7_19 + f4*g6_19 + f5_2*g5_19 + f6*g4_19 + f7_2*g3_19 + f8*g2_19 + f9_2*g1_19
	h1 := f0*g1 + f1*g0 + f2*g9_19 + f3*g8_19 + f4*g7_19 + f5*g6_19 + f6*g5_19 + f7*g4_19 + f8*g3_19 + f9*g2_19
	h2 := f0*g2 + f1_2*g1 + f2*g0 + f3_2*g9_19 + f4*g8_19 + f5_2*g7_19 + f6*g6_19 + f7_2*g5_19 + f8*g4_19 + f9_2*g3_19
	h3 := f0*g3 + f1*g2 + f2*g1 + f3*g0 + f4*g9_19 + f5*g8_19 + f6*g7_19 + f7*g6_19 + f8*g5_19 + f9*g4_19
	h4 := f0*g4 + f1_2*g3 + f2*g2 + f3_2*g1 + f4*g0 + f5_2*g9_19 + f6*g8_19 + f7_2*g7_19 + f8*g6_19 + f9_2*g5_19
	h5 := f0*g5 + f1*g4 + f2*g3 + f3*g2 + f4*g1 + f5*g0 + f6*g9_19 + f7*g8_19 + f8*g7_19 + f9*g6_19
	h6 := f0*g6 + f1_2*g5 + f2*g4 + f3_2*g3 + f4*g2 + f5_2*g1 + f6*g0 + f7_2*g9_19 + f8*g8_19 + f9_2*g7_19
	h7 := f0*g7 + f1*g6 + f2*g5 + f3*g4 + f4*g3 + f5*g2 + f6*g1 + f7*g0 + f8*g9_19 + f9*g8_19
	h8 := f0*g8 + f1_2*g7 + f2*g6 + f3_2*g5 + f4*g4 + f5_2*g3 + f6*g2 + f7_2*g1 + f8*g0 + f9_2*g9_19
	h9 := f0*g9 + f1*g8 + f2*g7 + f3*g6 + f4*g5 + f5*g4 + f6*g3 + f7*g2 + f8*g1 + f9*g0
	var c int64
	c = (h0 + 1<<25) >> 26
	h1 += c
	h0 -= c << 26
	c = (h4 + 1<<25) >> 26
	h5 += c
	h4 -= c << 26
	c = (h1 + 1<<24) >> 25
	h2 += c
	h1 -= c << 25
	c = (h5 + 1<<24) >> 25
	h6 += c
	h5 -= c << 25
	c = (h2 + 1<<25) >> 26
	h3 += c
	h2 -= c << 26
	c = (h6 + 1<<25) >> 26
	h7 += c
	h6 -= c << 26
	c = (h3 + 1<<24) >> 25
	h4 += c
	h3 -= c << 25
	c = (h7 + 1<<24) >> 25
	h8 += c
	h7 -= c << 25
	c = (h4 + 1<<25) >> 26
	h5 += c
	h4 -= c << 26
	c = (h8 + 1<<25) >> 26
	h9 += c
	h8 -= c << 26
	c = (h9 + 1<<24) >> 25
	h0 += c * 19
	h9 -= c << 25
	c = (h0 + 1<<25) >> 26
	h1 += c
	h0 -= c << 26
	h[0], h[1], h[2], h[3], h[4] = int32(h0), int32(h1), int32(h2), int32(h3), int32(h4)
	h[5], h[6], h[7], h[8], h[9] = int32(h5), int32(h6), int32(h7), int32(h8), int32(h9)
}

func feSq(h, f *fe) {
	f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 := int64(f[0]), int64(f[1]), int64(f[2]), int64(f[3]), int64(f[4]), int64(f[5]), int64(f[6]), int64(f[7]), int64(f[8]), int64(f[9])
	f0_2 := 2 * f0
	f1_2 := 2 * f1
	f2_2 := 2 * f2
	f3_2 := 2 * f3
	f4_2 := 2 * f4
	f5_2 := 2 * f5
	f5_38 := 38 * f5
	f6_19 := 19 * f6
	f6_2 := 2 * f6
	f7_19 := 19 * f7
	f7_2 := 2 * f7
	f7_38 := 38 * f7
	f8_19 := 19 * f8
	f8_2 := 2 * f8
	f9_19 := 19 * f9
	f9_38 := 38 * f9
	h0 := f0*f0 + f1_2*f9_38 + f2_2*f8_19 + f3_2*f7_38 + f4_2*f6_19 + f5*f5_38
	h1 := f0_2*f1 + f2_2*f9_19 + f3_2*f8_19 + f4_2*f7_19 + f5_2*f6_19
	h2 := f0_2*f2 + f1*f1_2 + f3_2*f9_38 + f4_2*f8_19 + f5_2*f7_38 + f6*f6_19
	h3 := f0_2*f3 + f1_2*f2 + f4_2*f9_19 + f5_2*f8_19 + f6_2*f7_19
	h4 := f0_2*f4 + f1_2*f3_2 + f2*f2 + f5_2*f9_38 + f6_2*f8_19 + f7*f7_38
	h5 := f0_2*f5 + f1_2*f4 + f2_2*f3 + f6_2*f9_19 + f7_2*f8_19
	h6 := f0_2*f6 + f1_2*f5_2 + f2_2*f4 + f3*f3_2 + f7_2*f9_38 + f8*f8_19
	h7 := f0_2*f7 + f1_2*f6 + f2_2*f5 + f3_2*f4 + f8_2*f9_19
	h8 := f0_2*f8 + f1_2*f7_2 + f2_2*f6 + f3_2*f5_2 + f4*f4 + f9*f9_38
	h9 := f0_2*f9 + f1_2*f8 + f2_2*f7 + f3_2*f6 + f4_2*f5
	var c int64
	c = (h0 + 1<<25) >> 26
	h1 += c
	h0 -= c << 26
	c = (h4 + 1<<25) >> 26
	h5 += c
	h4 -= c << 26
	c = (h1 + 1<<24) >> 25
	h2 += c
	h1 -= c << 25
	c = (h5 + 1<<24) >> 25
	h6 += c
	h5 -= c << 25
	c = (h2 + 1<<25) >> 26
	h3 += c
	h2 -= c << 26
	c = (h6 + 1<<25) >> 26
	h7 += c
	h6 -= c << 26
	c = (h3 + 1<<24) >> 25
	h4 += c
	h3 -= c << 25
	c = (h7 + 1<<24) >> 25
	h8 += c
	h7 -= c << 25
	c = (h4 + 1<<25) >> 26
	h5 += c
	h4 -= c << 26
	c = (h8 + 1<<25) >> 26
	h9 += c
	h8 -= c << 26
	c = (h9 + 1<<24) >> 25
	h0 += c * 19
	h9 -= c << 25
	c = (h0 + 1<<25) >> 26
	h1 += c
	h0 -= c << 26
	h[0], h[1], h[2], h[3], h[4] = int32(h0), int32(h1), int32(h2), int32(h3), int32(h4)
	h[5], h[6], h[7], h[8], h[9] = int32(h5), int32(h6), int32(h7), int32(h8), int32(h9)
}

// feSqN sets h = f^(2^n), n ≥ 1: n squarings in one loop on local
// variables, for feInvert's chain (254 squarings). Why not feSq n times:
// each call in Go's wasm code costs the resumable-call machinery plus a
// store and a reload of the ten limbs. The carries are floor carries
// (c = h >> 26, h &= 2^26-1; three operations instead of ref10's five):
// the limbs come out in [0, 2^26) resp. [0, 2^25) but for a small carry
// into limb 1, inside ref10's input bounds for feSq and feMul (1.65·2^26
// resp. 1.65·2^25), so the row sums stay within ref10's proved bounds.
func feSqN(h, f *fe, n int) {
	f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 := int64(f[0]), int64(f[1]), int64(f[2]), int64(f[3]), int64(f[4]), int64(f[5]), int64(f[6]), int64(f[7]), int64(f[8]), int64(f[9])
	var h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, c int64
	for range n {
		f0_2 := 2 * f0
		f1_2 := 2 * f1
		f2_2 := 2 * f2
		f3_2 := 2 * f3
		f4_2 := 2 * f4
		f5_2 := 2 * f5
		f5_38 := 38 * f5
		f6_19 := 19 * f6
		f6_2 := 2 * f6
		f7_19 := 19 * f7
		f7_2 := 2 * f7
		f7_38 := 38 * f7
		f8_19 := 19 * f8
		f8_2 := 2 * f8
		f9_19 := 19 * f9
		f9_38 := 38 * f9
		h0 = f0*f0 + f1_2*f9_38 + f2_2*f8_19 + f3_2*f7_38 + f4_2*f6_19 + f5*f5_38
		h1 = f0_2*f1 + f2_2*f9_19 + f3_2*f8_19 + f4_2*f7_19 + f5_2*f6_19
		h2 = f0_2*f2 + f1*f1_2 + f3_2*f9_38 + f4_2*f8_19 + f5_2*f7_38 + f6*f6_19
		h3 = f0_2*f3 + f1_2*f2 + f4_2*f9_19 + f5_2*f8_19 + f6_2*f7_19
		h4 = f0_2*f4 + f1_2*f3_2 + f2*f2 + f5_2*f9_38 + f6_2*f8_19 + f7*f7_38
		h5 = f0_2*f5 + f1_2*f4 + f2_2*f3 + f6_2*f9_19 + f7_2*f8_19
		h6 = f0_2*f6 + f1_2*f5_2 + f2_2*f4 + f3*f3_2 + f7_2*f9_38 + f8*f8_19
		h7 = f0_2*f7 + f1_2*f6 + f2_2*f5 + f3_2*f4 + f8_2*f9_19
		h8 = f0_2*f8 + f1_2*f7_2 + f2_2*f6 + f3_2*f5_2 + f4*f4 + f9*f9_38
		h9 = f0_2*f9 + f1_2*f8 + f2_2*f7 + f3_2*f6 + f4_2*f5
		c = h0 >> 26
		h1 += c
		h0 &= 1<<26 - 1
		c = h4 >> 26
		h5 += c
		h4 &= 1<<26 - 1
		c = h1 >> 25
		h2 += c
		h1 &= 1<<25 - 1
		c = h5 >> 25
		h6 += c
		h5 &= 1<<25 - 1
		c = h2 >> 26
		h3 += c
		h2 &= 1<<26 - 1
		c = h6 >> 26
		h7 += c
		h6 &= 1<<26 - 1
		c = h3 >> 25
		h4 += c
		h3 &= 1<<25 - 1
		c = h7 >> 25
		h8 += c
		h7 &= 1<<25 - 1
		c = h4 >> 26
		h5 += c
		h4 &= 1<<26 - 1
		c = h8 >> 26
		h9 += c
		h8 &= 1<<26 - 1
		c = h9 >> 25
		h0 += c * 19
		h9 &= 1<<25 - 1
		c = h0 >> 26
		h1 += c
		h0 &= 1<<26 - 1
		f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 = h0, h1, h2, h3, h4, h5, h6, h7, h8, h9
	}
	h[0], h[1], h[2], h[3], h[4] = int32(f0), int32(f1), int32(f2), int32(f3), int32(f4)
	h[5], h[6], h[7], h[8], h[9] = int32(f5), int32(f6), int32(f7), int32(f8), int32(f9)
}
