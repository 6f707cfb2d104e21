package sealkit

import (
	"crypto/rand"
	"io"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/nacl"
)

// EncryptSecretbox encrypts plaintext under a 32-byte key with
// XSalsa20-Poly1305 and a fresh random nonce. The result is
// nonce(24) ‖ tag(16) ‖ ciphertext: libsodium's crypto_secretbox_easy
// output with its nonce in front.
func EncryptSecretbox(plaintext, key []byte) ([]byte, error) {
	return encryptSecretbox(rand.Reader, plaintext, key)
}

func encryptSecretbox(r io.Reader, plaintext, key []byte) ([]byte, error) {
	return nacl.Seal(r, plaintext, key)
}

// DecryptSecretbox opens a ciphertext made by EncryptSecretbox. Errors, in
// the order they are checked: *InvalidLengthError (key), ErrTooShort (under
// 40 bytes), ErrDecryption.
func DecryptSecretbox(ciphertext, key []byte) ([]byte, error) {
	return nacl.Open(ciphertext, key)
}

// EncodeBase64 returns standard base64 with padding, the text form sealkit
// uses at every string boundary.
func EncodeBase64(b []byte) string { return b64.Encode(b) }

// DecodeBase64 decodes strict standard base64: padding required and
// canonical, no whitespace or newlines, no URL-safe characters, no
// non-zero trailing bits. Errors are *Base64Error with the Rust base64
// crate's message. The empty string decodes to an empty slice.
func DecodeBase64(s string) ([]byte, error) { return b64.Decode(s) }
