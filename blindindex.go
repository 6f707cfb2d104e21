package sealkit

import (
	"crypto/hmac"
	"crypto/sha512"
	"strings"
)

// BlindIndex returns HMAC-SHA512(key, value), 64 bytes: a deterministic
// token a server can look values up by without storing them. The key is a
// server secret; anyone holding it can test guesses, so keep it apart from
// the data. Compare indexes with hmac.Equal.
func BlindIndex(key, value []byte) []byte {
	m := hmac.New(sha512.New, key)
	m.Write(value)
	return m.Sum(nil)
}

// BlindIndexEmail returns BlindIndex(key, lower(email)), the email lookup
// token of the zero-knowledge guide (HMAC-SHA512 over String.downcase).
//
// Lower-casing is Go's strings.ToLower: Unicode simple case mapping, no
// normalisation, no trimming. For ASCII addresses it equals Elixir's
// String.downcase byte for byte; for the few characters whose full case
// mapping differs (such as 'İ', or a final 'Σ') the two may not agree, so
// an application that indexes with both should normalise addresses first.
func BlindIndexEmail(key []byte, email string) []byte {
	return BlindIndex(key, []byte(strings.ToLower(email)))
}
