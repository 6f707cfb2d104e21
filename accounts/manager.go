package accounts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/identity"
	"github.com/sealkit/sealkit/ratelimit"
)

// Errors of the ceremonies. Their texts are meant for the user.
var (
	// ErrWrongLogin: the address has no account or the auth key is
	// wrong; the two are never told apart.
	ErrWrongLogin = errors.New("wrong email address or password")
	// ErrLinkGone: the sign-up link is unknown, used or expired.
	ErrLinkGone = errors.New("this link is not valid, was used already or has expired; start again to get a new link")
	// ErrNoSession: no live session for the token.
	ErrNoSession = errors.New("log in first")
)

// LimitError is a refused request: a rate limit is reached.
type LimitError struct {
	RetryAfter time.Duration
	Msg        string
}

func (e *LimitError) Error() string { return e.Msg }

// Limits are the rate limits of the ceremonies, each counted atomically
// across instances (package ratelimit). Failed logins are counted per
// client and per client+account, never per account alone: a limit on the
// account would let anyone lock its owner out.
type Limits struct {
	SignupsPerClient      int           // BeginSignup per client (20)
	SignupWindow          time.Duration // (1 h)
	SignupMailsPerAddress int           // mails per address, silent beyond (3)
	SignupMailWindow      time.Duration // (1 h)
	SaltsPerClient        int           // (10)
	SaltWindow            time.Duration // (1 min)
	LoginFailsPerClient   int           // (30)
	LoginFailsPerAccount  int           // per client and account (5)
	LoginFailWindow       time.Duration // (15 min)
	// Failed recoveries, per client and per client+address (30, 5 in
	// 15 min); a password change's or recovery set-up's wrong password
	// counts under the LoginFail limits, in buckets of its own.
	RecoveryFailsPerClient  int
	RecoveryFailsPerAccount int
	RecoveryFailWindow      time.Duration
}

// Floors are the shortest answers of the requests whose work depends on
// whether the address has an account.
type Floors struct {
	Signup    time.Duration // BeginSignup (250 ms)
	Salt      time.Duration // (100 ms)
	LoginFail time.Duration // a failed login (100 ms)
	// RecoveryFail: a failed recovery (100 ms).
	RecoveryFail time.Duration
}

// Config configures a Manager. Store, Limiter and Keys are required.
type Config struct {
	Store Store
	// Limiter counts the limits in its database; the Manager drives it
	// with its own clock (Now).
	Limiter *ratelimit.Limiter
	// Keys returns the server secrets. It is called for every request, so
	// that an app which reloads its secrets file can hand the new value;
	// the blind-index key must never change (addresses would no longer
	// be found).
	Keys func() Keys
	// Limits and Floors: zero fields take the defaults noted on them.
	Limits Limits
	Floors Floors
	// SessionLifetime is a login's absolute lifetime (30 days);
	// SessionIdle ends a session unused for that long (7 days).
	SessionLifetime, SessionIdle time.Duration
	// SignupLinkLifetime is how long a mailed link works (48 h).
	SignupLinkLifetime time.Duration
	// KeyCacheLifetime is how long a browser's key cache can be opened
	// after it was written (14 days; CacheSecret).
	KeyCacheLifetime time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// VerifySignature, when set, checks a signed identity bundle's
	// signature at SetIdentity (the clients check it anyway; this only
	// keeps a broken bundle from being stored).
	VerifySignature identity.Verifier
}

// Manager runs the ceremonies of sign-up, login and sessions. It is safe
// for concurrent use.
type Manager struct{ cfg Config }

