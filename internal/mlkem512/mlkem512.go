// Copyright 2023 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package mlkem512 implements the ML-KEM-512 parameter set of the
// quantum-resistant key encapsulation method ML-KEM, as specified in
// [NIST FIPS 203]: key generation from the 64-byte d‖z seed,
// encapsulation and decapsulation.
//
// Why it exists: the standard library's crypto/mlkem offers only
// ML-KEM-768 and ML-KEM-1024, and sealkit's Cat-1 hybrid seal (tag 0x01)
// needs ML-KEM-512. The library used before, circl, brought its own
// Keccak, golang.org/x/sys/cpu and ~54 KB of code into the WebAssembly
// module next to the standard library's ML-KEM; this port of the standard
// library's crypto/internal/fips140/mlkem (Go 1.26, mlkem768.go and
// field.go, BSD licence: see LICENSE in this directory) to k = 2, η₁ = 3,
// η₂ = 2, d_u = 10, d_v = 4 shares crypto/sha3 with the rest of sealkit.
// The changes from the original are the parameters, the η = 3 sampler,
// crypto/sha3 and crypto/rand in place of the FIPS 140 module's internals
// (no self-test, DRBG or service indicator), and the clearing of secret
// intermediate values. Tests compare it with circl and with FIPS 203
// known answers.
//
// A DecapsulationKey is a struct of arrays and nothing else, so that
// zeroing the struct erases every secret it holds (internal/hybrid does
// so after each use).
//
// [NIST FIPS 203]: https://doi.org/10.6028/NIST.FIPS.203
package mlkem512

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
	encodingSize10 = n * 10 / 8
	encodingSize4  = n * 4 / 8
	encodingSize1  = n * 1 / 8

	messageSize = encodingSize1

	SharedKeySize = 32
	SeedSize      = 32 + 32
)

// ML-KEM-512 parameters.
const (
	k = 2

	CiphertextSize       = k*encodingSize10 + encodingSize4
	EncapsulationKeySize = k*encodingSize12 + 32
)

// A DecapsulationKey is the secret key used to decapsulate a shared key from a
// ciphertext. It includes various precomputed values.
type DecapsulationKey struct {
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
	return &EncapsulationKey{
		ρ:             dk.ρ,
		h:             dk.h,
		encryptionKey: dk.encryptionKey,
	}
}

// An EncapsulationKey is the public key used to produce ciphertexts to be
// decapsulated by the corresponding [DecapsulationKey].
type EncapsulationKey struct {
	ρ [32]byte // sampleNTT seed for A
	h [32]byte // H(ek)
	encryptionKey
}

// Bytes returns the encapsulation key as a byte slice.
func (ek *EncapsulationKey) Bytes() []byte {
	// The actual logic is in a separate function to outline this allocation.
	b := make([]byte, 0, EncapsulationKeySize)
	return ek.encryptionKey.bytes(b, &ek.ρ)
}

// bytes appends ByteEncode₁₂(t) ‖ ρ to b.
func (ex *encryptionKey) bytes(b []byte, ρ *[32]byte) []byte {
	for i := range ex.t {
		b = polyByteEncode(b, ex.t[i])
	}
	b = append(b, ρ[:]...)
	return b
}

// encryptionKey is the parsed and expanded form of a PKE encryption key.
type encryptionKey struct {
	t [k]nttElement     // ByteDecode₁₂(ek[:384k])
	a [k * k]nttElement // A[i*k+j] = sampleNTT(ρ, j, i)
}

// decryptionKey is the parsed and expanded form of a PKE decryption key.
type decryptionKey struct {
	s [k]nttElement // ByteDecode₁₂(dk[:decryptionKeySize])
}

// NewDecapsulationKey derives a decapsulation key from a 64-byte seed in
// the "d || z" form (ML-KEM.KeyGen_internal). The seed must be uniformly
// random.
func NewDecapsulationKey(seed []byte) (*DecapsulationKey, error) {
	// The actual logic is in a separate function to outline this allocation.
	dk := &DecapsulationKey{}
	return newKeyFromSeed(dk, seed)
}

func newKeyFromSeed(dk *DecapsulationKey, seed []byte) (*DecapsulationKey, error) {
	if len(seed) != SeedSize {
		return nil, errors.New("mlkem: invalid seed length")
	}
	d := (*[32]byte)(seed[:32])
	z := (*[32]byte)(seed[32:])
	kemKeyGen(dk, d, z)
	return dk, nil
}

