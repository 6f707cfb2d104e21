// Package hybrid implements metamorphic-crypto's legacy hybrid seal (tags
// 0x01, 0x02, 0x03): ML-KEM-512/768/1024 + X25519 combined exactly as
// X-Wing, the result used as a secretbox key (wire-format.md §3.1–3.5).
//
// At Cat-3 the KEM is byte-identical to X-Wing (libsodium
// crypto_kem_xwing, noble ml_kem768_x25519, circl kem/xwing); Cat-1 and
// Cat-5 are the same construction with the other ML-KEM sizes. ML-KEM-768
// and -1024 are crypto/mlkem's; ML-KEM-512, which the standard library
// lacks, is circl's natively and internal/mlkem512's (a port of the
// standard library's code) in WebAssembly.
package hybrid

import (
	"crypto/mlkem"
	"crypto/sha3"
	"io"
	"unsafe"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/nacl"
)

// Sizes shared by every level.
const (
	SeedSize     = 32
	x25519Size   = 32
	nonceSize    = nacl.NonceSize
	tagSize      = nacl.Overhead
	expandedSize = 96
)

// label is the X-Wing combiner label `\.//^\`, appended last.
var label = []byte{0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c}

// Params describes one security level.
type Params struct {
	Tag          byte
	Name         string // "ML-KEM-768", used in error texts
	EKSize       int    // ML-KEM encapsulation key
	CTSize       int    // ML-KEM ciphertext
	PublicKeyLen int    // EKSize + 32
	MinLen       int    // sealed blob with an empty plaintext

	// encaps encapsulates to ek with fresh system randomness. There is
	// deliberately no derandomised form here: the fixed-coins encapsulation
	// of the vector tests (crypto/mlkem/mlkemtest) lives in hybridtest, so
	// that no production binary links it.
	encaps Encapsulate
	// ek returns the encapsulation key for the 64-byte d‖z seed.
	ek func(seed []byte) ([]byte, error)
}

func newParams(tag byte, name string, ekSize, ctSize int) Params {
	return Params{
		Tag: tag, Name: name, EKSize: ekSize, CTSize: ctSize,
		PublicKeyLen: ekSize + x25519Size,
		MinLen:       1 + ctSize + x25519Size + nonceSize + tagSize,
	}
}

// Cat1, Cat3 and Cat5 are the three levels, indexed by tag.
var (
	Cat1 = newParams(0x01, "ML-KEM-512", cat1EKSize, cat1CTSize)
	Cat3 = newParams(0x02, "ML-KEM-768", mlkem.EncapsulationKeySize768, mlkem.CiphertextSize768)
	Cat5 = newParams(0x03, "ML-KEM-1024", mlkem.EncapsulationKeySize1024, mlkem.CiphertextSize1024)
)

// An Encapsulate is ML-KEM encapsulation to the encapsulation key ek at
// one level: the ciphertext and the 32-byte shared secret, or a
// *errs.HybridError naming the level when ek is not a valid key.
type Encapsulate func(ek []byte) (ct, ss []byte, err error)

func init() {
	// ML-KEM-512 is not in the standard library: circl natively,
	// internal/mlkem512 in WebAssembly (cat1_native.go, cat1_wasm.go say
	// why).
	Cat1.encaps, Cat1.ek = cat1Encaps, cat1EK

	Cat3.encaps = func(ek []byte) ([]byte, []byte, error) {
		k, err := mlkem.NewEncapsulationKey768(ek)
		if err != nil {
			return nil, nil, errs.Hybrid("invalid ML-KEM-768 encapsulation key")
		}
		ss, ct := k.Encapsulate()
		return ct, ss, nil
	}
	Cat3.ek = func(seed []byte) ([]byte, error) {
		k, err := mlkem.NewDecapsulationKey768(seed)
		if err != nil {
			return nil, err
		}
		defer wipeKey(k, layout768)
		return k.EncapsulationKey().Bytes(), nil
	}

	Cat5.encaps = func(ek []byte) ([]byte, []byte, error) {
		k, err := mlkem.NewEncapsulationKey1024(ek)
		if err != nil {
			return nil, nil, errs.Hybrid("invalid ML-KEM-1024 encapsulation key")
		}
		ss, ct := k.Encapsulate()
		return ct, ss, nil
	}
	Cat5.ek = func(seed []byte) ([]byte, error) {
		k, err := mlkem.NewDecapsulationKey1024(seed)
		if err != nil {
			return nil, err
		}
		defer wipeKey(k, layout1024)
		return k.EncapsulationKey().Bytes(), nil
	}
}

