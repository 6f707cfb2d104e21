// Package fieldcheck validates the fields that a zero-knowledge app's
// server receives from browsers: keys, hashes and ciphertexts as strict
// base64 of a known length, email addresses, crate key_hashes, and keys
// sealed to a user. It is the server's last line against a client that
// forgot to encrypt: a field where ciphertext is due that decodes to
// readable text is refused.
//
// The server cannot open any of these values, so the checks are about
// shape, not content: they keep malformed and plaintext blobs out of the
// database, and they tell the client exactly which rule a field broke.
//
// Guarantees:
//   - An error names the field and the rule, never the value, so it is safe
//     to return to the client and to log.
//   - No check panics, whatever the input (fuzzed).
//   - A Checker keeps the first problem only, so a handler can run every
//     check in order and answer once (see the example).
//
// Assumptions: base64 is standard and padded, as everywhere in
// metamorphic-crypto (package sealkit); a key is 32 bytes; every field
// checked with [Checker.Bytes] holds a key, a hash or a ciphertext of at
// least 32 bytes, where random data passes the readable-text test by
// chance less than once in 10¹².
//
// A zero Checker is ready to use; it is not safe for concurrent use.
package fieldcheck

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
)

// Error is a field that broke a rule. Its text is "field: problem"; it
// never holds the field's value.
type Error struct {
	Field, Problem string
}

func (e *Error) Error() string { return e.Field + ": " + e.Problem }

// Checker collects the first problem of a request's fields. After a
// problem every further check returns its zero value without looking.
type Checker struct{ err *Error }

// Err is the first problem found, as an *Error, or nil.
func (c *Checker) Err() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// Fail records a problem of field (unless one is recorded already), for
// the app's own rules. The format must not include the field's value.
func (c *Checker) Fail(field, format string, args ...any) {
	if c.err == nil {
		c.err = &Error{field, fmt.Sprintf(format, args...)}
	}
}

// Bytes decodes a required field of strict base64 whose decoded length is
// in [min, max] (min == max: exactly min), and refuses it if it decodes to
// readable text (see [LooksLikeText]). It returns nil on a problem.
func (c *Checker) Bytes(field, v string, min, max int) []byte {
	if c.err != nil {
		return nil
	}
	if v == "" {
		c.Fail(field, "missing")
		return nil
	}
	// Refuse a huge value before decoding it.
	if len(v) > (max+2)/3*4 {
		c.Fail(field, "too long: at most %d bytes", max)
		return nil
	}
	b, err := b64.Decode(v)
	if err != nil {
		c.Fail(field, "not valid base64")
		return nil
	}
	switch {
	case min == max && len(b) != min:
		c.Fail(field, "wrong length: expected %d bytes, got %d", min, len(b))
	case len(b) < min:
		c.Fail(field, "too short: at least %d bytes, got %d", min, len(b))
	case len(b) > max:
		c.Fail(field, "too long: at most %d bytes, got %d", max, len(b))
	case LooksLikeText(b):
		c.Fail(field, "readable text, not ciphertext: it must be encrypted in the browser before it is sent")
	default:
		return b
	}
	return nil
}

// OptionalBytes is [Checker.Bytes] for a field that may be absent: an
// empty v returns nil without a problem.
func (c *Checker) OptionalBytes(field, v string, min, max int) []byte {
	if v == "" {
		return nil
	}
	return c.Bytes(field, v, min, max)
}

// LooksLikeText reports bytes that are printable UTF-8 text of at least
// 32 bytes, a quarter or more of it letters: plaintext base64-encoded by a
// careless client where a key or a ciphertext was due. 32 random bytes
// are all printable UTF-8 with a chance under 10⁻¹² (each byte about
// 0.4), so real keys and ciphertexts pass; a run of blanks or digits (a
// test key of 32 tabs, say) is not taken for text.
func LooksLikeText(b []byte) bool {
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
	return letters >= len(b)/4
}

// Email checks an address's shape (not its deliverability) in the field
// "email": 3–254 bytes of UTF-8, one "@" with text on both sides, no
// spaces or control characters. It returns the address lower-cased — the
// form a blind index ([sealkit.BlindIndexEmail]) and a fake salt are made
// of — or "" on a problem.
func (c *Checker) Email(v string) string {
	if c.err != nil {
		return ""
	}
	switch {
	case v == "":
		c.Fail("email", "missing")
	case len(v) < 3 || len(v) > 254:
		c.Fail("email", "must be 3 to 254 bytes")
	case !utf8.ValidString(v):
		c.Fail("email", "not valid UTF-8")
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		c.Fail("email", "must not contain spaces or control characters")
	default:
		at := strings.IndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.Count(v, "@") != 1 {
			c.Fail("email", "not an email address")
			return ""
		}
		return strings.ToLower(v)
	}
	return ""
}

// KeyHash checks a crate key_hash in the field "key_hash":
// "<16-byte salt, base64>$argon2id" ([sealkit.FormatKeyHash]). It returns
// v, or "" on a problem.
func (c *Checker) KeyHash(v string) string {
	if c.err != nil {
		return ""
	}
	if v == "" {
		c.Fail("key_hash", "missing")
		return ""
	}
	salt, rest, ok := strings.Cut(v, "$")
	if !ok || rest != "argon2id" {
		c.Fail("key_hash", `must be "<salt base64>$argon2id"`)
		return ""
	}
	if b, err := b64.Decode(salt); err != nil || len(b) != sealkit.SaltSize {
		c.Fail("key_hash", "the salt must be 16 bytes of base64")
		return ""
	}
	return v
}

// SealedKey checks a 32-byte key sealed to one user: base64 of a sealed
// box of it (80 bytes, [sealkit.BoxSeal]) or of a hybrid seal of it at
// some level ([sealkit.HybridSeal]: 873, 1193 or 1673 bytes, starting with
// that level's tag). The server cannot open it; this only keeps malformed
// blobs out.
func (c *Checker) SealedKey(field, v string) []byte {
	b := c.Bytes(field, v, 80, 2048)
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
	c.Fail(field, "not a sealed 32-byte key: expected a sealed box (80 bytes) or a hybrid seal (873, 1193 or 1673 bytes with its level's tag)")
	return nil
}

// Day checks a calendar day "YYYY-MM-DD" from 2000-01-01 to the day after
// now (UTC: a user's local date may be ahead of the server's). It returns
// v, or "" on a problem.
func (c *Checker) Day(field, v string, now time.Time) string {
	if c.err != nil {
		return ""
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil || d.Format(time.DateOnly) != v {
		c.Fail(field, "not a date YYYY-MM-DD")
		return ""
	}
	if d.Year() < 2000 || d.After(now.UTC().AddDate(0, 0, 1)) {
		c.Fail(field, "out of range: 2000-01-01 to tomorrow")
		return ""
	}
	return v
}
