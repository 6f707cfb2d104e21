package accounts

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
)

// Password change and account recovery (docs/PROTOCOL.md §3.3, §3.4).
// Both swap the login secrets and the wrapped private keys in one
// compare-and-swap on Account.KeyGeneration; neither touches the user key
// or any resource key, which stay sealed to the same key pairs.

// Errors of the password change and the recovery (and ErrWrongPassword,
// sessions.go). Their texts are meant for the user.
var (
	// ErrWrongRecovery: the address has no account or no recovery key,
	// or the recovery key is wrong; never told apart.
	ErrWrongRecovery = errors.New("wrong email address or recovery key")
	// ErrKeysChanged: the password or recovery key changed meanwhile (a
	// concurrent or replayed request); nothing was changed.
	ErrKeysChanged = errors.New("your keys changed meanwhile; reload the page and try again")
)

// RecoveryAuthKeyInfo is the HKDF info of the recovery auth key; part of
// the protocol.
const RecoveryAuthKeyInfo = "sealkit/v1/recovery-auth-key"

// DeriveRecoveryAuthKey is what the browser sends to prove a recovery key
// (the SDK derives it in its worker): HKDF-SHA256(IKM = the 32-byte
// recovery secret, salt none, info RecoveryAuthKeyInfo, 32). It is one-way,
// so the server, which stores only its peppered verifier, learns nothing
// that opens the recovery wraps.
func DeriveRecoveryAuthKey(recoverySecret []byte) ([]byte, error) {
	if len(recoverySecret) != sealkit.RecoverySecretSize {
		return nil, errors.New("accounts: a recovery secret is 32 bytes")
	}
	return hkdf.Key(sha256.New, recoverySecret, nil, RecoveryAuthKeyInfo, 32)
}

// PasswordChange is the body of a password change: the proof of the
// current password, and the new key_hash, auth key and private keys
// wrapped under the new session key, base64.
type PasswordChange struct {
	AuthKey               string `json:"auth_key"`
	KeyHash               string `json:"key_hash"`
	NewAuthKey            string `json:"new_auth_key"`
	EncryptedPrivateKey   string `json:"encrypted_private_key"`
	EncryptedPQPrivateKey string `json:"encrypted_pq_private_key"`
	// EncryptedSigningKey: the identity signing key re-wrapped; required
	// exactly when the account has an identity.
	EncryptedSigningKey string `json:"encrypted_signing_key,omitempty"`
	EndOtherSessions    bool   `json:"end_other_sessions"`
}

// RecoverySetup is the body that sets (or replaces) a recovery key: the
// proof of the password, the recovery auth key and the private keys
// wrapped under the recovery secret (crate
// encrypt_private_key_for_recovery), base64.
type RecoverySetup struct {
	AuthKey                       string `json:"auth_key"`
	RecoveryAuthKey               string `json:"recovery_auth_key"`
	RecoveryEncryptedPrivateKey   string `json:"recovery_encrypted_private_key"`
	RecoveryEncryptedPQPrivateKey string `json:"recovery_encrypted_pq_private_key"`
	// RecoveryEncryptedSigningKey: the identity signing key wrapped under
	// the recovery secret; required exactly when the account has an
	// identity.
	RecoveryEncryptedSigningKey string `json:"recovery_encrypted_signing_key,omitempty"`
}

// RecoveryBundle is what a proven recovery key gets: the key pairs'
// public halves, the private keys wrapped under the recovery secret, and
// the generation the finishing request must name.
type RecoveryBundle struct {
	PublicKey                     []byte `json:"public_key"`
	PQPublicKey                   []byte `json:"pq_public_key"`
	RecoveryEncryptedPrivateKey   []byte `json:"recovery_encrypted_private_key"`
	RecoveryEncryptedPQPrivateKey []byte `json:"recovery_encrypted_pq_private_key"`
	// RecoveryEncryptedSigningKey: the identity signing key's recovery
	// wrap, absent for an account without an identity.
	RecoveryEncryptedSigningKey []byte `json:"recovery_encrypted_signing_key,omitempty"`
	// IdentityPublicKey is the identity key the recovery wrap opens to
	// (absent with it): the browser checks the unwrapped key against it.
	IdentityPublicKey []byte `json:"identity_public_key,omitempty"`
	KeyGeneration     int64  `json:"key_generation"`
}

