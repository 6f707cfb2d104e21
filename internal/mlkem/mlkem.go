// Copyright 2023 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package mlkem implements the quantum-resistant key encapsulation method
// ML-KEM, as specified in [NIST FIPS 203], at its three parameter sets
// (ML-KEM-512, -768 and -1024) with ONE copy of the code: the level is a
// run-time value, and the key structs hold arrays sized for k = 4 of which
// only the first k are used. Key generation from the 64-byte d‖z seed,
// encapsulation and decapsulation.
//
// Why it exists: sealkit's WebAssembly module must stay under a size
// budget. The standard library's crypto/mlkem offers only ML-KEM-768 and
// -1024, as two generated copies of the code (~48 KB of wasm), and
// sealkit's Cat-1 hybrid seal needs ML-KEM-512 besides, which was a third
// copy (internal/mlkem512, since removed). This package serves all three
// from one: it is the wasm build's ML-KEM at every level
// (internal/hybrid/kem_wasm.go), while native builds keep crypto/mlkem
// (standard library first) and circl for ML-KEM-512 (its AVX2 code). It is
// a port of the standard library's crypto/internal/fips140/mlkem (Go 1.26,
// mlkem768.go, mlkem1024.go and field.go; BSD licence: see LICENSE in this
// directory) by way of that ML-KEM-512 port. The changes from the original
// are the run-time level, the η = 3 sampler of ML-KEM-512, one d-generic
// compress-and-encode pair, crypto/sha3 and crypto/rand in place of the
// FIPS 140 module's internals (no self-test, DRBG or service indicator),
// and the clearing of secret intermediate values. Tests compare it with
// crypto/mlkem (768, 1024), circl (512) and FIPS 203 known answers (C2SP
// CCTV) at every level.
//
// A DecapsulationKey is a struct of arrays and integers and nothing else,
// so that zeroing the struct erases every secret it holds (internal/hybrid
// does so after each use).
//
// [NIST FIPS 203]: https://doi.org/10.6028/NIST.FIPS.203
package mlkem

// This package targets security, correctness, simplicity, readability, and
// reviewability as its primary goals. All critical operations are performed in
// constant time.
//
// Variable and function names, as well as code layout, are selected to
// facilitate reviewing the implementation against the NIST FIPS 203 document.
//
// Reviewers unfamiliar with polynomials or linear algebra might find the
// background at https://words.filippo.io/kyber-math/ useful.

import (
	"crypto/rand"
	"crypto/sha3"
	"crypto/subtle"
	"errors"
)

const (
	// ML-KEM global constants.
	n = 256
	q = 3329

	// encodingSizeX is the byte size of a ringElement or nttElement encoded
	// by ByteEncode_X (FIPS 203, Algorithm 5).
	encodingSize12 = n * 12 / 8
	encodingSize11 = n * 11 / 8
	encodingSize10 = n * 10 / 8
	encodingSize5  = n * 5 / 8
	encodingSize4  = n * 4 / 8
	encodingSize1  = n * 1 / 8

	messageSize = encodingSize1

	SharedKeySize = 32
	SeedSize      = 32 + 32

	// maxK is k of ML-KEM-1024, the largest: the arrays of the key structs
	// have room for it, and smaller levels use their first k elements.
	maxK = 4

	EncapsulationKeySize512  = 2*encodingSize12 + 32
	EncapsulationKeySize768  = 3*encodingSize12 + 32
	EncapsulationKeySize1024 = 4*encodingSize12 + 32

	CiphertextSize512  = 2*encodingSize10 + encodingSize4
	CiphertextSize768  = 3*encodingSize10 + encodingSize4
	CiphertextSize1024 = 4*encodingSize11 + encodingSize5

	maxCiphertextSize = CiphertextSize1024
)

// A Level is an ML-KEM parameter set; its value is the module dimension k.
// (A small integer rather than a pointer to a table, so that the key
// structs, which record their level, stay free of pointers.)
type Level uint8

