package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit/fieldcheck"
)

// Handlers serves a Manager's ceremonies as the kit's JSON endpoints
// (docs/PROTOCOL.md §3), which the JS SDK's account module calls:
//
//	POST /api/auth/register        {email}              → 202 {"status":"mail_sent"}
//	POST /api/auth/register/finish Registration         → 201 {"status":"created"}, session cookie
//	POST /api/auth/salt            {email}              → 200 {"key_hash":…}
//	POST /api/auth/login           {email, auth_key}    → 200 {"status":"ok"}, session cookie
//
// and, for a signed-in page, Keys: the user's KeyBundle (public keys and
// wrapped private keys), which the SDK unlocks in the browser.
//
// Bodies must be application/json of at most 64 KiB, decoded strictly
// (fieldcheck.DecodeJSON). Errors are {"error": text} with 400 (a field,
// naming it), 401 (wrong login), 409 (the address has an account), 410
// (the link is gone), 429 with Retry-After (a limit), or 503 (the database
// failed; logged, nothing of the request in the log).
//
// The session cookie is HttpOnly, SameSite=Lax, path /; with Secure it is
// "__Host-"+Cookie, which a browser refuses unless it is Secure, for / and
// without a Domain, so a sibling subdomain cannot plant one.
type Handlers struct {
	Manager *Manager
	// ClientID names a request's client for limits and logs (Clients.ID).
	// Unset, every request counts as one client: limits still hold, for
	// the whole site at once.
	ClientID func(*http.Request) string
	// QueueSignup queues the job that calls Manager.SignupMail and mails
	// its result; it is BeginSignup's queue. Unset, Register answers 503.
	QueueSignup func(ctx context.Context, email string) error
	// Cookie is the session cookie's name ("session"); Secure is true when
	// the app is served over https.
	Cookie string
	Secure bool
	// Log gets one line per account created, login and failed login (user
	// id and client id only); nil discards.
	Log *slog.Logger
	// KeysSwapped, when set, is called after a password change or a
	// recovery committed, with the sessions it ended: the app closes what
	// those sessions had open (keydist.Hub.EndSession) and tells the
	// user's other open pages that their keys are stale.
	KeysSwapped func(ctx context.Context, userID string, endedSessions []string)
	// IdentityChanged, when set, is called after SetIdentity committed:
	// the app tells the user's contacts' open pages to refetch bundles.
	IdentityChanged func(ctx context.Context, userID string)
}

// CookieName is the session cookie's name as set.
func (h *Handlers) CookieName() string {
	name := h.Cookie
	if name == "" {
		name = "session"
	}
	if h.Secure {
		return "__Host-" + name
	}
	return name
}

func (h *Handlers) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

type emailBody struct {
	Email string `json:"email"`
}

type loginBody struct {
	Email   string `json:"email"`
	AuthKey string `json:"auth_key"`
}

func (h *Handlers) client(r *http.Request) string {
	if h.ClientID == nil {
		return "all"
	}
	return h.ClientID(r)
}

// Register is POST /api/auth/register: Manager.BeginSignup.
func (h *Handlers) Register() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b emailBody
		if !readJSON(w, r, &b) {
			return
		}
		if h.QueueSignup == nil {
			h.log().Error("accounts.Handlers.QueueSignup is not set: sign-up is off")
			WriteError(w, http.StatusServiceUnavailable, "sign-up is not available on this server")
			return
		}
		if err := h.Manager.BeginSignup(r.Context(), h.client(r), b.Email, h.QueueSignup); err != nil {
			h.fail(w, err, "registration failed; try again shortly")
			return
		}
		WriteJSON(w, http.StatusAccepted, map[string]string{"status": "mail_sent"})
	})
}