// New checks cfg and fills its defaults.
func New(cfg Config) (*Manager, error) {
	if cfg.Store == nil || cfg.Limiter == nil || cfg.Keys == nil {
		return nil, errors.New("accounts: Config needs Store, Limiter and Keys")
	}
	if k := cfg.Keys(); len(k.BlindIndex) < 32 || len(k.FakeSalt) < 32 || len(k.Verifier) < 32 {
		return nil, errors.New("accounts: Keys need BlindIndex, FakeSalt and Verifier of 32 bytes or more")
	}
	l := &cfg.Limits
	def(&l.SignupsPerClient, 20)
	def(&l.SignupWindow, time.Hour)
	def(&l.SignupMailsPerAddress, 3)
	def(&l.SignupMailWindow, time.Hour)
	def(&l.SaltsPerClient, 10)
	def(&l.SaltWindow, time.Minute)
	def(&l.LoginFailsPerClient, 30)
	def(&l.LoginFailsPerAccount, 5)
	def(&l.LoginFailWindow, 15*time.Minute)
	def(&l.RecoveryFailsPerClient, 30)
	def(&l.RecoveryFailsPerAccount, 5)
	def(&l.RecoveryFailWindow, 15*time.Minute)
	def(&cfg.Floors.RecoveryFail, 100*time.Millisecond)
	def(&cfg.Floors.Signup, 250*time.Millisecond)
	def(&cfg.Floors.Salt, 100*time.Millisecond)
	def(&cfg.Floors.LoginFail, 100*time.Millisecond)
	def(&cfg.SessionLifetime, 30*24*time.Hour)
	def(&cfg.SessionIdle, 7*24*time.Hour)
	def(&cfg.SignupLinkLifetime, 48*time.Hour)
	def(&cfg.KeyCacheLifetime, 14*24*time.Hour)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Manager{cfg: cfg}, nil
}

func def[T int | time.Duration](v *T, d T) {
	if *v == 0 {
		*v = d
	}
}

// SessionLifetime is a new session's absolute lifetime (for the cookie).
func (m *Manager) SessionLifetime() time.Duration { return m.cfg.SessionLifetime }

// SessionIdle is how long a session may go unused.
func (m *Manager) SessionIdle() time.Duration { return m.cfg.SessionIdle }

// EmailIndex is the hex blind index of a normalised address
// (sealkit.BlindIndexEmail under the blind-index key).
func (m *Manager) EmailIndex(email string) string {
	return hex.EncodeToString(sealkit.BlindIndexEmail(m.cfg.Keys().BlindIndex, email))
}

func (m *Manager) limiter(now time.Time) *ratelimit.Limiter {
	return &ratelimit.Limiter{DB: m.cfg.Limiter.DB, Now: func() time.Time { return now }}
}

// hit counts one event and refuses it over limit.
func (m *Manager) hit(ctx context.Context, bucket string, limit int, window time.Duration, msg string) error {
	lim := m.limiter(m.cfg.Now())
	n, err := lim.Hit(ctx, bucket, window)
	if err != nil {
		return fmt.Errorf("accounts: rate limit: %w", err)
	}
	if n > limit {
		return &LimitError{RetryAfter: window, Msg: msg}
	}
	return nil
}

// BeginSignup starts a sign-up for the address typed: it checks the
// address, counts the request against the client's limit, and hands the
// address to queue, which must only queue a job (in which the app calls
// SignupMail and mails the result). It does the same work and takes the
// same time (Floors.Signup) for every address, so its answer tells
// nothing about accounts. Errors: *fieldcheck.Error, *LimitError, or
// queue's error wrapped.
func (m *Manager) BeginSignup(ctx context.Context, client, email string, queue func(ctx context.Context, email string) error) error {
	start := time.Now()
	var c fieldcheck.Checker
	c.Email(email)
	if err := c.Err(); err != nil {
		return err
	}
	l := m.cfg.Limits
	if err := m.hit(ctx, "register:"+client, l.SignupsPerClient, l.SignupWindow, "too many requests; wait an hour and try again"); err != nil {
		return err
	}
	if err := queue(ctx, email); err != nil {
		return fmt.Errorf("accounts: queue sign-up: %w", err)
	}
	Pad(ctx, start, m.cfg.Floors.Signup)
	return nil
}

// MailKind says what a sign-up request's mail is.
type MailKind int

