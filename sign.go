package sealkit

import (
	"strconv"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/sign"
)

// Composite signatures: the crate's sign module (wire-format.md §5.1).
// Every component of a signature signs the same framed message,
// u64_be(len(context)) ‖ context ‖ message, and a signature is valid only
// when every component is (strict AND). Keys and signatures start with a
// version tag that names the algorithms:
//
//	tag   suite, level          secret key  public key  signature
//	0x01  Hybrid Cat-2          65          1345        2485   Ed25519 + ML-DSA-44
//	0x02  Hybrid Cat-3          65          1985        3374   Ed25519 + ML-DSA-65 (default)
//	0x03  Hybrid Cat-5          65          2625        4692   Ed25519 + ML-DSA-87
//	0x10  PureCnsa2 Cat-5       33          2593        4628   ML-DSA-87
//	0x13  HybridMatched Cat-3   90          2010        3424   Ed448 + ML-DSA-65
//	0x14  HybridMatched Cat-5   99          2726        4760   ECDSA-P-521 + ML-DSA-87
//
// A secret key is the tag followed by the seeds (classical, then ML-DSA's
// ξ), independent random values. ML-DSA is pure FIPS 204 with an empty
// FIPS context and hedged signing, so signatures are never reproducible;
// verification and key derivation are deterministic.
//
// The js/wasm build (the browser module) leaves out Ed448 and P-521: keys
// and signatures with tags 0x13 and 0x14 fail there with a *SignatureError
// that says so (posture still works). Their code would not fit the
// module's size budget.

// SignContextV1 is the crate's default signing context, SIGN_CONTEXT_V1.
const SignContextV1 = sign.ContextV1

// SignLevel is a signature's security category. The zero value is
// SignCat3, the crate's default.
type SignLevel int

const (
	SignCat3 SignLevel = iota // ML-DSA-65 (default)
	SignCat2                  // ML-DSA-44
	SignCat5                  // ML-DSA-87
)

// String returns "cat2", "cat3" or "cat5", the spelling ParseSignLevel
// takes.
func (l SignLevel) String() string {
	switch l {
	case SignCat2:
		return "cat2"
	case SignCat3:
		return "cat3"
	case SignCat5:
		return "cat5"
	}
	return "SignLevel(" + strconv.Itoa(int(l)) + ")"
}

// ParseSignLevel reads the crate's signature level strings: "cat2",
// "cat3" or "cat5" in any case; the empty string means SignCat3.
func ParseSignLevel(s string) (SignLevel, error) {
	switch {
	case s == "" || levelIs(s, "cat3"):
		return SignCat3, nil
	case levelIs(s, "cat2"):
		return SignCat2, nil
	case levelIs(s, "cat5"):
		return SignCat5, nil
	}
	return 0, errs.Signature("unknown signature level " + errs.Quote(s) + " (want cat2, cat3 or cat5)")
}

// Suite is a signature suite. The zero value is SuiteHybrid.
type Suite int

const (
	// SuiteHybrid: Ed25519 + ML-DSA at the level's parameter set
	// (tags 0x01, 0x02, 0x03).
	SuiteHybrid Suite = iota
	// SuiteHybridMatched: a classical half matched to the level — Ed448
	// at Cat-3 (0x13), ECDSA-P-521 at Cat-5 (0x14); Cat-2 is the Hybrid
	// Cat-2 layout (0x01).
	SuiteHybridMatched
	// SuitePureCnsa2: ML-DSA-87 alone, Cat-5 only (0x10).
	SuitePureCnsa2
)

// String returns "hybrid", "hybrid_matched" or "pure_cnsa2" (the NIF's
// spelling).
func (s Suite) String() string {
	switch s {
	case SuiteHybrid:
		return "hybrid"
	case SuiteHybridMatched:
		return "hybrid_matched"
	case SuitePureCnsa2:
		return "pure_cnsa2"
	}
	return "Suite(" + strconv.Itoa(int(s)) + ")"
}

// ParseSuite reads the crate's wasm suite strings: case-insensitive once
// '_', '-' and ' ' are removed, "" or "hybrid" → SuiteHybrid,
// "hybridmatched" or "matched" → SuiteHybridMatched, "purecnsa2", "pure"
// or "cnsa2" → SuitePureCnsa2.
func ParseSuite(s string) (Suite, error) {
	b := make([]byte, 0, len(s))
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	switch string(b) {
	case "", "hybrid":
		return SuiteHybrid, nil
	case "hybridmatched", "matched":
		return SuiteHybridMatched, nil
	case "purecnsa2", "pure", "cnsa2":
		return SuitePureCnsa2, nil
	}
	return 0, errs.Signature("unknown suite " + errs.Quote(s) + " (want hybrid, hybrid_matched or pure_cnsa2)")
}

