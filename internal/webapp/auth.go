package webapp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// Rate limits. Failed logins are counted per IP and per IP+account, never
// per account alone: a limit on the account would let anyone lock its
// owner out by failing on purpose.
const (
	saltWindow           = time.Minute
	registerLimit        = 20
	registerWindow       = time.Hour
	loginFailIPLimit     = 30
	loginFailAcctLimit   = 5
	loginFailWindow      = 15 * time.Minute
	registerMinDuration  = 250 * time.Millisecond
	loginFailMinDuration = 100 * time.Millisecond
	confirmTokenLifetime = 48 * time.Hour
)

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]) // 43 characters
}

func (s *Server) emailIndex(email string) string {
	return hex.EncodeToString(sealkit.BlindIndexEmail(s.secrets.Current().BlindIndexKey, email))
}

// authHash is what the database keeps of an auth key.
func authHash(salt, authKey []byte) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write(authKey)
	return m.Sum(nil)
}

// pad sleeps until min has passed since start, so that the work done (or
// not done) for an address cannot be told from the answer's timing.
func pad(ctx context.Context, start time.Time, min time.Duration) {
	t := time.NewTimer(time.Until(start.Add(min)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// limited records a hit in bucket and reports whether it is over limit;
// on a database failure it fails closed.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, bucket string, limit int, window time.Duration) bool {
	n, err := s.store.RateHit(r.Context(), bucket, window, s.cfg.Now())
	if err != nil {
		s.log.Error("rate limit check failed", "err", err)
		writeError(w, http.StatusServiceUnavailable, "try again shortly")
		return true
	}
	if n > limit {
		w.Header().Set("Retry-After", strconv.Itoa(int(window.Seconds())))
		writeError(w, http.StatusTooManyRequests, "too many requests; wait a minute and try again")
		return true
	}
	return false
}

type registerRequest struct {
	Email                 string `json:"email"`
	KeyHash               string `json:"key_hash"`
	AuthKey               string `json:"auth_key"`
	PublicKey             string `json:"public_key"`
	EncryptedPrivateKey   string `json:"encrypted_private_key"`
	PQPublicKey           string `json:"pq_public_key"`
	EncryptedPQPrivateKey string `json:"encrypted_pq_private_key"`
	EncryptedUserKey      string `json:"encrypted_user_key"`
	EncryptedEmail        string `json:"encrypted_email"`
}

// register creates an unconfirmed account and mails a confirmation link.
// For an address that already has an account it mails that owner instead;
// the answer (status, headers, body, timing floor) is the same.
func (s *Server) register() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req registerRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.email(req.Email)
		keyHash := c.keyHash(req.KeyHash)
		authKey := c.bytes("auth_key", req.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
		pk := c.bytes("public_key", req.PublicKey, sealkit.PublicKeySize, sealkit.PublicKeySize)
		epk := c.bytes("encrypted_private_key", req.EncryptedPrivateKey, wrappedKeySize, wrappedKeySize)
		pqpk := c.bytes("pq_public_key", req.PQPublicKey, sealkit.Cat3.PublicKeySize(), sealkit.Cat3.PublicKeySize())
		epq := c.bytes("encrypted_pq_private_key", req.EncryptedPQPrivateKey, wrappedKeySize, wrappedKeySize)
		euk := c.bytes("encrypted_user_key", req.EncryptedUserKey, 80, 2048)
		eem := c.bytes("encrypted_email", req.EncryptedEmail, 41, 1024)
		if c.answered(w) {
			return
		}
		if s.limited(w, r, "register:"+s.ipID(r), registerLimit, registerWindow) {
			return
		}
		salt := make([]byte, 16)
		rand.Read(salt)
		u := &store.User{
			ID:                    store.NewID(),
			EmailIndex:            s.emailIndex(email),
			KeyHash:               keyHash,
			AuthSalt:              hex.EncodeToString(salt),
			AuthHash:              hex.EncodeToString(authHash(salt, authKey)),
			PublicKey:             b64.Encode(pk),
			PQPublicKey:           b64.Encode(pqpk),
			EncryptedPrivateKey:   epk,
			EncryptedPQPrivateKey: epq,
			EncryptedUserKey:      euk,
			EncryptedEmail:        eem,
			CreatedAt:             s.cfg.Now().Unix(),
		}
		token := randomToken()
		err := s.store.InTx(r.Context(), func(tx *sql.Tx) error {
			exists, err := s.store.EmailIndexExists(r.Context(), tx, u.EmailIndex)
			if err != nil {
				return err
			}
			if exists {
				return s.enqueueMail(r.Context(), tx, mailMessage{To: email, Kind: mailAccountExists, Link: s.cfg.PublicURL + "/login"})
			}
			if err := s.store.CreateUser(r.Context(), tx, u); err != nil {
				return err
			}
			if err := s.store.CreateEmailToken(r.Context(), tx, hashHex(token), u.ID, "confirm", s.cfg.Now().Add(confirmTokenLifetime)); err != nil {
				return err
			}
			return s.enqueueMail(r.Context(), tx, mailMessage{To: email, Kind: mailConfirm, Link: s.cfg.PublicURL + "/confirm?token=" + token})
		})
		if err != nil {
			s.log.Error("registration failed", "err", err)
			writeError(w, http.StatusInternalServerError, "registration failed; try again")
			return
		}
		pad(r.Context(), start, registerMinDuration)
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "confirmation_sent"})
	})
}

// wrappedKeySize is crate encrypt_private_key's output for a 32-byte key:
// secretbox (nonce 24 + tag 16) of its 44-character base64 text.
const wrappedKeySize = 24 + 16 + 44