const (
	// MailNone: nothing is sent (the address had its limit of mails).
	MailNone MailKind = iota
	// MailFinishSignup: a link to finish the sign-up, with Token.
	MailFinishSignup
	// MailAlreadyRegistered: the address has an account; point to login.
	MailAlreadyRegistered
)

// SignupMail is what to mail for a sign-up request.
type SignupMail struct {
	Kind MailKind
	To   string // the address as typed
	// Token goes into the link (…?token=Token) of a MailFinishSignup; it
	// is a secret: keep it out of logs and job arguments.
	Token string
}

// SignupMail decides, out of the requester's sight (in a job), what the
// address gets: for an address with an account a pointer to login; else
// a new link, whose row is the only thing created (no account, nothing
// that the salt endpoint, login or the app read). Each address gets at
// most Limits.SignupMailsPerAddress mails a window, whoever asks; the rest
// are MailNone, silently. count must be false on a retry of the same job
// (so a retry is not counted twice).
func (m *Manager) SignupMail(ctx context.Context, email string, count bool) (SignupMail, error) {
	idx := m.EmailIndex(strings.ToLower(email))
	l := m.cfg.Limits
	if count {
		err := m.hit(ctx, "signupmail:"+idx[:32], l.SignupMailsPerAddress, l.SignupMailWindow, "")
		var le *LimitError
		if errors.As(err, &le) {
			return SignupMail{Kind: MailNone}, nil
		}
		if err != nil {
			return SignupMail{}, err
		}
	}
	exists, err := m.cfg.Store.AccountExists(ctx, idx)
	if err != nil {
		return SignupMail{}, err
	}
	if exists {
		return SignupMail{Kind: MailAlreadyRegistered, To: email}, nil
	}
	token, now := NewToken(), m.cfg.Now()
	err = m.cfg.Store.CreateSignup(ctx, Signup{TokenHash: TokenHash(token), EmailIndex: idx, Email: email,
		Created: now, ExpiresAt: now.Add(m.cfg.SignupLinkLifetime)})
	if err != nil {
		return SignupMail{}, err
	}
	return SignupMail{Kind: MailFinishSignup, To: email, Token: token}, nil
}

// SignupAddress is the address of a link's token, for the page it opens
// (which shows it, and encrypts it under the new user key). Reading it
// changes nothing, so a mail scanner fetching the link is harmless.
// *fieldcheck.Error for a token of the wrong shape; ErrLinkGone.
func (m *Manager) SignupAddress(ctx context.Context, token string) (string, error) {
	if !ValidToken(token) {
		return "", &fieldcheck.Error{Field: "token", Problem: "must be the 43-character token of the mailed link"}
	}
	email, err := m.cfg.Store.SignupEmail(ctx, TokenHash(token), m.cfg.Now())
	if errors.Is(err, ErrNotFound) {
		return "", ErrLinkGone
	}
	return email, err
}

// Registration is what the browser sends to finish a sign-up (the SDK's
// finishSignup): the link's token and the keys it made, base64.
type Registration struct {
	Token                 string `json:"token"`
	KeyHash               string `json:"key_hash"`
	AuthKey               string `json:"auth_key"`
	PublicKey             string `json:"public_key"`
	EncryptedPrivateKey   string `json:"encrypted_private_key"`
	PQPublicKey           string `json:"pq_public_key"`
	EncryptedPQPrivateKey string `json:"encrypted_pq_private_key"`
	EncryptedUserKey      string `json:"encrypted_user_key"`
	EncryptedEmail        string `json:"encrypted_email"`
	// The recovery key made at sign-up (RecoverySetup's fields without
	// the password proof): all three, or none for an account without one.
	RecoveryAuthKey               string `json:"recovery_auth_key,omitempty"`
	RecoveryEncryptedPrivateKey   string `json:"recovery_encrypted_private_key,omitempty"`
	RecoveryEncryptedPQPrivateKey string `json:"recovery_encrypted_pq_private_key,omitempty"`
	// The identity signing key (identity.go): its public half and its
	// wrap under the session key (both, or neither for a client without
	// signatures), and its wrap under the recovery secret (exactly when
	// both a recovery key and an identity key are given). The bundle comes
	// later (PublishBundle): it names the account's id, made here.
	IdentityPublicKey           string `json:"identity_public_key,omitempty"`
	EncryptedSigningKey         string `json:"encrypted_signing_key,omitempty"`
	RecoveryEncryptedSigningKey string `json:"recovery_encrypted_signing_key,omitempty"`
}

