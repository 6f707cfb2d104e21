package webapp

import (
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// Rate limits. Failed logins are counted per IP and per IP+account, never
// per account alone: a limit on the account would let anyone lock its
// owner out by failing on purpose. Every limit is checked and counted in
// one atomic step (store.RateHit).
const (
	saltWindow           = time.Minute
	registerLimit        = 20
	registerWindow       = time.Hour
	signupMailLimit      = 3 // sign-up mails to one address per signupMailWindow
	signupMailWindow     = time.Hour
	loginFailIPLimit     = 30
	loginFailAcctLimit   = 5
	loginFailWindow      = 15 * time.Minute
	registerMinDuration  = 250 * time.Millisecond
	loginFailMinDuration = 100 * time.Millisecond
	signupLinkLifetime   = 48 * time.Hour
)

func (s *Server) emailIndex(email string) string {
	return hex.EncodeToString(sealkit.BlindIndexEmail(s.secrets.Current().BlindIndexKey, email))
}

// accountKeys are the login secrets (fake salts, the verifier pepper)
// from the secrets file as it is now.
func (s *Server) accountKeys() accounts.Keys {
	sec := s.secrets.Current()
	return accounts.Keys{FakeSalt: sec.FakeSaltKey, Verifier: sec.VerifierKey()}
}

// limited counts a hit in bucket and reports whether it is over limit,
// having answered 429 (or 503: on a database failure it fails closed).
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

// register starts a sign-up: it only queues a job that mails the address
// (a link to finish the sign-up, or, for an address that has an account,
// a pointer to login). The request does the same work for every address —
// validate, count, queue — and answers the same (status, headers, body,
// timing floor); what the job finds is seen only in that mailbox.
// Nothing here creates an account or changes what the salt endpoint, login
// or an invitation observe (docs/PROTOCOL.md §1).
func (s *Server) register() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req emailRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		c.Email(req.Email)
		if c.answered(w) {
			return
		}
		if s.limited(w, r, "register:"+s.ipID(r), registerLimit, registerWindow) {
			return
		}
		// The address as typed: the finishing page shows it so, and the
		// browser keeps it so (encrypted) for the profile.
		err := s.store.InTx(r.Context(), func(tx *sql.Tx) error { return s.enqueueSignup(r.Context(), tx, req.Email) })
		if err != nil {
			s.log.Error("registration failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "registration failed; try again shortly")
			return
		}
		accounts.Pad(r.Context(), start, registerMinDuration)
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "mail_sent"})
	})
}

type finishRequest struct {
	Token                 string `json:"token"`
	KeyHash               string `json:"key_hash"`
	AuthKey               string `json:"auth_key"`
	PublicKey             string `json:"public_key"`
	EncryptedPrivateKey   string `json:"encrypted_private_key"`
	PQPublicKey           string `json:"pq_public_key"`
	EncryptedPQPrivateKey string `json:"encrypted_pq_private_key"`
	EncryptedUserKey      string `json:"encrypted_user_key"`
	EncryptedEmail        string `json:"encrypted_email"`
}

// finishSignup creates the account from the page a sign-up link opened:
// the token proves the address, the browser chose the password and made
// every key just now. The account is confirmed from the start and the
// browser is logged in. Only the token's address can be bound, and only
// by whoever read the mail.
func (s *Server) finishSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req finishRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		token := c.token(req.Token)
		keyHash := c.KeyHash(req.KeyHash)
		authKey := c.Bytes("auth_key", req.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
		pk := c.Bytes("public_key", req.PublicKey, sealkit.PublicKeySize, sealkit.PublicKeySize)
		epk := c.Bytes("encrypted_private_key", req.EncryptedPrivateKey, wrappedKeySize, wrappedKeySize)
		pqpk := c.Bytes("pq_public_key", req.PQPublicKey, sealkit.Cat3.PublicKeySize(), sealkit.Cat3.PublicKeySize())
		epq := c.Bytes("encrypted_pq_private_key", req.EncryptedPQPrivateKey, wrappedKeySize, wrappedKeySize)
		euk := c.Bytes("encrypted_user_key", req.EncryptedUserKey, 80, 2048)
		eem := c.Bytes("encrypted_email", req.EncryptedEmail, 41, 1024)
		if c.answered(w) {
			return
		}
		ctx, now := r.Context(), s.cfg.Now()
		authSalt, verifier := s.accountKeys().NewVerifier(authKey)
		u := &store.User{
			ID:                    store.NewID(),
			KeyHash:               keyHash,
			AuthSalt:              authSalt,
			AuthHash:              verifier,
			PublicKey:             b64.Encode(pk),
			PQPublicKey:           b64.Encode(pqpk),
			EncryptedPrivateKey:   epk,
			EncryptedPQPrivateKey: epq,
			EncryptedUserKey:      euk,
			EncryptedEmail:        eem,
			ConfirmedAt:           now.Unix(),
			CreatedAt:             now.Unix(),
		}
		session := accounts.NewToken()
		err := s.store.InTx(ctx, func(tx *sql.Tx) error {
			if err := s.store.FinishSignup(ctx, tx, hashHex(token), now, u); err != nil {
				return err
			}
			return s.store.CreateSession(ctx, tx, hashHex(session), u.ID, now, now.Add(sessionTTL))
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			writeError(w, http.StatusGone, "this link is not valid, was used already or has expired; start again at /register")
			return
		case errors.Is(err, store.ErrAccountExists):
			// Consumed in its own transaction: the failed one rolled back.
			s.store.DB.ExecContext(ctx, `DELETE FROM signups WHERE token_hash = $1`, hashHex(token))
			writeError(w, http.StatusConflict, "this address already has an account; log in instead")
			return
		case err != nil:
			s.log.Error("sign-up failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "the account could not be created; try again shortly")
			return
		}
		s.setSessionCookie(w, r, session, int(sessionTTL.Seconds()))
		s.log.Info("account created", "user", u.ID, "ip", s.ipID(r))
		writeJSON(w, http.StatusCreated, map[string]string{"status": "created"})
	})
}

