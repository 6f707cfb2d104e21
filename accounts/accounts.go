// Package accounts is the server half of a zero-knowledge login: sign-up
// with address proof, the salt endpoint, auth-key login and sessions —
// the part of the pattern that is easy to get subtly wrong.
//
// The browser derives a session key from the password with Argon2id and
// the salt in its key_hash, and sends only auth_key = HKDF(session key)
// (sealkit.DeriveAuthKey); the server never sees the password, the session
// key or any private key. The JS SDK's account module is the browser half.
//
// A [Manager] runs the ceremonies over a [Store] (package sqlstore: SQLite
// and PostgreSQL) and a rate limiter (package ratelimit):
//
//   - Sign-up is email first, a Begin/Finish pair with a mail between:
//     [Manager.BeginSignup] only queues a job; the job's
//     [Manager.SignupMail] decides whether the address gets a link or a
//     pointer to login; [Manager.FinishSignup] creates the account from the
//     link's token and the keys the browser made, and logs it in.
//   - [Manager.Salt] and [Manager.Login]; sessions by token
//     ([Manager.SessionUser], [Manager.EndSession], [Manager.LiveSessions]).
//   - [Handlers] serves all of it as the kit's JSON endpoints.
//
// Guarantees:
//   - Nothing a stranger can ask tells which addresses have accounts: the
//     sign-up request, the salt endpoint and a failed login answer alike,
//     byte for byte and after the same floor, for an address with an
//     account, one without, and one with a sign-up in progress. Fake
//     salts ([Keys.FakeKeyHash]) are stable per address and unpredictable
//     without the fake-salt key.
//   - An account is created only by whoever read the link mailed to its
//     address, once, however many requests race (the Store's contract).
//   - A copy of the database alone cannot test a password guess: a
//     verifier ([Keys.NewVerifier]) is
//     "v2$" + hex(HMAC-SHA256(verifier key, HMAC-SHA256(salt, auth key))),
//     compared in constant time; an unknown address costs the same hashing
//     ([Keys.DummyCheck]).
//   - Tokens (sessions, links) are 32 random bytes; only their SHA-256 is
//     stored. Sessions end after an absolute lifetime and when idle.
//   - Limits hold across instances and under concurrency; failed logins
//     are counted per client and per client+account, never per account
//     alone (which would let anyone lock an owner out).
//   - Errors returned to callers are meant for the user and never hold a
//     submitted value.
//
// Assumptions: the keys come from the server's secrets file, never the
// database; the app mails the result of SignupMail from a job queue
// (never from the request, whose timing would then differ), keeps the
// link token out of logs and job arguments, and serves over https in
// production (Handlers then sets a __Host- cookie).
package accounts

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/sealkit/sealkit"
)

// VerifierPrefix marks a peppered verifier.
const VerifierPrefix = "v2$"

// Keys are the server secrets of accounts.
type Keys struct {
	// BlindIndex is the key of the addresses' blind index
	// (sealkit.BlindIndexEmail): accounts are found by it.
	BlindIndex []byte
	// FakeSalt is the HMAC key of fake salts (32 random bytes).
	FakeSalt []byte
	// Verifier is the pepper of stored verifiers (32 bytes; see
	// DeriveVerifierKey).
	Verifier []byte
}

// DeriveVerifierKey derives a verifier key from another server secret of
// at least 32 bytes (the reference app uses its blind-index key):
// HKDF-SHA256(secret, salt none, info "sealkit/v1/verifier-key", 32).
// Deriving it lets every existing secrets file, and every instance sharing
// one, agree on it without a file upgrade.
func DeriveVerifierKey(secret []byte) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, "sealkit/v1/verifier-key", 32)
	if err != nil {
		panic("accounts: HKDF-SHA256 of 32 bytes cannot fail: " + err.Error())
	}
	return k
}

// FakeKeyHash is the key_hash the salt endpoint gives an address without
// an account: HMAC-SHA256(fake-salt key, email)[:16] as a crate key_hash.
// email must be normalised (lower-cased) as for the blind index.
func (k Keys) FakeKeyHash(email string) string {
	m := hmac.New(sha256.New, k.FakeSalt)
	m.Write([]byte(email))
	return sealkit.FormatKeyHash(m.Sum(nil)[:sealkit.SaltSize])
}

// NewVerifier makes a random salt and the verifier of authKey under it,
// both as stored: hex salt, "v2$"-prefixed verifier.
func (k Keys) NewVerifier(authKey []byte) (salt, verifier string) {
	s := make([]byte, 16)
	rand.Read(s)
	return hex.EncodeToString(s), k.pepper(inner(s, authKey))
}

// CheckVerifier reports whether authKey matches a stored salt and
// verifier, in constant time. A verifier stored before the pepper (hex of
// the inner hash) is compared in its own form.
func (k Keys) CheckVerifier(salt, verifier string, authKey []byte) bool {
	s, err := hex.DecodeString(salt)
	if err != nil {
		s = nil
	}
	in := inner(s, authKey)
	got := k.pepper(in)
	if !strings.HasPrefix(verifier, VerifierPrefix) {
		got = hex.EncodeToString(in)
	}
	return hmac.Equal([]byte(got), []byte(verifier)) && err == nil
}

// DummyCheck does the hashing of a CheckVerifier, for an address without
// an account, so that both paths cost alike (the caller still pads).
func (k Keys) DummyCheck(authKey []byte) { k.pepper(inner(make([]byte, 16), authKey)) }

// UpgradeVerifier peppers a legacy verifier (hex of the inner hash) in
// place: no user action is needed.
func (k Keys) UpgradeVerifier(legacy string) (string, error) {
	in, err := hex.DecodeString(legacy)
	if err != nil || len(in) != sha256.Size {
		return "", errors.New("accounts: neither a verifier nor a legacy hash")
	}
	return k.pepper(in), nil
}

func (k Keys) cacheSecret(sessionHash string, written time.Time, generation int64) []byte {
	ck, err := hkdf.Key(sha256.New, k.Verifier, nil, "sealkit/v1/key-cache", 32)
	if err != nil {
		panic("accounts: HKDF-SHA256 of 32 bytes cannot fail: " + err.Error())
	}
	m := hmac.New(sha256.New, ck)
	m.Write([]byte(sessionHash))
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], uint64(written.Unix()))
	m.Write(t[:])
	// A password change or recovery bumps the generation, so every cache
	// written before it no longer opens, on any device. Generation 0 adds
	// nothing: caches written before generations existed keep working.
	if generation > 0 {
		binary.BigEndian.PutUint64(t[:], uint64(generation))
		m.Write(t[:])
	}
	return m.Sum(nil)
}

func inner(salt, authKey []byte) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write(authKey)
	return m.Sum(nil)
}

func (k Keys) pepper(in []byte) string {
	m := hmac.New(sha256.New, k.Verifier)
	m.Write(in)
	return VerifierPrefix + hex.EncodeToString(m.Sum(nil))
}

// Pad waits until min has passed since start (or ctx ends), so that the
// work done, or not done, for an address cannot be told from the answer's
// timing.
func Pad(ctx context.Context, start time.Time, min time.Duration) {
	t := time.NewTimer(time.Until(start.Add(min)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// NewToken is a session cookie or mailed-link token: 32 random bytes as
// 43 characters of unpadded base64url.
func NewToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidToken reports whether v has NewToken's shape.
func ValidToken(v string) bool {
	if len(v) != 43 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TokenHash is what the database keeps of a token: hex SHA-256.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