// wipeKey zeroes what a decapsulation key of crypto/mlkem, circl or
// internal/mlkem512 holds (the d‖z seed and the secret vector among it):
// the libraries offer no way to, and the key would otherwise stay in
// memory until the garbage collector reuses it. The key, and anything
// sharing its parts (circl's public key), must not be used afterwards.
// TestWipeKey and
// js/test/memory.test.mjs fail if a library changes so that d or z
// survive.
//
// Not inlined: the compiler would otherwise copy it into the wrapper of
// every `defer wipeKey(...)` and into PrivateKey.Wipe, ~1 KB of wasm code
// each; one call per key is nothing next to ML-KEM's work.
//
//go:noinline
func wipeKey[K any](k *K, l *keyLayout) {
	base := unsafe.Pointer(k)
	for _, f := range l.inner {
		if p := *(*unsafe.Pointer)(unsafe.Add(base, f.offset)); p != nil {
			clear(unsafe.Slice((*byte)(p), f.size))
		}
	}
	var zero K
	*k = zero // a typed store: the runtime sees the pointers go
}

// A keyLayout says what wipeKey clears behind a key struct's pointer
// fields: the offset of each field whose pointee holds no pointers, and
// the pointee's size. A pointee that holds pointers is left alone, since
// clearing it behind the runtime's back would break its write barriers.
type keyLayout struct {
	inner []struct{ offset, size uintptr }
}

// The layouts of the three key types, written out rather than read through
// reflect at start-up: reflect.Type alone, with the methods and types it
// keeps alive, is ~7 KB of the brotli wasm module. Nothing is assumed
// unchecked: TestKeyLayouts derives each layout from the types through
// reflect, natively and in wasm (make test-wasm), and fails on any
// difference, so a library or Go release that changes a key's shape fails
// the tests before it can make wipeKey clear the wrong bytes; the array
// lengths below fail the build if an outer struct changes size.
//
//   - ML-KEM-512's: in cat1_native.go (circl) and cat1_wasm.go
//     (internal/mlkem512).
//   - crypto/mlkem's DecapsulationKey768 and DecapsulationKey1024: one
//     pointer to the FIPS 140 module's key (d, z, ρ, h; t, Aᵀ and s as NTT
//     elements of 512 bytes: 128 + (k + k² + k) × 512).
var (
	layout768  = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 128 + (3+9+3)*512}}}
	layout1024 = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 128 + (4+16+4)*512}}}
)

// Compile-time checks of the outer structs' sizes (an array length must
// not be negative): one pointer each.
var (
	_ = [unsafe.Sizeof(mlkem.DecapsulationKey768{}) - 8]struct{}{}
	_ = [8 - unsafe.Sizeof(mlkem.DecapsulationKey768{})]struct{}{}
	_ = [unsafe.Sizeof(mlkem.DecapsulationKey1024{}) - 8]struct{}{}
	_ = [8 - unsafe.Sizeof(mlkem.DecapsulationKey1024{})]struct{}{}
)

// ByTag returns the level for a seal tag.
func ByTag(tag byte) (*Params, bool) {
	switch tag {
	case 0x01:
		return &Cat1, true
	case 0x02:
		return &Cat3, true
	case 0x03:
		return &Cat5, true
	}
	return nil, false
}

// ByPublicKeyLen returns the level whose public key has n bytes.
func ByPublicKeyLen(n int) (*Params, bool) {
	switch n {
	case Cat1.PublicKeyLen:
		return &Cat1, true
	case Cat3.PublicKeyLen:
		return &Cat3, true
	case Cat5.PublicKeyLen:
		return &Cat5, true
	}
	return nil, false
}

// expand returns SHAKE256(seed)[0:96]: ML-KEM d‖z, then the X25519 secret.
// The caller clears both.
func expand(seed []byte) (mlkemSeed, xsk []byte) {
	e := make([]byte, expandedSize)
	h := sha3.NewSHAKE256()
	h.Write(seed)
	h.Read(e)
	// The sponge state now holds the output it squeezed (all 96 bytes fit
	// in one rate block): Reset zeroes it.
	h.Reset()
	return e[:64], e[64:]
}

