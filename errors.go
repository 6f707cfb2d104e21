package sealkit

import "github.com/sealkit/sealkit/internal/errs"

// Errors. Each Error() text equals the Display text of the matching
// metamorphic-crypto CryptoError variant, so the WASM build throws the
// crate's strings. Use errors.Is with the sentinels and errors.As with the
// types to learn more.
var (
	// ErrDecryption: an authentication tag did not verify — wrong key, or
	// the ciphertext was changed.
	ErrDecryption = errs.ErrDecryption
	// ErrTooShort: a ciphertext is shorter than its format's minimum.
	ErrTooShort = errs.ErrTooShort
	// ErrInvalidKeyHash: a key_hash does not have exactly one '$'.
	ErrInvalidKeyHash = errs.ErrInvalidKeyHash
	// ErrInvalidRecoveryKey: a recovery key has a character outside its
	// alphabet or the wrong number of symbols.
	ErrInvalidRecoveryKey = errs.ErrInvalidRecoveryKey
	// ErrLowOrderKey: sealing to an X25519 public key that would give an
	// all-zero shared secret. sealkit's own error; libsodium refuses these
	// keys as well.
	ErrLowOrderKey = errs.ErrLowOrderKey

	// ErrInvalidLength matches every *InvalidLengthError.
	ErrInvalidLength = errs.ErrInvalidLength
	// ErrBase64 matches every *Base64Error.
	ErrBase64 = errs.ErrBase64
	// ErrHybrid matches every *HybridError, ErrBadTag included.
	ErrHybrid = errs.ErrHybrid
	// ErrBadTag: a blob given to HybridOpen carries no known seal tag.
	ErrBadTag = errs.ErrBadTag
	// ErrKDF matches every *KDFError.
	ErrKDF = errs.ErrKDF
	// ErrUTF8 matches every *UTF8Error.
	ErrUTF8 = errs.ErrUTF8
	// ErrSignature matches every *SignatureError.
	ErrSignature = errs.ErrSignature
)

type (
	// InvalidLengthError: a key, salt, seed or public key of the wrong
	// size. "invalid length: expected 32 bytes, got 16".
	InvalidLengthError = errs.InvalidLengthError
	// Base64Error: text that is not strict padded standard base64. The
	// message is the Rust base64 crate's, with the same offsets.
	Base64Error = errs.Base64Error
	// Base64Kind says which base64 rule was broken.
	Base64Kind = errs.Base64Kind
	// HybridError: an unknown seal tag, an invalid ML-KEM encapsulation
	// key, a bad curve point, an unknown level.
	HybridError = errs.HybridError
	// KDFError: Argon2id could not run.
	KDFError = errs.KDFError
	// UTF8Error: decrypted bytes that are not UTF-8 where text was asked
	// for; positioned as Rust's from_utf8 positions it.
	UTF8Error = errs.UTF8Error
	// SignatureError: a signing key or signature with a missing or
	// unknown version tag, a suite and level that do not go together, a
	// suite left out of the browser build.
	SignatureError = errs.SignatureError
)

// The kinds of Base64Error.
const (
	Base64InvalidByte       = errs.Base64InvalidByte
	Base64InvalidLength     = errs.Base64InvalidLength
	Base64InvalidLastSymbol = errs.Base64InvalidLastSymbol
	Base64InvalidPadding    = errs.Base64InvalidPadding
)
