package webapp

// Deleting the account (docs/PROTOCOL.md §3.6): the password re-proved as
// login proves it, refused while the user owns groups (listed, so the
// page can link them), then everything of the user in one transaction
// (store.DeleteAccount), a last mail, and every session's sockets closed.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/sealkit/sealkit/internal/store"
)

type deleteAccountRequest struct {
	AuthKey string `json:"auth_key"`
	// Email is the address as the browser decrypted it from
	// encrypted_email: the server keeps none, and needs it for the last
	// mail. It must be this account's (same blind index).
	Email string `json:"email"`
}

// deleteAccount is POST /api/me/delete.
func (s *Server) deleteAccount() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req deleteAccountRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		email := c.Email(req.Email)
		if c.answered(w) {
			return
		}
		uid := userFrom(r.Context())
		if s.sessionError(w, "delete account", s.accounts.CheckPassword(r.Context(), s.ipID(r), uid, req.AuthKey)) {
			return
		}
		u, err := s.store.UserByID(r.Context(), s.store.DB, uid)
		if errors.Is(err, store.ErrNotFound) { // deleted meanwhile (a concurrent request)
			writeError(w, http.StatusUnauthorized, "log in first")
			return
		}
		if err != nil {
			s.internalError(w, "delete account", err)
			return
		}
		if s.emailIndex(email) != u.EmailIndex {
			writeError(w, http.StatusBadRequest, "email: not this account's address")
			return
		}
		gone, err := s.store.DeleteAccount(r.Context(), uid, u.EmailIndex, func(tx *sql.Tx) error {
			return s.enqueueMail(r.Context(), tx, mailMessage{To: strings.ToLower(email), Kind: mailAccountDeleted, Link: s.cfg.PublicURL + "/register"})
		})
		var oe *store.OwnedGroupsError
		if errors.As(err, &oe) {
			writeJSON(w, http.StatusConflict, map[string]any{"error": oe.Error(), "groups": oe.GroupIDs})
			return
		}
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, "log in first")
			return
		}
		if err != nil {
			s.internalError(w, "delete account", err)
			return
		}
		s.afterDeletion(r.Context(), gone)
		s.auth.EndSession(w, r) // the cookie goes; the session row went with the account
		w.Header().Set("Clear-Site-Data", `"storage"`)
		w.WriteHeader(http.StatusNoContent)
	})
}

// afterDeletion tells the rest: every session's sockets close on every
// instance, and each group the user left reloads (its admins see the
// member gone and the rotation needed), as after leaving.
func (s *Server) afterDeletion(ctx context.Context, gone *store.AccountDeletion) {
	for _, h := range gone.Sessions {
		s.endSessionSockets(ctx, h)
	}
	for _, gid := range gone.Groups {
		s.hub.Changed(ctx, gid, "rotation_needed")
	}
}
