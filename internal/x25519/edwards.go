package x25519

import "sync"

// Fixed-base multiplication on the twisted Edwards curve
// -x² + y² = 1 + d·x²·y² that is birationally equivalent to Curve25519
// (u = (1+y)/(1-y)), transcribed from ref10's ge_* (SUPERCOP
// crypto_sign/ed25519/ref10, public domain), as libsodium's
// crypto_scalarmult_curve25519_base does it. The limb bounds are ref10's:
// every feMul/feSq input is a carried element or a sum or difference of at
// most three of them.

// geP2 is (X:Y:Z) with x = X/Z, y = Y/Z.
type geP2 struct{ X, Y, Z fe }

// geP3 is extended coordinates (X:Y:Z:T) with XY = ZT.
type geP3 struct{ X, Y, Z, T fe }

// geP1P1 is the completed point ((X:Z), (Y:T)).
type geP1P1 struct{ X, Y, Z, T fe }

// gePrecomp is an affine point as (y+x, y-x, 2dxy).
type gePrecomp struct{ yPlusX, yMinusX, xy2d fe }

func feAdd(h, f, g *fe) {
	for i := range h {
		h[i] = f[i] + g[i]
	}
}

func feSub(h, f, g *fe) {
	for i := range h {
		h[i] = f[i] - g[i]
	}
}

func feNeg(h, f *fe) {
	for i := range h {
		h[i] = -f[i]
	}
}

