package b64

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/errs"
)

// The expected texts below were worked out by hand from the Rust base64
// 0.22 STANDARD engine (GeneralPurpose, padding RequireCanonical, trailing
// bits rejected):
//
//   - If len%4 == 1 and the last byte is neither '=' nor in the alphabet,
//     InvalidByte(len-1, byte) is reported before anything else.
//   - Every quad but the last (the last complete quad too, when len%4 == 0)
//     is plain data: the first byte outside the alphabet, '=' included, is
//     InvalidByte(offset, byte).
//   - In the last 1–4 bytes, '=' among the first two is InvalidByte; a
//     symbol after '=' is InvalidByte at the first '='; a byte outside the
//     alphabet is InvalidByte.
//   - Fewer than two symbols there: InvalidLength(offset of the last quad +
//     number of symbols).
//   - symbols + padding not a multiple of 4: InvalidPadding.
//   - Bits the last symbol carries beyond the decoded bytes:
//     InvalidLastSymbol(offset of that symbol, symbol).
//
// Display: "Invalid symbol {b}, offset {o}.", "Invalid input length: {n}",
// "Invalid last symbol {b}, offset {o}.", "Invalid padding"; the crate
// prefixes "base64 decode: ".
var decodeErrorCases = []struct {
	in, want string
}{
	// The brief's examples.
	{"aGVsbG8", "base64 decode: Invalid padding"},
	{"aGVsbG8=\n", "base64 decode: Invalid symbol 10, offset 8."},
	{"aGVsbG9=", "base64 decode: Invalid last symbol 57, offset 6."},

	// Missing or non-canonical padding.
	{"AA", "base64 decode: Invalid padding"},
	{"AAA", "base64 decode: Invalid padding"},
	{"AA=", "base64 decode: Invalid padding"},
	{"Zm8", "base64 decode: Invalid padding"},
	{"Zg", "base64 decode: Invalid padding"},
	{"Zg=", "base64 decode: Invalid padding"},
	{"aGVsbG8gd29ybGQ", "base64 decode: Invalid padding"},

	// Padding where it cannot stand.
	{"=", "base64 decode: Invalid symbol 61, offset 0."},
	{"==", "base64 decode: Invalid symbol 61, offset 0."},
	{"====", "base64 decode: Invalid symbol 61, offset 0."},
	{"A===", "base64 decode: Invalid symbol 61, offset 1."},
	{"AA=A", "base64 decode: Invalid symbol 61, offset 2."},
	{"AA==A", "base64 decode: Invalid symbol 61, offset 2."}, // len%4 == 1, last byte valid → quad "AA==" is plain data
	{"AA===", "base64 decode: Invalid symbol 61, offset 2."}, // last byte '=' is exempt from the early check
	{"AAA==", "base64 decode: Invalid symbol 61, offset 3."}, // "AAA=" is a non-final quad
	{"AAAA=", "base64 decode: Invalid symbol 61, offset 4."}, // lone '=' in the last quad
	{"AAAAA===", "base64 decode: Invalid symbol 61, offset 5."},
	{"AAAA====", "base64 decode: Invalid symbol 61, offset 4."},
	{"aGVsbG8==", "base64 decode: Invalid symbol 61, offset 7."},
	{"aGVsbG8=aGVsbG8=", "base64 decode: Invalid symbol 61, offset 7."},
	{"Zg==Zg==", "base64 decode: Invalid symbol 61, offset 2."},

	// A lone trailing symbol.
	{"A", "base64 decode: Invalid input length: 1"},
	{"AAAAA", "base64 decode: Invalid input length: 5"},
	{"aGVsbG8gd", "base64 decode: Invalid input length: 9"},

	// Non-zero trailing bits.
	{"AB==", "base64 decode: Invalid last symbol 66, offset 1."},
	{"AAB=", "base64 decode: Invalid last symbol 66, offset 2."},
	{"Zh==", "base64 decode: Invalid last symbol 104, offset 1."},
	{"Zm9=", "base64 decode: Invalid last symbol 57, offset 2."},
	{"//==", "base64 decode: Invalid last symbol 47, offset 1."},
	{"AAAA//9=", "base64 decode: Invalid last symbol 57, offset 6."},

	// Whitespace and newlines anywhere.
	{"aGVsbG8=\r", "base64 decode: Invalid symbol 13, offset 8."},
	{"aGVsbG8=\t", "base64 decode: Invalid symbol 9, offset 8."},
	{"aGVsbG8= ", "base64 decode: Invalid symbol 32, offset 8."},
	{"aGVsbG8=\r\n", "base64 decode: Invalid symbol 61, offset 7."}, // len%4 == 2: "bG8=" is a plain quad
	{"aGVsbG8=\n\n\n", "base64 decode: Invalid symbol 61, offset 7."},
	{" aGVsbG8=", "base64 decode: Invalid symbol 32, offset 0."},
	{"aGVs\nbG8=", "base64 decode: Invalid symbol 10, offset 4."},
	{"aGVs bG8=", "base64 decode: Invalid symbol 32, offset 4."},
	{"aGVs\r\nbG8=", "base64 decode: Invalid symbol 13, offset 4."},
	{"\n", "base64 decode: Invalid symbol 10, offset 0."},
	{"  ", "base64 decode: Invalid symbol 32, offset 0."},
	{"Zg==\n", "base64 decode: Invalid symbol 10, offset 4."},
	{"Zg\n==", "base64 decode: Invalid symbol 10, offset 2."},

	// URL-safe alphabet.
	{"-_8=", "base64 decode: Invalid symbol 45, offset 0."},
	{"_w==", "base64 decode: Invalid symbol 95, offset 0."},
	{"AAA-", "base64 decode: Invalid symbol 45, offset 3."},
	{"AAA_", "base64 decode: Invalid symbol 95, offset 3."},
	{"AAAA-_==", "base64 decode: Invalid symbol 45, offset 4."},
	{"AAAAAAA_", "base64 decode: Invalid symbol 95, offset 7."},

	// Other bytes outside the alphabet; the first one wins, except for a
	// stray byte at a len%4 == 1 end, which is named first.
	{"A*A*", "base64 decode: Invalid symbol 42, offset 1."},
	{"A*AA*", "base64 decode: Invalid symbol 42, offset 4."},
	{"A*AAA", "base64 decode: Invalid symbol 42, offset 1."},
	{"AAAAAAAAAAAAAAAAA*AAAAAAAAAAAAAAAAAAAAAA", "base64 decode: Invalid symbol 42, offset 17."},
	{strings.Repeat("A", 36) + ".AAA", "base64 decode: Invalid symbol 46, offset 36."},
	{"é", "base64 decode: Invalid symbol 195, offset 0."},
	{"AAA\x00", "base64 decode: Invalid symbol 0, offset 3."},
	{"AAA\xff", "base64 decode: Invalid symbol 255, offset 3."},
}

