package webapp

// Devices and sessions (docs/PROTOCOL.md §3.5): the signed-in user's live
// sessions, each named by the kit's public id (an HMAC of its hash, never
// the token or the hash), with a coarse device label the browser encrypts
// under the user's user_key. Ending a session closes its sockets on every
// instance, as logout does.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/b64"
)

type sessionJSON struct {
	ID              string `json:"id"`
	Created         int64  `json:"created"`
	LastSeen        int64  `json:"last_seen"`
	EncryptedDevice string `json:"encrypted_device"` // "" when the browser has not set it
	Current         bool   `json:"current"`
}

// listSessions is GET /api/sessions.
func (s *Server) listSessions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := s.accounts.Sessions(r.Context(), s.sessionToken(r))
		if s.sessionError(w, "list sessions", err) {
			return
		}
		out := make([]sessionJSON, len(list))
		for i, d := range list {
			out[i] = sessionJSON{ID: d.ID, Created: d.Created.Unix(), LastSeen: d.LastSeen.Unix(), Current: d.Current}
			if d.Device != nil {
				out[i].EncryptedDevice = b64.Encode(d.Device)
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
	})
}

type deviceRequest struct {
	EncryptedDevice string `json:"encrypted_device"`
}

// putDevice is PUT /api/sessions/current/device: this session's label.
func (s *Server) putDevice() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req deviceRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		if s.sessionError(w, "set device", s.accounts.SetDevice(r.Context(), s.sessionToken(r), req.EncryptedDevice)) {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// endSession is DELETE /api/sessions/{id}: another session of the user.
func (s *Server) endSession() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := s.accounts.EndSessionByID(r.Context(), s.sessionToken(r), r.PathValue("id"))
		if s.sessionError(w, "end session", err) {
			return
		}
		s.endSessionSockets(r.Context(), h)
		w.WriteHeader(http.StatusNoContent)
	})
}

// endOtherSessions is POST /api/sessions/end-others.
func (s *Server) endOtherSessions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := s.EndOtherSessions(r.Context(), userFrom(r.Context()), s.sessionToken(r))
		if s.sessionError(w, "end other sessions", err) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ended": n})
	})
}

// EndOtherSessions ends every session of userID but keepToken's ("" ends
// them all) and closes their sockets on every instance; it returns how
// many ended. A password change or an account recovery calls it.
func (s *Server) EndOtherSessions(ctx context.Context, userID, keepToken string) (int, error) {
	hashes, err := s.accounts.EndOtherSessions(ctx, userID, keepToken)
	for _, h := range hashes {
		s.endSessionSockets(ctx, h)
	}
	return len(hashes), err
}

// sessionError answers the errors of the session routes; it reports
// whether it answered.
func (s *Server) sessionError(w http.ResponseWriter, what string, err error) bool {
	var fe *fieldcheck.Error
	var le *accounts.LimitError
	switch {
	case err == nil:
		return false
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, fe.Error())
	case errors.As(err, &le):
		w.Header().Set("Retry-After", strconv.Itoa(int(le.RetryAfter/time.Second)))
		writeError(w, http.StatusTooManyRequests, le.Msg)
	case errors.Is(err, accounts.ErrNoSession):
		writeError(w, http.StatusUnauthorized, err.Error())
	case errors.Is(err, accounts.ErrUnknownSession):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, accounts.ErrCurrentSession):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, accounts.ErrWrongPassword):
		writeError(w, http.StatusForbidden, err.Error())
	default:
		s.internalError(w, what, err)
	}
	return true
}
