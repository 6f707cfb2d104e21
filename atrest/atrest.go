// Package atrest encrypts column values at rest on the server, under a
// versioned set of AES-256-GCM keys (docs/PROTOCOL.md §5).
//
// The values it protects are already end-to-end ciphertext; this layer
// exists so that a copy of the database alone (a backup, a replica, a
// leaked dump) is useless without the server's secrets file, and so that a
// database writer cannot move values around unnoticed.
//
// # Format
//
// A stored value is the ASCII text
//
//	ar1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>
//
// where the key id is decimal without sign or leading zeros, the nonce is
// 12 random bytes, the tag is 16 bytes, and base64 is the standard padded
// alphabet. Text fits a TEXT column in both SQLite and PostgreSQL, and the
// key id can be read (and selected on, with LIKE 'ar1.7.%') without a key.
//
// # Additional data
//
// Every value is bound to its place with additional data, normally
// AAD(table, column, rowID). A value copied to another row or column, or
// swapped with another row's value, fails to decrypt with ErrDecrypt
// instead of silently yielding another user's data.
//
// # Keys and rotation
//
// A KeySet holds keys numbered from 1. The primary key encrypts; every key
// decrypts. To rotate, call Rotate (which adds a fresh key with the next id
// and makes it primary), persist the new set, and re-encrypt in the
// background every value for which IsCurrent reports false. Once no value
// uses an old key, that key can be dropped from the set.
//
// # Why AES-256-GCM from the standard library
//
// The project prefers the standard library to dependencies, and the whole
// format is about a hundred lines; a library such as tink-go would add its
// own key-set format and a large dependency for the same primitive.
// GCM with random 96-bit nonces is safe up to about 2^32 values per key;
// beyond that the chance of a nonce collision, which would reveal the XOR
// of two plaintexts and the authentication key, stops being negligible.
// Rotation bounds the use of each key: rotate well before a key has
// encrypted 2^32 values (re-encryptions included).
package atrest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// KeySize is the length of every key in a KeySet: 32 bytes, for AES-256.
const KeySize = 32

const (
	prefix    = "ar1."
	nonceSize = 12
	tagSize   = 16
	// minBody is the decoded length of a value with an empty plaintext.
	minBody = nonceSize + tagSize
	// maxPlaintext is GCM's limit for one message, 2^36-32 bytes; Seal
	// panics above it.
	maxPlaintext = (1<<32 - 2) * aes.BlockSize
)

var (
	// ErrMalformed: a stored value is not of the form ar1.<id>.<base64>.
	// Errors that wrap it say what is wrong.
	ErrMalformed = errors.New("atrest: malformed value")
	// ErrUnknownKey: a stored value names a key id that is not in the set.
	// Such errors are *UnknownKeyError.
	ErrUnknownKey = errors.New("atrest: unknown key id")
	// ErrDecrypt: the authentication tag did not verify.
	ErrDecrypt = errors.New("atrest: decryption failed (wrong key, row or column, or tampered value)")
	// ErrInvalidKeySet: NewKeySet or UnmarshalJSON was given an unusable
	// key set. Errors that wrap it say what is wrong.
	ErrInvalidKeySet = errors.New("atrest: invalid key set")
)

// UnknownKeyError reports a stored value whose key id is not in the set.
// It matches ErrUnknownKey with errors.Is.
type UnknownKeyError struct {
	ID uint32
}

func (e *UnknownKeyError) Error() string {
	return "atrest: unknown key id " + strconv.FormatUint(uint64(e.ID), 10)
}

// Is reports whether target is ErrUnknownKey.
func (e *UnknownKeyError) Is(target error) bool { return target == ErrUnknownKey }

func malformed(why string) error { return fmt.Errorf("%w: %s", ErrMalformed, why) }

func invalidSet(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidKeySet, fmt.Sprintf(format, args...))
}

// A KeySet is a set of AES-256 keys identified by uint32 ids >= 1, one of
// which is primary. It is immutable after construction and safe for
// concurrent use. The zero KeySet is empty: it decrypts nothing and cannot
// encrypt.
type KeySet struct {
	primary uint32
	ids     []uint32               // ascending
	raw     map[uint32][]byte      // for MarshalJSON and Rotate
	aeads   map[uint32]cipher.AEAD // built once: the standard library's GCM keeps no per-call state
}

