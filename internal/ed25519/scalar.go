package ed25519

// Arithmetic modulo ℓ = 2^252 + 27742317777372353535851937790883648493,
// the order of the base point, on 21-bit limbs in int64 (ref10's
// sc_reduce and sc_muladd, SUPERCOP crypto_sign/ed25519/ref10, public
// domain). Why by hand: Go's scalar code (crypto/internal/fips140/
// edwards25519) is internal to the standard library, and
// filippo.io/edwards25519 would bring back the 51-bit field code this
// package exists to avoid. Written with loops over fixed index ranges
// rather than ref10's unrolled lines: the same operations in the same
// order, a fraction of the code, and no branch or index depending on the
// values (Sign's scalars are secret).

// ℓ's low part c = ℓ − 2^252, negated, in signed 21-bit limbs: since
// 2^252 ≡ −c (mod ℓ), a limb t at 2^(21·i), i ≥ 12, is replaced by
// t·(−c)·2^(21·(i−12)). TestFoldConstants checks these against ℓ.
const (
	m0 = 666643
	m1 = 470296
	m2 = 654183
	m3 = -997805
	m4 = 136657
	m5 = -683901
)

// load21 splits the little-endian b into len(s) limbs of 21 bits; the
// last limb takes every remaining bit.
func load21(s []int64, b []byte) {
	var acc uint64
	var n uint
	j := 0
	for _, x := range b {
		acc |= uint64(x) << n
		n += 8
		if n >= 21 && j < len(s)-1 {
			s[j] = int64(acc & (1<<21 - 1))
			acc >>= 21
			n -= 21
			j++
		}
	}
	s[j] = int64(acc)
}

// store21 writes the twelve 21-bit limbs of s (each in [0, 2^21)) as 32
// little-endian bytes.
func store21(out *[32]byte, s []int64) {
	var acc uint64
	var n uint
	j := 0
	for _, l := range s[:12] {
		acc |= uint64(l) << n
		n += 21
		for n >= 8 && j < 32 {
			out[j] = byte(acc)
			acc >>= 8
			n -= 8
			j++
		}
	}
	if j < 32 {
		out[j] = byte(acc)
	}
}

func fold(s *[24]int64, i int) {
	t := s[i]
	s[i-12] += t * m0
	s[i-11] += t * m1
	s[i-10] += t * m2
	s[i-9] += t * m3
	s[i-8] += t * m4
	s[i-7] += t * m5
	s[i] = 0
}

// carryRound moves the rounded high part of limb i into limb i+1, leaving
// limb i in [−2^20, 2^20).
func carryRound(s *[24]int64, i int) {
	c := (s[i] + 1<<20) >> 21
	s[i+1] += c
	s[i] -= c << 21
}

// carryFloor leaves limb i in [0, 2^21).
func carryFloor(s *[24]int64, i int) {
	c := s[i] >> 21
	s[i+1] += c
	s[i] -= c << 21
}

// reduce sets out = s mod ℓ for limbs s[0..23] as sc_reduce leaves them
// after loading 64 bytes (or sc_muladd after its first carries): the
// carries between the folds keep every product within int64, as in
// ref10.
func reduce(out *[32]byte, s *[24]int64) {
	for i := 23; i >= 18; i-- {
		fold(s, i)
	}
	for i := 6; i <= 16; i += 2 {
		carryRound(s, i)
	}
	for i := 7; i <= 15; i += 2 {
		carryRound(s, i)
	}
	for i := 17; i >= 12; i-- {
		fold(s, i)
	}
	for i := 0; i <= 10; i += 2 {
		carryRound(s, i)
	}
	for i := 1; i <= 11; i += 2 {
		carryRound(s, i)
	}
	fold(s, 12)
	for i := 0; i <= 11; i++ {
		carryFloor(s, i)
	}
	fold(s, 12)
	for i := 0; i <= 10; i++ {
		carryFloor(s, i)
	}
	store21(out, s[:12])
	clear(s[:])
}

// scReduce sets out = in mod ℓ for a 512-bit little-endian in.
func scReduce(out *[32]byte, in *[64]byte) {
	var s [24]int64
	load21(s[:], in[:])
	reduce(out, &s)
}

// scMulAdd sets out = a·b + c mod ℓ for little-endian a, b, c < 2^256.
func scMulAdd(out, a, b, c *[32]byte) {
	var al, bl, s [24]int64
	load21(al[:12], a[:])
	load21(bl[:12], b[:])
	load21(s[:12], c[:])
	for i := range 12 {
		for j := range 12 {
			s[i+j] += al[i] * bl[j]
		}
	}
	for i := 0; i <= 22; i += 2 {
		carryRound(&s, i)
	}
	for i := 1; i <= 21; i += 2 {
		carryRound(&s, i)
	}
	reduce(out, &s)
	clear(al[:])
	clear(bl[:])
}

// order is ℓ, little-endian.
var order = [32]byte{
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
}

// scCanonical reports whether the little-endian s is below ℓ. Variable
// time: it checks the public S of a signature.
func scCanonical(s []byte) bool {
	for i := 31; i >= 0; i-- {
		if s[i] != order[i] {
			return s[i] < order[i]
		}
	}
	return false
}
