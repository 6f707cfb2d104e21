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
		if width == 1 && r == utf8.RuneError {
			// Not UTF-8: the byte in hex, as strconv writes it.
			b = append(b, '\\', 'x', hex[s[0]>>4], hex[s[0]&0xf])
			s = s[1:]
			continue
		}
		s = s[width:]
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case strconv.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r == '\a':
			b = append(b, `\a`...)
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\v':
			b = append(b, `\v`...)
		case r < ' ' || r == 0x7f:
			b = append(b, '\\', 'x', hex[r>>4], hex[r&0xf])
		case r < 0x10000:
			b = append(b, '\\', 'u')
			for shift := 12; shift >= 0; shift -= 4 {
				b = append(b, hex[r>>uint(shift)&0xf])
			}
		default:
			b = append(b, '\\', 'U')
			for shift := 28; shift >= 0; shift -= 4 {
				b = append(b, hex[r>>uint(shift)&0xf])
			}
		}
	}
	return string(append(b, '"'))
}