// FinishSignup is POST /api/auth/register/finish: Manager.FinishSignup,
// then the session cookie.
func (h *Handlers) FinishSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b Registration
		if !readJSON(w, r, &b) {
			return
		}
		a, token, err := h.Manager.FinishSignup(r.Context(), b)
		if err != nil {
			h.fail(w, err, "the account could not be created; try again shortly")
			return
		}
		h.SetSession(w, r, token)
		h.log().Info("account created", "user", a.ID, "ip", h.client(r))
		WriteJSON(w, http.StatusCreated, map[string]string{"status": "created"})
	})
}

// Salt is POST /api/auth/salt: Manager.Salt.
func (h *Handlers) Salt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b emailBody
		if !readJSON(w, r, &b) {
			return
		}
		kh, err := h.Manager.Salt(r.Context(), h.client(r), b.Email)
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		WriteJSON(w, http.StatusOK, map[string]string{"key_hash": kh})
	})
}

// Login is POST /api/auth/login: Manager.Login, then the session cookie.
func (h *Handlers) Login() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b loginBody
		if !readJSON(w, r, &b) {
			return
		}
		client := h.client(r)
		a, token, err := h.Manager.Login(r.Context(), client, b.Email, b.AuthKey)
		if errors.Is(err, ErrWrongLogin) {
			h.log().Info("login failed", "ip", client)
		}
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.SetSession(w, r, token)
		h.log().Info("login", "user", a.ID, "ip", client)
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// KeyBundle is what Handlers.Keys answers: the signed-in user's public
// keys and wrapped private keys, which the browser opens with the session
// key (the SDK's openAccountKeys and KeyChain read these fields).
type KeyBundle struct {
	UserID                string `json:"user_id"`
	KeyHash               string `json:"key_hash"`
	PublicKey             []byte `json:"public_key"`
	PQPublicKey           []byte `json:"pq_public_key"`
	EncryptedPrivateKey   []byte `json:"encrypted_private_key"`
	EncryptedPQPrivateKey []byte `json:"encrypted_pq_private_key"`
	EncryptedUserKey      []byte `json:"encrypted_user_key"`
	EncryptedEmail        []byte `json:"encrypted_email"`
}

// Keys answers the signed-in user's KeyBundle (wrap it in Require). It
// holds nothing the server could open.
func (h *Handlers) Keys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := h.Manager.Account(r.Context(), UserID(r.Context()))
		if errors.Is(err, ErrNotFound) {
			WriteError(w, http.StatusUnauthorized, ErrNoSession.Error())
			return
		}
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		WriteJSON(w, http.StatusOK, KeyBundle{UserID: a.ID, KeyHash: a.KeyHash, PublicKey: a.PublicKey, PQPublicKey: a.PQPublicKey,
			EncryptedPrivateKey: a.EncryptedPrivateKey, EncryptedPQPrivateKey: a.EncryptedPQPrivateKey,
			EncryptedUserKey: a.EncryptedUserKey, EncryptedEmail: a.EncryptedEmail})
	})
}

type cacheSecretBody struct {
	Written int64 `json:"written"` // unix seconds, as the cache entry records
}

// CacheSecret is POST {written} → {"secret": base64}: Manager.CacheSecret
// for the request's session (the SDK's key cache asks it when it writes
// and when it opens the cache). 401 without a live session, 410 when the
// cache has expired. Mount it outside Require: it checks the session
// itself.
func (h *Handlers) CacheSecret() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b cacheSecretBody
		if !readJSON(w, r, &b) {
			return
		}
		if b.Written <= 0 || b.Written > 1<<40 {
			WriteError(w, http.StatusBadRequest, "written: unix seconds of when the cache was written")
			return
		}
		// Date is the clock the write time is judged by (Config.Now), so
		// that a browser whose clock is off can retry at the server's time
		// (keycache.js does, once, on a 410 at write time).
		w.Header().Set("Date", h.Manager.cfg.Now().UTC().Format(http.TimeFormat))
		s, err := h.Manager.CacheSecret(r.Context(), h.Token(r), time.Unix(b.Written, 0))
		switch {
		case errors.Is(err, ErrNoSession):
			WriteError(w, http.StatusUnauthorized, err.Error())
		case errors.Is(err, ErrCacheExpired):
			WriteError(w, http.StatusGone, err.Error())
		case err != nil:
			h.fail(w, err, "try again shortly")
		default:
			WriteJSON(w, http.StatusOK, map[string][]byte{"secret": s})
		}
	})
}