type emailRequest struct {
	Email string `json:"email"`
}

// salt answers {key_hash} for any address: the real one for an account,
// else HMAC(fake-salt key, address) in the same shape, so the answer does
// not tell whether the address is registered. Known and unknown addresses
// get the same status, headers, body length and timing floor.
func (s *Server) salt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req emailRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.email(req.Email)
		if c.answered(w) {
			return
		}
		if s.limited(w, r, "salt:"+s.ipID(r), s.cfg.SaltLimit, saltWindow) {
			return
		}
		m := hmac.New(sha256.New, s.secrets.Current().FakeSaltKey)
		m.Write([]byte(email))
		keyHash := sealkit.FormatKeyHash(m.Sum(nil)[:sealkit.SaltSize])
		real, err := s.store.KeyHashByEmailIndex(r.Context(), s.emailIndex(email))
		switch {
		case err == nil:
			keyHash = real
		case !errors.Is(err, store.ErrNotFound):
			s.log.Error("salt lookup failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "try again shortly")
			return
		}
		pad(r.Context(), start, s.cfg.SaltMinDuration)
		writeJSON(w, http.StatusOK, map[string]string{"key_hash": keyHash})
	})
}

type loginRequest struct {
	Email   string `json:"email"`
	AuthKey string `json:"auth_key"`
}

// dummySalt makes the unknown-address path do the same hashing as a real
// comparison.
var dummySalt = make([]byte, 16)

func (s *Server) login() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req loginRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.email(req.Email)
		authKey := c.bytes("auth_key", req.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
		if c.answered(w) {
			return
		}
		ctx, now, ip := r.Context(), s.cfg.Now(), s.ipID(r)
		idx := s.emailIndex(email)
		ipBucket, acctBucket := "loginfail:"+ip, "loginfail:"+ip+":"+idx[:32]
		for _, b := range []struct {
			bucket string
			limit  int
		}{{ipBucket, loginFailIPLimit}, {acctBucket, loginFailAcctLimit}} {
			n, err := s.store.RateCount(ctx, b.bucket, loginFailWindow, now)
			if err != nil {
				s.log.Error("rate limit check failed", "err", err)
				writeError(w, http.StatusServiceUnavailable, "try again shortly")
				return
			}
			if n >= b.limit {
				w.Header().Set("Retry-After", strconv.Itoa(int(loginFailWindow.Seconds())))
				writeError(w, http.StatusTooManyRequests, "too many failed logins from here; wait 15 minutes and try again")
				return
			}
		}
		u, err := s.store.UserByEmailIndex(ctx, s.store.DB, idx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Error("login lookup failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "try again shortly")
			return
		}
		ok := false
		if u == nil {
			authHash(dummySalt, authKey)
		} else {
			salt, _ := hex.DecodeString(u.AuthSalt)
			want, _ := hex.DecodeString(u.AuthHash)
			ok = hmac.Equal(authHash(salt, authKey), want)
		}
		if !ok {
			for _, b := range []string{ipBucket, acctBucket} {
				if err := s.store.RateRecord(ctx, b, now); err != nil {
					s.log.Error("rate limit record failed", "err", err)
				}
			}
			s.log.Info("login failed", "ip", ip)
			// An unknown address skips the row's decryption; padding every
			// failure hides that, so failures do not tell which addresses
			// have accounts.
			pad(ctx, start, loginFailMinDuration)
			writeError(w, http.StatusUnauthorized, "wrong email address or password")
			return
		}
		if u.ConfirmedAt == 0 {
			writeError(w, http.StatusForbidden, "confirm your email address first: follow the link in the mail we sent")
			return
		}
		token := randomToken()
		if err := s.store.CreateSession(ctx, hashHex(token), u.ID, now, now.Add(sessionTTL)); err != nil {
			s.log.Error("session create failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "try again shortly")
			return
		}
		s.setSessionCookie(w, r, token, int(sessionTTL.Seconds()))
		s.log.Info("login", "user", u.ID, "ip", ip)
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

func (s *Server) logout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err == nil && len(c.Value) == 43 {
			h := hashHex(c.Value)
			if err := s.store.DeleteSession(r.Context(), h); err != nil {
				s.log.Error("logout failed", "err", err)
			}
			// The session's open WebSockets end with it, on every instance.
			s.endSessionSockets(r.Context(), h)
		}
		s.setSessionCookie(w, r, "", -1)
		// The page's script clears sessionStorage and the key cache before
		// it submits; this header makes the browser do it too, in case the
		// form went out before the script ran.
		w.Header().Set("Clear-Site-Data", `"storage"`)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

// confirm consumes a confirmation token (POSTed by the page the mail link
// opens, so that a mail scanner fetching the link confirms nothing).
func (s *Server) confirm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		token := r.PostFormValue("token")
		if len(token) != 43 {
			s.renderError(w, r, http.StatusBadRequest, "This confirmation link is not valid.")
			return
		}
		err := s.store.ConfirmEmail(r.Context(), hashHex(token), s.cfg.Now())
		if errors.Is(err, store.ErrNotFound) {
			s.renderError(w, r, http.StatusBadRequest, "This confirmation link is not valid, was used already or has expired.")
			return
		}
		if err != nil {
			s.log.Error("confirm failed", "err", err)
			s.renderError(w, r, http.StatusInternalServerError, "Something went wrong; try the link again.")
			return
		}
		http.Redirect(w, r, "/login?confirmed=1", http.StatusSeeOther)
	})
}