// signTag returns the version tag of a suite and level.
func signTag(suite Suite, level SignLevel) (byte, error) {
	switch suite {
	case SuiteHybrid, SuiteHybridMatched:
		switch level {
		case SignCat2:
			return sign.TagHybridCat2, nil
		case SignCat3:
			if suite == SuiteHybridMatched {
				return sign.TagMatchedCat3, nil
			}
			return sign.TagHybridCat3, nil
		case SignCat5:
			if suite == SuiteHybridMatched {
				return sign.TagMatchedCat5, nil
			}
			return sign.TagHybridCat5, nil
		}
		return 0, errs.Signature("unknown signature level " + level.String())
	case SuitePureCnsa2:
		if level == SignCat5 {
			return sign.TagPureCnsa2, nil
		}
		if level == SignCat2 || level == SignCat3 {
			return 0, errs.Signature("PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0")
		}
		return 0, errs.Signature("unknown signature level " + level.String())
	}
	return 0, errs.Signature("unknown suite " + suite.String())
}

// postureOf maps a tag to its suite and level.
func postureOf(tag byte) (Suite, SignLevel) {
	switch tag {
	case sign.TagHybridCat2:
		return SuiteHybrid, SignCat2
	case sign.TagHybridCat3:
		return SuiteHybrid, SignCat3
	case sign.TagHybridCat5:
		return SuiteHybrid, SignCat5
	case sign.TagPureCnsa2:
		return SuitePureCnsa2, SignCat5
	case sign.TagMatchedCat3:
		return SuiteHybridMatched, SignCat3
	}
	return SuiteHybridMatched, SignCat5 // sign.TagMatchedCat5
}

// GenerateSigningKeyPair returns a new Hybrid (Ed25519 + ML-DSA) signing
// key pair at a level: tag 0x01, 0x02 or 0x03.
func GenerateSigningKeyPair(level SignLevel) (publicKey, secretKey []byte, err error) {
	return GenerateSigningKeyPairSuite(SuiteHybrid, level)
}

// GenerateSigningKeyPairSuite returns a new signing key pair of a suite
// and level (see Suite). PureCnsa2 below Cat-5 is the crate's error
// "signature: PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0".
func GenerateSigningKeyPairSuite(suite Suite, level SignLevel) (publicKey, secretKey []byte, err error) {
	tag, err := signTag(suite, level)
	if err != nil {
		return nil, nil, err
	}
	return sign.Generate(sign.ByTag(tag))
}

// DeriveSigningPublicKey recomputes the public key of a signing secret
// key. Errors: a missing or unknown tag (*SignatureError), a size other
// than the tag's (*InvalidLengthError: 65 for the legacy tags 0x01–0x03,
// 33, 90 or 99 for 0x10, 0x13, 0x14).
func DeriveSigningPublicKey(secretKey []byte) ([]byte, error) {
	return sign.PublicKey(secretKey)
}

// Sign signs message under context (SignContextV1 unless the application
// has its own) with a signing secret key, whose tag picks the algorithms.
// The errors are DeriveSigningPublicKey's.
func Sign(message []byte, context string, secretKey []byte) ([]byte, error) {
	return sign.Sign(message, context, secretKey)
}

// Verify reports whether signature is publicKey's signature of message
// under context. It follows the crate's decision order exactly:
//
//  1. a signature tagged 0x10, 0x13 or 0x14: false unless the public key
//     has the same tag and both have their exact sizes;
//  2. else a public key tagged 0x10, 0x13 or 0x14: false;
//  3. else an empty or unknown-tagged signature or public key: the error
//     "signature: unknown or missing signature version tag";
//  4. different tags 0x01–0x03, or a wrong size: false;
//  5. true only if every component verifies.
//
// A false result says nothing about why; an error means the inputs are
// not signature data at all. Where the crate panics (a 0x10/0x13/0x14
// signature with an empty public key) Verify returns false.
func Verify(message []byte, context string, signature, publicKey []byte) (bool, error) {
	return sign.Verify(message, context, signature, publicKey)
}

// SignaturePosture returns the suite and level of a signing public key.
// Errors: an empty or unknown-tagged key (*SignatureError), a size other
// than the tag's (*InvalidLengthError).
func SignaturePosture(publicKey []byte) (Suite, SignLevel, error) {
	l, err := sign.Posture(publicKey, false)
	if err != nil {
		return 0, 0, err
	}
	s, lv := postureOf(l.Tag)
	return s, lv, nil
}

// SignaturePostureFromSignature returns the suite and level of a
// signature, with SignaturePosture's errors.
func SignaturePostureFromSignature(signature []byte) (Suite, SignLevel, error) {
	l, err := sign.Posture(signature, true)
	if err != nil {
		return 0, 0, err
	}
	s, lv := postureOf(l.Tag)
	return s, lv, nil
}
