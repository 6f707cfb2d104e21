package errs

import (
	"errors"
	"fmt"
	"testing"
	"unicode/utf8"
)

// The crate's Display texts (wire-format.md §0.3).
func TestErrorTexts(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{ErrDecryption, "decryption failed: invalid ciphertext or wrong key"},
		{ErrTooShort, "ciphertext too short to be valid"},
		{ErrInvalidKeyHash, "invalid key_hash format (expected `salt$argon2id`)"},
		{ErrInvalidRecoveryKey, "invalid recovery key character"},
		{InvalidLength(32, 16), "invalid length: expected 32 bytes, got 16"},
		{InvalidLength(32, 0), "invalid length: expected 32 bytes, got 0"},
		{InvalidLength(16, 24), "invalid length: expected 16 bytes, got 24"},
		{InvalidLength(1216, 1215), "invalid length: expected 1216 bytes, got 1215"},
		{&Base64Error{Kind: Base64InvalidByte, Offset: 8, Byte: '\n'}, "base64 decode: Invalid symbol 10, offset 8."},
		{&Base64Error{Kind: Base64InvalidLength, Offset: 5}, "base64 decode: Invalid input length: 5"},
		{&Base64Error{Kind: Base64InvalidLastSymbol, Offset: 6, Byte: '9'}, "base64 decode: Invalid last symbol 57, offset 6."},
		{&Base64Error{Kind: Base64InvalidPadding}, "base64 decode: Invalid padding"},
		{ErrBadTag, "hybrid KEM: not a hybrid ciphertext (bad version tag)"},
		{Hybrid("invalid ML-KEM-768 encapsulation key"), "hybrid KEM: invalid ML-KEM-768 encapsulation key"},
		{Hybrid("PureCnsa2 is Cat-5 only in v0.7.0"), "hybrid KEM: PureCnsa2 is Cat-5 only in v0.7.0"},
		{&KDFError{Reason: "memory cost is too small"}, "key derivation failed: memory cost is too small"},
		{&UTF8Error{ValidUpTo: 0, ErrorLen: 0}, "UTF-8: incomplete utf-8 byte sequence from index 0"},
		{&UTF8Error{ValidUpTo: 2, ErrorLen: 1}, "UTF-8: invalid utf-8 sequence of 1 bytes from index 2"},
		{&UTF8Error{ValidUpTo: 7, ErrorLen: 3}, "UTF-8: invalid utf-8 sequence of 3 bytes from index 7"},
		// sealkit's own error (wire-format.md §7.3).
		{ErrLowOrderKey, "invalid public key: low-order X25519 point (all-zero shared secret)"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%#v: %q, want %q", c.err, got, c.want)
		}
	}
}

