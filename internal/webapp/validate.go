package webapp

import (
	"encoding/base64"
	"net/http"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/identity"
	"github.com/sealkit/sealkit/internal/store"
)

// check is the request-field checker of every handler: the kit's
// fieldcheck.Checker (strict base64, lengths, the readable-text refusal,
// addresses, key_hashes, sealed keys, days) plus the app's own rules.
type check struct{ fieldcheck.Checker }

// answered writes the 400 for the first problem, if there was one, and
// reports whether it did.
func (c *check) answered(w http.ResponseWriter) bool {
	err := c.Err()
	if err == nil {
		return false
	}
	writeError(w, http.StatusBadRequest, err.Error())
	return true
}

// version checks a key_version field: a group key version, from 1.
func (c *check) version(v int64) {
	if c.Err() == nil && (v < 1 || v > 1<<40) {
		c.Fail("key_version", "missing or out of range")
	}
}

// newID checks the optional client-chosen id of a create (habits, groups,
// goals: the browser binds their encrypted fields to the id, so it picks
// it before it encrypts; docs/PROTOCOL.md, "Ciphertext bound to its
// place") and returns it, or a new one when the client sent none.
func (c *check) newID(field, v string) string {
	if v == "" {
		return store.NewID()
	}
	if c.Err() == nil && !validID(v) {
		c.Fail(field, "must be 32 lower-case hex digits")
	}
	return v
}

// validID reports a row id as made by store.NewID: 32 lower-case hex.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// token checks a mailed token's shape (the value is never echoed).
func (c *check) token(v string) string {
	if c.Err() == nil && !accounts.ValidToken(v) {
		c.Fail("token", "must be the 43-character token of the mailed link")
	}
	return v
}

// keyStatement checks a key_statement field: a signed group key statement
// (package identity, docs/PROTOCOL.md §10.6), base64, of this group and
// version, naming the caller as its signer. The signature is the
// members' pages' to verify; this only refuses what cannot be the
// statement meant, with a clear 400. Returns v.
func (c *check) keyStatement(v, groupID, signer string, version int64) string {
	if c.Err() != nil {
		return v
	}
	const field = "key_statement"
	if v == "" {
		c.Fail(field, "missing: every group key version needs its creator's signed statement")
		return v
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		c.Fail(field, "not base64")
		return v
	}
	st, _, _, err := identity.DecodeStatement(raw)
	switch {
	case err != nil:
		c.Fail(field, "not a group key statement")
	case st.GroupID != groupID:
		c.Fail(field, "names another group")
	case int64(st.Version) != version:
		c.Fail(field, "names another key version")
	case st.Signer != signer:
		c.Fail(field, "must be signed by you")
	}
	return v
}
