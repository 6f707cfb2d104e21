package sealkit

import (
	"crypto/rand"

	"github.com/sealkit/sealkit/internal/recovery"
)

// RecoveryKey is a recovery key as shown to a user, and the secret it
// stands for.
type RecoveryKey struct {
	// Key is 76 characters: 64 symbols of ABCDEFGHJKLMNPQRSTUVWXYZ23456789
	// in groups of five joined by '-'.
	Key string
	// Secret is the 32 bytes Key decodes to; it wraps the private key.
	Secret []byte
}

// GenerateRecoveryKey returns a new random recovery key.
func GenerateRecoveryKey() (RecoveryKey, error) {
	secret := randomBytes(RecoverySecretSize)
	key := recovery.Encode(secret)
	clear(secret)
	// The crate returns the decoding of its own string; that is always
	// the random bytes, and decoding here keeps the two provably in step.
	decoded, err := recovery.Decode(key)
	if err != nil {
		return RecoveryKey{}, err
	}
	return RecoveryKey{Key: key, Secret: decoded}, nil
}

// RecoveryKeyToSecret decodes a recovery key as the crate does: every '-'
// is dropped, letters are upper-cased, and exactly 64 alphabet symbols
// must remain; otherwise ErrInvalidRecoveryKey. Non-ASCII characters are
// always an error (the crate upper-cases Unicode; sealkit does not).
func RecoveryKeyToSecret(recoveryKey string) ([]byte, error) {
	return recovery.Decode(recoveryKey)
}

// EncryptPrivateKeyForRecovery wraps a private key under a recovery
// secret, in the same format as EncryptPrivateKey.
func EncryptPrivateKeyForRecovery(privateKey, recoverySecret []byte) ([]byte, error) {
	return wrapKey(rand.Reader, privateKey, recoverySecret)
}

// DecryptPrivateKeyWithRecovery unwraps a key made by
// EncryptPrivateKeyForRecovery and returns its raw bytes.
func DecryptPrivateKeyWithRecovery(ciphertext, recoverySecret []byte) ([]byte, error) {
	return unwrapKey(ciphertext, recoverySecret)
}
