package webapp

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
)

// fieldError is a 400 whose message names the field and the rule, never
// the value.
type fieldError struct{ field, problem string }

func (e *fieldError) Error() string { return e.field + ": " + e.problem }

// check collects the first problem of a request's fields.
type check struct{ err *fieldError }

func (c *check) fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = &fieldError{field, fmt.Sprintf(format, args...)}
	}
}

// answered writes the 400 for the first problem, if there was one, and
// reports whether it did.
func (c *check) answered(w http.ResponseWriter) bool {
	if c.err == nil {
		return false
	}
	writeError(w, http.StatusBadRequest, c.err.Error())
	return true
}

// bytes decodes a strict base64 field whose decoded length is in
// [min, max] (min == max: exactly).
func (c *check) bytes(field, v string, min, max int) []byte {
	if c.err != nil {
		return nil
	}
	if v == "" {
		c.fail(field, "missing")
		return nil
	}
	if len(v) > (max+2)/3*4 {
		c.fail(field, "too long: at most %d bytes", max)
		return nil
	}
	b, err := b64.Decode(v)
	if err != nil {
		c.fail(field, "not valid base64")
		return nil
	}
	switch {
	case min == max && len(b) != min:
		c.fail(field, "wrong length: expected %d bytes, got %d", min, len(b))
	case len(b) < min:
		c.fail(field, "too short: at least %d bytes, got %d", min, len(b))
	case len(b) > max:
		c.fail(field, "too long: at most %d bytes, got %d", max, len(b))
	case looksLikeText(b):
		c.fail(field, "readable text, not ciphertext: it must be encrypted in the browser before it is sent")
	default:
		return b
	}
	return nil
}

// looksLikeText reports bytes that are printable UTF-8 text: plaintext
// base64-encoded by a careless client, where a key or a ciphertext was
// due. Every field checked by bytes is a key, a hash or a ciphertext,
// and the shortest is 32 bytes; 32 random bytes all being printable
// UTF-8 has a chance under 1e-12 (each byte about 0.4), so this does not
// refuse real data.
func looksLikeText(b []byte) bool {
	if len(b) < 32 || !utf8.Valid(b) {
		return false
	}
	letters := 0
	for _, r := range string(b) {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	// Words, not a run of blanks or digits (test keys like 32 tabs).
	return letters >= len(b)/4
}

// email checks the address's shape (not deliverability) and returns it
// lower-cased, the form the blind index and the fake salt are made of.
func (c *check) email(v string) string {
	if c.err != nil {
		return ""
	}
	switch {
	case v == "":
		c.fail("email", "missing")
	case len(v) < 3 || len(v) > 254:
		c.fail("email", "must be 3 to 254 bytes")
	case !utf8.ValidString(v):
		c.fail("email", "not valid UTF-8")
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		c.fail("email", "must not contain spaces or control characters")
	default:
		at := strings.IndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.Count(v, "@") != 1 {
			c.fail("email", "not an email address")
			return ""
		}
		return strings.ToLower(v)
	}
	return ""
}

// keyHash checks a crate key_hash: "<16-byte salt base64>$argon2id".
func (c *check) keyHash(v string) string {
	if c.err != nil {
		return ""
	}
	salt, rest, ok := strings.Cut(v, "$")
	if v == "" {
		c.fail("key_hash", "missing")
		return ""
	}
	if !ok || rest != "argon2id" {
		c.fail("key_hash", `must be "<salt base64>$argon2id"`)
		return ""
	}
	if b, err := b64.Decode(salt); err != nil || len(b) != sealkit.SaltSize {
		c.fail("key_hash", "the salt must be 16 bytes of base64")
		return ""
	}
	return v
}

// sealedKey checks an encrypted_key field: a 32-byte key sealed to a
// user (docs/PROTOCOL.md §8.2) — base64 of 80–2048 bytes that is a sealed
// box of a 32-byte key (80 bytes) or a hybrid seal of one at some level.
// The server cannot open it; this only keeps malformed blobs out.
func (c *check) sealedKey(field, v string) []byte {
	b := c.bytes(field, v, 80, 2048)
	if b == nil {
		return nil
	}
	if len(b) == sealkit.BoxSealOverhead+sealkit.KeySize {
		return b
	}
	for _, l := range []sealkit.Level{sealkit.Cat1, sealkit.Cat3, sealkit.Cat5} {
		if b[0] == l.Tag() && len(b) == l.MinCiphertextSize()+sealkit.KeySize {
			return b
		}
	}
	c.fail(field, "not a sealed 32-byte key: expected a sealed box (80 bytes) or a hybrid seal (873, 1193 or 1673 bytes with its level's tag)")
	return nil
}

// day checks a calendar day "YYYY-MM-DD" from 2000-01-01 to tomorrow (UTC;
// the user's local date may be ahead of the server's).
func (c *check) day(field, v string, now time.Time) string {
	if c.err != nil {
		return ""
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil || d.Format(time.DateOnly) != v {
		c.fail(field, "not a date YYYY-MM-DD")
		return ""
	}
	if d.Year() < 2000 || d.After(now.UTC().AddDate(0, 0, 1)) {
		c.fail(field, "out of range: 2000-01-01 to tomorrow")
		return ""
	}
	return v
}

// optionalBytes is bytes for a field that may be absent ("" or missing):
// it returns nil without a problem then.
func (c *check) optionalBytes(field, v string, min, max int) []byte {
	if v == "" {
		return nil
	}
	return c.bytes(field, v, min, max)
}

// version checks a key_version field: a group key version, from 1.
func (c *check) version(v int64) {
	if c.err == nil && (v < 1 || v > 1<<40) {
		c.fail("key_version", "missing or out of range")
	}
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

// validToken reports whether v has the shape of randomToken's output: 43
// characters of unpadded base64url (32 random bytes).
func validToken(v string) bool {
	if len(v) != 43 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// token checks a mailed token's shape (the value is never echoed).
func (c *check) token(v string) string {
	if c.err == nil && !validToken(v) {
		c.fail("token", "must be the 43-character token of the mailed link")
	}
	return v
}
