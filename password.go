package sealkit

import (
	"crypto/rand"
	"io"
	"strings"

	"github.com/sealkit/sealkit/internal/argon2"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/nacl"
)

// Argon2id parameters of DeriveSessionKey: libsodium's INTERACTIVE limits.
const (
	Argon2Time    = 2         // passes (crypto_pwhash_OPSLIMIT_INTERACTIVE)
	Argon2Memory  = 64 * 1024 // KiB = 64 MiB (crypto_pwhash_MEMLIMIT_INTERACTIVE)
	Argon2Threads = 1
)

// keyHashSuffix follows the salt in a key_hash.
const keyHashSuffix = "$argon2id"

// DeriveSessionKey derives the 32-byte session key from a password and a
// 16-byte salt with Argon2id v1.3 (t=2, 64 MiB, p=1): the same bytes as
// libsodium crypto_pwhash(32, password, salt, OPSLIMIT_INTERACTIVE,
// MEMLIMIT_INTERACTIVE, ALG_ARGON2ID13). The password's UTF-8 bytes are
// used as they are, without normalisation. The copy of the password made
// here is wiped; the caller's string cannot be (see docs/ARCHITECTURE.md,
// "Key material in memory").
func DeriveSessionKey(password string, salt []byte) ([]byte, error) {
	if len(salt) != SaltSize {
		return nil, errs.InvalidLength(SaltSize, len(salt))
	}
	pw := []byte(password)
	defer clear(pw)
	// internal/argon2 is x/crypto/argon2.IDKey natively and a wasm-tuned
	// fork of it (same output, work memory wiped) under GOARCH=wasm.
	return argon2.IDKey(pw, salt, Argon2Time, Argon2Memory, Argon2Threads, KeySize), nil
}

// FormatKeyHash returns the key_hash a server stores for a user:
// "<salt base64>$argon2id". It holds only the salt; no hash, no parameters.
func FormatKeyHash(salt []byte) string { return b64.Encode(salt) + keyHashSuffix }

// ParseSaltFromKeyHash returns the salt text of a key_hash, following the
// crate exactly: split at the first '$'; ErrInvalidKeyHash when there is no
// '$' or the rest holds another. The rest is not compared with "argon2id"
// and the salt is not decoded here ("x$anything" gives "x").
func ParseSaltFromKeyHash(keyHash string) (string, error) {
	// IndexByte rather than Cut and Contains with "$": the same answer,
	// without the general substring search they link into the wasm module.
	i := strings.IndexByte(keyHash, '$')
	if i < 0 || strings.IndexByte(keyHash[i+1:], '$') >= 0 {
		return "", errs.ErrInvalidKeyHash
	}
	return keyHash[:i], nil
}

// EncryptPrivateKey wraps a private key under a session key. As in the
// crate, what is encrypted is the base64 text of the key, not its raw
// bytes, so the output opens with the crate's decrypt_private_key.
func EncryptPrivateKey(privateKey, sessionKey []byte) ([]byte, error) {
	return wrapKey(rand.Reader, privateKey, sessionKey)
}

// DecryptPrivateKey unwraps a key made by EncryptPrivateKey and returns
// its raw bytes. Besides the secretbox errors it reports *UTF8Error or
// *Base64Error when the decrypted text is not a base64 key.
func DecryptPrivateKey(ciphertext, sessionKey []byte) ([]byte, error) {
	return unwrapKey(ciphertext, sessionKey)
}

// wrapKey and unwrapKey keep the key's base64 text in byte slices, never
// in a string, so that they can wipe it.
func wrapKey(r io.Reader, key, wrappingKey []byte) ([]byte, error) {
	text := b64.AppendEncode(nil, key)
	defer clear(text)
	return nacl.Seal(r, text, wrappingKey)
}

func unwrapKey(ciphertext, wrappingKey []byte) ([]byte, error) {
	text, err := nacl.Open(ciphertext, wrappingKey)
	if err != nil {
		return nil, err
	}
	defer clear(text)
	if err := errs.CheckUTF8(text); err != nil {
		return nil, err
	}
	return b64.Decode(text)
}