// RecoveryFinish is the body that finishes a recovery: the address and
// recovery auth key again, the generation BeginRecovery answered, the new
// password's key_hash, auth key and wraps, and a new recovery key's
// material (the used one stops working).
type RecoveryFinish struct {
	Email                         string `json:"email"`
	RecoveryAuthKey               string `json:"recovery_auth_key"`
	KeyGeneration                 int64  `json:"key_generation"`
	KeyHash                       string `json:"key_hash"`
	AuthKey                       string `json:"auth_key"`
	EncryptedPrivateKey           string `json:"encrypted_private_key"`
	EncryptedPQPrivateKey         string `json:"encrypted_pq_private_key"`
	NewRecoveryAuthKey            string `json:"new_recovery_auth_key"`
	RecoveryEncryptedPrivateKey   string `json:"recovery_encrypted_private_key"`
	RecoveryEncryptedPQPrivateKey string `json:"recovery_encrypted_pq_private_key"`
	// The identity signing key re-wrapped under the new session key and
	// the new recovery secret; required exactly when the account has an
	// identity.
	EncryptedSigningKey         string `json:"encrypted_signing_key,omitempty"`
	RecoveryEncryptedSigningKey string `json:"recovery_encrypted_signing_key,omitempty"`
}

// attempt counts one attempt as a failure in the client's bucket and the
// client+account bucket at once (as Login does, never per account alone,
// which would let anyone lock the owner out) and returns the undo of a
// success.
func (m *Manager) attempt(ctx context.Context, prefix, client, account string, perClient, perAccount int, window time.Duration, msg string) (func() error, error) {
	lim := m.limiter(m.cfg.Now())
	names := []string{prefix + client, prefix + client + ":" + account}
	over := false
	for i, name := range names {
		n, err := lim.Hit(ctx, name, window)
		if err != nil {
			return nil, fmt.Errorf("accounts: rate limit: %w", err)
		}
		over = over || n > []int{perClient, perAccount}[i]
	}
	if over {
		return nil, &LimitError{RetryAfter: window, Msg: msg}
	}
	return func() error {
		for _, name := range names {
			if err := lim.Undo(ctx, name, window); err != nil {
				return fmt.Errorf("accounts: rate limit: %w", err)
			}
		}
		return nil
	}, nil
}

// provePassword checks the signed-in user's proof of the password, under
// the failed-login limits (own buckets): a stolen session cookie must not
// become an unlimited password oracle.
func (m *Manager) provePassword(ctx context.Context, client, userID string, authKey []byte) (*Account, error) {
	l := m.cfg.Limits
	undo, err := m.attempt(ctx, "pwfail:", client, userID, l.LoginFailsPerClient, l.LoginFailsPerAccount, l.LoginFailWindow,
		"too many wrong passwords from here; wait 15 minutes and try again")
	if err != nil {
		return nil, err
	}
	a, err := m.cfg.Store.AccountByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if !m.cfg.Keys().CheckVerifier(a.AuthSalt, a.Verifier, authKey) {
		return nil, ErrWrongPassword
	}
	return a, undo()
}

