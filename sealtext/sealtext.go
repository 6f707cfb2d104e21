// Package sealtext is sealkit's text API: the operations of package sealkit
// over standard base64 strings, with the shapes, argument order, check
// order and error texts of metamorphic-crypto's native functions
// (wire-format.md §1). Code ported from the crate, and the WASM build,
// use this layer; new Go code usually wants package sealkit's bytes.
//
// Every base64 argument is decoded strictly (sealkit.DecodeBase64), and,
// as in the crate, every base64 argument of a call is decoded before any
// length is checked.
package sealtext

import (
	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/errs"
)

// Level is sealkit.Level; ParseLevel reads "cat1", "cat3", "cat5" or "".
type Level = sealkit.Level

// ParseLevel is sealkit.ParseLevel.
func ParseLevel(s string) (Level, error) { return sealkit.ParseLevel(s) }

// KeyPair is an X25519 key pair in base64 (the crate's KeyPair).
type KeyPair struct {
	PublicKey  string
	PrivateKey string
}

// HybridKeyPair is a hybrid key pair in base64: the public key, and the
// 32-byte seed that is the whole secret.
type HybridKeyPair struct {
	PublicKey string
	SecretKey string
}

// RecoveryKey is the crate's RecoveryKey: the grouped key a user writes
// down, and its 32-byte secret in base64.
type RecoveryKey struct {
	RecoveryKey       string
	RecoverySecretB64 string
}

func enc(b []byte) string { return sealkit.EncodeBase64(b) }