// The three parameter sets of FIPS 203, Section 8 (Table 2).
const (
	MLKEM512  Level = 2 // k = 2, η₁ = 3, η₂ = 2, d_u = 10, d_v = 4
	MLKEM768  Level = 3 // k = 3, η₁ = 2, η₂ = 2, d_u = 10, d_v = 4
	MLKEM1024 Level = 4 // k = 4, η₁ = 2, η₂ = 2, d_u = 11, d_v = 5
)

func (l Level) valid() bool { return l >= MLKEM512 && l <= MLKEM1024 }

// du and dv are the compression widths of u and v in a ciphertext.
func (l Level) du() uint8 {
	if l == MLKEM1024 {
		return 11
	}
	return 10
}

func (l Level) dv() uint8 {
	if l == MLKEM1024 {
		return 5
	}
	return 4
}

// EncapsulationKeySize is the size of an encoded encapsulation key:
// ByteEncode₁₂(t) ‖ ρ.
func (l Level) EncapsulationKeySize() int { return int(l)*encodingSize12 + 32 }

// CiphertextSize is the size of a ciphertext: k polynomials of d_u bits a
// coefficient, one of d_v.
func (l Level) CiphertextSize() int { return int(l)*32*int(l.du()) + 32*int(l.dv()) }

// A DecapsulationKey is the secret key used to decapsulate a shared key from a
// ciphertext. It includes various precomputed values.
type DecapsulationKey struct {
	_ noCompare

	d [32]byte // decapsulation key seed
	z [32]byte // implicit rejection sampling seed

	ρ [32]byte // sampleNTT seed for A, stored for the encapsulation key
	h [32]byte // H(ek), stored for ML-KEM.Decaps_internal

	encryptionKey
	decryptionKey
}

// EncapsulationKey returns the public encapsulation key necessary to produce
// ciphertexts.
func (dk *DecapsulationKey) EncapsulationKey() *EncapsulationKey {
	// The used parts only, not the whole struct: k = 3 uses 12 of its 20
	// polynomials, and copying the rest would make this slower than the
	// standard library's ML-KEM-768.
	ek := &EncapsulationKey{ρ: dk.ρ, h: dk.h}
	ek.l = dk.l
	k := int(dk.l)
	copy(ek.t[:k], dk.t[:k])
	copy(ek.a[:k*k], dk.a[:k*k])
	return ek
}

// Level returns the key's parameter set.
func (dk *DecapsulationKey) Level() Level { return dk.l }

// An EncapsulationKey is the public key used to produce ciphertexts to be
// decapsulated by the corresponding [DecapsulationKey].
type EncapsulationKey struct {
	_ noCompare

	ρ [32]byte // sampleNTT seed for A
	h [32]byte // H(ek)
	encryptionKey
}

// Level returns the key's parameter set.
func (ek *EncapsulationKey) Level() Level { return ek.l }

// Bytes returns the encapsulation key as a byte slice.
func (ek *EncapsulationKey) Bytes() []byte {
	// The actual logic is in a separate function to outline this allocation.
	b := make([]byte, 0, EncapsulationKeySize1024)
	return ek.encryptionKey.bytes(b, &ek.ρ)
}

// bytes appends ByteEncode₁₂(t) ‖ ρ to b.
func (ex *encryptionKey) bytes(b []byte, ρ *[32]byte) []byte {
	for i := range int(ex.l) {
		b = polyByteEncode(b, ex.t[i])
	}
	b = append(b, ρ[:]...)
	return b
}

// noCompare makes the key structs incomparable (and holds no pointer: it
// is empty). Why: the compiler generates an equality function, ~1 KB of
// wasm each, for a comparable struct whose type descriptor the program
// keeps, and internal/hybrid's generic wipeKey keeps it; nothing compares
// keys.
type noCompare [0]func()

// encryptionKey is the parsed and expanded form of a PKE encryption key.
type encryptionKey struct {
	t [maxK]nttElement        // ByteDecode₁₂(ek[:384k])
	a [maxK * maxK]nttElement // A[i*k+j] = sampleNTT(ρ, j, i), a[:k*k] used
	l Level                   // k: t[:k] and a[:k*k] are used
}

