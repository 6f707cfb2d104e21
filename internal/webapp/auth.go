package webapp

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/store"
)

// Sign-up, salt, login and sessions are the kit's package accounts
// (accounts.Manager over the store's accounts/sqlstore; accounts.Handlers
// serves the four JSON endpoints). What stays here is the app's glue: the
// sign-up job and its mails (signup.go), logout's page behaviour, and the
// page a sign-up link opens.

// newAccounts builds the account manager and its handlers over the store.
func (s *Server) newAccounts() error {
	m, err := accounts.New(accounts.Config{
		Store:       s.store.Accounts,
		Limiter:     s.store.Limiter(),
		Keys:        s.accountKeys,
		Limits:      accounts.Limits{SaltsPerClient: s.cfg.SaltLimit},
		Floors:      accounts.Floors{Salt: s.cfg.SaltMinDuration},
		SessionIdle: store.SessionIdle,
		Now:         s.cfg.Now,
		// Keeps bundles whose signature does not verify out of the
		// database (clients verify every bundle anyway).
		VerifySignature: sealkit.Verify,
	})
	if err != nil {
		return err
	}
	s.accounts = m
	s.auth = &accounts.Handlers{
		Manager:  m,
		ClientID: s.ipID,
		QueueSignup: func(ctx context.Context, email string) error {
			// The address as typed: the finishing page shows it so, and
			// the browser keeps it so (encrypted) for the profile.
			return s.store.InTx(ctx, func(tx *sql.Tx) error { return s.enqueueSignup(ctx, tx, email) })
		},
		Cookie:      sessionCookie,
		Secure:      s.secure,
		Log:         s.log,
		KeysSwapped: s.keysSwapped,
		// A new identity key or bundle: the member lists of the user's
		// groups change (admins' pages re-verify; pending lists are sent
		// again, so a member who just published is served at once).
		IdentityChanged: s.identityChanged,
	}
	return nil
}

// sessionCookie names the session cookie; behind https it is
// "__Host-sealkit_session" (accounts.Handlers.CookieName).
const sessionCookie = "sealkit_session"

func (s *Server) emailIndex(email string) string { return s.accounts.EmailIndex(email) }

// accountKeys are the login secrets (blind index, fake salts, the
// verifier pepper) from the secrets file as it is now.
func (s *Server) accountKeys() accounts.Keys {
	sec := s.secrets.Current()
	return accounts.Keys{BlindIndex: sec.BlindIndexKey, FakeSalt: sec.FakeSaltKey, Verifier: sec.VerifierKey()}
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

// keysSwapped follows a password change or a recovery: the ended
// sessions' sockets close on every instance, and the user's remaining
// pages are told (reason keysChangedReason) to drop their keys, whose
// cache no longer opens, and to unlock with the new password.
func (s *Server) keysSwapped(ctx context.Context, userID string, ended []string) {
	for _, h := range ended {
		s.endSessionSockets(ctx, h)
	}
	s.hub.Tell(ctx, userID, "", keysChangedReason)
}

func (s *Server) identityChanged(ctx context.Context, userID string) {
	groups, err := s.store.GroupsOf(ctx, userID)
	if err != nil {
		s.log.Error("identity change: list groups", "err", err)
		return
	}
	for _, g := range groups {
		s.hub.Changed(ctx, g.ID, "identity")
	}
}

// kitUser hands the user requireAPI found to the kit's handlers, which
// read it with accounts.UserID.
func kitUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(accounts.WithUserID(r.Context(), userFrom(r.Context()))))
	})
}

// keysChangedReason is the push reason of keysSwapped (static/app/push.js).
const keysChangedReason = "keys_changed"

func (s *Server) logout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := s.auth.EndSession(w, r)
		if err != nil {
			s.log.Error("logout failed", "err", err)
		}
		if h != "" {
			// The session's open WebSockets end with it, on every instance.
			s.endSessionSockets(r.Context(), h)
		}
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
	email, err := s.accounts.SignupAddress(r.Context(), token)
	var fe *fieldcheck.Error
	if errors.As(err, &fe) {
		s.renderError(w, r, http.StatusBadRequest, "This sign-up link is not valid. Start again on the registration page.")
		return false
	}
	if errors.Is(err, accounts.ErrLinkGone) {
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