// fail answers err: the Manager's errors with their status and text,
// anything else as 503 with unavailable (and a log line without the
// request's values).
func (h *Handlers) fail(w http.ResponseWriter, err error, unavailable string) {
	var fe *fieldcheck.Error
	var le *LimitError
	switch {
	case errors.As(err, &fe):
		WriteError(w, http.StatusBadRequest, fe.Error())
	case errors.As(err, &le):
		w.Header().Set("Retry-After", strconv.Itoa(int(le.RetryAfter.Seconds())))
		WriteError(w, http.StatusTooManyRequests, le.Msg)
	case errors.Is(err, ErrWrongLogin):
		WriteError(w, http.StatusUnauthorized, err.Error())
	case errors.Is(err, ErrLinkGone):
		WriteError(w, http.StatusGone, err.Error())
	case errors.Is(err, ErrWrongPassword):
		// 403, not 401: the session is fine, only the proof is wrong.
		WriteError(w, http.StatusForbidden, err.Error())
	case errors.Is(err, ErrWrongRecovery), errors.Is(err, ErrNoSession):
		WriteError(w, http.StatusUnauthorized, err.Error())
	case errors.Is(err, ErrKeysChanged):
		WriteError(w, http.StatusConflict, err.Error())
	case errors.Is(err, ErrAccountExists):
		WriteError(w, http.StatusConflict, "this address already has an account; log in instead")
	default:
		h.log().Error("account request failed", "err", err)
		WriteError(w, http.StatusServiceUnavailable, unavailable)
	}
}

// Token is the request's session cookie value, or "" (also for a value
// of the wrong shape).
func (h *Handlers) Token(r *http.Request) string {
	c, err := r.Cookie(h.CookieName())
	if err != nil || !ValidToken(c.Value) {
		return ""
	}
	return c.Value
}

// SetSession sets the session cookie to token, for the session's lifetime.
func (h *Handlers) SetSession(w http.ResponseWriter, r *http.Request, token string) {
	h.setCookie(w, r, token, int(h.Manager.SessionLifetime().Seconds()))
}

// EndSession ends the request's session, if any, and clears the cookie;
// it returns the session's hash ("" if there was none) for
// keydist.Hub.EndSession.
func (h *Handlers) EndSession(w http.ResponseWriter, r *http.Request) (string, error) {
	h.setCookie(w, r, "", -1)
	token := h.Token(r)
	if token == "" {
		return "", nil
	}
	return h.Manager.EndSession(r.Context(), token)
}

func (h *Handlers) setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     h.CookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   h.Secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// User is the user id of the request's live session, or "" (the error
// is for a failed lookup only, not for a missing or ended session).
func (h *Handlers) User(r *http.Request) (string, error) {
	token := h.Token(r)
	if token == "" {
		return "", nil
	}
	id, err := h.Manager.SessionUser(r.Context(), token)
	if errors.Is(err, ErrNoSession) {
		return "", nil
	}
	return id, err
}

type userKey struct{}

// Require serves next only for a request with a live session, with its
// user id in the context (UserID); others get 401 {"error":"log in first"}.
func (h *Handlers) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := h.User(r)
		if err != nil {
			h.log().Error("session lookup failed", "err", err)
		}
		if id == "" {
			WriteError(w, http.StatusUnauthorized, ErrNoSession.Error())
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUserID(r.Context(), id)))
	})
}

// WithUserID returns ctx carrying a signed-in user's id.
func WithUserID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, userKey{}, id)
}

