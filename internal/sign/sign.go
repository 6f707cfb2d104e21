// Package sign implements metamorphic-crypto's composite signatures (the
// crate's sign module, wire-format.md §5.1) over raw bytes: hybrid
// Ed25519 + ML-DSA (tags 0x01, 0x02, 0x03), pure ML-DSA-87 (0x10),
// Ed448 + ML-DSA-65 (0x13) and ECDSA-P-521 + ML-DSA-87 (0x14).
//
// Every component signs the same framed message, u64_be(len(ctx)) ‖ ctx ‖
// message; a signature is valid only when every component is (strict
// AND). ML-DSA is crypto/mldsa: pure FIPS 204, empty FIPS context, hedged.
// The classical halves are in ed25519.go, ed448*.go and p521*.go; the
// js/wasm build leaves Ed448 and P-521 out (their code would not fit the
// browser module's size budget) and reports a signature error for them.
package sign

import (
	"crypto/mldsa"
	"crypto/rand"

	"github.com/sealkit/sealkit/internal/errs"
)

// ContextV1 is the crate's default signing context, SIGN_CONTEXT_V1.
const ContextV1 = "metamorphic/sign/v1"

// The version tags: the first byte of every key and signature.
const (
	TagHybridCat2  = 0x01 // Ed25519 + ML-DSA-44 (also HybridMatched Cat-2)
	TagHybridCat3  = 0x02 // Ed25519 + ML-DSA-65 (default)
	TagHybridCat5  = 0x03 // Ed25519 + ML-DSA-87
	TagPureCnsa2   = 0x10 // ML-DSA-87 alone
	TagMatchedCat3 = 0x13 // Ed448 + ML-DSA-65
	TagMatchedCat5 = 0x14 // ECDSA-P-521 + ML-DSA-87
)

// MLDSASeedSize is the size of an ML-DSA key generation seed ξ.
const MLDSASeedSize = 32

// classical is one classical half: its sizes and operations. A half left
// out of this build has a non-empty missing and nil operations.
type classical struct {
	seedLen, pkLen, sigLen int
	// missing names the suite when this build leaves the half out.
	missing string
	public  func(seed []byte) ([]byte, error)
	sign    func(seed, framed []byte) ([]byte, error)
	verify  func(pk, framed, sig []byte) bool
}

var (
	none    = &classical{}
	ed25519 = &classical{seedLen: 32, pkLen: 32, sigLen: 64,
		public: func(seed []byte) ([]byte, error) { return ed25519PublicKey(seed), nil },
		sign:   func(seed, framed []byte) ([]byte, error) { return ed25519Sign(seed, framed), nil },
		verify: ed25519Verify,
	}
)

// A Layout is one tag's fixed sizes: classical part first, then ML-DSA.
type Layout struct {
	Tag       byte
	classical *classical
	mldsa     func() mldsa.Parameters
}

// SecretKeyLen, PublicKeyLen and SignatureLen are the whole sizes,
// tag byte included.
func (l *Layout) SecretKeyLen() int { return 1 + l.classical.seedLen + MLDSASeedSize }
func (l *Layout) PublicKeyLen() int { return 1 + l.classical.pkLen + l.mldsa().PublicKeySize() }
func (l *Layout) SignatureLen() int { return 1 + l.classical.sigLen + l.mldsa().SignatureSize() }

// Legacy reports whether the tag is one of the v0.5 hybrid tags, whose
// checks differ from the v0.7 suites' in verify.
func (l *Layout) Legacy() bool { return l.Tag <= TagHybridCat5 }

var layouts = [...]Layout{
	{TagHybridCat2, ed25519, mldsa.MLDSA44},
	{TagHybridCat3, ed25519, mldsa.MLDSA65},
	{TagHybridCat5, ed25519, mldsa.MLDSA87},
	{TagPureCnsa2, none, mldsa.MLDSA87},
	{TagMatchedCat3, ed448, mldsa.MLDSA65},
	{TagMatchedCat5, p521, mldsa.MLDSA87},
}

