package x25519

import "sync"

// The Edwards-curve group operations internal/ed25519 needs, on this
// package's field and point code, so that the wasm module carries one
// Curve25519 implementation rather than this one plus crypto/ed25519's
// edwards25519 (about 35 KB brotli). Only two functions are exported;
// scalars mod ℓ and hashing are internal/ed25519's.

// edConsts holds d, 2d and √-1, computed once from their definitions
// (d = -121665/121666; √-1 = 2^((p-1)/4), because 2 is a non-residue
// mod p ≡ 5 mod 8) rather than written down as limbs; TestEdConsts checks
// them against RFC 8032's values.
var (
	edConstsOnce    sync.Once
	edDc, ed2D, edI fe
)

func initEdConsts() {
	edD(&edDc)
	feAdd(&ed2D, &edDc, &edDc)
	feCarry(&ed2D)
	var two fe
	feFromInt(&two, 2)
	fePow22523(&edI, &two) // 2^((p-5)/8)
	feSq(&edI, &edI)       // 2^((p-5)/4)
	feMul(&edI, &edI, &two)
}

// fePow22523 sets out = z^((p-5)/8) = z^(2^252-3), the exponentiation in
// the square root of a ratio, with feInvert's addition chain up to
// 2^250-1.
func fePow22523(out, z *fe) {
	var t0, t1, t2 fe
	feSq(&t0, z)         // 2
	feSqN(&t1, &t0, 2)   // 8
	feMul(&t1, z, &t1)   // 9
	feMul(&t0, &t0, &t1) // 11
	feSq(&t0, &t0)       // 22
	feMul(&t0, &t1, &t0) // 2^5 - 1
	feSqN(&t1, &t0, 5)
	feMul(&t0, &t1, &t0) // 2^10 - 1
	feSqN(&t1, &t0, 10)
	feMul(&t1, &t1, &t0) // 2^20 - 1
	feSqN(&t2, &t1, 20)
	feMul(&t1, &t2, &t1) // 2^40 - 1
	feSqN(&t1, &t1, 10)
	feMul(&t0, &t1, &t0) // 2^50 - 1
	feSqN(&t1, &t0, 50)
	feMul(&t1, &t1, &t0) // 2^100 - 1
	feSqN(&t2, &t1, 100)
	feMul(&t1, &t2, &t1) // 2^200 - 1
	feSqN(&t1, &t1, 50)
	feMul(&t0, &t1, &t0) // 2^250 - 1
	feSqN(&t0, &t0, 2)   // 2^252 - 4
	feMul(out, &t0, z)   // 2^252 - 3
}

// feBytes returns the canonical encoding of f, a carried element or a sum
// or difference of at most three (carried first, within feToBytes's
// input bounds).
func feBytes(f *fe) [32]byte {
	t := *f
	feCarry(&t)
	var b [32]byte
	feToBytes(&b, &t)
	return b
}

// edEncode returns the RFC 8032 encoding of p: y, with the low bit of x
// in bit 255. Constant time.
func edEncode(p *geP3) [32]byte {
	var zInv, x, y fe
	feInvert(&zInv, &p.Z)
	feMul(&x, &p.X, &zInv)
	feMul(&y, &p.Y, &zInv)
	s := feBytes(&y)
	xb := feBytes(&x)
	s[31] ^= xb[0] << 7
	return s
}