// UserID is the id Require put in ctx, or "".
func UserID(ctx context.Context) string {
	id, _ := ctx.Value(userKey{}).(string)
	return id
}

// MaxBody is the largest body the handlers read.
const MaxBody = 64 << 10

// readJSON admits one application/json body of at most MaxBody bytes,
// decoded strictly into v; on failure it has answered.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		WriteError(w, http.StatusUnsupportedMediaType, "the body must be application/json")
		return false
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			WriteError(w, http.StatusRequestEntityTooLarge, "the body is larger than 64 KiB")
			return false
		}
		WriteError(w, http.StatusBadRequest, "the body could not be read")
		return false
	}
	if err := fieldcheck.DecodeJSON(data, v); err != nil {
		WriteError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// WriteJSON answers v as JSON, not to be cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// WriteError answers {"error": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}

func (h *Handlers) swapped(ctx context.Context, userID string, ended []string) {
	if h.KeysSwapped != nil {
		h.KeysSwapped(ctx, userID, ended)
	}
}

// ChangePassword is POST PasswordChange → 200 {"status":"changed",
// "ended": n}: Manager.ChangePassword for the request's session (wrap it
// in Require). 403 for a wrong current password, 409 when the keys
// changed meanwhile (a replay).
func (h *Handlers) ChangePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b PasswordChange
		if !readJSON(w, r, &b) {
			return
		}
		user, client := UserID(r.Context()), h.client(r)
		ended, err := h.Manager.ChangePassword(r.Context(), client, user, TokenHash(h.Token(r)), b)
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.log().Info("password changed", "user", user, "ip", client, "sessions_ended", len(ended))
		h.swapped(r.Context(), user, ended)
		WriteJSON(w, http.StatusOK, map[string]any{"status": "changed", "ended": len(ended)})
	})
}

// SetRecovery is PUT RecoverySetup → 204: Manager.SetRecovery for the
// request's user (wrap it in Require).
func (h *Handlers) SetRecovery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b RecoverySetup
		if !readJSON(w, r, &b) {
			return
		}
		user, client := UserID(r.Context()), h.client(r)
		if err := h.Manager.SetRecovery(r.Context(), client, user, b); err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.log().Info("recovery key set", "user", user, "ip", client)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

type recoverBody struct {
	Email           string `json:"email"`
	RecoveryAuthKey string `json:"recovery_auth_key"`
}

// BeginRecovery is POST {email, recovery_auth_key} → 200 RecoveryBundle:
// Manager.BeginRecovery. 401 for a wrong address or key (one answer).
func (h *Handlers) BeginRecovery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b recoverBody
		if !readJSON(w, r, &b) {
			return
		}
		client := h.client(r)
		bundle, err := h.Manager.BeginRecovery(r.Context(), client, b.Email, b.RecoveryAuthKey)
		if errors.Is(err, ErrWrongRecovery) {
			h.log().Info("recovery failed", "ip", client)
		}
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		WriteJSON(w, http.StatusOK, bundle)
	})
}

// FinishRecovery is POST RecoveryFinish → 200 {"status":"recovered"} and
// a new session cookie: Manager.FinishRecovery (every other session of
// the account has ended).
func (h *Handlers) FinishRecovery() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b RecoveryFinish
		if !readJSON(w, r, &b) {
			return
		}
		client := h.client(r)
		a, token, ended, err := h.Manager.FinishRecovery(r.Context(), client, b)
		if errors.Is(err, ErrWrongRecovery) {
			h.log().Info("recovery failed", "ip", client)
		}
		if err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.SetSession(w, r, token)
		h.log().Info("account recovered", "user", a.ID, "ip", client, "sessions_ended", len(ended))
		h.swapped(r.Context(), a.ID, ended)
		WriteJSON(w, http.StatusOK, map[string]string{"status": "recovered"})
	})
}
