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
// ScalarBaseMult does not run the ladder: like libsodium (and ref10's
// ge_scalarmult_base), it multiplies the Ed25519 base point B, the
// Edwards form of u = 9, by the scalar in 64 signed radix-16 digits, each
// a mixed addition of one of eight precomputed multiples of 256^i·B, and
// maps the result to u = (Z+Y)/(Z-Y). That is about a fifth of the
// ladder's field multiplications, and Go has nothing to offer for it in
// wasm either: crypto/ecdh multiplies the base point with the ladder, and
// filippo.io/edwards25519's fixed-base code is on the 51-bit limbs. The
// Edwards formulas are ref10's, in edwards.go; the table (32×8 points) is
// computed from B on first use; the table additions are generated like
// the ladder (gen.go writes base.go).
//
// The package is plain Go with no build tags: it is tested natively and in
// wasm against crypto/ecdh (x25519_test.go, FuzzScalarMult). Which
// implementation sealkit uses is chosen in internal/nacl: this one for
// GOARCH=wasm, crypto/ecdh (with its assembly) everywhere else.
//
// Constant time: the ladder's only secret-dependent operation is the
// conditional swap, done with a mask; in ScalarBaseMult the table entry
// is selected by scanning all eight entries of a row with masks and
// negated with a mask. No branch or index depends on the scalar or on
// the point.
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

	var x1, x2, z2 fe
	feFromBytes(&x1, point)
	ladder(&x2, &z2, &x1, &e)

	feInvert(&z2, &z2)
	feMul(&x2, &x2, &z2)
	feToBytes(dst, &x2)
	// The clamped scalar is the private key but for three bits, and x2 is
	// the result: wipe both rather than leave them on the stack.
	clear(e[:])
	x2, z2 = fe{}, fe{}
}

// basePoint is u = 9.
var basePoint = [32]byte{9}

// ScalarBaseMult sets dst = X25519(scalar, 9), the public key of scalar.
// It multiplies the Ed25519 base point with a precomputed table (see
// edwards.go) and maps the result to u = (Z+Y)/(Z-Y).
func ScalarBaseMult(dst, scalar *[32]byte) {
	var e [32]byte
	copy(e[:], scalar[:])
	e[0] &= 248
	e[31] &= 127
	e[31] |= 64

	var h geP3
	geScalarMultBase(&h, &e)
	var n, d fe
	feAdd(&n, &h.Z, &h.Y)
	feSub(&d, &h.Z, &h.Y)
	feInvert(&d, &d)
	feMul(&n, &n, &d)
	feToBytes(dst, &n)
	clear(e[:]) // the private key but for three bits
}

// scalarBaseMultLadder is the former ScalarBaseMult, kept for tests and
// benchmarks.
func scalarBaseMultLadder(dst, scalar *[32]byte) {
	ScalarMult(dst, scalar, &basePoint)
}
