package webapp

import (
	"net/http"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
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