// ChangePassword swaps the password of the signed-in user userID, whose
// session hash is sessionHash: proven by the current password's auth key,
// it stores the new key_hash, the new auth key's verifier and the private
// keys re-wrapped under the new session key, as a compare-and-swap on the
// account's generation (a concurrent or replayed request changes nothing:
// its proof or its generation is stale), and with EndOtherSessions ends
// every other session. It returns the ended sessions' hashes. Errors:
// *fieldcheck.Error, *LimitError, ErrWrongPassword, ErrKeysChanged,
// ErrNoSession.
func (m *Manager) ChangePassword(ctx context.Context, client, userID, sessionHash string, c PasswordChange) ([]string, error) {
	var ch fieldcheck.Checker
	key := ch.Bytes("auth_key", c.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	keyHash := ch.KeyHash(c.KeyHash)
	newKey := ch.Bytes("new_auth_key", c.NewAuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	epk := ch.Bytes("encrypted_private_key", c.EncryptedPrivateKey, WrappedKeySize, WrappedKeySize)
	epq := ch.Bytes("encrypted_pq_private_key", c.EncryptedPQPrivateKey, WrappedKeySize, WrappedKeySize)
	if err := ch.Err(); err != nil {
		return nil, err
	}
	a, err := m.provePassword(ctx, client, userID, key)
	if err != nil {
		return nil, err
	}
	if keyHash == a.KeyHash {
		return nil, &fieldcheck.Error{Field: "key_hash", Problem: "must carry a new salt"}
	}
	esk := signingKeyField(&ch, "encrypted_signing_key", c.EncryptedSigningKey, a.HasIdentityKey())
	if err := ch.Err(); err != nil {
		return nil, err
	}
	swap := KeySwap{KeyHash: keyHash, EncryptedPrivateKey: epk, EncryptedPQPrivateKey: epq, EncryptedSigningKey: esk,
		EndSessions: c.EndOtherSessions, Keep: sessionHash}
	swap.AuthSalt, swap.Verifier = m.cfg.Keys().NewVerifier(newKey)
	ended, err := m.cfg.Store.SwapKeys(ctx, a.ID, a.KeyGeneration, swap)
	if errors.Is(err, ErrStale) {
		return nil, ErrKeysChanged
	}
	return ended, err
}

func (m *Manager) recoveryFields(c *fieldcheck.Checker, authKeyField, authKey, epkB64, epqB64 string) *Recovery {
	key := c.Bytes(authKeyField, authKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	r := &Recovery{
		EncryptedPrivateKey:   c.Bytes("recovery_encrypted_private_key", epkB64, WrappedKeySize, WrappedKeySize),
		EncryptedPQPrivateKey: c.Bytes("recovery_encrypted_pq_private_key", epqB64, WrappedKeySize, WrappedKeySize),
	}
	if c.Err() == nil {
		r.Salt, r.Verifier = m.cfg.Keys().NewVerifier(key)
	}
	return r
}

// SetRecovery sets or replaces the signed-in user's recovery key, proven
// by the password's auth key (so a stolen session cannot replace it with
// wraps of its own). The login secrets and the generation stay. Errors:
// *fieldcheck.Error, *LimitError, ErrWrongPassword, ErrKeysChanged,
// ErrNoSession.
func (m *Manager) SetRecovery(ctx context.Context, client, userID string, s RecoverySetup) error {
	var c fieldcheck.Checker
	key := c.Bytes("auth_key", s.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	r := m.recoveryFields(&c, "recovery_auth_key", s.RecoveryAuthKey, s.RecoveryEncryptedPrivateKey, s.RecoveryEncryptedPQPrivateKey)
	if err := c.Err(); err != nil {
		return err
	}
	a, err := m.provePassword(ctx, client, userID, key)
	if err != nil {
		return err
	}
	r.EncryptedSigningKey = signingKeyField(&c, "recovery_encrypted_signing_key", s.RecoveryEncryptedSigningKey, a.HasIdentityKey())
	if err := c.Err(); err != nil {
		return err
	}
	err = m.cfg.Store.SetRecovery(ctx, a.ID, a.KeyGeneration, *r)
	if errors.Is(err, ErrStale) {
		return ErrKeysChanged
	}
	return err
}

// proveRecovery checks an address's recovery auth key under the recovery
// limits; a failure — no account, no recovery key, a wrong key — is one
// answer after Floors.RecoveryFail, with the same hashing.
func (m *Manager) proveRecovery(ctx context.Context, start time.Time, client, email string, key []byte) (*Account, error) {
	idx, l := m.EmailIndex(email), m.cfg.Limits
	undo, err := m.attempt(ctx, "recoverfail:", client, idx[:32], l.RecoveryFailsPerClient, l.RecoveryFailsPerAccount, l.RecoveryFailWindow,
		"too many failed recoveries from here; wait 15 minutes and try again")
	if err != nil {
		return nil, err
	}
	a, err := m.cfg.Store.Account(ctx, idx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	ok := false
	if k := m.cfg.Keys(); a == nil || a.Recovery == nil {
		k.DummyCheck(key)
	} else {
		ok = k.CheckVerifier(a.Recovery.Salt, a.Recovery.Verifier, key)
	}
	if !ok {
		Pad(ctx, start, m.cfg.Floors.RecoveryFail)
		return nil, ErrWrongRecovery
	}
	return a, undo()
}

// BeginRecovery proves an address's recovery key (its recovery auth key)
// and answers what the browser needs to open the private keys with it.
// Errors: *fieldcheck.Error, *LimitError, ErrWrongRecovery.
func (m *Manager) BeginRecovery(ctx context.Context, client, email, recoveryAuthKey string) (*RecoveryBundle, error) {
	start := time.Now()
	var c fieldcheck.Checker
	email = c.Email(email)
	key := c.Bytes("recovery_auth_key", recoveryAuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	if err := c.Err(); err != nil {
		return nil, err
	}
	a, err := m.proveRecovery(ctx, start, client, email, key)
	if err != nil {
		return nil, err
	}
	b := &RecoveryBundle{PublicKey: a.PublicKey, PQPublicKey: a.PQPublicKey,
		RecoveryEncryptedPrivateKey: a.Recovery.EncryptedPrivateKey, RecoveryEncryptedPQPrivateKey: a.Recovery.EncryptedPQPrivateKey,
		KeyGeneration: a.KeyGeneration}
	if a.HasIdentityKey() && a.Recovery.EncryptedSigningKey != nil {
		b.RecoveryEncryptedSigningKey, b.IdentityPublicKey = a.Recovery.EncryptedSigningKey, a.Identity.PublicKey
	}
	return b, nil
}

// FinishRecovery proves the recovery key again and, as one
// compare-and-swap on the generation BeginRecovery answered, stores the
// new password's secrets and wraps and the new recovery key's (the used
// one stops working), ends every session of the account and opens a new
// one (its token is returned, with the ended sessions' hashes). Errors:
// *fieldcheck.Error, *LimitError, ErrWrongRecovery, ErrKeysChanged.
func (m *Manager) FinishRecovery(ctx context.Context, client string, f RecoveryFinish) (*Account, string, []string, error) {
	start := time.Now()
	var c fieldcheck.Checker
	email := c.Email(f.Email)
	key := c.Bytes("recovery_auth_key", f.RecoveryAuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	if f.KeyGeneration < 0 {
		c.Fail("key_generation", "must be the generation the recovery answered")
	}
	keyHash := c.KeyHash(f.KeyHash)
	authKey := c.Bytes("auth_key", f.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	epk := c.Bytes("encrypted_private_key", f.EncryptedPrivateKey, WrappedKeySize, WrappedKeySize)
	epq := c.Bytes("encrypted_pq_private_key", f.EncryptedPQPrivateKey, WrappedKeySize, WrappedKeySize)
	rec := m.recoveryFields(&c, "new_recovery_auth_key", f.NewRecoveryAuthKey, f.RecoveryEncryptedPrivateKey, f.RecoveryEncryptedPQPrivateKey)
	if err := c.Err(); err != nil {
		return nil, "", nil, err
	}
	a, err := m.proveRecovery(ctx, start, client, email, key)
	if err != nil {
		return nil, "", nil, err
	}
	// The identity key survives a recovery only if the recovery key held a
	// wrap of it (BeginRecovery handed it out); else it is dropped and the
	// browser makes a new one (contacts then see a changed key).
	carry := a.HasIdentityKey() && a.Recovery.EncryptedSigningKey != nil
	esk := signingKeyField(&c, "encrypted_signing_key", f.EncryptedSigningKey, carry)
	rec.EncryptedSigningKey = signingKeyField(&c, "recovery_encrypted_signing_key", f.RecoveryEncryptedSigningKey, carry)
	if err := c.Err(); err != nil {
		return nil, "", nil, err
	}
	token := NewToken()
	sess := m.session(token, a.ID, m.cfg.Now())
	swap := KeySwap{KeyHash: keyHash, EncryptedPrivateKey: epk, EncryptedPQPrivateKey: epq, EncryptedSigningKey: esk, Recovery: rec,
		DropIdentityKey: a.HasIdentityKey() && !carry, EndSessions: true, NewSession: &sess}
	swap.AuthSalt, swap.Verifier = m.cfg.Keys().NewVerifier(authKey)
	ended, err := m.cfg.Store.SwapKeys(ctx, a.ID, f.KeyGeneration, swap)
	if errors.Is(err, ErrStale) {
		return nil, "", nil, ErrKeysChanged
	}
	if err != nil {
		return nil, "", nil, err
	}
	return a, token, ended, nil
}
