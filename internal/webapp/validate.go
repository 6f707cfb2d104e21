package webapp

import (
	"fmt"
	"net/http"
	"strings"
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
	default:
		return b
	}
	return nil
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
