package webapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// Announcements (docs/PROTOCOL.md §9) are NOT zero-knowledge: the operator
// writes the text (`sealkit announce`), this package seals it to every
// confirmed user's public keys, and each browser opens its own copy. The
// sealing keeps it unreadable in the database and to anyone without the
// user's keys, but the server has seen the plaintext.

// MaxAnnouncementBytes bounds an announcement's text (UTF-8 bytes).
const MaxAnnouncementBytes = 16 << 10

// maxListedAnnouncements bounds GET /api/announcements: the newest ones.
const maxListedAnnouncements = 50

// CheckAnnouncementText returns the text an announcement will carry —
// text without leading and trailing white space — or why it cannot be one:
// empty, longer than MaxAnnouncementBytes, or not UTF-8. Errors never
// quote the text.
func CheckAnnouncementText(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", errors.New("the announcement is empty")
	case len(text) > MaxAnnouncementBytes:
		return "", fmt.Errorf("the announcement is %d bytes; at most %d (16 KiB) are allowed", len(text), MaxAnnouncementBytes)
	case !utf8.ValidString(text):
		return "", errors.New("the announcement is not valid UTF-8 text")
	}
	return text, nil
}

// Announce seals text (checked by CheckAnnouncementText) to every
// confirmed user's public keys — the hybrid 0x02 seal, as sealForUser
// does in the browser — and stores the copies in one transaction. It
// returns the announcement's id and the number of users it was sealed
// to. Neither the text nor any part of it is logged or returned.
func Announce(ctx context.Context, st *store.Store, text string, now time.Time) (id string, users int, err error) {
	text, err = CheckAnnouncementText(text)
	if err != nil {
		return "", 0, err
	}
	plain := []byte(text)
	return st.CreateAnnouncement(ctx, now, func(r store.Recipient) ([]byte, error) {
		pk, err := b64.Decode(r.PublicKey)
		if err != nil {
			return nil, errors.New("stored public_key is not base64")
		}
		pq, err := b64.Decode(r.PQPublicKey)
		if err != nil {
			return nil, errors.New("stored pq_public_key is not base64")
		}
		return sealkit.SealForUser(plain, pk, pq)
	})
}

// announcementJSON is one entry of GET /api/announcements.
type announcementJSON struct {
	ID            string `json:"id"`
	EncryptedBody string `json:"encrypted_body"`
	CreatedAt     int64  `json:"created_at"` // unix seconds
}

// listAnnouncements answers the caller's undismissed copies, newest first.
func (s *Server) listAnnouncements() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := s.store.Announcements(r.Context(), userFrom(r.Context()), maxListedAnnouncements)
		if err != nil {
			s.internalError(w, "announcements", err)
			return
		}
		out := make([]announcementJSON, 0, len(list))
		for _, a := range list {
			out = append(out, announcementJSON{ID: a.ID, EncryptedBody: b64.Encode(a.EncryptedBody), CreatedAt: a.CreatedAt / 1000})
		}
		writeJSON(w, http.StatusOK, map[string]any{"announcements": out})
	})
}

// dismissAnnouncement hides one of the caller's copies for good. An id
// that is not one of the caller's copies — malformed, unknown or another
// user's — is 404, and changes nothing.
func (s *Server) dismissAnnouncement() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !validID(id) {
			writeError(w, http.StatusNotFound, "no such announcement")
			return
		}
		err := s.store.DismissAnnouncement(r.Context(), userFrom(r.Context()), id, s.cfg.Now())
		if s.storeError(w, "dismiss announcement", err, "no such announcement") {
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}