// WrappedKeySize is crate encrypt_private_key's output for a 32-byte key:
// secretbox (nonce 24 + tag 16) of its 44-character base64 text.
const WrappedKeySize = 24 + 16 + 44

// FinishSignup creates the account of a link: the token proves the
// address, the browser chose the password and made every key. The
// account is for the link's address only (never one named by the
// caller), and a new session for it is returned (its token is the cookie
// value). Errors: *fieldcheck.Error, ErrLinkGone, ErrAccountExists.
func (m *Manager) FinishSignup(ctx context.Context, r Registration) (*Account, string, error) {
	var c fieldcheck.Checker
	if !ValidToken(r.Token) {
		c.Fail("token", "must be the 43-character token of the mailed link")
	}
	keyHash := c.KeyHash(r.KeyHash)
	authKey := c.Bytes("auth_key", r.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	pk := c.Bytes("public_key", r.PublicKey, sealkit.PublicKeySize, sealkit.PublicKeySize)
	epk := c.Bytes("encrypted_private_key", r.EncryptedPrivateKey, WrappedKeySize, WrappedKeySize)
	pqpk := c.Bytes("pq_public_key", r.PQPublicKey, sealkit.Cat3.PublicKeySize(), sealkit.Cat3.PublicKeySize())
	epq := c.Bytes("encrypted_pq_private_key", r.EncryptedPQPrivateKey, WrappedKeySize, WrappedKeySize)
	euk := c.Bytes("encrypted_user_key", r.EncryptedUserKey, 80, 2048)
	eem := c.Bytes("encrypted_email", r.EncryptedEmail, 41, 1024)
	var rec *Recovery
	if r.RecoveryAuthKey != "" || r.RecoveryEncryptedPrivateKey != "" || r.RecoveryEncryptedPQPrivateKey != "" {
		rec = m.recoveryFields(&c, "recovery_auth_key", r.RecoveryAuthKey, r.RecoveryEncryptedPrivateKey, r.RecoveryEncryptedPQPrivateKey)
	}
	ident, resk := identityFields(&c, r.IdentityPublicKey, r.EncryptedSigningKey, r.RecoveryEncryptedSigningKey, rec != nil)
	if err := c.Err(); err != nil {
		return nil, "", err
	}
	if rec != nil {
		rec.EncryptedSigningKey = resk
	}
	now := m.cfg.Now()
	a := &Account{
		ID: newID(), KeyHash: keyHash, PublicKey: pk, PQPublicKey: pqpk,
		EncryptedPrivateKey: epk, EncryptedPQPrivateKey: epq, EncryptedUserKey: euk, EncryptedEmail: eem,
		CreatedAt: now, Recovery: rec, Identity: ident,
	}
	a.AuthSalt, a.Verifier = m.cfg.Keys().NewVerifier(authKey)
	token := NewToken()
	err := m.cfg.Store.FinishSignup(ctx, TokenHash(r.Token), now, a, m.session(token, a.ID, now))
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, "", ErrLinkGone
	case err != nil:
		return nil, "", err
	}
	return a, token, nil
}

func (m *Manager) session(token, userID string, now time.Time) Session {
	return Session{Hash: TokenHash(token), UserID: userID, Created: now, ExpiresAt: now.Add(m.cfg.SessionLifetime)}
}

