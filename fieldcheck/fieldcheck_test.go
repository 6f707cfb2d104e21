package fieldcheck_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/b64"
)

// FuzzChecks: the checks never panic, accept only what their rules say,
// and never put the value into the error message.
func FuzzChecks(f *testing.F) {
	for _, s := range []string{"", "a@b.c", "A@B.C", "x", "@", "a@", "@b", "a@@b", "a b@c", "AAAA", "AAAAAAAAAAAAAAAAAAAAAA==$argon2id",
		"AAAA$argon2id", "$argon2id", "a\x00@b", strings.Repeat("A", 44), "QUJD\n", "Zg==", "Zm9v", "2026-12-01", "2026-02-30"} {
		f.Add(s)
	}
	f.Add(b64.Encode(make([]byte, 80)))
	f.Add(b64.Encode(append([]byte{2}, make([]byte, 1192)...)))
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		quotes := func(c *fieldcheck.Checker) {
			t.Helper()
			if err := c.Err(); err != nil && len(v) >= 4 && strings.Contains(err.Error(), v) {
				t.Fatalf("error %q quotes the value", err)
			}
		}
		var c fieldcheck.Checker
		if d := c.Day("day", v, now); c.Err() == nil {
			p, err := time.Parse(time.DateOnly, d)
			if err != nil || d != v || p.Year() < 2000 || p.After(now.AddDate(0, 0, 1)) {
				t.Fatalf("day %q accepted", v)
			}
		}

		c = fieldcheck.Checker{}
		if k := c.SealedKey("encrypted_key", v); c.Err() == nil {
			if n := len(k); n != 80 && !(k[0] == 1 && n == 873) && !(k[0] == 2 && n == 1193) && !(k[0] == 3 && n == 1673) {
				t.Fatalf("sealed key of %d bytes (tag %d) accepted", n, k[0])
			}
		}
		quotes(&c)

		c = fieldcheck.Checker{}
		if e := c.Email(v); c.Err() == nil {
			if e != strings.ToLower(v) || strings.Count(e, "@") != 1 || len(v) < 3 || len(v) > 254 || !utf8.ValidString(v) {
				t.Fatalf("email %q accepted as %q", v, e)
			}
		}
		quotes(&c)

		c = fieldcheck.Checker{}
		if kh := c.KeyHash(v); c.Err() == nil {
			salt, suffix, _ := strings.Cut(kh, "$")
			if b, err := b64.Decode(salt); err != nil || len(b) != 16 || suffix != "argon2id" {
				t.Fatalf("key_hash %q accepted", v)
			}
		}

		for _, r := range [][2]int{{32, 32}, {40, 4096}, {1, 3}} {
			c = fieldcheck.Checker{}
			b := c.Bytes("f", v, r[0], r[1])
			if c.Err() == nil {
				d, err := b64.Decode(v)
				if err != nil || len(b) < r[0] || len(b) > r[1] || string(d) != string(b) {
					t.Fatalf("%q accepted for [%d,%d]", v, r[0], r[1])
				}
			}
			quotes(&c)
		}
	})
}

// TestFirstProblemWins: after a problem, later checks neither look nor
// replace it, and Err is an *Error naming the field.
func TestFirstProblemWins(t *testing.T) {
	var c fieldcheck.Checker
	if c.Err() != nil {
		t.Fatal("a new Checker has a problem")
	}
	c.Bytes("public_key", "!!", 32, 32)
	if b := c.Bytes("auth_key", b64.Encode(make([]byte, 32)), 32, 32); b != nil {
		t.Error("a check after a problem returned a value")
	}
	c.Fail("other", "also wrong")
	var fe *fieldcheck.Error
	if !errors.As(c.Err(), &fe) || fe.Field != "public_key" || c.Err().Error() != "public_key: not valid base64" {
		t.Errorf("Err() = %v, want the first problem", c.Err())
	}
	var ok fieldcheck.Checker
	if ok.OptionalBytes("encrypted_display_name", "", 40, 4096) != nil || ok.Err() != nil {
		t.Error("an absent optional field is a problem")
	}
}

// TestSealedKeyShapes: every real seal of a 32-byte key passes; the same
// sizes with another level's tag, and other plaintext sizes, do not.
func TestSealedKeyShapes(t *testing.T) {
	pk, _, _ := sealkit.GenerateKeyPair()
	key := sealkit.GenerateKey()
	box, err := sealkit.BoxSeal(key, pk)
	if err != nil {
		t.Fatal(err)
	}
	good := [][]byte{box}
	for _, l := range []sealkit.Level{sealkit.Cat1, sealkit.Cat3, sealkit.Cat5} {
		hpk, _, err := sealkit.GenerateHybridKeyPair(l)
		if err != nil {
			t.Fatal(err)
		}
		ct, err := sealkit.HybridSealWithLevel(key, hpk, l)
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, ct)
	}
	for _, ct := range good {
		var c fieldcheck.Checker
		if c.SealedKey("k", b64.Encode(ct)); c.Err() != nil {
			t.Errorf("a real seal of %d bytes refused: %v", len(ct), c.Err())
		}
		wrongTag := bytes.Clone(ct)
		wrongTag[0] ^= 0x40
		c = fieldcheck.Checker{}
		if c.SealedKey("k", b64.Encode(wrongTag)); len(ct) != 80 && c.Err() == nil {
			t.Errorf("%d bytes with a wrong tag accepted", len(ct))
		}
	}
	longer, _ := sealkit.BoxSeal(make([]byte, 33), pk)
	var c fieldcheck.Checker
	if c.SealedKey("k", b64.Encode(longer)); c.Err() == nil {
		t.Error("a sealed 33-byte value accepted")
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
		if !fieldcheck.LooksLikeText([]byte(s)) {
			t.Errorf("%q not taken for text", s)
		}
		var c fieldcheck.Checker
		if c.Bytes("encrypted_note", b64.Encode([]byte(s)), 32, 4096); c.Err() == nil || !strings.Contains(c.Err().Error(), "readable text") {
			t.Errorf("Bytes accepted the text %q: %v", s, c.Err())
		}
	}
	for _, b := range [][]byte{
		bytes.Repeat([]byte{9}, 32), bytes.Repeat([]byte{'7'}, 40), []byte("short text"), make([]byte, 64),
	} {
		if fieldcheck.LooksLikeText(b) {
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
			if fieldcheck.LooksLikeText(b) {
				t.Fatalf("random %d bytes taken for text: %x", n, b)
			}
		}
	}
}