func TestDecodeErrorTexts(t *testing.T) {
	for _, c := range decodeErrorCases {
		got, err := Decode(c.in)
		if err == nil {
			t.Errorf("Decode(%q) = %x, want error %q", c.in, got, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("Decode(%q): %q, want %q", c.in, err.Error(), c.want)
		}
		var be *errs.Base64Error
		if !errors.As(err, &be) || !errors.Is(err, errs.ErrBase64) {
			t.Errorf("Decode(%q): %T is not a *Base64Error matching ErrBase64", c.in, err)
		}
		if got != nil {
			t.Errorf("Decode(%q): non-nil output %x with an error", c.in, got)
		}
	}
}

func TestDecodeErrorFields(t *testing.T) {
	cases := []struct {
		in   string
		want errs.Base64Error
	}{
		{"aGVsbG8", errs.Base64Error{Kind: errs.Base64InvalidPadding}},
		{"aGVsbG8=\n", errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: 8, Byte: '\n'}},
		{"aGVsbG9=", errs.Base64Error{Kind: errs.Base64InvalidLastSymbol, Offset: 6, Byte: '9'}},
		{"AAAAA", errs.Base64Error{Kind: errs.Base64InvalidLength, Offset: 5}},
	}
	for _, c := range cases {
		_, err := Decode(c.in)
		var be *errs.Base64Error
		if !errors.As(err, &be) || *be != c.want {
			t.Errorf("Decode(%q): %#v, want %#v", c.in, err, c.want)
		}
	}
}

func TestDecodeValid(t *testing.T) {
	cases := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"Zg==", []byte("f")},
		{"Zm8=", []byte("fo")},
		{"Zm9v", []byte("foo")},
		{"Zm9vYg==", []byte("foob")},
		{"Zm9vYmE=", []byte("fooba")},
		{"Zm9vYmFy", []byte("foobar")},
		{"aGVsbG8=", []byte("hello")},
		{"AA==", []byte{0}},
		{"AAA=", []byte{0, 0}},
		{"AAAA", []byte{0, 0, 0}},
		{"+/+/", []byte{0xfb, 0xff, 0xbf}},
		{"//8=", []byte{0xff, 0xff}},
		{"/w==", []byte{0xff}},
		{"+w==", []byte{0xfb}},
	}
	for _, c := range cases {
		got, err := Decode(c.in)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("Decode(%q) = %x, %v; want %x", c.in, got, err, c.want)
		}
		if got == nil && err == nil {
			t.Errorf("Decode(%q) returned a nil slice", c.in)
		}
		if enc := Encode(c.want); enc != c.in {
			t.Errorf("Encode(%x) = %q, want %q", c.want, enc, c.in)
		}
	}
}

