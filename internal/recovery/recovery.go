// Package recovery implements metamorphic-crypto's recovery-key text
// encoding (wire-format.md §4). It is not RFC 4648 base32: each byte
// becomes two symbols, its low five bits and then bits 3–7.
package recovery

import (
	"slices"

	"github.com/sealkit/sealkit/internal/errs"
)

// Alphabet has 32 symbols and leaves out I, O, 0 and 1.
const Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// SecretSize is the size of the secret a recovery key carries.
const SecretSize = 32

var index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(Alphabet); i++ {
		t[Alphabet[i]] = int8(i)
	}
	return t
}()

// Encode turns 32 secret bytes into the 76-character grouped key.
func Encode(secret []byte) string {
	b := AppendEncode(nil, secret)
	defer clear(b)
	return string(b)
}

// AppendEncode appends the grouped key of secret to dst. Unlike Encode it
// makes no string, so the caller can wipe the key text.
func AppendEncode(dst, secret []byte) []byte {
	n := 2 * len(secret)
	if n > 0 {
		n += (n - 1) / 5
	}
	dst = slices.Grow(dst, n)
	for i, b := range secret {
		for k, c := range [2]byte{Alphabet[b&31], Alphabet[(b>>3)&31]} {
			if j := 2*i + k; j > 0 && j%5 == 0 {
				dst = append(dst, '-')
			}
			dst = append(dst, c)
		}
	}
	return dst
}

// Decode reverses Encode. Every '-' is dropped wherever it stands, ASCII
// letters are upper-cased, and exactly 64 symbols must remain. Any other
// character, non-ASCII included, is ErrInvalidRecoveryKey (sealkit does not
// follow Rust's Unicode upper-casing; see wire-format.md §7.5).
// Non-canonical pairs are accepted and OR-ed, as the crate does.
func Decode[T string | []byte](key T) ([]byte, error) {
	var buf [2 * SecretSize]byte
	syms := buf[:0]
	defer clear(buf[:])
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == '-' {
			continue
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if index[c] < 0 || len(syms) == 2*SecretSize {
			return nil, errs.ErrInvalidRecoveryKey
		}
		syms = append(syms, c)
	}
	if len(syms) != 2*SecretSize {
		return nil, errs.ErrInvalidRecoveryKey
	}
	secret := make([]byte, SecretSize)
	for i := range secret {
		secret[i] = byte(index[syms[2*i]]) | byte(index[syms[2*i+1]])<<3
	}
	return secret, nil
}