// Salt is the salt endpoint: the key_hash of the address's account, or,
// for an address without one, a fake of the same shape that is stable
// per address (Keys.FakeKeyHash). Known and unknown addresses take the
// same time (Floors.Salt). Errors: *fieldcheck.Error, *LimitError.
func (m *Manager) Salt(ctx context.Context, client, email string) (string, error) {
	start := time.Now()
	var c fieldcheck.Checker
	email = c.Email(email)
	if err := c.Err(); err != nil {
		return "", err
	}
	l := m.cfg.Limits
	if err := m.hit(ctx, "salt:"+client, l.SaltsPerClient, l.SaltWindow, "too many requests; wait a minute and try again"); err != nil {
		return "", err
	}
	keyHash := m.cfg.Keys().FakeKeyHash(email)
	real, err := m.cfg.Store.KeyHash(ctx, m.EmailIndex(email))
	switch {
	case err == nil:
		keyHash = real
	case !errors.Is(err, ErrNotFound):
		return "", err
	}
	Pad(ctx, start, m.cfg.Floors.Salt)
	return keyHash, nil
}

// Login checks an auth key and opens a session (its token is the cookie
// value). Every attempt is first counted as a failure, per client and per
// client+account at once, and only an attempt both counts admit is
// compared; a success takes its counts back, so N concurrent wrong keys
// meet exactly the limit. A failure is padded to Floors.LoginFail so that
// it does not tell whether the address has an account. Errors:
// *fieldcheck.Error, *LimitError, ErrWrongLogin.
func (m *Manager) Login(ctx context.Context, client, email, authKey string) (*Account, string, error) {
	start := time.Now()
	var c fieldcheck.Checker
	email = c.Email(email)
	key := c.Bytes("auth_key", authKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	if err := c.Err(); err != nil {
		return nil, "", err
	}
	idx := m.EmailIndex(email)
	a, err := m.checkAuthKey(ctx, client, idx, func() (*Account, error) {
		a, err := m.cfg.Store.Account(ctx, idx)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		return a, err
	}, key, start)
	if err != nil {
		return nil, "", err
	}
	token, err := m.NewSession(ctx, a.ID)
	if err != nil {
		return nil, "", err
	}
	return a, token, nil
}

// checkAuthKey is the compare of Login and CheckPassword under Login's
// limits: every attempt first counted as a failure per client and per
// client+account (idx), compared only when both counts admit it, a
// success taking its counts back. load returns the account, or nil for
// none (a dummy compare then keeps the time alike). A failure, padded to
// Floors.LoginFail from start, is ErrWrongLogin.
func (m *Manager) checkAuthKey(ctx context.Context, client, idx string, load func() (*Account, error), key []byte, start time.Time) (*Account, error) {
	now, l := m.cfg.Now(), m.cfg.Limits
	lim := m.limiter(now) // the undo must find the window the hit counted in
	buckets := []struct {
		name  string
		limit int
	}{{"loginfail:" + client, l.LoginFailsPerClient}, {"loginfail:" + client + ":" + idx[:32], l.LoginFailsPerAccount}}
	over := false
	for _, b := range buckets {
		n, err := lim.Hit(ctx, b.name, l.LoginFailWindow)
		if err != nil {
			return nil, fmt.Errorf("accounts: rate limit: %w", err)
		}
		over = over || n > b.limit
	}
	if over {
		return nil, &LimitError{RetryAfter: l.LoginFailWindow, Msg: "too many failed logins from here; wait 15 minutes and try again"}
	}
	a, err := load()
	if err != nil {
		return nil, err
	}
	ok := false
	if k := m.cfg.Keys(); a == nil {
		k.DummyCheck(key)
	} else {
		ok = k.CheckVerifier(a.AuthSalt, a.Verifier, key)
	}
	if !ok {
		Pad(ctx, start, m.cfg.Floors.LoginFail)
		return nil, ErrWrongLogin
	}
	for _, b := range buckets {
		if err := lim.Undo(ctx, b.name, l.LoginFailWindow); err != nil {
			return nil, fmt.Errorf("accounts: rate limit: %w", err)
		}
	}
	return a, nil
}

// Account is the account of a signed-in user (for the page that unlocks
// the keys: Handlers.Keys); ErrNotFound if it is gone.
func (m *Manager) Account(ctx context.Context, userID string) (*Account, error) {
	return m.cfg.Store.AccountByID(ctx, userID)
}

// NewSession opens a session for userID and returns its token (the
// cookie value; only its hash is stored).
func (m *Manager) NewSession(ctx context.Context, userID string) (string, error) {
	token := NewToken()
	if err := m.cfg.Store.CreateSession(ctx, m.session(token, userID, m.cfg.Now())); err != nil {
		return "", err
	}
	return token, nil
}

// SessionUser is the user of a live session token (and records the use);
// ErrNoSession for a malformed, unknown, expired or idle one.
func (m *Manager) SessionUser(ctx context.Context, token string) (string, error) {
	if !ValidToken(token) {
		return "", ErrNoSession
	}
	id, err := m.cfg.Store.SessionUser(ctx, TokenHash(token), m.cfg.Now(), m.cfg.SessionIdle)
	if errors.Is(err, ErrNotFound) {
		return "", ErrNoSession
	}
	return id, err
}

// EndSession ends the session of token (logout) and returns its hash, by
// which the app closes what else the session had open (package keydist's
// Hub.EndSession).
func (m *Manager) EndSession(ctx context.Context, token string) (string, error) {
	h := TokenHash(token)
	return h, m.cfg.Store.DeleteSession(ctx, h)
}

// LiveSessions reports which session hashes are live, without recording
// a use (an open page does not keep an idle session alive). It is what
// keydist.Hub re-checks sockets with.
func (m *Manager) LiveSessions(ctx context.Context, hashes []string) (map[string]bool, error) {
	return m.cfg.Store.LiveSessions(ctx, hashes, m.cfg.Now(), m.cfg.SessionIdle)
}

// Cleanup deletes ended sessions, expired links and rate counters that no
// longer count; run it now and then (the reference app: hourly job).
func (m *Manager) Cleanup(ctx context.Context) (int64, error) {
	n, err := m.cfg.Store.Cleanup(ctx, m.cfg.Now(), m.cfg.SessionIdle)
	if err != nil {
		return n, err
	}
	k, err := m.limiter(m.cfg.Now()).Cleanup(ctx)
	return n + k, err
}

// ErrCacheExpired: the key cache was written too long ago (or claims a
// time in the future); the user unlocks with the password again.
var ErrCacheExpired = errors.New("the saved keys on this device have expired; enter your password")

// CacheSecret is the server's half of a browser's key cache: a 32-byte
// secret bound to this session and to when the cache was written, given
// only to a live session. The browser wraps its cached private keys under
// this secret and a key of its own that never leaves the device, so a
// copy of the browser profile cannot open the cache without a live
// session, and the server (which never sees the device key) cannot open
// it at all. Logging out, a session ended elsewhere, and KeyCacheLifetime
// passing since `written` each make the cache useless, whatever the device
// still holds.
//
// The secret is HMAC-SHA256(HKDF(verifier key, "sealkit/v1/key-cache"),
// session hash ‖ written as 8 bytes big-endian unix seconds ‖ the
// account's KeyGeneration as 8 bytes big-endian, left out while it is 0):
// nothing is stored, and a password change or a recovery, which bump the
// generation, make every cache useless, also for sessions that live on.
// ErrNoSession, ErrCacheExpired.
func (m *Manager) CacheSecret(ctx context.Context, token string, written time.Time) ([]byte, error) {
	userID, err := m.SessionUser(ctx, token)
	if err != nil {
		return nil, err
	}
	now := m.cfg.Now()
	if written.After(now.Add(time.Minute)) || now.Sub(written) > m.cfg.KeyCacheLifetime {
		return nil, ErrCacheExpired
	}
	a, err := m.cfg.Store.AccountByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	return m.cfg.Keys().cacheSecret(TokenHash(token), written, a.KeyGeneration), nil
}

// newID is a random row id: 32 lower-case hex characters.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
