// Package hybrid implements metamorphic-crypto's legacy hybrid seal (tags
// 0x01, 0x02, 0x03): ML-KEM-512/768/1024 + X25519 combined exactly as
// X-Wing, the result used as a secretbox key (wire-format.md §3.1–3.5).
//
// At Cat-3 the KEM is byte-identical to X-Wing (libsodium
// crypto_kem_xwing, noble ml_kem768_x25519, circl kem/xwing); Cat-1 and
// Cat-5 are the same construction with the other ML-KEM sizes. The ML-KEM
// implementation depends on the target: natively crypto/mlkem for
// ML-KEM-768 and -1024 and circl for ML-KEM-512, which the standard
// library lacks (kem_native.go); in WebAssembly internal/mlkem (a port of
// the standard library's code) for all three, which keeps the module small
// (kem_wasm.go). Both files provide the same small API: the sizes,
// kemEncaps, kemEK and the kemKey type.
package hybrid

import (
	"crypto/sha3"
	"io"

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
	Cat1 = newParams(0x01, "ML-KEM-512", ekSize512, ctSize512)
	Cat3 = newParams(0x02, "ML-KEM-768", ekSize768, ctSize768)
	Cat5 = newParams(0x03, "ML-KEM-1024", ekSize1024, ctSize1024)
)

// An Encapsulate is ML-KEM encapsulation to the encapsulation key ek at
// one level: the ciphertext and the 32-byte shared secret, or a
// *errs.HybridError naming the level when ek is not a valid key.
type Encapsulate func(ek []byte) (ct, ss []byte, err error)

// encapsulate is ML-KEM encapsulation at p's level with fresh system
// randomness. There is deliberately no derandomised form here: the
// fixed-coins encapsulation of the vector tests lives in hybridtest, so
// that no production binary links it.
func (p *Params) encapsulate(ek []byte) (ct, ss []byte, err error) { return kemEncaps(p, ek) }

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
	ek, err := kemEK(p, ms)
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
	return SealWith(p.encapsulate, systemRandom, p, plaintext, publicKey)
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
	p        *Params
	kem      *kemKey // the ML-KEM key of p's level; nil once wiped
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
	kem, err := expandKEM(p, ms)
	if err == nil {
		k.kem = kem
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
	if k.kem != nil {
		ssKEM = k.kem.decapsulate(ct)
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

// Wipe zeroes the expanded keys (the ML-KEM key through kemKey.wipe). k must
// not be used afterwards, except that Open then fails and Wipe again does
// nothing.
func (k *PrivateKey) Wipe() {
	if k.kem != nil {
		k.kem.wipe()
		k.kem = nil
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