// wrappedKeySize is crate encrypt_private_key's output for a 32-byte key:
// secretbox (nonce 24 + tag 16) of its 44-character base64 text.
const wrappedKeySize = 24 + 16 + 44

// emailRequest is a body that is only an address (register, salt).
type emailRequest struct {
	Email string `json:"email"`
}

// salt answers {key_hash} for any address: the real one for an account,
// else HMAC(fake-salt key, address) in the same shape, so the answer does
// not tell whether the address is registered. Known and unknown addresses
// get the same status, headers, body length and timing floor. Only
// accounts are read: a sign-up in progress changes nothing here.
func (s *Server) salt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req emailRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.Email(req.Email)
		if c.answered(w) {
			return
		}
		if s.limited(w, r, "salt:"+s.ipID(r), s.cfg.SaltLimit, saltWindow) {
			return
		}
		keyHash := s.accountKeys().FakeKeyHash(email)
		real, err := s.store.KeyHashByEmailIndex(r.Context(), s.emailIndex(email))
		switch {
		case err == nil:
			keyHash = real
		case !errors.Is(err, store.ErrNotFound):
			s.log.Error("salt lookup failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "try again shortly")
			return
		}
		accounts.Pad(r.Context(), start, s.cfg.SaltMinDuration)
		writeJSON(w, http.StatusOK, map[string]string{"key_hash": keyHash})
	})
}

type loginRequest struct {
	Email   string `json:"email"`
	AuthKey string `json:"auth_key"`
}

// login checks an auth key. Every attempt is first counted as a failure,
// in the per-IP and per-IP+account buckets at once, and only an attempt
// that both counts admit is compared; a success takes its count back. So
// N concurrent wrong keys meet exactly the limit, never more.
func (s *Server) login() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var req loginRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.Email(req.Email)
		authKey := c.Bytes("auth_key", req.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
		if c.answered(w) {
			return
		}
		ctx, now, ip := r.Context(), s.cfg.Now(), s.ipID(r)
		idx := s.emailIndex(email)
		buckets := []struct {
			name  string
			limit int
		}{{"loginfail:" + ip, loginFailIPLimit}, {"loginfail:" + ip + ":" + idx[:32], loginFailAcctLimit}}
		over := false
		for _, b := range buckets {
			n, err := s.store.RateHit(ctx, b.name, loginFailWindow, now)
			if err != nil {
				s.log.Error("rate limit check failed", "err", err)
				writeError(w, http.StatusServiceUnavailable, "try again shortly")
				return
			}
			over = over || n > b.limit
		}
		if over {
			w.Header().Set("Retry-After", strconv.Itoa(int(loginFailWindow.Seconds())))
			writeError(w, http.StatusTooManyRequests, "too many failed logins from here; wait 15 minutes and try again")
			return
		}
		u, err := s.store.UserByEmailIndex(ctx, s.store.DB, idx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Error("login lookup failed", "err", err)
			writeError(w, http.StatusServiceUnavailable, "try again shortly")
			return
		}
		ok := false
		if k := s.accountKeys(); u == nil {
			k.DummyCheck(authKey)
		} else {
			ok = k.CheckVerifier(u.AuthSalt, u.AuthHash, authKey)
		}
		if !ok {
			s.log.Info("login failed", "ip", ip)
			// An unknown address skips the row's decryption; padding every
			// failure hides that, so failures do not tell which addresses
			// have accounts.
			accounts.Pad(ctx, start, loginFailMinDuration)
			writeError(w, http.StatusUnauthorized, "wrong email address or password")
			return
		}
		for _, b := range buckets {
			if err := s.store.RateUndo(ctx, b.name, loginFailWindow, now); err != nil {
				s.log.Error("rate limit undo failed", "err", err)
			}
		}
		token := accounts.NewToken()
		if err := s.store.CreateSession(ctx, s.store.DB, hashHex(token), u.ID, now, now.Add(sessionTTL)); err != nil {
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
		if token := s.sessionToken(r); token != "" {
			h := hashHex(token)
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

// finishData fills the page a sign-up link opens: the address the link
// was mailed to (shown, and encrypted by the browser under the new user
// key) and the token. A mail scanner fetching the link changes nothing.
func (s *Server) finishData(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	token := r.URL.Query().Get("token")
	if !accounts.ValidToken(token) {
		s.renderError(w, r, http.StatusBadRequest, "This sign-up link is not valid. Start again on the registration page.")
		return false
	}
	email, err := s.store.SignupEmail(r.Context(), hashHex(token), s.cfg.Now())
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusGone, "This sign-up link was used already or has expired (links last 48 hours). Start again on the registration page.")
		return false
	}
	if err != nil {
		s.log.Error("sign-up link lookup failed", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Something went wrong; open the link again in a minute.")
		return false
	}
	d.Token, d.Email = token, email
	return true
}