// NewKeySet returns a KeySet holding keys, each of which must be KeySize
// bytes, under ids >= 1. primary must be one of the ids. The key bytes are
// copied. Errors wrap ErrInvalidKeySet.
func NewKeySet(primary uint32, keys map[uint32][]byte) (*KeySet, error) {
	if len(keys) == 0 {
		return nil, invalidSet("no keys")
	}
	ks := &KeySet{
		primary: primary,
		raw:     make(map[uint32][]byte, len(keys)),
		aeads:   make(map[uint32]cipher.AEAD, len(keys)),
	}
	for id, k := range keys {
		if id == 0 {
			return nil, invalidSet("key id 0 (ids start at 1)")
		}
		if len(k) != KeySize {
			return nil, invalidSet("key %d is %d bytes, want %d", id, len(k), KeySize)
		}
		k = bytes.Clone(k)
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, invalidSet("key %d: %v", id, err)
		}
		// NewGCMWithRandomNonce draws a fresh 12-byte nonce from the
		// system CSPRNG for each Seal and lays the result out as
		// nonce ‖ ciphertext ‖ tag: exactly the body of a stored value.
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, invalidSet("key %d: %v", id, err)
		}
		ks.raw[id] = k
		ks.aeads[id] = aead
	}
	if _, ok := keys[primary]; !ok {
		return nil, invalidSet("primary key id %d is not in the set", primary)
	}
	ks.ids = slices.Sorted(maps.Keys(ks.raw))
	return ks, nil
}

// GenerateKeySet returns a KeySet with one random key, id 1, as primary.
func GenerateKeySet() (*KeySet, error) {
	k, err := randomKey()
	if err != nil {
		return nil, err
	}
	return NewKeySet(1, map[uint32][]byte{1: k})
}

// Rotate returns a new KeySet with all of ks's keys plus a random key whose
// id is one more than the largest id in ks; the new key is primary. ks is
// not changed.
func (ks *KeySet) Rotate() (*KeySet, error) {
	if len(ks.ids) == 0 {
		return GenerateKeySet()
	}
	last := ks.ids[len(ks.ids)-1]
	if last == math.MaxUint32 {
		return nil, invalidSet("no key id left after %d", last)
	}
	k, err := randomKey()
	if err != nil {
		return nil, err
	}
	keys := maps.Clone(ks.raw)
	keys[last+1] = k
	return NewKeySet(last+1, keys)
}

func randomKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("atrest: generating key: %w", err)
	}
	return k, nil
}

// PrimaryID returns the id of the key that Encrypt uses, or 0 for an empty
// set.
func (ks *KeySet) PrimaryID() uint32 { return ks.primary }

// IDs returns the ids of all keys in the set, in ascending order.
func (ks *KeySet) IDs() []uint32 { return slices.Clone(ks.ids) }

// Encrypt encrypts plaintext under the primary key with a fresh random
// nonce, binding it to aad (normally from AAD), and returns the stored form
// ar1.<primary id>.<base64>.
func (ks *KeySet) Encrypt(plaintext, aad []byte) (string, error) {
	aead, ok := ks.aeads[ks.primary]
	if !ok {
		return "", errors.New("atrest: encrypt with an empty key set")
	}
	if uint64(len(plaintext)) > maxPlaintext {
		return "", errors.New("atrest: plaintext too large for AES-GCM")
	}
	body := aead.Seal(nil, nil, plaintext, aad)
	enc := base64.StdEncoding
	out := make([]byte, 0, len(prefix)+10+1+enc.EncodedLen(len(body)))
	out = append(out, prefix...)
	out = strconv.AppendUint(out, uint64(ks.primary), 10)
	out = append(out, '.')
	out = enc.AppendEncode(out, body)
	return string(out), nil
}

// Decrypt decrypts a value made by Encrypt with the same aad, under
// whichever key of the set it names. Errors, in the order they are checked:
// ErrMalformed (wrapped), *UnknownKeyError, ErrDecrypt.
func (ks *KeySet) Decrypt(value string, aad []byte) ([]byte, error) {
	id, body, err := parse(value)
	if err != nil {
		return nil, err
	}
	aead, ok := ks.aeads[id]
	if !ok {
		return nil, &UnknownKeyError{ID: id}
	}
	pt, err := aead.Open(nil, nil, body, aad)
	if err != nil {
		// The cipher's own error adds nothing and is kept out on purpose.
		return nil, ErrDecrypt
	}
	return pt, nil
}

// IsCurrent reports whether value is well formed and encrypted under the
// primary key, that is, whether a rotation can leave it alone. It does not
// decrypt, so it does not prove the value authentic.
func (ks *KeySet) IsCurrent(value string) bool {
	id, err := KeyID(value)
	return err == nil && len(ks.ids) > 0 && id == ks.primary
}

