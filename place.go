package sealkit

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"unicode/utf8"

	"github.com/sealkit/sealkit/internal/errs"
)

// PlaceInfo is the prefix of PlaceKey's HKDF info string. It is part of
// the app protocol (docs/PROTOCOL.md, "Ciphertext bound to its place"):
// changing it makes every stored field unreadable.
const PlaceInfo = "sealkit/v1/place"

// MaxPlaceSize bounds a place, in bytes.
const MaxPlaceSize = 512

// ErrInvalidPlace is PlaceKey's error for a place that is empty, longer
// than MaxPlaceSize, not UTF-8 or holds a control character.
var ErrInvalidPlace = errors.New("invalid argument: place must be 1–512 bytes of UTF-8 without control characters")

// PlaceKey returns the key that encrypts one field of one resource: HKDF-
// SHA256 with IKM = the 32-byte resource key, no salt (RFC 5869: HashLen
// zero bytes), info = PlaceInfo ‖ 0x00 ‖ place, 32 bytes. place is a
// canonical UTF-8 string naming exactly where the blob lives, e.g.
// "habit/<id>/name" (docs/PROTOCOL.md lists the app's places). A blob
// sealed (EncryptSecretbox) under PlaceKey(k, p) opens only under
// PlaceKey(k, p): moved to another place it fails with the ordinary
// ErrDecryption, so a server that swaps or moves ciphertexts is caught,
// and the format and size stay those of a plain secretbox blob.
//
// The place is only a label, not a secret, and must be built by the
// reader from what it expects (the row it asked for), never from the
// server's answer alone. The key must be KeySize bytes (else an
// *InvalidLengthError); a bad place gives ErrInvalidPlace. The result is
// the caller's to wipe.
func PlaceKey(key []byte, place string) ([]byte, error) {
	p, err := NewPlaceKeys(key)
	if err != nil {
		return nil, err
	}
	defer p.Wipe()
	return p.Key(place)
}

// PlaceKeys derives the place keys of one resource key: PlaceKey's
// HKDF-Extract (its pseudorandom key depends on the resource key only) is
// done once, and each Key is one HKDF-Expand — half the work per field
// when one key opens many fields (a dashboard's names and descriptions).
// Wipe clears the pseudorandom key. Not safe for concurrent use.
type PlaceKeys struct{ prk []byte }

// NewPlaceKeys takes a 32-byte resource key (else an *InvalidLengthError).
func NewPlaceKeys(key []byte) (*PlaceKeys, error) {
	if len(key) != KeySize {
		return nil, errs.InvalidLength(KeySize, len(key))
	}
	prk, err := hkdf.Extract(sha256.New, key, nil)
	if err != nil {
		return nil, err
	}
	return &PlaceKeys{prk: prk}, nil
}

// Key is PlaceKey(key, place) for the key NewPlaceKeys took.
func (p *PlaceKeys) Key(place string) ([]byte, error) {
	if !ValidPlace(place) {
		return nil, ErrInvalidPlace
	}
	return hkdf.Expand(sha256.New, p.prk, PlaceInfo+"\x00"+place, KeySize)
}

// Wipe overwrites the pseudorandom key; p derives nothing after.
func (p *PlaceKeys) Wipe() {
	clear(p.prk)
	p.prk = nil
}

// ValidPlace reports whether place is one PlaceKey takes: 1 to
// MaxPlaceSize bytes of valid UTF-8 without C0 or C1 control characters
// or DEL. (The rule keeps places printable and unambiguous in logs and
// docs; the 0x00 separator is unambiguous anyway, the place being last.)
func ValidPlace(place string) bool {
	if place == "" || len(place) > MaxPlaceSize || !utf8.ValidString(place) {
		return false
	}
	for _, r := range place {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}
