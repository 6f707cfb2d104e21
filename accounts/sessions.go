package accounts

// A user's sessions as a list of devices: each named by a public id, ended
// one at a time or all but the current one; and the password re-proved
// for a destructive action (deleting the account).

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
)

// Errors of the session list.
var (
	// ErrUnknownSession: no live session of this user has the public id.
	ErrUnknownSession = errors.New("no such session; it may have ended already")
	// ErrCurrentSession: the public id is the caller's own session, which
	// ends by logging out.
	ErrCurrentSession = errors.New("this is the session you are using; log out to end it")
	// ErrWrongPassword: the proof of the password (its auth key) is wrong:
	// CheckPassword, ChangePassword, SetRecovery.
	ErrWrongPassword = errors.New("wrong password")
)

// DeviceSession is one of a user's live sessions as the user sees it.
type DeviceSession struct {
	// ID is the session's public id (32 hex characters): a keyed HMAC of
	// its hash, so the page can name the session without the server ever
	// showing the token or its hash, and nobody without the server secret
	// can link an id to a hash.
	ID                string
	Created, LastSeen time.Time
	Device            []byte // the browser's ciphertext; nil when unset
	Current           bool   // the caller's own session
}

// MinDeviceSize and MaxDeviceSize bound a device label's ciphertext: a secretbox (40 bytes of
// nonce and tag) of 1 to 200 bytes of label.
const (
	MinDeviceSize = 41
	MaxDeviceSize = 240
)

// sessionID is the public id of a session hash:
// hex(HMAC-SHA256(HKDF-SHA256(verifier key, info "sealkit/v1/session-id"), hash)[:16]).
func (k Keys) sessionID(hash string) string {
	ik, err := hkdf.Key(sha256.New, k.Verifier, nil, "sealkit/v1/session-id", 32)
	if err != nil {
		panic("accounts: HKDF-SHA256 of 32 bytes cannot fail: " + err.Error())
	}
	m := hmac.New(sha256.New, ik)
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// ValidSessionID reports whether v has a public session id's shape.
func ValidSessionID(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Sessions lists the live sessions of the user of token, oldest first,
// the caller's own marked Current. ErrNoSession.
func (m *Manager) Sessions(ctx context.Context, token string) ([]DeviceSession, error) {
	userID, err := m.SessionUser(ctx, token)
	if err != nil {
		return nil, err
	}
	list, err := m.cfg.Store.UserSessions(ctx, userID, m.cfg.Now(), m.cfg.SessionIdle)
	if err != nil {
		return nil, err
	}
	k, own := m.cfg.Keys(), TokenHash(token)
	out := make([]DeviceSession, len(list))
	for i, s := range list {
		out[i] = DeviceSession{ID: k.sessionID(s.Hash), Created: s.Created, LastSeen: s.LastSeen, Device: s.Device, Current: s.Hash == own}
	}
	return out, nil
}

// SetDevice stores the device label ciphertext of token's session.
// Errors: *fieldcheck.Error, ErrNoSession.
func (m *Manager) SetDevice(ctx context.Context, token, deviceB64 string) error {
	var c fieldcheck.Checker
	device := c.Bytes("encrypted_device", deviceB64, MinDeviceSize, MaxDeviceSize)
	if err := c.Err(); err != nil {
		return err
	}
	if _, err := m.SessionUser(ctx, token); err != nil {
		return err
	}
	err := m.cfg.Store.SetSessionDevice(ctx, TokenHash(token), device)
	if errors.Is(err, ErrNotFound) {
		return ErrNoSession // ended meanwhile
	}
	return err
}

// EndSessionByID ends another session of token's user, named by its
// public id, and returns its hash (for the app to close what the session
// had open, as after EndSession). A session of another user is unknown.
// Errors: ErrNoSession, ErrUnknownSession, ErrCurrentSession.
func (m *Manager) EndSessionByID(ctx context.Context, token, id string) (string, error) {
	if !ValidSessionID(id) {
		return "", ErrUnknownSession
	}
	userID, err := m.SessionUser(ctx, token)
	if err != nil {
		return "", err
	}
	list, err := m.cfg.Store.UserSessions(ctx, userID, m.cfg.Now(), m.cfg.SessionIdle)
	if err != nil {
		return "", err
	}
	k := m.cfg.Keys()
	for _, s := range list {
		if !hmac.Equal([]byte(k.sessionID(s.Hash)), []byte(id)) {
			continue
		}
		if s.Hash == TokenHash(token) {
			return "", ErrCurrentSession
		}
		return s.Hash, m.cfg.Store.DeleteSession(ctx, s.Hash)
	}
	return "", ErrUnknownSession
}

// EndOtherSessions ends every session of userID except the one of
// keepToken ("" ends them all: e.g. an account recovered without a
// session) and returns the ended hashes, for the app to close their
// sockets (keydist.Hub.EndSession). A password change or recovery calls
// it, as does "end all other sessions".
func (m *Manager) EndOtherSessions(ctx context.Context, userID, keepToken string) ([]string, error) {
	keep := ""
	if keepToken != "" {
		keep = TokenHash(keepToken)
	}
	return m.cfg.Store.DeleteUserSessions(ctx, userID, keep)
}

// CheckPassword re-proves the password of a signed-in user before a
// destructive action: authKey (base64) is checked against the verifier as
// Login checks it, under Login's limits and counts (a success takes its
// counts back). Errors: *fieldcheck.Error, *LimitError, ErrWrongPassword.
func (m *Manager) CheckPassword(ctx context.Context, client, userID, authKey string) error {
	start := time.Now()
	var c fieldcheck.Checker
	key := c.Bytes("auth_key", authKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	if err := c.Err(); err != nil {
		return err
	}
	a, err := m.cfg.Store.AccountByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return err
	}
	_, err = m.checkAuthKey(ctx, client, a.EmailIndex, func() (*Account, error) { return a, nil }, key, start)
	if errors.Is(err, ErrWrongLogin) {
		return ErrWrongPassword
	}
	return err
}
