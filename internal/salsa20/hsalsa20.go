package salsa20

import (
	"encoding/binary"
	"math/bits"
)

// Sigma is Salsa20's constant "expand 32-byte k".
var Sigma = [16]byte{'e', 'x', 'p', 'a', 'n', 'd', ' ', '3', '2', '-', 'b', 'y', 't', 'e', ' ', 'k'}

// HSalsa20 sets out to HSalsa20(key, in) with the constant Sigma: the
// XSalsa20 subkey of the first 16 nonce bytes, and NaCl's crypto_box key
// from an X25519 shared secret and a zero input. It is
// golang.org/x/crypto/salsa20/salsa.HSalsa20(out, in, key, &salsa.Sigma),
// which sealkit cannot import: x/crypto deprecates that package (a
// low-level building block) and points to x/crypto/salsa20, which does not
// export HSalsa20. The rounds are XORKeyStream's, without the final
// addition; the output is words 0, 5, 10, 15, 6, 7, 8, 9.
func HSalsa20(out *[32]byte, in *[16]byte, key *[32]byte) {
	x0 := binary.LittleEndian.Uint32(Sigma[0:])
	x1 := binary.LittleEndian.Uint32(key[0:])
	x2 := binary.LittleEndian.Uint32(key[4:])
	x3 := binary.LittleEndian.Uint32(key[8:])
	x4 := binary.LittleEndian.Uint32(key[12:])
	x5 := binary.LittleEndian.Uint32(Sigma[4:])
	x6 := binary.LittleEndian.Uint32(in[0:])
	x7 := binary.LittleEndian.Uint32(in[4:])
	x8 := binary.LittleEndian.Uint32(in[8:])
	x9 := binary.LittleEndian.Uint32(in[12:])
	x10 := binary.LittleEndian.Uint32(Sigma[8:])
	x11 := binary.LittleEndian.Uint32(key[16:])
	x12 := binary.LittleEndian.Uint32(key[20:])
	x13 := binary.LittleEndian.Uint32(key[24:])
	x14 := binary.LittleEndian.Uint32(key[28:])
	x15 := binary.LittleEndian.Uint32(Sigma[12:])

	for i := 0; i < 20; i += 2 {
		u := x0 + x12
		x4 ^= bits.RotateLeft32(u, 7)
		u = x4 + x0
		x8 ^= bits.RotateLeft32(u, 9)
		u = x8 + x4
		x12 ^= bits.RotateLeft32(u, 13)
		u = x12 + x8
		x0 ^= bits.RotateLeft32(u, 18)

		u = x5 + x1
		x9 ^= bits.RotateLeft32(u, 7)
		u = x9 + x5
		x13 ^= bits.RotateLeft32(u, 9)
		u = x13 + x9
		x1 ^= bits.RotateLeft32(u, 13)
		u = x1 + x13
		x5 ^= bits.RotateLeft32(u, 18)

		u = x10 + x6
		x14 ^= bits.RotateLeft32(u, 7)
		u = x14 + x10
		x2 ^= bits.RotateLeft32(u, 9)
		u = x2 + x14
		x6 ^= bits.RotateLeft32(u, 13)
		u = x6 + x2
		x10 ^= bits.RotateLeft32(u, 18)

		u = x15 + x11
		x3 ^= bits.RotateLeft32(u, 7)
		u = x3 + x15
		x7 ^= bits.RotateLeft32(u, 9)
		u = x7 + x3
		x11 ^= bits.RotateLeft32(u, 13)
		u = x11 + x7
		x15 ^= bits.RotateLeft32(u, 18)

		u = x0 + x3
		x1 ^= bits.RotateLeft32(u, 7)
		u = x1 + x0
		x2 ^= bits.RotateLeft32(u, 9)
		u = x2 + x1
		x3 ^= bits.RotateLeft32(u, 13)
		u = x3 + x2
		x0 ^= bits.RotateLeft32(u, 18)

		u = x5 + x4
		x6 ^= bits.RotateLeft32(u, 7)
		u = x6 + x5
		x7 ^= bits.RotateLeft32(u, 9)
		u = x7 + x6
		x4 ^= bits.RotateLeft32(u, 13)
		u = x4 + x7
		x5 ^= bits.RotateLeft32(u, 18)

		u = x10 + x9
		x11 ^= bits.RotateLeft32(u, 7)
		u = x11 + x10
		x8 ^= bits.RotateLeft32(u, 9)
		u = x8 + x11
		x9 ^= bits.RotateLeft32(u, 13)
		u = x9 + x8
		x10 ^= bits.RotateLeft32(u, 18)

		u = x15 + x14
		x12 ^= bits.RotateLeft32(u, 7)
		u = x12 + x15
		x13 ^= bits.RotateLeft32(u, 9)
		u = x13 + x12
		x14 ^= bits.RotateLeft32(u, 13)
		u = x14 + x13
		x15 ^= bits.RotateLeft32(u, 18)
	}
	binary.LittleEndian.PutUint32(out[0:], x0)
	binary.LittleEndian.PutUint32(out[4:], x5)
	binary.LittleEndian.PutUint32(out[8:], x10)
	binary.LittleEndian.PutUint32(out[12:], x15)
	binary.LittleEndian.PutUint32(out[16:], x6)
	binary.LittleEndian.PutUint32(out[20:], x7)
	binary.LittleEndian.PutUint32(out[24:], x8)
	binary.LittleEndian.PutUint32(out[28:], x9)
}
