// Package identity is the kit's signed identity bundle and safety numbers
// (docs/PROTOCOL.md §10): what lets a client use another user's public keys
// without trusting the server that hands them out.
//
// A bundle lists one account's public keys — the X25519 key, the hybrid
// (ML-KEM) key, the identity signing key — with the account's user id and
// a version that grows by one on every key change. The account signs it
// with its identity key (a composite signature, crate tag 0x02 by default)
// under the context [Context]; the server stores and serves the signed
// bytes as they are. A client seals to a key only after [Open] accepted
// the bundle: the signature holds under the identity key the client has
// pinned for that user, the user id is the one it asked for, and the
// version is not below the one it saw last. Because the hybrid key is
// inside the signed bytes, a server that strips it breaks the signature.
//
// Signed bundle (all integers big-endian):
//
//	format         1 byte   0x01
//	user id        u8 length (1–64) ‖ bytes (printable ASCII)
//	x25519 key     u16 length (32) ‖ bytes
//	hybrid key     u16 length (0–8192) ‖ bytes (0: the account has none)
//	identity key   u16 length (1–8192) ‖ bytes (a composite public key)
//	version        u32 (≥ 1)
//	signature      the rest (1–8192 bytes): Sign(bundle above, Context)
//
// The package verifies through a [Verifier] (sealkit's composite
// signature verification) so that it holds no signature code of its own.
package identity

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/sealkit/sealkit"
)

// Format is the first byte of a bundle of this layout.
const Format = 0x01

// Context is the signing context of a bundle: a signature made for any
// other purpose of the same key never verifies as a bundle's.
const Context = "sealkit/v1/identity-bundle"

// Limits of the fields (bytes).
const (
	MaxUserID    = 64
	X25519Size   = 32
	MaxKey       = 8192
	MaxSignature = 8192
	// MaxSigned is the largest signed bundle Decode accepts.
	MaxSigned = 1 + 1 + MaxUserID + 3*(2+MaxKey) + 4 + MaxSignature
)

// Errors. Every failure of Open wraps exactly one of them.
var (
	// ErrMalformed: the bytes are not a bundle of this format.
	ErrMalformed = errors.New("identity: malformed bundle")
	// ErrSignature: the signature does not hold under the identity key.
	ErrSignature = errors.New("identity: the bundle's signature does not verify")
	// ErrUser: the bundle is another user's.
	ErrUser = errors.New("identity: the bundle is another user's")
	// ErrRollback: the bundle's version is below the one seen before.
	ErrRollback = errors.New("identity: the bundle is older than one seen before")
	// ErrKeyChanged: the identity key is not the pinned one.
	ErrKeyChanged = errors.New("identity: the identity key is not the pinned one")
)

// Bundle is one account's public keys.
type Bundle struct {
	UserID      string
	X25519      []byte // 32 bytes
	Hybrid      []byte // the hybrid (ML-KEM) public key; nil for none
	IdentityKey []byte // composite signing public key
	Version     uint32 // ≥ 1, +1 on every key change
}

// Verifier checks a composite signature over message under context; an
// error (a malformed key or signature) counts as a failed check.
// sealkit.Verify has this shape once decoded from base64.
type Verifier func(message []byte, context string, signature, publicKey []byte) (bool, error)

// Signer signs message under context with the identity key.
type Signer func(message []byte, context string) ([]byte, error)

func validUserID(id string) bool {
	if len(id) == 0 || len(id) > MaxUserID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

func (b *Bundle) check() error {
	switch {
	case !validUserID(b.UserID):
		return fmt.Errorf("%w: user id", ErrMalformed)
	case len(b.X25519) != X25519Size:
		return fmt.Errorf("%w: x25519 key of %d bytes", ErrMalformed, len(b.X25519))
	case len(b.Hybrid) > MaxKey:
		return fmt.Errorf("%w: hybrid key too long", ErrMalformed)
	case len(b.IdentityKey) == 0 || len(b.IdentityKey) > MaxKey:
		return fmt.Errorf("%w: identity key of %d bytes", ErrMalformed, len(b.IdentityKey))
	case b.Version == 0:
		return fmt.Errorf("%w: version 0", ErrMalformed)
	}
	return nil
}

// Encode returns the bundle's canonical bytes (what is signed).
func (b *Bundle) Encode() ([]byte, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, 1+1+len(b.UserID)+6+len(b.X25519)+len(b.Hybrid)+len(b.IdentityKey)+4)
	out = append(out, Format, byte(len(b.UserID)))
	out = append(out, b.UserID...)
	for _, k := range [][]byte{b.X25519, b.Hybrid, b.IdentityKey} {
		out = binary.BigEndian.AppendUint16(out, uint16(len(k)))
		out = append(out, k...)
	}
	return binary.BigEndian.AppendUint32(out, b.Version), nil
}

// Sign encodes the bundle and appends sign's signature over it (made
// under Context): the signed bundle the server stores.
func (b *Bundle) Sign(sign Signer) ([]byte, error) {
	msg, err := b.Encode()
	if err != nil {
		return nil, err
	}
	return signed(msg, Context, "sign", sign)
}

// signed returns msg followed by sign's signature of it under context,
// the layout of a signed bundle and of a signed statement; what names the
// step in the error.
func signed(msg []byte, context, what string, sign Signer) ([]byte, error) {
	sig, err := sign(msg, context)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: %w", what, err)
	}
	if len(sig) == 0 || len(sig) > MaxSignature {
		return nil, fmt.Errorf("identity: a signature of %d bytes", len(sig))
	}
	return append(msg, sig...), nil
}