// decryptionKey is the parsed and expanded form of a PKE decryption key.
type decryptionKey struct {
	s [maxK]nttElement // ByteDecode₁₂(dk[:decryptionKeySize]), s[:k] used
}

// NewDecapsulationKey derives a decapsulation key of the given level from a
// 64-byte seed in the "d || z" form (ML-KEM.KeyGen_internal). The seed must
// be uniformly random.
func NewDecapsulationKey(l Level, seed []byte) (*DecapsulationKey, error) {
	// The actual logic is in a separate function to outline this allocation.
	dk := &DecapsulationKey{}
	return newKeyFromSeed(dk, l, seed)
}

func newKeyFromSeed(dk *DecapsulationKey, l Level, seed []byte) (*DecapsulationKey, error) {
	if !l.valid() {
		return nil, errors.New("mlkem: invalid parameter set")
	}
	if len(seed) != SeedSize {
		return nil, errors.New("mlkem: invalid seed length")
	}
	d := (*[32]byte)(seed[:32])
	z := (*[32]byte)(seed[32:])
	kemKeyGen(dk, l, d, z)
	return dk, nil
}

// sampleA fills ex.a[:k*k] from ρ, A[i][j] = SampleNTT(ρ‖j‖i)
// (FIPS 203, Algorithm 13 steps 3–7 and Algorithm 14 steps 4–8).
func (ex *encryptionKey) sampleA(ρ []byte) {
	k := byte(ex.l)
	for i := byte(0); i < k; i++ {
		for j := byte(0); j < k; j++ {
			ex.a[i*k+j] = sampleNTT(ρ, j, i)
		}
	}
}

// samplePolyCBDη1 draws from D_η₁: η₁ = 3 for ML-KEM-512, 2 otherwise.
func samplePolyCBDη1(l Level, s []byte, b byte) ringElement {
	if l == MLKEM512 {
		return samplePolyCBD3(s, b)
	}
	return samplePolyCBD2(s, b)
}

// kemKeyGen generates a decapsulation key.
//
// It implements ML-KEM.KeyGen_internal according to FIPS 203, Algorithm 16, and
// K-PKE.KeyGen according to FIPS 203, Algorithm 13. The two are merged to save
// copies and allocations.
func kemKeyGen(dk *DecapsulationKey, l Level, d, z *[32]byte) {
	k := int(l)
	dk.d = *d
	dk.z = *z
	dk.l = l

	g := sha3.New512()
	g.Write(d[:])
	g.Write([]byte{byte(k)}) // Module dimension as a domain separator.
	var G [64]byte
	g.Sum(G[:0])
	g.Reset() // the state holds d
	ρ, σ := G[:32], G[32:]
	dk.ρ = [32]byte(ρ)

	dk.sampleA(ρ)

	var N byte
	s := &dk.s
	for i := range k {
		s[i] = ntt(samplePolyCBDη1(l, σ, N))
		N++
	}
	// t = A ◦ s + e, each e[i] drawn straight into t[i]: no array of the
	// secret e to zero and clear (maxK of them, for any k, would make this
	// slower than the standard library's ML-KEM-768).
	A := &dk.a
	t := &dk.t
	for i := range k {
		t[i] = ntt(samplePolyCBDη1(l, σ, N))
		N++
		for j := range k {
			t[i] = polyAdd(t[i], nttMul(A[i*k+j], s[j]))
		}
	}
	clear(σ)

	var ek [EncapsulationKeySize1024]byte
	b := dk.encryptionKey.bytes(ek[:0], &dk.ρ)
	dk.h = sha3.Sum256(b)
}

// Encapsulate generates a shared key and an associated ciphertext from an
// encapsulation key, drawing random bytes from crypto/rand.
//
// The shared key must be kept secret.
func (ek *EncapsulationKey) Encapsulate() (sharedKey, ciphertext []byte) {
	// The actual logic is in a separate function to outline this allocation.
	var cc [maxCiphertextSize]byte
	return ek.encapsulate(&cc)
}