func TestErrorsIs(t *testing.T) {
	sentinels := map[string]error{
		"ErrDecryption":         ErrDecryption,
		"ErrTooShort":           ErrTooShort,
		"ErrInvalidKeyHash":     ErrInvalidKeyHash,
		"ErrInvalidRecoveryKey": ErrInvalidRecoveryKey,
		"ErrLowOrderKey":        ErrLowOrderKey,
		"ErrInvalidLength":      ErrInvalidLength,
		"ErrBase64":             ErrBase64,
		"ErrHybrid":             ErrHybrid,
		"ErrBadTag":             ErrBadTag,
		"ErrKDF":                ErrKDF,
		"ErrUTF8":               ErrUTF8,
		"ErrSignature":          ErrSignature,
	}
	cases := []struct {
		name string
		err  error
		is   []string // the sentinels errors.Is must match; no others
	}{
		{"ErrDecryption", ErrDecryption, []string{"ErrDecryption"}},
		{"ErrTooShort", ErrTooShort, []string{"ErrTooShort"}},
		{"ErrInvalidKeyHash", ErrInvalidKeyHash, []string{"ErrInvalidKeyHash"}},
		{"ErrInvalidRecoveryKey", ErrInvalidRecoveryKey, []string{"ErrInvalidRecoveryKey"}},
		{"ErrLowOrderKey", ErrLowOrderKey, []string{"ErrLowOrderKey"}},
		{"InvalidLengthError", InvalidLength(32, 1), []string{"ErrInvalidLength"}},
		{"Base64Error", &Base64Error{Kind: Base64InvalidPadding}, []string{"ErrBase64"}},
		{"HybridError", Hybrid("x"), []string{"ErrHybrid"}},
		// A HybridError with the same text is not ErrBadTag: ErrBadTag is
		// matched by identity.
		{"HybridError(bad tag text)", Hybrid("not a hybrid ciphertext (bad version tag)"), []string{"ErrHybrid"}},
		{"ErrBadTag", ErrBadTag, []string{"ErrBadTag", "ErrHybrid"}},
		{"KDFError", &KDFError{Reason: "x"}, []string{"ErrKDF"}},
		{"UTF8Error", &UTF8Error{ValidUpTo: 1, ErrorLen: 1}, []string{"ErrUTF8"}},
		{"SignatureError", Signature("x"), []string{"ErrSignature"}},
	}
	for _, c := range cases {
		want := map[string]bool{}
		for _, s := range c.is {
			want[s] = true
		}
		for _, err := range []error{c.err, fmt.Errorf("context: %w", c.err), fmt.Errorf("a: %w", fmt.Errorf("b: %w", c.err))} {
			for name, s := range sentinels {
				if got := errors.Is(err, s); got != want[name] {
					t.Errorf("errors.Is(%s, %s) = %v, want %v (err %q)", c.name, name, got, want[name], err)
				}
			}
		}
	}
}

func TestErrorsAs(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("wrapped: %w", err) }

	var il *InvalidLengthError
	if !errors.As(wrap(InvalidLength(32, 31)), &il) || il.Expected != 32 || il.Got != 31 {
		t.Errorf("errors.As InvalidLengthError: %#v", il)
	}
	var be *Base64Error
	if !errors.As(wrap(&Base64Error{Kind: Base64InvalidByte, Offset: 3, Byte: '*'}), &be) ||
		be.Kind != Base64InvalidByte || be.Offset != 3 || be.Byte != '*' {
		t.Errorf("errors.As Base64Error: %#v", be)
	}
	var he *HybridError
	if !errors.As(wrap(ErrBadTag), &he) || he.Reason != "not a hybrid ciphertext (bad version tag)" {
		t.Errorf("errors.As ErrBadTag → HybridError: %#v", he)
	}
	var ke *KDFError
	if !errors.As(wrap(&KDFError{Reason: "r"}), &ke) || ke.Reason != "r" {
		t.Errorf("errors.As KDFError: %#v", ke)
	}
	var ue *UTF8Error
	if !errors.As(wrap(CheckUTF8([]byte("ab\xc0"))), &ue) || ue.ValidUpTo != 2 || ue.ErrorLen != 1 {
		t.Errorf("errors.As UTF8Error: %#v", ue)
	}

	// No type is mistaken for another.
	plain := []error{ErrDecryption, ErrTooShort, ErrInvalidKeyHash, ErrInvalidRecoveryKey, ErrLowOrderKey}
	for _, err := range plain {
		if errors.As(err, &il) || errors.As(err, &be) || errors.As(err, &he) || errors.As(err, &ke) || errors.As(err, &ue) {
			t.Errorf("errors.As matched a type for plain sentinel %q", err)
		}
	}
	if errors.As(InvalidLength(1, 2), &be) || errors.As(&Base64Error{}, &il) || errors.As(Hybrid("x"), &ke) || errors.As(&UTF8Error{}, &he) {
		t.Error("errors.As matched the wrong type")
	}
}

