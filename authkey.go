package sealkit

import (
	"crypto/hkdf"
	"crypto/sha256"

	"github.com/sealkit/sealkit/internal/errs"
)

// AuthKeyInfo is the HKDF info string of DeriveAuthKey. It is part of the
// login protocol (docs/PROTOCOL.md §2): changing it locks every account out.
const AuthKeyInfo = "sealkit/v1/auth-key"

// AuthKeySize is the length of an auth key.
const AuthKeySize = 32

// DeriveAuthKey returns the login proof a browser sends instead of the
// password: HKDF-SHA256 with IKM = the 32-byte session key, no salt (RFC
// 5869: HashLen zero bytes), info = AuthKeyInfo, 32 bytes. HKDF is one-way,
// so a server (or a database thief) holding the auth key cannot get back to
// the session key that wraps the private keys; the server still stores only
// a salted hash of it. This is a sealkit addition, not a crate function.
func DeriveAuthKey(sessionKey []byte) ([]byte, error) {
	if len(sessionKey) != KeySize {
		return nil, errs.InvalidLength(KeySize, len(sessionKey))
	}
	return hkdf.Key(sha256.New, sessionKey, nil, AuthKeyInfo, AuthKeySize)
}