// decodeAll decodes its arguments in order and stops at the first error.
func decodeAll(ss ...string) ([][]byte, error) {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		b, err := sealkit.DecodeBase64(s)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// GenerateKey returns a new random 32-byte key, base64.
func GenerateKey() string { return enc(sealkit.GenerateKey()) }

// GenerateSalt returns a new random 16-byte Argon2id salt, base64.
func GenerateSalt() string { return enc(sealkit.GenerateSalt()) }

// GenerateKeyPair returns a new X25519 key pair (crypto_box_keypair).
func GenerateKeyPair() (KeyPair, error) {
	pub, priv, err := sealkit.GenerateKeyPair()
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{PublicKey: enc(pub), PrivateKey: enc(priv)}, nil
}

// EncryptSecretbox encrypts raw plaintext under a base64 key.
func EncryptSecretbox(plaintext []byte, keyB64 string) (string, error) {
	key, err := sealkit.DecodeBase64(keyB64)
	if err != nil {
		return "", err
	}
	ct, err := sealkit.EncryptSecretbox(plaintext, key)
	if err != nil {
		return "", err
	}
	return enc(ct), nil
}

// DecryptSecretbox returns the raw plaintext of a base64 secretbox blob.
func DecryptSecretbox(ciphertextB64, keyB64 string) ([]byte, error) {
	b, err := decodeAll(ciphertextB64, keyB64)
	if err != nil {
		return nil, err
	}
	return sealkit.DecryptSecretbox(b[0], b[1])
}

// EncryptSecretboxString encrypts the UTF-8 bytes of a string.
func EncryptSecretboxString(plaintext, keyB64 string) (string, error) {
	return EncryptSecretbox([]byte(plaintext), keyB64)
}

// DecryptSecretboxToString decrypts to a string; plaintext that is not
// UTF-8 is a *sealkit.UTF8Error.
func DecryptSecretboxToString(ciphertextB64, keyB64 string) (string, error) {
	pt, err := DecryptSecretbox(ciphertextB64, keyB64)
	if err != nil {
		return "", err
	}
	if err := errs.CheckUTF8(pt); err != nil {
		return "", err
	}
	return string(pt), nil
}

// BoxSeal seals raw plaintext to a base64 X25519 public key.
func BoxSeal(plaintext []byte, publicKeyB64 string) (string, error) {
	pub, err := sealkit.DecodeBase64(publicKeyB64)
	if err != nil {
		return "", err
	}
	ct, err := sealkit.BoxSeal(plaintext, pub)
	if err != nil {
		return "", err
	}
	return enc(ct), nil
}

// BoxSealOpen opens a sealed box and returns the plaintext as base64 (the
// crate's, and JavaScript's boxSealOpen, convention).
func BoxSealOpen(ciphertextB64, publicKeyB64, privateKeyB64 string) (string, error) {
	b, err := decodeAll(ciphertextB64, publicKeyB64, privateKeyB64)
	if err != nil {
		return "", err
	}
	pt, err := sealkit.BoxSealOpen(b[0], b[1], b[2])
	if err != nil {
		return "", err
	}
	return enc(pt), nil
}

// GenerateHybridKeyPair returns a new hybrid key pair at a level.
func GenerateHybridKeyPair(level Level) (HybridKeyPair, error) {
	pub, seed, err := sealkit.GenerateHybridKeyPair(level)
	if err != nil {
		return HybridKeyPair{}, err
	}
	return HybridKeyPair{PublicKey: enc(pub), SecretKey: enc(seed)}, nil
}

// HybridPublicKey derives the base64 public key of a base64 seed.
func HybridPublicKey(seedB64 string, level Level) (string, error) {
	seed, err := sealkit.DecodeBase64(seedB64)
	if err != nil {
		return "", err
	}
	pub, err := sealkit.HybridPublicKey(seed, level)
	if err != nil {
		return "", err
	}
	return enc(pub), nil
}

// HybridSeal seals to a Cat-3 public key (1216 bytes), as the crate's
// hybrid_seal does.
func HybridSeal(plaintext []byte, publicKeyB64 string) (string, error) {
	return HybridSealWithLevel(plaintext, publicKeyB64, sealkit.Cat3)
}

// HybridSealWithLevel seals to a public key of the given level, whose
// size must match exactly.
func HybridSealWithLevel(plaintext []byte, publicKeyB64 string, level Level) (string, error) {
	pub, err := sealkit.DecodeBase64(publicKeyB64)
	if err != nil {
		return "", err
	}
	ct, err := sealkit.HybridSealWithLevel(plaintext, pub, level)
	if err != nil {
		return "", err
	}
	return enc(ct), nil
}

// HybridOpen opens a hybrid seal with a base64 seed and returns the raw
// plaintext. As in the crate the tag is checked before the seed is decoded.
func HybridOpen(ciphertextB64, seedB64 string) ([]byte, error) {
	ct, err := sealkit.DecodeBase64(ciphertextB64)
	if err != nil {
		return nil, err
	}
	if len(ct) == 0 || ct[0] < 0x01 || ct[0] > 0x03 {
		return nil, sealkit.ErrBadTag
	}
	seed, err := sealkit.DecodeBase64(seedB64)
	if err != nil {
		return nil, err
	}
	return sealkit.HybridOpen(ct, seed)
}

// IsHybridCiphertext reports whether a base64 blob looks like a hybrid
// seal; text that is not base64 is not.
func IsHybridCiphertext(ciphertextB64 string) bool {
	ct, err := sealkit.DecodeBase64(ciphertextB64)
	return err == nil && sealkit.IsHybridCiphertext(ct)
}

// SealForUser seals raw plaintext to a user: hybrid Cat-3 when
// pqPublicKeyB64 is non-empty ("" stands for the crate's None), else a
// sealed box to publicKeyB64.
func SealForUser(plaintext []byte, publicKeyB64, pqPublicKeyB64 string) (string, error) {
	return SealForUserWithLevel(plaintext, publicKeyB64, pqPublicKeyB64, sealkit.Cat3)
}

// SealForUserWithLevel is SealForUser at a chosen hybrid level.
func SealForUserWithLevel(plaintext []byte, publicKeyB64, pqPublicKeyB64 string, level Level) (string, error) {
	if pqPublicKeyB64 == "" {
		return BoxSeal(plaintext, publicKeyB64)
	}
	return HybridSealWithLevel(plaintext, pqPublicKeyB64, level)
}

// UnsealFromUser opens what SealForUser made and returns the plaintext as
// base64. With a non-empty pqSecretKeyB64 and a blob that looks hybrid it
// tries the hybrid open first and falls back to the sealed box on any
// failure (crate v0.6+).
func UnsealFromUser(ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64 string) (string, error) {
	if pqSecretKeyB64 != "" && IsHybridCiphertext(ciphertextB64) {
		if pt, err := HybridOpen(ciphertextB64, pqSecretKeyB64); err == nil {
			return enc(pt), nil
		}
	}
	return BoxSealOpen(ciphertextB64, publicKeyB64, privateKeyB64)
}

// DeriveSessionKey derives the base64 session key from a password and a
// base64 16-byte salt (Argon2id, libsodium INTERACTIVE).
func DeriveSessionKey(password, saltB64 string) (string, error) {
	salt, err := sealkit.DecodeBase64(saltB64)
	if err != nil {
		return "", err
	}
	key, err := sealkit.DeriveSessionKey(password, salt)
	if err != nil {
		return "", err
	}
	return enc(key), nil
}

// ParseSaltFromKeyHash is sealkit.ParseSaltFromKeyHash.
func ParseSaltFromKeyHash(keyHash string) (string, error) {
	return sealkit.ParseSaltFromKeyHash(keyHash)
}

// EncryptPrivateKey encrypts the text of a base64 private key under a
// base64 session key. The private key text is not decoded or checked,
// exactly as in the crate.
func EncryptPrivateKey(privateKeyB64, sessionKeyB64 string) (string, error) {
	return EncryptSecretboxString(privateKeyB64, sessionKeyB64)
}

// DecryptPrivateKey returns the base64 private-key text.
func DecryptPrivateKey(ciphertextB64, sessionKeyB64 string) (string, error) {
	return DecryptSecretboxToString(ciphertextB64, sessionKeyB64)
}

// EncryptPrivateKeyForRecovery encrypts the text of a base64 private key
// under a base64 recovery secret.
func EncryptPrivateKeyForRecovery(privateKeyB64, recoverySecretB64 string) (string, error) {
	return EncryptSecretboxString(privateKeyB64, recoverySecretB64)
}

// DecryptPrivateKeyWithRecovery returns the base64 private-key text.
func DecryptPrivateKeyWithRecovery(ciphertextB64, recoverySecretB64 string) (string, error) {
	return DecryptSecretboxToString(ciphertextB64, recoverySecretB64)
}

// GenerateRecoveryKey returns a new recovery key and its base64 secret.
func GenerateRecoveryKey() (RecoveryKey, error) {
	rk, err := sealkit.GenerateRecoveryKey()
	if err != nil {
		return RecoveryKey{}, err
	}
	return RecoveryKey{RecoveryKey: rk.Key, RecoverySecretB64: enc(rk.Secret)}, nil
}

// RecoveryKeyToSecret decodes a recovery key to its base64 secret.
func RecoveryKeyToSecret(recoveryKey string) (string, error) {
	secret, err := sealkit.RecoveryKeyToSecret(recoveryKey)
	if err != nil {
		return "", err
	}
	return enc(secret), nil
}

// BlindIndex returns base64(HMAC-SHA512(key, value)) for a base64 key.
func BlindIndex(keyB64 string, value []byte) (string, error) {
	key, err := sealkit.DecodeBase64(keyB64)
	if err != nil {
		return "", err
	}
	return enc(sealkit.BlindIndex(key, value)), nil
}

// SigningKeyPair is a composite signing key pair in base64 (the crate's
// SigningKeyPair).
type SigningKeyPair struct {
	PublicKey string
	SecretKey string
}

// SignLevel is sealkit.SignLevel; Suite is sealkit.Suite.
type (
	SignLevel = sealkit.SignLevel
	Suite     = sealkit.Suite
)

// ParseSignLevel is sealkit.ParseSignLevel ("cat2", "cat3", "cat5", "").
func ParseSignLevel(s string) (SignLevel, error) { return sealkit.ParseSignLevel(s) }

// ParseSuite is sealkit.ParseSuite.
func ParseSuite(s string) (Suite, error) { return sealkit.ParseSuite(s) }

// GenerateSigningKeyPair is sealkit.GenerateSigningKeyPair in base64.
func GenerateSigningKeyPair(level SignLevel) (SigningKeyPair, error) {
	return GenerateSigningKeyPairSuite(sealkit.SuiteHybrid, level)
}

// GenerateSigningKeyPairSuite is sealkit.GenerateSigningKeyPairSuite in
// base64.
func GenerateSigningKeyPairSuite(suite Suite, level SignLevel) (SigningKeyPair, error) {
	pk, sk, err := sealkit.GenerateSigningKeyPairSuite(suite, level)
	if err != nil {
		return SigningKeyPair{}, err
	}
	return SigningKeyPair{PublicKey: enc(pk), SecretKey: enc(sk)}, nil
}

// DeriveSigningPublicKey is sealkit.DeriveSigningPublicKey in base64.
func DeriveSigningPublicKey(secretKeyB64 string) (string, error) {
	sk, err := sealkit.DecodeBase64(secretKeyB64)
	if err != nil {
		return "", err
	}
	pk, err := sealkit.DeriveSigningPublicKey(sk)
	if err != nil {
		return "", err
	}
	return enc(pk), nil
}

// Sign is sealkit.Sign with the secret key and the signature in base64
// (the crate's sign(message, context, sk_b64)).
func Sign(message []byte, context, secretKeyB64 string) (string, error) {
	sk, err := sealkit.DecodeBase64(secretKeyB64)
	if err != nil {
		return "", err
	}
	sig, err := sealkit.Sign(message, context, sk)
	if err != nil {
		return "", err
	}
	return enc(sig), nil
}

// Verify is sealkit.Verify over base64 (the crate's verify(message,
// context, sig_b64, pk_b64)): the signature is decoded, then the public
// key; a base64 error is an error, never false.
func Verify(message []byte, context, signatureB64, publicKeyB64 string) (bool, error) {
	b, err := decodeAll(signatureB64, publicKeyB64)
	if err != nil {
		return false, err
	}
	return sealkit.Verify(message, context, b[0], b[1])
}

// SignaturePosture is sealkit.SignaturePosture of a base64 public key.
func SignaturePosture(publicKeyB64 string) (Suite, SignLevel, error) {
	pk, err := sealkit.DecodeBase64(publicKeyB64)
	if err != nil {
		return 0, 0, err
	}
	return sealkit.SignaturePosture(pk)
}

// SignaturePostureFromSignature is sealkit.SignaturePostureFromSignature
// of a base64 signature.
func SignaturePostureFromSignature(signatureB64 string) (Suite, SignLevel, error) {
	sig, err := sealkit.DecodeBase64(signatureB64)
	if err != nil {
		return 0, 0, err
	}
	return sealkit.SignaturePostureFromSignature(sig)
}
