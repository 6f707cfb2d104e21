package accounts

import (
	"context"
	"errors"
	"time"
)

// Errors a Store returns; the Manager maps them to its own.
var (
	// ErrNotFound: no such account, unexpired sign-up link or live session.
	ErrNotFound = errors.New("accounts: not found")
	// ErrAccountExists: the address already has an account.
	ErrAccountExists = errors.New("accounts: the address already has an account")
	// ErrStale: the account's KeyGeneration is no longer the one named
	// (another swap came first).
	ErrStale = errors.New("accounts: the account's keys changed meanwhile")
)

// Account is one user's row: what login needs and the key bundle the
// browser made at sign-up. Every []byte field except PublicKey and
// PQPublicKey is the browser's ciphertext, which the server cannot open;
// a Store may add an at-rest layer around it (package sqlstore does).
type Account struct {
	ID         string // 32 hex characters, random
	EmailIndex string // hex blind index of the address (Manager.EmailIndex)
	// KeyHash is the crate key_hash of the password's Argon2id salt; the
	// salt endpoint returns it.
	KeyHash string
	// AuthSalt and Verifier are what Keys.NewVerifier made of the auth key.
	AuthSalt, Verifier string
	// PublicKey (X25519, 32 bytes) and PQPublicKey (hybrid, Cat-3 by
	// default) are public: other users seal resource keys to them.
	PublicKey, PQPublicKey []byte
	// The private keys wrapped under the session key (crate
	// encrypt_private_key), a random user key sealed to the user, and the
	// address encrypted under the user key.
	EncryptedPrivateKey, EncryptedPQPrivateKey, EncryptedUserKey, EncryptedEmail []byte
	CreatedAt                                                                    time.Time
	// KeyGeneration counts the swaps of the login secrets (password
	// changes, recoveries): every swap is a compare-and-swap on it, and the
	// key cache's secret is bound to it (CacheSecret).
	KeyGeneration int64
	// Recovery is the recovery key's material, nil for an account without
	// one.
	Recovery *Recovery
	// Identity is the account's signed identity (identity.go), nil until
	// the browser sets one; see HasIdentityKey.
	Identity *Identity
}

// HasIdentityKey reports whether the account has an identity signing key
// (whose wraps a password change or recovery must then carry).
func (a *Account) HasIdentityKey() bool { return a.Identity != nil && a.Identity.PublicKey != nil }

// Recovery is what the server keeps of a recovery key: the verifier of
// its recovery auth key (DeriveRecoveryAuthKey, made by Keys.NewVerifier
// as the login verifier) and the private keys wrapped under its secret
// (crate encrypt_private_key_for_recovery).
type Recovery struct {
	Salt, Verifier                             string
	EncryptedPrivateKey, EncryptedPQPrivateKey []byte
	// EncryptedSigningKey is the identity signing key wrapped under the
	// recovery secret; nil when the account has no identity.
	EncryptedSigningKey []byte
}

// KeySwap replaces an account's login secrets and wrapped private keys
// (a password change, a recovery); the user key and every resource key
// stay as they are.
type KeySwap struct {
	KeyHash, AuthSalt, Verifier                string
	EncryptedPrivateKey, EncryptedPQPrivateKey []byte
	// EncryptedSigningKey, when set, replaces the identity signing key's
	// wrap (an account with an identity always sets it).
	EncryptedSigningKey []byte
	// DropIdentityKey clears the identity key and its wraps (a recovery
	// whose recovery key held no wrap of it: the browser makes a new one)
	// but keeps the published bundle, whose version the next must exceed.
	DropIdentityKey bool
	// Recovery, when set, replaces the recovery material too.
	Recovery *Recovery
	// EndSessions ends every session of the account but Keep; NewSession,
	// when set, is created.
	EndSessions bool
	Keep        string
	NewSession  *Session
}

// Signup is a mailed sign-up link: only the hash of its token is kept.
type Signup struct {
	TokenHash  string
	EmailIndex string
	// Email is the address as typed, for the page the link opens (a Store
	// should keep it encrypted at rest).
	Email              string
	Created, ExpiresAt time.Time
}

// Session is a login, stored by the hash of its cookie value.
type Session struct {
	Hash      string // TokenHash of the cookie value
	UserID    string
	Created   time.Time
	ExpiresAt time.Time // absolute end
}