// kemKeyGen generates a decapsulation key.
//
// It implements ML-KEM.KeyGen_internal according to FIPS 203, Algorithm 16, and
// K-PKE.KeyGen according to FIPS 203, Algorithm 13. The two are merged to save
// copies and allocations.
func kemKeyGen(dk *DecapsulationKey, d, z *[32]byte) {
	dk.d = *d
	dk.z = *z

	g := sha3.New512()
	g.Write(d[:])
	g.Write([]byte{k}) // Module dimension as a domain separator.
	var G [64]byte
	g.Sum(G[:0])
	g.Reset() // the state holds d
	ρ, σ := G[:32], G[32:]
	dk.ρ = [32]byte(ρ)

	A := &dk.a
	for i := byte(0); i < k; i++ {
		for j := byte(0); j < k; j++ {
			A[i*k+j] = sampleNTT(ρ, j, i)
		}
	}

	var N byte
	s := &dk.s
	for i := range s {
		s[i] = ntt(samplePolyCBD3(σ, N))
		N++
	}
	var e [k]nttElement
	for i := range e {
		e[i] = ntt(samplePolyCBD3(σ, N))
		N++
	}
	clear(σ)

	t := &dk.t
	for i := range t { // t = A ◦ s + e
		t[i] = e[i]
		for j := range s {
			t[i] = polyAdd(t[i], nttMul(A[i*k+j], s[j]))
		}
	}
	clear(e[:])

	var ek [EncapsulationKeySize]byte
	dk.encryptionKey.bytes(ek[:0], &dk.ρ)
	dk.h = sha3.Sum256(ek[:])
}

// Encapsulate generates a shared key and an associated ciphertext from an
// encapsulation key, drawing random bytes from crypto/rand.
//
// The shared key must be kept secret.
func (ek *EncapsulationKey) Encapsulate() (sharedKey, ciphertext []byte) {
	// The actual logic is in a separate function to outline this allocation.
	var cc [CiphertextSize]byte
	return ek.encapsulate(&cc)
}

func (ek *EncapsulationKey) encapsulate(cc *[CiphertextSize]byte) (sharedKey, ciphertext []byte) {
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
	cc := &[CiphertextSize]byte{}
	return kemEncaps(cc, ek, m)
}