// feCarry reduces the limbs of h (each below 2^30 in magnitude) to the
// bounds of a feMul output, with feMul's carry chain.
func feCarry(h *fe) {
	h0, h1, h2, h3, h4 := int64(h[0]), int64(h[1]), int64(h[2]), int64(h[3]), int64(h[4])
	h5, h6, h7, h8, h9 := int64(h[5]), int64(h[6]), int64(h[7]), int64(h[8]), int64(h[9])
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

// feFromInt sets h = n for small n ≥ 0.
func feFromInt(h *fe, n int32) {
	*h = fe{}
	h[0] = n
	var b [32]byte
	feToBytes(&b, h) // carries n into the limbs
	feFromBytes(h, &b)
}

func geP1P1ToP2(r *geP2, p *geP1P1) {
	feMul(&r.X, &p.X, &p.T)
	feMul(&r.Y, &p.Y, &p.Z)
	feMul(&r.Z, &p.Z, &p.T)
}

func geP1P1ToP3(r *geP3, p *geP1P1) {
	feMul(&r.X, &p.X, &p.T)
	feMul(&r.Y, &p.Y, &p.Z)
	feMul(&r.Z, &p.Z, &p.T)
	feMul(&r.T, &p.X, &p.Y)
}

// geP2Dbl sets r = 2p.
func geP2Dbl(r *geP1P1, p *geP2) {
	var t0 fe
	feSq(&r.X, &p.X)
	feSq(&r.Z, &p.Y)
	feSq(&r.T, &p.Z)
	feAdd(&r.T, &r.T, &r.T)
	feCarry(&r.T) // ref10's fe_sq2: 2·Z², carried
	feAdd(&r.Y, &p.X, &p.Y)
	feSq(&t0, &r.Y)
	feAdd(&r.Y, &r.Z, &r.X)
	feSub(&r.Z, &r.Z, &r.X)
	feSub(&r.X, &t0, &r.Y)
	feSub(&r.T, &r.T, &r.Z)
}

// baseTab[i][j] is (j+1)·256^i·B, B the Ed25519 base point (u = 9), as
// the limbs of y+x, y-x and 2dxy (carried, in int64 for base.go). It is
// computed on first use (about 0.5 ms in wasm, one inversion for all 256
// points) rather than stored as a constant table in the source: the
// computation uses only the addition and doubling formulas under test,
// and the constants it starts from are checked by TestEdwardsBase.
var (
	baseTab       [32][8][30]int64
	baseTableOnce sync.Once
)

// edBaseY is y = 4/5 and edBaseX the x with even ("positive") canonical
// value, 15112221349535400772501151409588531511454012693041857206046113283949847762202
// (RFC 8032 §5.1); the tests check that it is on the curve and maps to
// u = 9. Only the u-coordinate of the result is used, and u(P) = u(-P),
// so the sign of x does not matter here.
var edBaseX = [32]byte{
	0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9, 0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
	0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0, 0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
}

// edD sets d = -121665/121666.
func edD(d *fe) {
	var n, inv fe
	feFromInt(&n, 121666)
	feInvert(&inv, &n)
	feFromInt(&n, 121665)
	feNeg(&n, &n)
	feMul(d, &n, &inv)
}

// edBase sets b = B in extended coordinates (Z = 1).
func edBase(b *geP3) {
	var five, inv fe
	feFromInt(&five, 5)
	feInvert(&inv, &five)
	feFromInt(&b.Y, 4)
	feMul(&b.Y, &b.Y, &inv)
	feFromBytes(&b.X, &edBaseX)
	feFromInt(&b.Z, 1)
	feMul(&b.T, &b.X, &b.Y)
}

// geToPrecomp converts p to affine (y+x, y-x, 2dxy) using zInv = 1/p.Z.
func geToPrecomp(r *gePrecomp, p *geP3, zInv, d2 *fe) {
	var x, y fe
	feMul(&x, &p.X, zInv)
	feMul(&y, &p.Y, zInv)
	feAdd(&r.yPlusX, &y, &x)
	feSub(&r.yMinusX, &y, &x)
	feMul(&r.xy2d, &x, &y)
	feMul(&r.xy2d, &r.xy2d, d2)
	// Carry the sums so that every table limb is within carried bounds.
	feCarry(&r.yPlusX)
	feCarry(&r.yMinusX)
}

// geAdd sets r = p + q for extended points (the unified addition
// "add-2008-hwcd-3"), used only to build baseTable.
func geAdd(r, p, q *geP3, d2 *fe) {
	var a, b, c, dd, t, e, f, g, h fe
	var s geP1P1
	feSub(&a, &p.Y, &p.X)
	feSub(&t, &q.Y, &q.X)
	feMul(&a, &a, &t)
	feAdd(&b, &p.Y, &p.X)
	feAdd(&t, &q.Y, &q.X)
	feMul(&b, &b, &t)
	feMul(&c, &p.T, &q.T)
	feMul(&c, &c, d2)
	feMul(&dd, &p.Z, &q.Z)
	feAdd(&dd, &dd, &dd)
	feSub(&e, &b, &a)
	feSub(&f, &dd, &c)
	feAdd(&g, &dd, &c)
	feAdd(&h, &b, &a)
	// In ref10's P1P1 layout (x = X/Z, y = Y/T), as in ge_add.
	s.X, s.Y, s.Z, s.T = e, h, g, f
	geP1P1ToP3(r, &s)
}

func initBaseTable() {
	var d, d2 fe
	edD(&d)
	feAdd(&d2, &d, &d)
	var pts [32][8]geP3
	var row geP3
	edBase(&row) // 256^i·B
	for i := range 32 {
		pts[i][0] = row
		for j := 1; j < 8; j++ {
			geAdd(&pts[i][j], &pts[i][j-1], &row, &d2)
		}
		if i < 31 {
			// row = 256·row, by eight doublings.
			var s geP1P1
			var q geP2
			next := row
			for range 8 {
				q.X, q.Y, q.Z = next.X, next.Y, next.Z
				geP2Dbl(&s, &q)
				geP1P1ToP3(&next, &s)
			}
			row = next
		}
	}
	// Batch inversion of the 256 Z coordinates (Montgomery's trick).
	var prefix [256]fe
	var acc fe
	feFromInt(&acc, 1)
	for k := range 256 {
		prefix[k] = acc
		feMul(&acc, &acc, &pts[k/8][k%8].Z)
	}
	var inv fe
	feInvert(&inv, &acc)
	for k := 255; k >= 0; k-- {
		var zInv fe
		p := &pts[k/8][k%8]
		feMul(&zInv, &inv, &prefix[k])
		feMul(&inv, &inv, &p.Z)
		var pre gePrecomp
		geToPrecomp(&pre, p, &zInv, &d2)
		for l := range 10 {
			t := &baseTab[k/8][k%8]
			t[l], t[10+l], t[20+l] = int64(pre.yPlusX[l]), int64(pre.yMinusX[l]), int64(pre.xy2d[l])
		}
	}
}

// geScalarMultBase sets h = a·B for a scalar a with a[31] ≤ 127.
func geScalarMultBase(h *geP3, a *[32]byte) {
	baseTableOnce.Do(initBaseTable)
	// Signed radix 16: a = Σ e[i]·16^i with e[i] in [-8, 8).
	var e [64]int8
	for i := range 32 {
		e[2*i] = int8(a[i] & 15)
		e[2*i+1] = int8(a[i] >> 4)
	}
	var carry int8
	for i := range 63 {
		e[i] += carry
		carry = (e[i] + 8) >> 4
		e[i] -= carry << 4
	}
	e[63] += carry

	// h = Σ e[i]·16^(i-1)·B over odd i, times 16, plus Σ e[i]·16^i·B
	// over even i.
	*h = geP3{Y: fe{1}, Z: fe{1}}
	geMaddTable(h, &e, 1)
	var r geP1P1
	var s geP2
	s.X, s.Y, s.Z = h.X, h.Y, h.Z
	geP2Dbl(&r, &s)
	geP1P1ToP2(&s, &r)
	geP2Dbl(&r, &s)
	geP1P1ToP2(&s, &r)
	geP2Dbl(&r, &s)
	geP1P1ToP2(&s, &r)
	geP2Dbl(&r, &s)
	geP1P1ToP3(h, &r)
	geMaddTable(h, &e, 0)
	clear(e[:])
}