// PublicKey derives the public key ek ‖ X25519 pk from a 32-byte seed.
func PublicKey(p *Params, seed []byte) ([]byte, error) {
	if len(seed) != SeedSize {
		return nil, errs.InvalidLength(SeedSize, len(seed))
	}
	ms, xsk := expand(seed)
	defer clear(ms)
	defer clear(xsk)
	ek, err := p.ek(ms)
	if err != nil {
		return nil, err
	}
	xpk, err := nacl.X25519Public(xsk)
	if err != nil {
		return nil, err
	}
	return append(ek, xpk...), nil
}

// combine is the X-Wing combiner (wire-format.md §3.2). It clears the two
// shared secrets; the caller clears the key.
func combine(ssKEM, ssX, epk, xpk []byte) *[32]byte {
	h := sha3.New256()
	h.Write(ssKEM)
	h.Write(ssX)
	h.Write(epk)
	h.Write(xpk)
	h.Write(label)
	var k [32]byte
	h.Sum(k[:0])
	// The 134 bytes written fit in one SHA3-256 block, so the state still
	// holds both shared secrets in the clear (XORed into zeros): Reset
	// zeroes it.
	h.Reset()
	clear(ssKEM)
	clear(ssX)
	return &k
}

// Seal seals plaintext to publicKey at level p with fresh system
// randomness.
func Seal(p *Params, plaintext, publicKey []byte) ([]byte, error) {
	return SealWith(p.encaps, systemRandom, p, plaintext, publicKey)
}

// SealWith is Seal with the ML-KEM encapsulation and the source of the
// X25519 ephemeral secret (32 bytes) and the nonce (24), read from r in
// that order, chosen by the caller. It exists for the vector tests, which
// replay fixed randomness through hybridtest.Seal; everything else calls
// Seal.
func SealWith(encaps Encapsulate, r io.Reader, p *Params, plaintext, publicKey []byte) ([]byte, error) {
	if len(publicKey) != p.PublicKeyLen {
		return nil, errs.InvalidLength(p.PublicKeyLen, len(publicKey))
	}
	ek, xpk := publicKey[:p.EKSize], publicKey[p.EKSize:]

	var rnd [32 + nonceSize]byte
	if _, err := io.ReadFull(r, rnd[:]); err != nil {
		return nil, err
	}
	esk, nonce := rnd[:32], (*[nonceSize]byte)(rnd[32:])

	ct, ssKEM, err := encaps(ek)
	if err != nil {
		clear(esk)
		return nil, err
	}
	epk, ssX, ok := nacl.X25519(esk, xpk)
	clear(esk)
	if !ok {
		clear(ssKEM)
		return nil, errs.Hybrid("invalid X25519 public key (low-order point)")
	}
	key := combine(ssKEM, ssX, epk, xpk)

	out := make([]byte, 0, p.MinLen+len(plaintext))
	out = append(out, p.Tag)
	out = append(out, ct...)
	out = append(out, epk...)
	out = append(out, nacl.SealWithNonce(plaintext, key, nonce)...)
	clear(key[:])
	return out, nil
}

// Open opens a blob made by Seal with the recipient's 32-byte seed. The
// error order is the crate's: bad tag, seed length, minimum length, then
// decryption.
func Open(blob, seed []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, errs.ErrBadTag
	}
	p, ok := ByTag(blob[0])
	if !ok {
		return nil, errs.ErrBadTag
	}
	if len(seed) != SeedSize {
		return nil, errs.InvalidLength(SeedSize, len(seed))
	}
	if len(blob) < p.MinLen {
		return nil, errs.ErrTooShort
	}
	k, err := NewPrivateKey(p, seed)
	if err != nil {
		return nil, errs.ErrDecryption
	}
	pt, err := k.Open(blob)
	k.Wipe()
	return pt, err
}

// A PrivateKey is a hybrid seed expanded for one level: the ML-KEM
// decapsulation key and the X25519 key pair, computed once. Open with a
// seed expands them on every call (SHAKE256, the ML-KEM matrix, a base
// point multiplication); a holder that opens many blobs with one seed
// (cmd/sealkit-wasm's key slots) keeps a PrivateKey instead, at the price
// of holding the expanded secret in memory until Wipe. Open does not
// modify k; Wipe must not run concurrently with it.
type PrivateKey struct {
	p *Params
	// The ML-KEM key of p's level; the other two are nil. Three typed
	// fields rather than an interface: an interface and its three
	// implementations cost the wasm module more than these switches.
	k512     *cat1Key
	k768     *mlkem.DecapsulationKey768
	k1024    *mlkem.DecapsulationKey1024
	xsk, xpk [x25519Size]byte
}