func (ek *EncapsulationKey) encapsulate(cc *[maxCiphertextSize]byte) (sharedKey, ciphertext []byte) {
	var m [messageSize]byte
	rand.Read(m[:]) // never fails: crypto/rand crashes the program instead
	// Note that the modulus check (step 2 of the encapsulation key check from
	// FIPS 203, Section 7.2) is performed by polyByteDecode in parseEK.
	K, c := kemEncaps(cc, ek, &m)
	clear(m[:])
	return K, c
}

// EncapsulateInternal is a derandomized version of Encapsulate, exclusively
// for use in tests (internal/hybrid/hybridtest and this package's): with
// m known, the shared key is too. TestEncapsulateInternalOnlyInTests fails
// if a non-test file elsewhere calls it.
func (ek *EncapsulationKey) EncapsulateInternal(m *[32]byte) (sharedKey, ciphertext []byte) {
	cc := &[maxCiphertextSize]byte{}
	return kemEncaps(cc, ek, m)
}

// kemEncaps generates a shared key and an associated ciphertext.
//
// It implements ML-KEM.Encaps_internal according to FIPS 203, Algorithm 17.
func kemEncaps(cc *[maxCiphertextSize]byte, ek *EncapsulationKey, m *[messageSize]byte) (K, c []byte) {
	g := sha3.New512()
	g.Write(m[:])
	g.Write(ek.h[:])
	G := g.Sum(nil)
	g.Reset() // the state holds m
	K, r := G[:SharedKeySize:SharedKeySize], G[SharedKeySize:]
	c = pkeEncrypt(cc, &ek.encryptionKey, m, r)
	clear(r)
	return K, c
}

// NewEncapsulationKey parses an encapsulation key of the given level from
// its encoded form. If the encapsulation key is not valid (FIPS 203,
// Section 7.2: its length, and every coefficient of t below q),
// NewEncapsulationKey returns an error.
func NewEncapsulationKey(l Level, encapsulationKey []byte) (*EncapsulationKey, error) {
	// The actual logic is in a separate function to outline this allocation.
	ek := &EncapsulationKey{}
	return parseEK(ek, l, encapsulationKey)
}

// parseEK parses an encryption key from its encoded form.
//
// It implements the initial stages of K-PKE.Encrypt according to FIPS 203,
// Algorithm 14.
func parseEK(ek *EncapsulationKey, l Level, ekPKE []byte) (*EncapsulationKey, error) {
	if !l.valid() {
		return nil, errors.New("mlkem: invalid parameter set")
	}
	if len(ekPKE) != l.EncapsulationKeySize() {
		return nil, errors.New("mlkem: invalid encapsulation key length")
	}
	ek.l = l

	ek.h = sha3.Sum256(ekPKE)

	for i := range int(l) {
		var err error
		ek.t[i], err = polyByteDecode[nttElement](ekPKE[:encodingSize12])
		if err != nil {
			return nil, err
		}
		ekPKE = ekPKE[encodingSize12:]
	}
	copy(ek.ρ[:], ekPKE)

	ek.sampleA(ek.ρ[:])

	return ek, nil
}

