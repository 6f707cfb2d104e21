package errs

import (
	"strconv"
	"unicode/utf8"
)

// Quote returns strconv.Quote(s), byte for byte, for error texts that
// quote an argument (ParseLevel's). strconv.Quote itself costs the wasm
// module ~5 KB brotli (its escaper is generic over quote kinds and ASCII-
// or graphic-only modes, all kept); this is the one mode used, with the
// same printability test (strconv.IsPrint). TestQuote compares the two on
// every rune and on invalid UTF-8, FuzzQuote on anything.
func Quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for len(s) > 0 {
		r, width := utf8.DecodeRuneInString(s)
		// An escape is a backslash, a letter, then digits hex digits of v:
		// one append loop for all of them keeps the function small (it was
		// ~2 KB of the brotli module with a case per escape).
		var letter byte
		digits, v := 0, uint32(r)
		switch {
		case width == 1 && r == utf8.RuneError:
			// Not UTF-8: the byte in hex, as strconv writes it.
			letter, digits, v = 'x', 2, uint32(s[0])
		case r == '"' || r == '\\':
			letter = byte(r)
		case strconv.IsPrint(r):
			b = append(b, s[:width]...) // valid UTF-8: the rune's encoding
			s = s[width:]
			continue
		case r >= '\a' && r <= '\r':
			letter = "abtnvfr"[r-'\a']
		case r < ' ' || r == 0x7f:
			letter, digits = 'x', 2
		case r < 0x10000:
			letter, digits = 'u', 4
		default:
			letter, digits = 'U', 8
		}
		s = s[width:]
		b = append(b, '\\', letter)
		for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
			b = append(b, hex[v>>uint(shift)&0xf])
		}
	}
	return string(append(b, '"'))
}