// ByTag returns the layout of a version tag, or nil for an unknown one.
func ByTag(tag byte) *Layout {
	for i := range layouts {
		if layouts[i].Tag == tag {
			return &layouts[i]
		}
	}
	return nil
}

// errUnknownTag is the crate's error for a key or signature whose first
// byte is no signature tag, or that is empty.
func errUnknownTag() error { return errs.Signature("unknown or missing signature version tag") }

// layoutOf returns the layout named by blob's first byte.
func layoutOf(blob []byte) (*Layout, error) {
	if len(blob) == 0 {
		return nil, errUnknownTag()
	}
	l := ByTag(blob[0])
	if l == nil {
		return nil, errUnknownTag()
	}
	return l, nil
}

// unavailable is the error for a suite this build leaves out.
func (l *Layout) unavailable() error {
	if l.classical.missing == "" {
		return nil
	}
	return errs.Signature(l.classical.missing + " signatures are not in the browser build")
}

// Frame returns u64_be(len(context)) ‖ context ‖ message, what every
// component signs.
func Frame(context string, message []byte) []byte {
	out := make([]byte, 8, 8+len(context)+len(message))
	// By hand, not encoding/binary, which would bring reflect into the
	// browser module.
	n := uint64(len(context))
	for i := 7; i >= 0; i-- {
		out[i] = byte(n)
		n >>= 8
	}
	out = append(out, context...)
	return append(out, message...)
}

// Generate returns a new key pair of the tag's layout. The classical seed
// and the ML-DSA seed are independent random values.
func Generate(l *Layout) (publicKey, secretKey []byte, err error) {
	if err := l.unavailable(); err != nil {
		return nil, nil, err
	}
	secretKey = make([]byte, l.SecretKeyLen())
	secretKey[0] = l.Tag
	rand.Read(secretKey[1:])
	publicKey, err = publicKeyOf(l, secretKey)
	if err != nil {
		clear(secretKey)
		return nil, nil, err
	}
	return publicKey, secretKey, nil
}

// checkSecretKey returns the layout of a secret key of the right size:
// an unknown tag is the crate's Signature error, a wrong size an
// InvalidLength error against the tag's size (65 for the legacy tags).
func checkSecretKey(sk []byte) (*Layout, error) {
	l, err := layoutOf(sk)
	if err != nil {
		return nil, err
	}
	if len(sk) != l.SecretKeyLen() {
		return nil, errs.InvalidLength(l.SecretKeyLen(), len(sk))
	}
	if err := l.unavailable(); err != nil {
		return nil, err
	}
	return l, nil
}

// PublicKey recomputes a secret key's public key (deterministic:
// ML-DSA KeyGen_internal(ξ), RFC 8032, P-521 scalar·G).
func PublicKey(sk []byte) ([]byte, error) {
	l, err := checkSecretKey(sk)
	if err != nil {
		return nil, err
	}
	return publicKeyOf(l, sk)
}

func publicKeyOf(l *Layout, sk []byte) ([]byte, error) {
	c := l.classical
	out := make([]byte, 1, l.PublicKeyLen())
	out[0] = l.Tag
	if c.seedLen > 0 {
		pk, err := c.public(sk[1 : 1+c.seedLen])
		if err != nil {
			return nil, err
		}
		out = append(out, pk...)
	}
	k, err := mldsa.NewPrivateKey(l.mldsa(), sk[1+c.seedLen:])
	if err != nil {
		return nil, errs.Signature("ML-DSA key generation failed")
	}
	out = append(out, k.PublicKey().Bytes()...)
	wipeMLDSA(k)
	return out, nil
}

// wipeMLDSA zeroes an ML-DSA private key (its seed ξ and the expanded
// secret vectors) once it is no longer needed: crypto/mldsa offers no way
// to, and the key would otherwise stay in memory until the garbage
// collector reuses it. The struct holds arrays and integers only (no
// pointers), so a typed zero store clears all of it; TestWipeMLDSA fails
// if the seed survives.
func wipeMLDSA(k *mldsa.PrivateKey) { *k = mldsa.PrivateKey{} }