// edDecode sets p to the point encoded in s with crypto/ed25519's (and
// filippo.io/edwards25519's) rules, which are looser than RFC 8032
// §5.1.3: y is taken mod p, so the non-canonical encodings y ≥ p are
// accepted, and so is x = 0 with the sign bit set ("-0"). It reports
// false if no x satisfies the curve equation. Variable time: it is used
// only on public keys being verified.
func edDecode(p *geP3, s *[32]byte) bool {
	edConstsOnce.Do(initEdConsts)
	var y, y2, u, v, v3, x, t, one fe
	feFromBytes(&y, s) // ignores bit 255; y ≥ p is reduced by the arithmetic
	feFromInt(&one, 1)
	feSq(&y2, &y)
	feSub(&u, &y2, &one) // u = y² - 1
	feMul(&v, &y2, &edDc)
	feAdd(&v, &v, &one) // v = d·y² + 1
	// x = u·v³·(u·v⁷)^((p-5)/8), a square root of u/v if there is one
	// (RFC 8032 §5.1.3 step 3).
	feSq(&v3, &v)
	feMul(&v3, &v3, &v)
	feSq(&t, &v3)
	feMul(&t, &t, &v)
	feMul(&t, &t, &u)
	fePow22523(&t, &t)
	feMul(&t, &t, &v3)
	feMul(&x, &t, &u)
	var vxx, chk fe
	feSq(&vxx, &x)
	feMul(&vxx, &vxx, &v)
	feSub(&chk, &vxx, &u)
	if feBytes(&chk) != ([32]byte{}) {
		feAdd(&chk, &vxx, &u)
		if feBytes(&chk) != ([32]byte{}) {
			return false
		}
		feMul(&x, &x, &edI)
	}
	if xb := feBytes(&x); xb[0]&1 != s[31]>>7 {
		feNeg(&x, &x)
	}
	p.X, p.Y = x, y
	p.Z = one
	feMul(&p.T, &x, &y)
	return true
}

// EdBaseMult sets out to the RFC 8032 encoding of a·B, B the Ed25519 base
// point, for a little-endian scalar a < 2^255 (a[31] ≤ 127). Constant
// time in a.
func EdBaseMult(out, a *[32]byte) {
	var h geP3
	geScalarMultBase(&h, a)
	*out = edEncode(&h)
	h = geP3{}
}

// EdVerifyCombination decodes the point A from a (see edDecode for the
// rules) and sets out to the encoding of s·B − k·A, for little-endian
// scalars k and s below 2^253. It reports false, leaving out unchanged,
// if a is not a point encoding. Variable time: every input is public
// when verifying a signature.
func EdVerifyCombination(out, a, k, s *[32]byte) bool {
	var negA geP3
	if !edDecode(&negA, a) {
		return false
	}
	feNeg(&negA.X, &negA.X)
	feNeg(&negA.T, &negA.T)

	// tab[j] = (j+1)·(−A).
	var tab [8]geP3
	tab[0] = negA
	for j := 1; j < 8; j++ {
		geAdd(&tab[j], &tab[j-1], &negA, &ed2D)
	}
	// Signed radix 16, as in geScalarMultBase: k = Σ e[i]·16^i, e[i] in
	// [-8, 8).
	var e [64]int8
	for i := range 32 {
		e[2*i] = int8(k[i] & 15)
		e[2*i+1] = int8(k[i] >> 4)
	}
	var carry int8
	for i := range 63 {
		e[i] += carry
		carry = (e[i] + 8) >> 4
		e[i] -= carry << 4
	}
	e[63] += carry

	h := geP3{Y: fe{1}, Z: fe{1}}
	var r geP1P1
	var q geP2
	for i := 63; i >= 0; i-- {
		if i < 63 {
			q.X, q.Y, q.Z = h.X, h.Y, h.Z
			for range 3 {
				geP2Dbl(&r, &q)
				geP1P1ToP2(&q, &r)
			}
			geP2Dbl(&r, &q)
			geP1P1ToP3(&h, &r)
		}
		switch d := e[i]; {
		case d > 0:
			geAdd(&h, &h, &tab[d-1], &ed2D)
		case d < 0:
			n := tab[-d-1]
			feNeg(&n.X, &n.X)
			feNeg(&n.T, &n.T)
			geAdd(&h, &h, &n, &ed2D)
		}
	}
	var sB geP3
	geScalarMultBase(&sB, s)
	geAdd(&h, &h, &sB, &ed2D)
	*out = edEncode(&h)
	return true
}