// The family sentinels are distinct values with the texts the root package
// documents as prefixes.
func TestFamilySentinels(t *testing.T) {
	fam := []error{ErrInvalidLength, ErrBase64, ErrHybrid, ErrKDF, ErrUTF8, ErrSignature}
	for i, a := range fam {
		for j, b := range fam {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%q, %q) = %v", a, b, i != j)
			}
		}
	}
	prefixes := []struct {
		err, fam error
	}{
		{InvalidLength(1, 2), ErrInvalidLength},
		{&Base64Error{Kind: Base64InvalidPadding}, ErrBase64},
		{Hybrid("x"), ErrHybrid},
		{&KDFError{Reason: "x"}, ErrKDF},
		{&UTF8Error{}, ErrUTF8},
		{Signature("x"), ErrSignature},
	}
	for _, p := range prefixes {
		if got, pre := p.err.Error(), p.fam.Error(); len(got) < len(pre) || got[:len(pre)] != pre {
			t.Errorf("%q does not start with its family text %q", got, pre)
		}
	}
}

// Rust's str::from_utf8: valid_up_to is the start of the first invalid
// sequence; error_len is None (ErrorLen 0) when the input ends in the middle
// of a sequence that could still be completed, else the length (1–3) of the
// maximal prefix of a valid sequence found there.
var utf8Cases = []struct {
	in       string
	ok       bool
	upTo, n  int
	wantText string
}{
	{"", true, 0, 0, ""},
	{"hello", true, 0, 0, ""},
	{"héllo", true, 0, 0, ""},
	{"\u0080", true, 0, 0, ""},
	{"\u07ff", true, 0, 0, ""},
	{"\u0800", true, 0, 0, ""},
	{"\ud7ff", true, 0, 0, ""}, // ED 9F BF, last before the surrogates
	{"\ue000", true, 0, 0, ""}, // EE 80 80, first after them
	{"\uffff", true, 0, 0, ""},
	{"\U00010000", true, 0, 0, ""},
	{"\U0001F496", true, 0, 0, ""},
	{"\U0010FFFF", true, 0, 0, ""},

	// The brief's examples.
	{"\xF0\x9F\x92", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"ab\xC0", false, 2, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 2"},
	{"\xE0\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xED\xA0\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},

	// Incomplete at the end.
	{"\xC2", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"ab\xC3", false, 2, 0, "UTF-8: incomplete utf-8 byte sequence from index 2"},
	{"\xC3\xA9\xC3", false, 2, 0, "UTF-8: incomplete utf-8 byte sequence from index 2"},
	{"\xE0", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"\xE0\xA0", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"a\xE2\x82", false, 1, 0, "UTF-8: incomplete utf-8 byte sequence from index 1"},
	{"\xED\x9F", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"\xF0", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"\xF0\x9F", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"\xF4\x8F\xBF", false, 0, 0, "UTF-8: incomplete utf-8 byte sequence from index 0"},
	{"\U0001F496\xF0\x9F\x92", false, 4, 0, "UTF-8: incomplete utf-8 byte sequence from index 4"},

	// Bytes that never start a sequence.
	{"\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xC0", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"}, // C0/C1 only ever encode overlongs
	{"\xC1\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF5\x80\x80\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF8\x88\x80\x80\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xFE", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xFF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xE2\x82\xAC\xFF", false, 3, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 3"},

	// Overlong encodings.
	{"\xC0\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xC0\xAF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xE0\x80\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xE0\x9F\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF0\x80\x80\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF0\x8F\xBF\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},

	// Surrogates.
	{"\xED\xA0", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xED\xBF\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"x\xED\xA0\x80\xED\xB0\x80", false, 1, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 1"},

	// Above U+10FFFF.
	{"\xF4\x90\x80\x80", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF4\xBF\xBF\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xF7\xBF\xBF\xBF", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},

	// A bad continuation after a good start: the good part counts.
	{"\xC2\x7F", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xC2\xC0", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xE2(\xA1", false, 0, 1, "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"},
	{"\xE2\x82a", false, 0, 2, "UTF-8: invalid utf-8 sequence of 2 bytes from index 0"},
	{"\xE2\x82\xE2\x82\xAC", false, 0, 2, "UTF-8: invalid utf-8 sequence of 2 bytes from index 0"},
	{"\xF0\x9Fa", false, 0, 2, "UTF-8: invalid utf-8 sequence of 2 bytes from index 0"},
	{"\xF0\x9F\x92a", false, 0, 3, "UTF-8: invalid utf-8 sequence of 3 bytes from index 0"},
	{"ok \xF4\x8F\xBF\x7F", false, 3, 3, "UTF-8: invalid utf-8 sequence of 3 bytes from index 3"},
	{"\xF1\x80\x80\xC0", false, 0, 3, "UTF-8: invalid utf-8 sequence of 3 bytes from index 0"},
}

func TestCheckUTF8(t *testing.T) {
	for _, c := range utf8Cases {
		err := CheckUTF8([]byte(c.in))
		if c.ok {
			if err != nil {
				t.Errorf("CheckUTF8(%q) = %v, want nil", c.in, err)
			}
			continue
		}
		var ue *UTF8Error
		if !errors.As(err, &ue) {
			t.Errorf("CheckUTF8(%q) = %#v, want a *UTF8Error", c.in, err)
			continue
		}
		if ue.ValidUpTo != c.upTo || ue.ErrorLen != c.n {
			t.Errorf("CheckUTF8(%q): valid_up_to %d, error_len %d; want %d, %d", c.in, ue.ValidUpTo, ue.ErrorLen, c.upTo, c.n)
		}
		if err.Error() != c.wantText {
			t.Errorf("CheckUTF8(%q): %q, want %q", c.in, err.Error(), c.wantText)
		}
		if !errors.Is(err, ErrUTF8) {
			t.Errorf("CheckUTF8(%q): not ErrUTF8", c.in)
		}
	}
}

// Every two-byte sequence agrees with the standard library, so the
// hand-written lead and second-byte ranges have no gap.
func TestCheckUTF8AllPairs(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			in := []byte{byte(a), byte(b)}
			checkUTF8Oracle(t, in)
			checkUTF8Oracle(t, append(in, 0x80))
			checkUTF8Oracle(t, append(in, 0x80, 0x80))
		}
	}
}

func FuzzCheckUTF8(f *testing.F) {
	for _, c := range utf8Cases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkUTF8Oracle(t, b) })
}

// checkUTF8Oracle compares CheckUTF8 with a statement of Rust's rule built
// from unicode/utf8, which implements the same Unicode table of well-formed
// sequences:
//   - nil iff utf8.Valid;
//   - ValidUpTo is the length of the longest valid prefix;
//   - ErrorLen 0 iff what follows is an incomplete but so far well-formed
//     sequence that reaches the end (!utf8.FullRune);
//   - otherwise ErrorLen is the length of the longest proper prefix of a
//     well-formed sequence starting there (a lead byte alone counts), or 1.
func checkUTF8Oracle(t *testing.T, b []byte) {
	t.Helper()
	err := CheckUTF8(b)
	if (err == nil) != utf8.Valid(b) {
		t.Fatalf("CheckUTF8(%q) = %v, utf8.Valid = %v", b, err, utf8.Valid(b))
	}
	if err == nil {
		return
	}
	var ue *UTF8Error
	if !errors.As(err, &ue) {
		t.Fatalf("CheckUTF8(%q) = %#v, not a *UTF8Error", b, err)
	}
	v := ue.ValidUpTo
	if v < 0 || v >= len(b) || !utf8.Valid(b[:v]) {
		t.Fatalf("CheckUTF8(%q): valid_up_to %d is not a valid prefix", b, v)
	}
	// Any longer valid prefix would start with a whole character at v,
	// which is at most 4 bytes long.
	for n := v + 1; n <= len(b) && n <= v+4; n++ {
		if utf8.Valid(b[:n]) {
			t.Fatalf("CheckUTF8(%q): valid_up_to %d, but %d bytes are valid", b, v, n)
		}
	}
	rest := b[v:]
	if !utf8.FullRune(rest) {
		if ue.ErrorLen != 0 {
			t.Fatalf("CheckUTF8(%q): error_len %d, want incomplete (0)", b, ue.ErrorLen)
		}
		return
	}
	want := 1
	for k := 1; k <= 3 && k < len(rest); k++ {
		if !utf8.FullRune(rest[:k]) {
			want = k
		}
	}
	if ue.ErrorLen != want {
		t.Fatalf("CheckUTF8(%q): error_len %d at %d, want %d", b, ue.ErrorLen, v, want)
	}
}