// Every URL-safe or whitespace byte is rejected wherever it stands.
func TestDecodeRejectsEachForeignByte(t *testing.T) {
	base := "aGVsbG8gd29ybGQh" // "hello world!", no padding needed
	for c := 0; c < 256; c++ {
		if strings.IndexByte(alphabet, byte(c)) >= 0 {
			continue
		}
		for pos := 0; pos <= len(base); pos++ {
			in := base[:pos] + string([]byte{byte(c)}) + base[pos:]
			if got, err := Decode(in); err == nil {
				t.Fatalf("Decode(%q) = %x, want an error", in, got)
			}
			// Replacing a symbol instead of inserting one ('=' would be
			// valid padding at the end).
			if pos < len(base) && c != '=' {
				in = base[:pos] + string([]byte{byte(c)}) + base[pos+1:]
				_, err := Decode(in)
				var be *errs.Base64Error
				if !errors.As(err, &be) || be.Kind != errs.Base64InvalidByte || be.Offset != pos || be.Byte != byte(c) {
					t.Fatalf("Decode(%q): %v, want invalid symbol %d at %d", in, err, c, pos)
				}
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, c := range decodeErrorCases {
		f.Add(c.in)
	}
	f.Add("")
	f.Add("aGVsbG8=")
	f.Add("Zm9vYmFy")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Decode(s)
		if err != nil {
			if got != nil {
				t.Fatalf("Decode(%q): output %x alongside error %v", s, got, err)
			}
			checkBase64Error(t, s, err)
		}
		if strings.ContainsAny(s, "\r\n") {
			if err == nil {
				t.Fatalf("Decode(%q) accepted a newline", s)
			}
			return
		}
		want, werr := base64.StdEncoding.Strict().DecodeString(s)
		if (err == nil) != (werr == nil) {
			t.Fatalf("Decode(%q): err %v, encoding/base64 Strict: err %v", s, err, werr)
		}
		if err != nil {
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Decode(%q) = %x, encoding/base64 gives %x", s, got, want)
		}
		if enc := Encode(got); enc != s {
			t.Fatalf("Encode(Decode(%q)) = %q", s, enc)
		}
	})
}

// checkBase64Error checks that err is a *Base64Error whose fields point at
// the input the way the Rust crate's do.
func checkBase64Error(t *testing.T, s string, err error) {
	t.Helper()
	var be *errs.Base64Error
	if !errors.As(err, &be) || !errors.Is(err, errs.ErrBase64) {
		t.Fatalf("Decode(%q): %T %v is not a *Base64Error", s, err, err)
	}
	if !strings.HasPrefix(err.Error(), "base64 decode: ") {
		t.Fatalf("Decode(%q): text %q", s, err.Error())
	}
	switch be.Kind {
	case errs.Base64InvalidByte:
		if be.Offset < 0 || be.Offset >= len(s) || s[be.Offset] != be.Byte {
			t.Fatalf("Decode(%q): invalid byte %d at %d does not match the input", s, be.Byte, be.Offset)
		}
		if be.Byte != '=' && strings.IndexByte(alphabet, be.Byte) >= 0 {
			t.Fatalf("Decode(%q): alphabet symbol %q reported invalid", s, be.Byte)
		}
	case errs.Base64InvalidLastSymbol:
		if be.Offset < 0 || be.Offset >= len(s) || s[be.Offset] != be.Byte || strings.IndexByte(alphabet, be.Byte) < 0 {
			t.Fatalf("Decode(%q): invalid last symbol %d at %d does not match the input", s, be.Byte, be.Offset)
		}
	case errs.Base64InvalidLength:
		if be.Offset != len(s) || len(s)%4 != 1 {
			t.Fatalf("Decode(%q): invalid length %d", s, be.Offset)
		}
	case errs.Base64InvalidPadding:
		if len(s)%4 == 1 {
			t.Fatalf("Decode(%q): invalid padding for a length ≡ 1 mod 4", s)
		}
	default:
		t.Fatalf("Decode(%q): unknown kind %d", s, be.Kind)
	}
}