// SessionInfo is a live session as its user's list of devices shows it.
type SessionInfo struct {
	Hash              string // TokenHash of the cookie value: never shown
	Created, LastSeen time.Time
	// Device is the browser's ciphertext of a coarse device label ("Chrome
	// on Linux"), encrypted under a key only the user holds; nil until the
	// browser sets it.
	Device []byte
}

// Store keeps accounts, sign-up links and sessions. Implementations: package
// sqlstore (SQLite and PostgreSQL through database/sql); an app with its
// own schema may implement it over its tables.
//
// Every method must be safe for concurrent use, across instances sharing
// the database.
type Store interface {
	// KeyHash returns the key_hash of the account with emailIndex;
	// ErrNotFound if there is none. It must read only accounts (not
	// sign-ups in progress).
	KeyHash(ctx context.Context, emailIndex string) (string, error)
	// Account returns the account with emailIndex; ErrNotFound if none.
	Account(ctx context.Context, emailIndex string) (*Account, error)
	// AccountByID returns the account with id; ErrNotFound if none.
	AccountByID(ctx context.Context, id string) (*Account, error)
	// AccountExists reports whether emailIndex has an account.
	AccountExists(ctx context.Context, emailIndex string) (bool, error)

	// CreateSignup stores a sign-up link.
	CreateSignup(ctx context.Context, s Signup) error
	// SignupEmail returns the address of an unexpired link; ErrNotFound.
	SignupEmail(ctx context.Context, tokenHash string, now time.Time) (string, error)
	// FinishSignup, atomically: consumes the unexpired link tokenHash,
	// sets a.EmailIndex to the link's (never the caller's), creates a and
	// sess, and deletes the address's other links. ErrNotFound for an
	// unknown, used or expired link; ErrAccountExists if the address has
	// an account (the link is consumed all the same). Of any number of
	// concurrent calls for one address, at most one creates an account.
	FinishSignup(ctx context.Context, tokenHash string, now time.Time, a *Account, sess Session) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the user of a session that has neither expired
	// nor been idle for idle at now, and records the use (coarsely: a
	// Store may write at most once a minute). ErrNotFound otherwise.
	SessionUser(ctx context.Context, hash string, now time.Time, idle time.Duration) (string, error)
	// LiveSessions reports which hashes name sessions SessionUser would
	// accept at now, without recording a use.
	LiveSessions(ctx context.Context, hashes []string, now time.Time, idle time.Duration) (map[string]bool, error)
	// DeleteSession ends a session; deleting an unknown one is no error.
	DeleteSession(ctx context.Context, hash string) error
	// UserSessions lists userID's sessions that SessionUser would accept
	// at now, oldest first, without recording a use.
	UserSessions(ctx context.Context, userID string, now time.Time, idle time.Duration) ([]SessionInfo, error)
	// SetSessionDevice stores a session's device ciphertext (a Store
	// should keep it encrypted at rest); ErrNotFound if there is no such
	// session.
	SetSessionDevice(ctx context.Context, hash string, device []byte) error
	// DeleteUserSessions ends every session of userID but the one whose
	// hash is except ("" ends them all) and returns the ended hashes.
	DeleteUserSessions(ctx context.Context, userID, except string) ([]string, error)

	// SwapKeys applies s to the account id if its KeyGeneration is still
	// generation, and makes it generation+1, in one transaction with the
	// session changes s asks for. It returns the hashes of the sessions it
	// ended. ErrNotFound, ErrStale (nothing changed).
	SwapKeys(ctx context.Context, id string, generation int64, s KeySwap) ([]string, error)
	// SetRecovery replaces the account's recovery material if its
	// KeyGeneration is still generation. ErrNotFound, ErrStale.
	SetRecovery(ctx context.Context, id string, generation int64, r Recovery) error
	// SetIdentity replaces the account's identity and the recovery wrap
	// of its signing key (nil: none) if its KeyGeneration is still
	// generation. ErrNotFound, ErrStale.
	SetIdentity(ctx context.Context, id string, generation int64, i Identity, recoveryWrap []byte) error
	// SetBundle replaces the account's signed bundle if its identity key
	// is still identityKey and its bundle still old (nil: none).
	// ErrNotFound, ErrStale.
	SetBundle(ctx context.Context, id string, identityKey, old, bundle []byte) error

	// Cleanup deletes ended sessions and expired links; it returns how
	// many rows went.
	Cleanup(ctx context.Context, now time.Time, idle time.Duration) (int64, error)
}
