// Package b64 is sealkit's base64 codec: RFC 4648 standard alphabet with
// '=' padding, decoded strictly (wire-format.md §0.1).
//
// It is written out here rather than delegated to encoding/base64 because
// sealkit must reject exactly what the Rust base64 0.22 STANDARD engine
// rejects and report it with the same message (the crate's error text
// embeds it): Go's decoder skips '\r' and '\n' and reports errors at other
// offsets. The accepted set equals encoding/base64's StdEncoding.Strict()
// minus newlines; FuzzDecode checks that.
package b64

import (
	"encoding/base64"

	"github.com/sealkit/sealkit/internal/errs"
)

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

const invalid = 0xff

var decodeTable = func() (t [256]byte) {
	for i := range t {
		t[i] = invalid
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// Encode returns the padded standard base64 encoding of b.
func Encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// AppendEncode appends the padded standard base64 encoding of b to dst.
// Unlike Encode it makes no string, so a caller holding key material can
// wipe the text when done.
func AppendEncode(dst, b []byte) []byte { return base64.StdEncoding.AppendEncode(dst, b) }

// Decode decodes strict padded standard base64, given as a string or as
// bytes (text that is key material need not become a string, which could
// not be wiped). The empty input decodes to an empty, non-nil slice.
// Errors are *errs.Base64Error; on error no partly decoded bytes are left
// behind.
func Decode[T string | []byte](s T) ([]byte, error) {
	n := len(s)
	if n == 0 {
		return []byte{}, nil
	}
	out := make([]byte, 0, (n/4+1)*3)
	out, err := decode(out, s)
	if err != nil {
		clear(out[:cap(out)])
		return nil, err
	}
	return out, nil
}

// decode appends the decoding of s, which is not empty, to out; on error
// out holds what was decoded so far.
func decode[T string | []byte](out []byte, s T) ([]byte, error) {
	n := len(s)
	rem := n % 4
	if rem == 1 {
		// Like Rust, name a stray trailing byte (a newline, say) before
		// complaining about the length.
		if c := s[n-1]; c != '=' && decodeTable[c] == invalid {
			return out, &errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: n - 1, Byte: c}
		}
	}
	// Every quad but the last is plain data; the last may hold padding.
	body := n - rem
	if rem == 0 {
		body -= 4
	}
	for i := 0; i < body; i += 4 {
		var v uint32
		for k := 0; k < 4; k++ {
			c := s[i+k]
			d := decodeTable[c]
			if d == invalid {
				return out, &errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: i + k, Byte: c}
			}
			v = v<<6 | uint32(d)
		}
		out = append(out, byte(v>>16), byte(v>>8), byte(v))
	}

	var morsels [4]byte
	nm, npad, firstPad := 0, 0, 0
	var last byte
	for k := 0; body+k < n; k++ {
		c := s[body+k]
		if c == '=' {
			if k < 2 {
				return out, &errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: body + k, Byte: c}
			}
			if npad == 0 {
				firstPad = k
			}
			npad++
			continue
		}
		if npad > 0 {
			return out, &errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: body + firstPad, Byte: '='}
		}
		d := decodeTable[c]
		if d == invalid {
			return out, &errs.Base64Error{Kind: errs.Base64InvalidByte, Offset: body + k, Byte: c}
		}
		last = c
		morsels[nm] = d
		nm++
	}
	if nm < 2 {
		return out, &errs.Base64Error{Kind: errs.Base64InvalidLength, Offset: body + nm}
	}
	if (npad+nm)%4 != 0 {
		return out, &errs.Base64Error{Kind: errs.Base64InvalidPadding}
	}
	nbytes := nm * 6 / 8
	v := uint32(morsels[0])<<26 | uint32(morsels[1])<<20 | uint32(morsels[2])<<14 | uint32(morsels[3])<<8
	if v&(^uint32(0)>>(nbytes*8)) != 0 {
		return out, &errs.Base64Error{Kind: errs.Base64InvalidLastSymbol, Offset: body + nm - 1, Byte: last}
	}
	for range nbytes {
		out = append(out, byte(v>>24))
		v <<= 8
	}
	return out, nil
}