// kemEncaps generates a shared key and an associated ciphertext.
//
// It implements ML-KEM.Encaps_internal according to FIPS 203, Algorithm 17.
func kemEncaps(cc *[CiphertextSize]byte, ek *EncapsulationKey, m *[messageSize]byte) (K, c []byte) {
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

// NewEncapsulationKey parses an encapsulation key from its encoded form.
// If the encapsulation key is not valid, NewEncapsulationKey returns an error.
func NewEncapsulationKey(encapsulationKey []byte) (*EncapsulationKey, error) {
	// The actual logic is in a separate function to outline this allocation.
	ek := &EncapsulationKey{}
	return parseEK(ek, encapsulationKey)
}

// parseEK parses an encryption key from its encoded form.
//
// It implements the initial stages of K-PKE.Encrypt according to FIPS 203,
// Algorithm 14.
func parseEK(ek *EncapsulationKey, ekPKE []byte) (*EncapsulationKey, error) {
	if len(ekPKE) != EncapsulationKeySize {
		return nil, errors.New("mlkem: invalid encapsulation key length")
	}

	ek.h = sha3.Sum256(ekPKE)

	for i := range ek.t {
		var err error
		ek.t[i], err = polyByteDecode[nttElement](ekPKE[:encodingSize12])
		if err != nil {
			return nil, err
		}
		ekPKE = ekPKE[encodingSize12:]
	}
	copy(ek.ρ[:], ekPKE)

	for i := byte(0); i < k; i++ {
		for j := byte(0); j < k; j++ {
			ek.a[i*k+j] = sampleNTT(ek.ρ[:], j, i)
		}
	}

	return ek, nil
}

// pkeEncrypt encrypt a plaintext message.
//
// It implements K-PKE.Encrypt according to FIPS 203, Algorithm 14, although the
// computation of t and AT is done in parseEK.
func pkeEncrypt(cc *[CiphertextSize]byte, ex *encryptionKey, m *[messageSize]byte, rnd []byte) []byte {
	var N byte
	var r [k]nttElement
	var e1 [k]ringElement
	for i := range r {
		r[i] = ntt(samplePolyCBD3(rnd, N))
		N++
	}
	for i := range e1 {
		e1[i] = samplePolyCBD2(rnd, N)
		N++
	}
	e2 := samplePolyCBD2(rnd, N)

	var u [k]ringElement // NTT⁻¹(AT ◦ r) + e1
	for i := range u {
		var uHat nttElement
		for j := range r {
			// Note that i and j are inverted, as we need the transposed of A.
			uHat = polyAdd(uHat, nttMul(ex.a[j*k+i], r[j]))
		}
		u[i] = polyAdd(e1[i], inverseNTT(uHat))
	}

	μ := ringDecodeAndDecompress1(m)

	var vNTT nttElement // t⊺ ◦ r
	for i := range ex.t {
		vNTT = polyAdd(vNTT, nttMul(ex.t[i], r[i]))
	}
	v := polyAdd(polyAdd(inverseNTT(vNTT), e2), μ)

	c := cc[:0]
	for _, f := range u {
		c = ringCompressAndEncode10(c, f)
	}
	c = ringCompressAndEncode4(c, v)

	// r, e1, e2 and μ would let anyone who reads them recover m from c.
	clear(r[:])
	clear(e1[:])
	clear(e2[:])
	clear(μ[:])
	return c
}

// Decapsulate generates a shared key from a ciphertext and a decapsulation key.
// If the ciphertext is not valid, Decapsulate returns an error.
//
// The shared key must be kept secret.
func (dk *DecapsulationKey) Decapsulate(ciphertext []byte) (sharedKey []byte, err error) {
	if len(ciphertext) != CiphertextSize {
		return nil, errors.New("mlkem: invalid ciphertext length")
	}
	c := (*[CiphertextSize]byte)(ciphertext)
	// Note that the hash check (step 3 of the decapsulation input check from
	// FIPS 203, Section 7.3) is foregone as a DecapsulationKey is always
	// validly generated by ML-KEM.KeyGen_internal.
	return kemDecaps(dk, c), nil
}

// kemDecaps produces a shared key from a ciphertext.
//
// It implements ML-KEM.Decaps_internal according to FIPS 203, Algorithm 18.
func kemDecaps(dk *DecapsulationKey, c *[CiphertextSize]byte) (K []byte) {
	var m [messageSize]byte
	pkeDecrypt(&m, &dk.decryptionKey, c)
	g := sha3.New512()
	g.Write(m[:])
	g.Write(dk.h[:])
	var G [64]byte
	g.Sum(G[:0])
	g.Reset() // the state holds m
	Kprime, r := G[:SharedKeySize], G[SharedKeySize:]
	J := sha3.NewSHAKE256()
	J.Write(dk.z[:])
	J.Write(c[:])
	Kout := make([]byte, SharedKeySize)
	J.Read(Kout)
	J.Reset() // the state holds z and the rejection key
	var cc [CiphertextSize]byte
	c1 := pkeEncrypt(&cc, &dk.encryptionKey, &m, r)

	subtle.ConstantTimeCopy(subtle.ConstantTimeCompare(c[:], c1), Kout, Kprime)
	clear(m[:])
	clear(G[:])
	return Kout
}

// pkeDecrypt decrypts a ciphertext into m.
//
// It implements K-PKE.Decrypt according to FIPS 203, Algorithm 15,
// although s is retained from kemKeyGen.
func pkeDecrypt(m *[messageSize]byte, dx *decryptionKey, c *[CiphertextSize]byte) {
	var u [k]ringElement
	for i := range u {
		b := (*[encodingSize10]byte)(c[encodingSize10*i : encodingSize10*(i+1)])
		u[i] = ringDecodeAndDecompress10(b)
	}

	b := (*[encodingSize4]byte)(c[encodingSize10*k:])
	v := ringDecodeAndDecompress4(b)

	var mask nttElement // s⊺ ◦ NTT(u)
	for i := range dx.s {
		mask = polyAdd(mask, nttMul(dx.s[i], ntt(u[i])))
	}
	w := polySub(v, inverseNTT(mask))

	ringCompressAndEncode1(m[:0], w)
	clear(mask[:]) // s⊺ ◦ NTT(u) and w give m away
	clear(w[:])
}
