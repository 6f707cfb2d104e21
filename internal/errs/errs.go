// Package errs defines sealkit's error values. Their Error() texts are the
// Display texts of metamorphic-crypto's CryptoError (wire-format.md §0.3),
// because the WASM build throws those strings and callers match on them.
//
// The root package re-exports every name here; internal packages return
// these values so that errors.Is and errors.As work across the module.
package errs

import (
	"errors"
	"strconv"
)

// Plain sentinels: the crate's unit variants.
var (
	ErrDecryption         = errors.New("decryption failed: invalid ciphertext or wrong key")
	ErrTooShort           = errors.New("ciphertext too short to be valid")
	ErrInvalidKeyHash     = errors.New("invalid key_hash format (expected `salt$argon2id`)")
	ErrInvalidRecoveryKey = errors.New("invalid recovery key character")

	// ErrLowOrderKey is sealkit's own: sealing to an X25519 public key
	// whose shared secret would be all zeros (wire-format.md §7.3).
	// libsodium refuses such keys; the Rust crate would seal under a
	// publicly known key.
	ErrLowOrderKey = errors.New("invalid public key: low-order X25519 point (all-zero shared secret)")
)

// Family sentinels: the crate's variants that carry data. Each concrete
// error type below reports true for errors.Is(err, <its family sentinel>).
var (
	ErrInvalidLength = errors.New("invalid length")
	ErrBase64        = errors.New("base64 decode")
	ErrHybrid        = errors.New("hybrid KEM")
	ErrKDF           = errors.New("key derivation failed")
	ErrUTF8          = errors.New("UTF-8")
	ErrSignature     = errors.New("signature")
)

// InvalidLengthError reports a key, salt, seed or public key of the wrong
// size: "invalid length: expected 32 bytes, got 16".
type InvalidLengthError struct {
	Expected, Got int
}

func (e *InvalidLengthError) Error() string {
	return "invalid length: expected " + strconv.Itoa(e.Expected) + " bytes, got " + strconv.Itoa(e.Got)
}

// Is makes errors.Is(err, ErrInvalidLength) true.
func (e *InvalidLengthError) Is(target error) bool { return target == ErrInvalidLength }

// InvalidLength returns an *InvalidLengthError.
func InvalidLength(expected, got int) error { return &InvalidLengthError{Expected: expected, Got: got} }

// Base64Kind says which rule a base64 string broke. The kinds and their
// texts are those of the Rust base64 0.22 crate's DecodeError.
type Base64Kind int

const (
	// Base64InvalidByte: a byte outside the alphabet, or '=' where padding
	// cannot stand. Offset and Byte are set.
	Base64InvalidByte Base64Kind = iota + 1
	// Base64InvalidLength: a lone trailing symbol. Offset is set.
	Base64InvalidLength
	// Base64InvalidLastSymbol: the last symbol has bits that decoding would
	// drop (a non-canonical encoding). Offset and Byte are set.
	Base64InvalidLastSymbol
	// Base64InvalidPadding: padding missing or not canonical.
	Base64InvalidPadding
)

// Base64Error reports input that is not strict, padded, standard base64.
type Base64Error struct {
	Kind   Base64Kind
	Offset int  // byte offset into the input, where the kind has one
	Byte   byte // the offending byte, where the kind has one
}

func (e *Base64Error) Error() string {
	const p = "base64 decode: "
	switch e.Kind {
	case Base64InvalidByte:
		return p + "Invalid symbol " + strconv.Itoa(int(e.Byte)) + ", offset " + strconv.Itoa(e.Offset) + "."
	case Base64InvalidLength:
		return p + "Invalid input length: " + strconv.Itoa(e.Offset)
	case Base64InvalidLastSymbol:
		return p + "Invalid last symbol " + strconv.Itoa(int(e.Byte)) + ", offset " + strconv.Itoa(e.Offset) + "."
	default:
		return p + "Invalid padding"
	}
}