// Sign signs message under context with a secret key; the key's tag picks
// the algorithms. Errors: an unknown tag, a wrong size, a suite left out
// of this build.
func Sign(message []byte, context string, sk []byte) ([]byte, error) {
	l, err := checkSecretKey(sk)
	if err != nil {
		return nil, err
	}
	framed := Frame(context, message)
	c := l.classical
	out := make([]byte, 1, l.SignatureLen())
	out[0] = l.Tag
	if c.seedLen > 0 {
		sig, err := c.sign(sk[1:1+c.seedLen], framed)
		if err != nil {
			return nil, err
		}
		out = append(out, sig...)
	}
	k, err := mldsa.NewPrivateKey(l.mldsa(), sk[1+c.seedLen:])
	if err != nil {
		return nil, errs.Signature("ML-DSA key generation failed")
	}
	// Hedged: crypto/mldsa mixes fresh randomness into every signature
	// (its io.Reader argument is ignored); nil options = empty context.
	sig, err := k.Sign(nil, framed, nil)
	wipeMLDSA(k)
	if err != nil {
		return nil, errs.Signature("ML-DSA signing failed")
	}
	return append(out, sig...), nil
}

// Verify reports whether sig is a valid signature of message under
// context by pk, with the crate's decision order:
//
//  1. a signature with a v0.7 suite tag (0x10, 0x13, 0x14): false unless
//     pk has the same tag and both have their exact sizes (an empty pk is
//     false too, where the crate panics);
//  2. else a pk with a v0.7 suite tag: false;
//  3. else an empty signature or pk, or one whose tag is no signature
//     tag: the Signature error "unknown or missing signature version tag";
//  4. legacy tags that differ, or a wrong size: false;
//  5. the classical component AND the ML-DSA component must verify.
//
// A component key that does not decode (a P-521 point off the curve)
// makes the signature invalid, not an error. The js/wasm build returns a
// Signature error for a 0x13 or 0x14 signature that passes step 1.
func Verify(message []byte, context string, sig, pk []byte) (bool, error) {
	var l *Layout
	switch {
	case len(sig) > 0 && isSuiteTag(sig[0]):
		if len(pk) == 0 || pk[0] != sig[0] {
			return false, nil
		}
		l = ByTag(sig[0])
	case len(pk) > 0 && isSuiteTag(pk[0]):
		return false, nil
	default:
		ls, err := layoutOf(sig)
		if err != nil {
			return false, err
		}
		lp, err := layoutOf(pk)
		if err != nil {
			return false, err
		}
		if ls != lp {
			return false, nil
		}
		l = ls
	}
	if len(sig) != l.SignatureLen() || len(pk) != l.PublicKeyLen() {
		return false, nil
	}
	if err := l.unavailable(); err != nil {
		return false, err
	}
	framed := Frame(context, message)
	c := l.classical
	classicalOK := true
	if c.pkLen > 0 {
		classicalOK = c.verify(pk[1:1+c.pkLen], framed, sig[1:1+c.sigLen])
	}
	mpk, err := mldsa.NewPublicKey(l.mldsa(), pk[1+c.pkLen:])
	if err != nil {
		return false, nil
	}
	// Both halves are checked whatever the first says: strict AND.
	mldsaOK := mldsa.Verify(mpk, framed, sig[1+c.sigLen:], nil) == nil
	return classicalOK && mldsaOK, nil
}

func isSuiteTag(t byte) bool {
	return t == TagPureCnsa2 || t == TagMatchedCat3 || t == TagMatchedCat5
}

// Posture returns the layout of a public key (signature false) or a
// signature (signature true): an unknown tag or an empty blob is the
// Signature error, a size other than the tag's exact size an
// InvalidLength error.
func Posture(blob []byte, signature bool) (*Layout, error) {
	l, err := layoutOf(blob)
	if err != nil {
		return nil, err
	}
	want := l.PublicKeyLen()
	if signature {
		want = l.SignatureLen()
	}
	if len(blob) != want {
		return nil, errs.InvalidLength(want, len(blob))
	}
	return l, nil
}
