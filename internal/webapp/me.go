package webapp

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
)

// me returns the signed-in user's public keys and ciphertexts: what the
// browser needs to unlock and show the account.
func (s *Server) me() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.store.UserByID(r.Context(), s.store.DB, userFrom(r.Context()))
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, "log in first")
			return
		}
		if err != nil {
			s.log.Error("me failed", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		dn := ""
		if u.EncryptedDisplayName != nil {
			dn = b64.Encode(u.EncryptedDisplayName)
		}
		esk, contacts := "", ""
		if u.EncryptedSigningKey != nil {
			esk = b64.Encode(u.EncryptedSigningKey)
		}
		if u.EncryptedContacts != nil {
			contacts = b64.Encode(u.EncryptedContacts)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"user_id":                  u.ID,
			"key_hash":                 u.KeyHash,
			"public_key":               u.PublicKey,
			"encrypted_private_key":    b64.Encode(u.EncryptedPrivateKey),
			"pq_public_key":            u.PQPublicKey,
			"encrypted_pq_private_key": b64.Encode(u.EncryptedPQPrivateKey),
			"encrypted_user_key":       b64.Encode(u.EncryptedUserKey),
			"encrypted_email":          b64.Encode(u.EncryptedEmail),
			"encrypted_display_name":   dn,
			"always_require_password":  u.AlwaysRequirePassword,
			"has_recovery":             u.HasRecovery,
			// The identity (PROTOCOL.md §10): "" until the browser sets
			// one (at sign-up, or PUT /api/me/identity at an unlock), and
			// the bundle "" until it publishes one (PUT …/identity/bundle).
			"identity_bundle":       u.IdentityBundle,
			"identity_public_key":   u.IdentityPublicKey,
			"encrypted_signing_key": esk,
			// The contacts (pins, verified marks) under the user key, and
			// the version a write must name.
			"encrypted_contacts": contacts,
			"contacts_version":   u.ContactsVersion,
		})
	})
}

type profileRequest struct {
	EncryptedDisplayName string `json:"encrypted_display_name"`
}

func (s *Server) putProfile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req profileRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		ct := c.Bytes("encrypted_display_name", req.EncryptedDisplayName, 40, 4096)
		if c.answered(w) {
			return
		}
		if err := s.store.SetDisplayName(r.Context(), userFrom(r.Context()), ct); err != nil {
			s.log.Error("profile update failed", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

type settingsRequest struct {
	AlwaysRequirePassword *bool `json:"always_require_password"`
}

func (s *Server) putSettings() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req settingsRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		if req.AlwaysRequirePassword == nil {
			writeError(w, http.StatusBadRequest, "always_require_password: missing")
			return
		}
		if err := s.store.SetAlwaysRequirePassword(r.Context(), userFrom(r.Context()), *req.AlwaysRequirePassword); err != nil {
			s.log.Error("settings update failed", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

// CSP reports: how many one client may send, and how much of each field
// reaches the log. Browsers send a handful per page load at most; the
// limit and the truncation keep an attacker from writing megabytes of
// text of their choosing into the log.
const (
	cspReportLimit  = 30
	cspReportWindow = time.Minute
	cspFieldMax     = 200
)

// cspReport logs a browser's CSP violation report: which directive and
// where, never the sample (it could quote page content), each field cut to
// cspFieldMax bytes.
func (s *Server) cspReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.limited(w, r, "csp:"+s.ipID(r), cspReportLimit, cspReportWindow) {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		var rep struct {
			Body struct {
				DocumentURI        string `json:"document-uri"`
				ViolatedDirective  string `json:"violated-directive"`
				EffectiveDirective string `json:"effective-directive"`
				BlockedURI         string `json:"blocked-uri"`
			} `json:"csp-report"`
		}
		if err := json.NewDecoder(r.Body).Decode(&rep); err != nil {
			writeError(w, http.StatusBadRequest, "not a CSP report")
			return
		}
		s.log.Warn("csp violation", "directive", truncate(rep.Body.EffectiveDirective, cspFieldMax),
			"violated", truncate(rep.Body.ViolatedDirective, cspFieldMax),
			"document", truncate(stripQuery(rep.Body.DocumentURI), cspFieldMax),
			"blocked", truncate(stripQuery(rep.Body.BlockedURI), cspFieldMax))
		s.cspCount.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
}

// truncate cuts v to at most max bytes, at a character boundary, marking
// the cut with "…".
func truncate(v string, max int) string {
	if len(v) <= max {
		return v
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…"
}

type contactsRequest struct {
	Version           *int64 `json:"version"`
	EncryptedContacts string `json:"encrypted_contacts"`
}

// maxContacts bounds the contacts ciphertext: about 150 bytes a contact
// (a user id, a hash of the identity key, a version, a mark) under
// secretbox and base64, so some 1,500 contacts.
const maxContacts = 256 << 10

// putContacts stores the browser's ciphertext of its contacts as a
// compare-and-swap: {version, encrypted_contacts} → 200 {version} (the
// new one), 409 when another page wrote first (the
// browser refetches, merges and writes again).
func (s *Server) putContacts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req contactsRequest
		if !decodeJSON(w, r, &req) {
			return
		}
		var c check
		if req.Version == nil || *req.Version < 0 {
			c.Fail("version", "must be the contacts_version of /api/me")
		}
		ct := c.Bytes("encrypted_contacts", req.EncryptedContacts, 40, maxContacts)
		if c.answered(w) {
			return
		}
		uid := userFrom(r.Context())
		v, err := s.store.SetContacts(r.Context(), uid, *req.Version, ct)
		if errors.Is(err, store.ErrStale) {
			writeError(w, http.StatusConflict, "your contacts changed meanwhile; reload and try again")
			return
		}
		if s.storeError(w, "contacts", err, "log in first") {
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{"version": v})
	})
}