// Decode parses a signed bundle without verifying it: the bundle, the
// signed bytes and the signature. Anything but a well-formed bundle of
// this format (trailing bytes are the signature) is ErrMalformed.
func Decode(signed []byte) (b *Bundle, message, signature []byte, err error) {
	bad := func(what string) (*Bundle, []byte, []byte, error) {
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrMalformed, what)
	}
	if len(signed) > MaxSigned {
		return bad("too long")
	}
	r := signed
	if len(r) < 2 || r[0] != Format {
		return bad("format byte")
	}
	n := int(r[1])
	r = r[2:]
	if n > len(r) {
		return bad("user id")
	}
	out := &Bundle{UserID: string(r[:n])}
	r = r[n:]
	keys := make([][]byte, 3)
	for i := range keys {
		if len(r) < 2 {
			return bad("key length")
		}
		n := int(binary.BigEndian.Uint16(r))
		r = r[2:]
		if n > len(r) {
			return bad("key")
		}
		if n > 0 {
			keys[i] = bytes.Clone(r[:n])
		}
		r = r[n:]
	}
	out.X25519, out.Hybrid, out.IdentityKey = keys[0], keys[1], keys[2]
	if len(r) < 4 {
		return bad("version")
	}
	out.Version = binary.BigEndian.Uint32(r)
	r = r[4:]
	if err := out.check(); err != nil {
		return nil, nil, nil, err
	}
	if len(r) == 0 || len(r) > MaxSignature {
		return bad("signature length")
	}
	body := len(signed) - len(r)
	return out, bytes.Clone(signed[:body]), bytes.Clone(r), nil
}

// Pin is what a client remembers of a contact: the fingerprint of the
// identity key it saw first (or accepted later) and the highest bundle
// version seen.
type Pin struct {
	Fingerprint []byte // Fingerprint(identity key)
	Version     uint32
}

// Fingerprint is what a pin keeps of an identity key: SHA-256 of its
// bytes (32 bytes; a contact list stays small however large the keys).
func Fingerprint(identityKey []byte) []byte {
	sum := sha256.Sum256(identityKey)
	return sum[:]
}

// Open verifies a signed bundle for userID and returns its keys only if
// every check holds: it decodes (ErrMalformed), it names userID
// (ErrUser), its signature verifies under its identity key
// (ErrSignature), and, when pin is non-nil, its version is not below
// pin.Version (ErrRollback) and its key is pin's (ErrKeyChanged). A nil pin
// accepts the key (trust on first use: the caller then pins it).
func Open(signed []byte, userID string, pin *Pin, verify Verifier) (*Bundle, error) {
	b, msg, sig, err := Decode(signed)
	if err != nil {
		return nil, err
	}
	if b.UserID != userID {
		return nil, ErrUser
	}
	ok, err := verify(msg, Context, sig, b.IdentityKey)
	if err != nil || !ok {
		return nil, ErrSignature
	}
	if pin != nil {
		// An older version is a rollback whatever its key: a key the
		// contact had before must never look like a new one to accept.
		if b.Version < pin.Version {
			return nil, ErrRollback
		}
		if !bytes.Equal(pin.Fingerprint, Fingerprint(b.IdentityKey)) {
			return nil, ErrKeyChanged
		}
	}
	return b, nil
}

// SafetyContext is the hash prefix of a safety number's halves.
const SafetyContext = "sealkit/v1/safety-number"

// half is one user's 30 digits: SHA-512 over SafetyContext ‖ u8 len(id)
// ‖ id ‖ u16 len(key) ‖ key; each of its first six 5-byte chunks, as a
// big-endian integer mod 100000, gives a group of 5 digits.
func half(userID string, identityKey []byte) string {
	h := sha512.New()
	h.Write([]byte(SafetyContext))
	h.Write([]byte{byte(len(userID))})
	h.Write([]byte(userID))
	h.Write(binary.BigEndian.AppendUint16(nil, uint16(len(identityKey))))
	h.Write(identityKey)
	sum := h.Sum(nil)
	var sb strings.Builder
	for i := range 6 {
		c := sum[i*5 : i*5+5]
		v := uint64(c[0])<<32 | uint64(c[1])<<24 | uint64(c[2])<<16 | uint64(c[3])<<8 | uint64(c[4])
		fmt.Fprintf(&sb, "%05d", v%100000)
	}
	return sb.String()
}

// SafetyNumber is the number two users compare aloud: 60 digits in 12
// groups of 5, separated by spaces. Each user contributes a half made of
// their user id and identity key; the half of the smaller user id (byte
// order) comes first, so both sides compute the same number. Each half is
// about 99.7 bits of SHA-512, so making another key with the same number is
// a second-preimage search of that size.
func SafetyNumber(userA string, keyA []byte, userB string, keyB []byte) (string, error) {
	if !validUserID(userA) || !validUserID(userB) || len(keyA) == 0 || len(keyB) == 0 || len(keyA) > MaxKey || len(keyB) > MaxKey {
		return "", fmt.Errorf("%w: safety number inputs", ErrMalformed)
	}
	a, b := half(userA, keyA), half(userB, keyB)
	if userB < userA {
		a, b = b, a
	}
	digits := a + b
	groups := make([]string, 12)
	for i := range groups {
		groups[i] = digits[i*5 : i*5+5]
	}
	return strings.Join(groups, " "), nil
}

// OpenComposite is Open with sealkit's composite signature verification
// (sealkit.Verify): what a Go client uses.
func OpenComposite(signed []byte, userID string, pin *Pin) (*Bundle, error) {
	return Open(signed, userID, pin, sealkit.Verify)
}