// pkeEncrypt encrypt a plaintext message.
//
// It implements K-PKE.Encrypt according to FIPS 203, Algorithm 14, although the
// computation of t and AT is done in parseEK.
func pkeEncrypt(cc *[maxCiphertextSize]byte, ex *encryptionKey, m *[messageSize]byte, rnd []byte) []byte {
	l := ex.l
	k := int(l)
	// r[i] is PRF(rnd, i), e1[i] PRF(rnd, k+i) and e2 PRF(rnd, 2k). Unlike
	// the standard library, e1 is drawn where it is added and each u[i]
	// encoded as soon as computed: no arrays of e1 and u to zero and clear
	// (maxK of them, for any k, would make this slower than its ML-KEM-768).
	var r [maxK]nttElement
	for i := range k {
		r[i] = ntt(samplePolyCBDη1(l, rnd, byte(i)))
	}

	du, dv := l.du(), l.dv()
	c := cc[:0]
	for i := range k { // u = NTT⁻¹(AT ◦ r) + e1
		var uHat nttElement
		for j := range k {
			// Note that i and j are inverted, as we need the transposed of A.
			uHat = polyAdd(uHat, nttMul(ex.a[j*k+i], r[j]))
		}
		u := polyAdd(samplePolyCBD2(rnd, byte(k+i)), inverseNTT(uHat))
		c = ringCompressAndEncode(c, u, du)
	}

	μ := ringDecodeAndDecompress1(m)

	var vNTT nttElement // t⊺ ◦ r
	for i := range k {
		vNTT = polyAdd(vNTT, nttMul(ex.t[i], r[i]))
	}
	e2 := samplePolyCBD2(rnd, byte(2*k))
	v := polyAdd(polyAdd(inverseNTT(vNTT), e2), μ)
	c = ringCompressAndEncode(c, v, dv)

	// r, e2 and μ would let anyone who reads them recover m from c (e1
	// and u are not kept in arrays here).
	clear(r[:k])
	clear(e2[:])
	clear(μ[:])
	return c[:len(c):len(c)]
}

// Decapsulate generates a shared key from a ciphertext and a decapsulation key.
// If the ciphertext is not valid (not of the level's length), Decapsulate
// returns an error; so does a key that was zeroed (wiped) after use, rather
// than decapsulating with nothing.
//
// The shared key must be kept secret.
func (dk *DecapsulationKey) Decapsulate(ciphertext []byte) (sharedKey []byte, err error) {
	if !dk.l.valid() {
		return nil, errors.New("mlkem: invalid decapsulation key")
	}
	if len(ciphertext) != dk.l.CiphertextSize() {
		return nil, errors.New("mlkem: invalid ciphertext length")
	}
	// Note that the hash check (step 3 of the decapsulation input check from
	// FIPS 203, Section 7.3) is foregone as a DecapsulationKey is always
	// validly generated by ML-KEM.KeyGen_internal.
	return kemDecaps(dk, ciphertext), nil
}

// kemDecaps produces a shared key from a ciphertext of the key's level's
// length.
//
// It implements ML-KEM.Decaps_internal according to FIPS 203, Algorithm 18.
func kemDecaps(dk *DecapsulationKey, c []byte) (K []byte) {
	var m [messageSize]byte
	pkeDecrypt(&m, dk.l, &dk.decryptionKey, c)
	g := sha3.New512()
	g.Write(m[:])
	g.Write(dk.h[:])
	var G [64]byte
	g.Sum(G[:0])
	g.Reset() // the state holds m
	Kprime, r := G[:SharedKeySize], G[SharedKeySize:]
	J := sha3.NewSHAKE256()
	J.Write(dk.z[:])
	J.Write(c)
	Kout := make([]byte, SharedKeySize)
	J.Read(Kout)
	J.Reset() // the state holds z and the rejection key
	var cc [maxCiphertextSize]byte
	c1 := pkeEncrypt(&cc, &dk.encryptionKey, &m, r)

	subtle.ConstantTimeCopy(subtle.ConstantTimeCompare(c, c1), Kout, Kprime)
	clear(m[:])
	clear(G[:])
	return Kout
}

// pkeDecrypt decrypts a ciphertext into m.
//
// It implements K-PKE.Decrypt according to FIPS 203, Algorithm 15,
// although s is retained from kemKeyGen.
func pkeDecrypt(m *[messageSize]byte, l Level, dx *decryptionKey, c []byte) {
	k := int(l)
	du, dv := l.du(), l.dv()
	var mask nttElement // s⊺ ◦ NTT(u)
	for i := range k {
		u := ringDecodeAndDecompress(c, du)
		c = c[32*int(du):]
		mask = polyAdd(mask, nttMul(dx.s[i], ntt(u)))
	}
	v := ringDecodeAndDecompress(c, dv)
	w := polySub(v, inverseNTT(mask))

	ringCompressAndEncode1(m[:0], w)
	clear(mask[:]) // s⊺ ◦ NTT(u) and w give m away
	clear(w[:])
}