// Is makes errors.Is(err, ErrBase64) true.
func (e *Base64Error) Is(target error) bool { return target == ErrBase64 }

// HybridError reports a structural problem with a hybrid seal: an unknown
// version tag, an invalid encapsulation key, a bad curve point.
type HybridError struct {
	Reason string
}

func (e *HybridError) Error() string { return "hybrid KEM: " + e.Reason }

// Is makes errors.Is(err, ErrHybrid) true.
func (e *HybridError) Is(target error) bool { return target == ErrHybrid }

// Hybrid returns a *HybridError.
func Hybrid(reason string) error { return &HybridError{Reason: reason} }

// ErrBadTag is the crate's error for a blob that carries no known seal tag.
// It is a *HybridError, so errors.Is(err, ErrHybrid) holds as well.
var ErrBadTag error = &HybridError{Reason: "not a hybrid ciphertext (bad version tag)"}

// SignatureError reports a structural problem with a composite signature,
// key or argument: an unknown or missing version tag, a suite and level
// that do not go together, a suite left out of this build.
type SignatureError struct {
	Reason string
}

func (e *SignatureError) Error() string { return "signature: " + e.Reason }

// Is makes errors.Is(err, ErrSignature) true.
func (e *SignatureError) Is(target error) bool { return target == ErrSignature }

// Signature returns a *SignatureError.
func Signature(reason string) error { return &SignatureError{Reason: reason} }

// KDFError reports an Argon2id parameter or derivation failure.
type KDFError struct {
	Reason string
}

func (e *KDFError) Error() string { return "key derivation failed: " + e.Reason }

// Is makes errors.Is(err, ErrKDF) true.
func (e *KDFError) Is(target error) bool { return target == ErrKDF }

// UTF8Error reports decrypted bytes that are not valid UTF-8 where a string
// was asked for. The text follows Rust's FromUtf8Error.
type UTF8Error struct {
	ValidUpTo int
	ErrorLen  int // 1 to 3; 0 means the input ended inside a sequence
}

func (e *UTF8Error) Error() string {
	if e.ErrorLen == 0 {
		return "UTF-8: incomplete utf-8 byte sequence from index " + strconv.Itoa(e.ValidUpTo)
	}
	// strconv, not fmt: fmt (and reflect with it) would add ~58 KB brotli
	// to the wasm build for this one line.
	return "UTF-8: invalid utf-8 sequence of " + strconv.Itoa(e.ErrorLen) + " bytes from index " + strconv.Itoa(e.ValidUpTo)
}

// Is makes errors.Is(err, ErrUTF8) true.
func (e *UTF8Error) Is(target error) bool { return target == ErrUTF8 }

// CheckUTF8 returns nil if b is valid UTF-8, else a *UTF8Error positioned
// the way Rust's str::from_utf8 positions it: at the start of the first
// maximal invalid subpart, with that subpart's length.
func CheckUTF8(b []byte) error {
	i := 0
	for i < len(b) {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		var width int
		lo, hi := byte(0x80), byte(0xBF) // allowed range of the second byte
		switch {
		case c >= 0xC2 && c <= 0xDF:
			width = 2
		case c == 0xE0:
			width, lo = 3, 0xA0
		case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
			width = 3
		case c == 0xED:
			width, hi = 3, 0x9F
		case c == 0xF0:
			width, lo = 4, 0x90
		case c >= 0xF1 && c <= 0xF3:
			width = 4
		case c == 0xF4:
			width, hi = 4, 0x8F
		default:
			return &UTF8Error{ValidUpTo: i, ErrorLen: 1}
		}
		for k := 1; k < width; k++ {
			if i+k >= len(b) {
				return &UTF8Error{ValidUpTo: i, ErrorLen: 0}
			}
			d := b[i+k]
			l, h := byte(0x80), byte(0xBF)
			if k == 1 {
				l, h = lo, hi
			}
			if d < l || d > h {
				return &UTF8Error{ValidUpTo: i, ErrorLen: k}
			}
		}
		i += width
	}
	return nil
}
