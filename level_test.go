package sealkit

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLevelIs: levelIs(s, name) is strings.ToLower(s) == name. ASCII
// folding alone decides it because no rune outside ASCII (nor a byte that
// is not UTF-8, which ToLower turns into U+FFFD) lower-cases to a letter
// or digit of a level name; checked for every rune, then the names with
// each such rune or byte in each position.
func TestLevelIs(t *testing.T) {
	names := []string{"cat1", "cat3", "cat5"}
	var toASCII []string // non-ASCII runes that lower-case to ASCII
	for r := rune(utf8.RuneSelf); r <= utf8.MaxRune; r++ {
		if lower := strings.ToLower(string(r)); lower[0] < utf8.RuneSelf {
			if strings.ContainsAny(lower, "cat135") {
				t.Fatalf("%U lower-cases to %q, a level name's letter", r, lower)
			}
			toASCII = append(toASCII, string(r))
		}
	}
	if len(toASCII) == 0 || len(toASCII) > 8 {
		t.Fatalf("%d non-ASCII runes lower-case to ASCII (%q): check the rule", len(toASCII), toASCII)
	}
	odd := append(toASCII, "\xff", "\xc4", "A", "T", "a", "!")
	for _, name := range names {
		for _, s := range []string{name, strings.ToUpper(name), "Cat1", "cAT5", "", "cat", "cat11", " cat1"} {
			if got, want := levelIs(s, name), strings.ToLower(s) == name; got != want {
				t.Errorf("levelIs(%q, %q) = %v, want %v", s, name, got, want)
			}
		}
		for i := range len(name) {
			for _, o := range odd {
				s := name[:i] + o + name[i+1:]
				if got, want := levelIs(s, name), strings.ToLower(s) == name; got != want {
					t.Errorf("levelIs(%q, %q) = %v, want %v", s, name, got, want)
				}
			}
		}
	}
}