// NewPrivateKey expands a 32-byte seed for level p. The caller must Wipe
// the key when done with it.
func NewPrivateKey(p *Params, seed []byte) (*PrivateKey, error) {
	if len(seed) != SeedSize {
		return nil, errs.InvalidLength(SeedSize, len(seed))
	}
	// Cleared without defer, which costs the wasm module more code: none
	// of the calls below panics on these sizes.
	ms, xsk := expand(seed)
	k := &PrivateKey{p: p}
	var err error
	switch p.Tag {
	case Cat1.Tag:
		k.k512, err = expandCat1(ms)
	case Cat3.Tag:
		k.k768, err = mlkem.NewDecapsulationKey768(ms)
	default:
		k.k1024, err = mlkem.NewDecapsulationKey1024(ms)
	}
	clear(ms)
	copy(k.xsk[:], xsk)
	clear(xsk)
	if err == nil {
		var xpk []byte
		if xpk, err = nacl.X25519Public(k.xsk[:]); err == nil {
			copy(k.xpk[:], xpk)
			return k, nil
		}
	}
	k.Wipe()
	return nil, err
}

// Params is the key's level.
func (k *PrivateKey) Params() *Params { return k.p }

// Open opens a blob sealed to k's level, with Open's checks after the
// seed's: ErrBadTag (another level's tag too), ErrTooShort, ErrDecryption.
// After Wipe it fails with ErrDecryption.
func (k *PrivateKey) Open(blob []byte) ([]byte, error) {
	p := k.p
	if len(blob) == 0 || blob[0] != p.Tag {
		return nil, errs.ErrBadTag
	}
	if len(blob) < p.MinLen {
		return nil, errs.ErrTooShort
	}
	ct := blob[1 : 1+p.CTSize]
	epk := blob[1+p.CTSize : 1+p.CTSize+x25519Size]
	box := blob[1+p.CTSize+x25519Size:] // nonce ‖ tag ‖ ct, as secretbox

	// ML-KEM decapsulation never fails on a well-sized ciphertext (implicit
	// rejection); a wrong key shows up as a secretbox failure below.
	var ssKEM []byte
	switch {
	case k.k512 != nil:
		ssKEM = cat1Decapsulate(k.k512, ct)
	case k.k768 != nil:
		ssKEM, _ = k.k768.Decapsulate(ct)
	case k.k1024 != nil:
		ssKEM, _ = k.k1024.Decapsulate(ct)
	}
	if ssKEM == nil { // wiped
		return nil, errs.ErrDecryption
	}
	// Only the shared secret: the public key was computed once, in
	// NewPrivateKey.
	ssX, ok := nacl.X25519Shared(k.xsk[:], epk)
	if !ok {
		clear(ssKEM)
		return nil, errs.ErrDecryption
	}
	key := combine(ssKEM, ssX, epk, k.xpk[:])
	pt, err := nacl.Open(box, key[:])
	clear(key[:])
	return pt, err
}

// Wipe zeroes the expanded keys (the ML-KEM key through wipeKey). k must
// not be used afterwards, except that Open then fails and Wipe again does
// nothing.
func (k *PrivateKey) Wipe() {
	if k.k512 != nil {
		wipeKey(k.k512, layout512)
		k.k512 = nil
	}
	if k.k768 != nil {
		wipeKey(k.k768, layout768)
		k.k768 = nil
	}
	if k.k1024 != nil {
		wipeKey(k.k1024, layout1024)
		k.k1024 = nil
	}
	clear(k.xsk[:])
	clear(k.xpk[:])
}

// IsHybrid applies the crate's v0.6 rule to raw bytes: a known tag and at
// least that tag's minimum length. The CNSA tags 0x10/0x13/0x14 count as
// hybrid too, so that blobs from crate v0.7+ are routed the same way.
func IsHybrid(blob []byte) bool {
	if len(blob) == 0 {
		return false
	}
	min, ok := minLenByTag[blob[0]]
	return ok && len(blob) >= min
}

var minLenByTag = map[byte]int{
	0x01: Cat1.MinLen, 0x02: Cat3.MinLen, 0x03: Cat5.MinLen,
	0x10: 1597, 0x13: 1173, 0x14: 1730,
}