// KeyID returns the key id of a stored value without decrypting it. It
// returns an ErrMalformed error for every value that Decrypt would reject
// as malformed.
func KeyID(value string) (uint32, error) {
	id, _, err := parse(value)
	return id, err
}

// parse splits a stored value into its key id and decoded body.
func parse(value string) (uint32, []byte, error) {
	rest, ok := strings.CutPrefix(value, prefix)
	if !ok {
		return 0, nil, malformed("missing ar1. prefix")
	}
	idText, b64, ok := strings.Cut(rest, ".")
	if !ok {
		return 0, nil, malformed("missing '.' after the key id")
	}
	id, err := parseID(idText)
	if err != nil {
		return 0, nil, malformed(err.Error())
	}
	// StdEncoding skips '\r' and '\n' even in strict mode; a stored value
	// has exactly one spelling, so they are refused here.
	if strings.ContainsAny(b64, "\r\n") {
		return 0, nil, malformed("newline in base64")
	}
	body, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		// Not wrapped: base64.CorruptInputError is only an offset, but the
		// value's text has no business in an error.
		return 0, nil, malformed("invalid base64")
	}
	if len(body) < minBody {
		return 0, nil, malformed("shorter than nonce and tag")
	}
	return id, body, nil
}

// parseID parses a key id: decimal digits, no sign, no leading zeros,
// 1 to 2^32-1. The text is not quoted in errors.
func parseID(s string) (uint32, error) {
	switch {
	case s == "":
		return 0, errors.New("empty key id")
	case len(s) > 1 && s[0] == '0':
		return 0, errors.New("key id has a leading zero")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("key id is not a decimal number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, errors.New("key id out of range")
	}
	if n == 0 {
		return 0, errors.New("key id 0 (ids start at 1)")
	}
	return uint32(n), nil
}

// AAD returns additional data that binds a value to one cell: each of
// table, column and rowID, in that order, as its length in bytes (8 bytes,
// big-endian) followed by its bytes. The length prefixes make the encoding
// unambiguous: ("ab", "c") and ("a", "bc") differ.
func AAD(table, column, rowID string) []byte {
	b := make([]byte, 0, 24+len(table)+len(column)+len(rowID))
	for _, part := range [...]string{table, column, rowID} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// keySetJSON is the JSON form of a KeySet. Primary is a pointer so that a
// missing primary is told apart from 0.
type keySetJSON struct {
	Primary *uint32           `json:"primary"`
	Keys    map[string]string `json:"keys"`
}

// MarshalJSON encodes the set as
//
//	{"primary":2,"keys":{"1":"<base64>","2":"<base64>"}}
//
// with standard padded base64 keys. The output contains the secret keys.
func (ks *KeySet) MarshalJSON() ([]byte, error) {
	if len(ks.ids) == 0 {
		return nil, errors.New("atrest: marshal an empty key set")
	}
	keys := make(map[string]string, len(ks.raw))
	for id, k := range ks.raw {
		keys[strconv.FormatUint(uint64(id), 10)] = base64.StdEncoding.EncodeToString(k)
	}
	p := ks.primary
	return json.Marshal(keySetJSON{Primary: &p, Keys: keys})
}

// UnmarshalJSON decodes the form written by MarshalJSON, under the rules of
// NewKeySet. Unknown fields, ids with a sign or leading zeros, and
// non-canonical base64 are refused. Errors wrap ErrInvalidKeySet and never
// contain key material. On error ks is unchanged. Like any UnmarshalJSON,
// it must not be called on a KeySet that is in use.
func (ks *KeySet) UnmarshalJSON(data []byte) error {
	var v keySetJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		// json's errors name fields, types and offsets; a string's contents
		// appear in them at most as one character that broke the syntax.
		return invalidSet("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidSet("data after the key set")
	}
	if v.Primary == nil {
		return invalidSet("missing primary")
	}
	keys := make(map[uint32][]byte, len(v.Keys))
	for idText, b64 := range v.Keys {
		id, err := parseID(idText)
		if err != nil {
			return invalidSet("keys: %v", err)
		}
		if strings.ContainsAny(b64, "\r\n") {
			return invalidSet("key %d: newline in base64", id)
		}
		k, err := base64.StdEncoding.Strict().DecodeString(b64)
		if err != nil {
			return invalidSet("key %d: invalid base64", id)
		}
		keys[id] = k
	}
	nks, err := NewKeySet(*v.Primary, keys)
	if err != nil {
		return err
	}
	*ks = *nks
	return nil
}
