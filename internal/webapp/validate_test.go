package webapp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sealkit/sealkit/internal/b64"
)

// FuzzFieldChecks: the request-field checks never panic, accept only what
// their rules say, and never put the value into the error message.
func FuzzFieldChecks(f *testing.F) {
	for _, s := range []string{"", "a@b.c", "A@B.C", "x", "@", "a@", "@b", "a@@b", "a b@c", "AAAA", "AAAAAAAAAAAAAAAAAAAAAA==$argon2id",
		"AAAA$argon2id", "$argon2id", "a\x00@b", strings.Repeat("A", 44), "QUJD\n", "Zg==", "Zm9v"} {
		f.Add(s)
	}
	f.Add("2026-12-01")
	f.Add("2026-02-30")
	f.Add(b64.Encode(make([]byte, 80)))
	f.Add(b64.Encode(append([]byte{2}, make([]byte, 1192)...)))
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		var c check
		if d := c.day("day", v, now); c.err == nil {
			p, err := time.Parse(time.DateOnly, d)
			if err != nil || d != v || p.Year() < 2000 || p.After(now.AddDate(0, 0, 1)) {
				t.Fatalf("day %q accepted", v)
			}
		}

		c = check{}
		if k := c.sealedKey("encrypted_key", v); c.err == nil {
			if n := len(k); n != 80 && !(k[0] == 1 && n == 873) && !(k[0] == 2 && n == 1193) && !(k[0] == 3 && n == 1673) {
				t.Fatalf("sealed key of %d bytes (tag %d) accepted", n, k[0])
			}
		} else if len(v) >= 4 && strings.Contains(c.err.Error(), v) {
			t.Fatalf("error %q quotes the value", c.err)
		}

		c = check{}
		if e := c.email(v); c.err == nil {
			if e != strings.ToLower(v) || strings.Count(e, "@") != 1 || len(v) < 3 || len(v) > 254 || !utf8.ValidString(v) {
				t.Fatalf("email %q accepted as %q", v, e)
			}
		} else if len(v) >= 4 && strings.Contains(c.err.Error(), v) {
			t.Fatalf("error %q quotes the value", c.err)
		}

		c = check{}
		if kh := c.keyHash(v); c.err == nil {
			salt, suffix, _ := strings.Cut(kh, "$")
			if b, err := b64.Decode(salt); err != nil || len(b) != 16 || suffix != "argon2id" {
				t.Fatalf("key_hash %q accepted", v)
			}
		}

		for _, r := range [][2]int{{32, 32}, {40, 4096}, {1, 3}} {
			c = check{}
			b := c.bytes("f", v, r[0], r[1])
			if c.err == nil {
				d, err := b64.Decode(v)
				if err != nil || len(b) < r[0] || len(b) > r[1] || string(d) != string(b) {
					t.Fatalf("%q accepted for [%d,%d]", v, r[0], r[1])
				}
			} else if len(v) >= 4 && strings.Contains(c.err.Error(), v) {
				t.Fatalf("error %q quotes the value", c.err)
			}
		}
	})
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/profile": "/profile", "/settings?x=1": "/settings?x=1", "": "/habits", "//evil.example": "/habits",
		"/\\evil.example": "/habits", "https://evil.example/": "/habits", "profile": "/habits", "/a\r\nb": "/habits",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLooksLikeText: base64 of typed text is refused where ciphertext is
// due; random bytes of every field size pass.
func TestLooksLikeText(t *testing.T) {
	for _, s := range []string{
		"Morning run, typed in the clear: no encryption",
		"Läuft jeden Morgen am Fluss entlang, zehn Kilometer",
		"毎朝川沿いを十キロ走る。膝の調子も良い。今日は晴れ。",
		"line one\nline two\tand a tab, still words",
	} {
		if !looksLikeText([]byte(s)) {
			t.Errorf("%q not taken for text", s)
		}
	}
	for _, b := range [][]byte{
		bytes.Repeat([]byte{9}, 32), bytes.Repeat([]byte{'7'}, 40), []byte("short text"), make([]byte, 64),
	} {
		if looksLikeText(b) {
			t.Errorf("%q taken for text", b)
		}
	}
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	for _, n := range []int{32, 40, 41, 80, 84, 1193} {
		for range 20000 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			if looksLikeText(b) {
				t.Fatalf("random %d bytes taken for text: %x", n, b)
			}
		}
	}
}
