package errs

import (
	"strconv"
	"testing"
	"unicode/utf8"
)

// TestQuote: Quote is strconv.Quote on every rune (alone and between
// others), on bytes that are not UTF-8, and on the texts ParseLevel sees.
func TestQuote(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := Quote(s), strconv.Quote(s); got != want {
			t.Fatalf("Quote(%q) = %s, want %s", s, got, want)
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		check(string(r))
		check("a" + string(r) + "\"")
	}
	for b := 0; b < 256; b++ {
		check(string([]byte{byte(b)}))
		check(string([]byte{0xe2, 0x82, byte(b)}))
	}
	for _, s := range []string{"", "cat2", "CAT9", `a"b\c`, "\xed\xa0\x80", "\xf4\x90\x80\x80", "\ufffd", "日本\x00\u2028\U0001F600"} {
		check(s)
	}
}

func FuzzQuote(f *testing.F) {
	f.Add("cat2")
	f.Add("\xff\u00ad\U000e0001")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Quote(s), strconv.Quote(s); got != want {
			t.Fatalf("Quote(%q) = %s, want %s", s, got, want)
		}
	})
}
