// Package x25519 is X25519 (RFC 7748) over 32-bit-limb field arithmetic,
// for the WebAssembly build.
//
// Why this is written by hand: Go's X25519 (crypto/ecdh, and
// golang.org/x/crypto/curve25519 which wraps it) and
// filippo.io/edwards25519 all use five 51-bit limbs whose products need
// bits.Mul64. WebAssembly has no 64×64→128 multiply, so in a GOARCH=wasm
// build every bits.Mul64 becomes four 32×32 multiplies plus carry
// handling, and X25519 runs about six times slower than libsodium.js. No
// Go library offers the 32-bit-limb arithmetic (ref10 / curve25519-donna's
// ten 25.5-bit limbs, every product a native i64.mul) that fits wasm, so
// this package transcribes ref10. crypto/ecdh's NewPrivateKey also always
// computes the public key, a second scalar multiplication that an open
// does not need; ScalarMult here does one.
//
// The package is plain Go with no build tags: it is tested natively and in
// wasm against crypto/ecdh (x25519_test.go, FuzzScalarMult). Which
// implementation sealkit uses is chosen in internal/nacl: this one for
// GOARCH=wasm, crypto/ecdh (with its assembly) everywhere else.
//
// Constant time: the ladder's only secret-dependent operation is the
// conditional swap, done with a mask; no branch or index depends on the
// scalar or on the point.
package x25519

// ScalarMult sets dst = X25519(scalar, point): the scalar is clamped, bit
// 255 of the point is ignored and point values ≥ p are accepted, as RFC
// 7748 specifies. A low-order point gives all zeros; rejecting that is the
// caller's job.
func ScalarMult(dst, scalar, point *[32]byte) {
	var e [32]byte
	copy(e[:], scalar[:])
	e[0] &= 248
	e[31] &= 127
	e[31] |= 64

	var x1, x2, z2, x3, z3, tmp0, tmp1 fe
	feFromBytes(&x1, point)
	feOne(&x2)
	feZero(&z2)
	x3 = x1
	feOne(&z3)

	var swap int32
	for pos := 254; pos >= 0; pos-- {
		b := int32(e[pos>>3]>>(pos&7)) & 1
		swap ^= b
		// Conditional swap (by mask), then A = x2+z2, B = x2-z2, C = x3+z3,
		// D = x3-z3, in one unrolled pass: x2 = A, tmp1 = B, z2 = C, tmp0 = D.
		// x3 and z3 are overwritten below, so the swapped values need not be
		// stored back into them.
		mask := -swap
		{
			x2i, x3i, z2i, z3i := x2[0], x3[0], z2[0], z3[0]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[0], tmp1[0], z2[0], tmp0[0] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[1], x3[1], z2[1], z3[1]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[1], tmp1[1], z2[1], tmp0[1] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[2], x3[2], z2[2], z3[2]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[2], tmp1[2], z2[2], tmp0[2] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[3], x3[3], z2[3], z3[3]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[3], tmp1[3], z2[3], tmp0[3] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[4], x3[4], z2[4], z3[4]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[4], tmp1[4], z2[4], tmp0[4] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[5], x3[5], z2[5], z3[5]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[5], tmp1[5], z2[5], tmp0[5] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[6], x3[6], z2[6], z3[6]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[6], tmp1[6], z2[6], tmp0[6] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[7], x3[7], z2[7], z3[7]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[7], tmp1[7], z2[7], tmp0[7] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[8], x3[8], z2[8], z3[8]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[8], tmp1[8], z2[8], tmp0[8] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		{
			x2i, x3i, z2i, z3i := x2[9], x3[9], z2[9], z3[9]
			t := (x2i ^ x3i) & mask
			x2i, x3i = x2i^t, x3i^t
			t = (z2i ^ z3i) & mask
			z2i, z3i = z2i^t, z3i^t
			x2[9], tmp1[9], z2[9], tmp0[9] = x2i+z2i, x2i-z2i, x3i+z3i, x3i-z3i
		}
		swap = b

		feMul(&z3, &tmp0, &x2) // DA
		feMul(&z2, &z2, &tmp1) // CB
		feSq(&tmp0, &tmp1)     // BB
		feSq(&tmp1, &x2)       // AA
		// x3 = DA + CB, z2 = DA - CB.
		x3[0], z2[0] = z3[0]+z2[0], z3[0]-z2[0]
		x3[1], z2[1] = z3[1]+z2[1], z3[1]-z2[1]
		x3[2], z2[2] = z3[2]+z2[2], z3[2]-z2[2]
		x3[3], z2[3] = z3[3]+z2[3], z3[3]-z2[3]
		x3[4], z2[4] = z3[4]+z2[4], z3[4]-z2[4]
		x3[5], z2[5] = z3[5]+z2[5], z3[5]-z2[5]
		x3[6], z2[6] = z3[6]+z2[6], z3[6]-z2[6]
		x3[7], z2[7] = z3[7]+z2[7], z3[7]-z2[7]
		x3[8], z2[8] = z3[8]+z2[8], z3[8]-z2[8]
		x3[9], z2[9] = z3[9]+z2[9], z3[9]-z2[9]
		feMul(&x2, &tmp1, &tmp0) // x2 = AA·BB
		// tmp1 = E = AA - BB.
		tmp1[0] -= tmp0[0]
		tmp1[1] -= tmp0[1]
		tmp1[2] -= tmp0[2]
		tmp1[3] -= tmp0[3]
		tmp1[4] -= tmp0[4]
		tmp1[5] -= tmp0[5]
		tmp1[6] -= tmp0[6]
		tmp1[7] -= tmp0[7]
		tmp1[8] -= tmp0[8]
		tmp1[9] -= tmp0[9]
		feSq(&z2, &z2)
		feSq(&x3, &x3)
		feMul121666Add(&tmp0, &tmp1, &tmp0) // BB + 121666·E = AA + 121665·E
		feMul(&z3, &x1, &z2)
		feMul(&z2, &tmp1, &tmp0)
	}
	feCswap(&x2, &x3, swap)
	feCswap(&z2, &z3, swap)

	feInvert(&z2, &z2)
	feMul(&x2, &x2, &z2)
	feToBytes(dst, &x2)
}

// basePoint is u = 9.
var basePoint = [32]byte{9}

// ScalarBaseMult sets dst = X25519(scalar, 9), the public key of scalar.
func ScalarBaseMult(dst, scalar *[32]byte) {
	ScalarMult(dst, scalar, &basePoint)
}
