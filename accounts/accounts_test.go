package accounts_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
)

// The expected values were computed independently (Python's hmac and
// hashlib, HKDF by hand per RFC 5869), so the derivation is pinned, not
// just self-consistent.
const (
	wantVerifierKey = "f5f6d983a789d461c2ed18ca896aaa3ad005838bb845e921a8d356214a3b4ef4"
	wantVerifier    = "v2$65f98b050d06f30e26011534e014349b757edd7e5b63032adece40913c625960"
	wantFakeKeyHash = "kE+X93sGD/hihadGHN34Xw==$argon2id"
)

func testKeys() accounts.Keys {
	secret := make([]byte, 64)
	for i := range secret {
		secret[i] = byte(i)
	}
	return accounts.Keys{FakeSalt: bytes.Repeat([]byte{1}, 32), Verifier: accounts.DeriveVerifierKey(secret)}
}

func TestVectors(t *testing.T) {
	k := testKeys()
	if got := hex.EncodeToString(k.Verifier); got != wantVerifierKey {
		t.Errorf("DeriveVerifierKey = %s, want %s", got, wantVerifierKey)
	}
	salt := hex.EncodeToString([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	if !k.CheckVerifier(salt, wantVerifier, bytes.Repeat([]byte{7}, 32)) {
		t.Error("the pinned verifier does not check")
	}
	if got := k.FakeKeyHash("alice@example.test"); got != wantFakeKeyHash {
		t.Errorf("FakeKeyHash = %s, want %s", got, wantFakeKeyHash)
	}
}

// TestVerifier: what is stored checks only the right auth key, cannot be
// checked without the verifier key, and legacy rows keep working and
// upgrade to exactly what a new verifier would be.
func TestVerifier(t *testing.T) {
	k := testKeys()
	authKey := sealkit.GenerateKey()
	salt, v := k.NewVerifier(authKey)
	if !strings.HasPrefix(v, accounts.VerifierPrefix) || len(salt) != 32 {
		t.Fatalf("verifier %q, salt %q", v, salt)
	}
	if !k.CheckVerifier(salt, v, authKey) {
		t.Fatal("the right key does not check")
	}
	if k.CheckVerifier(salt, v, sealkit.GenerateKey()) || k.CheckVerifier("zz", v, authKey) {
		t.Fatal("a wrong key, or a bad salt, checks")
	}
	other := k
	other.Verifier = bytes.Repeat([]byte{2}, 32)
	if other.CheckVerifier(salt, v, authKey) {
		t.Fatal("the verifier checks under another verifier key: the database alone would allow guessing")
	}
	rawSalt, _ := hex.DecodeString(salt)
	m := hmac.New(sha256.New, rawSalt)
	m.Write(authKey)
	legacy := hex.EncodeToString(m.Sum(nil))
	if strings.Contains(v, legacy) {
		t.Fatal("the verifier holds the unpeppered hash")
	}
	if !k.CheckVerifier(salt, legacy, authKey) || k.CheckVerifier(salt, legacy, sealkit.GenerateKey()) {
		t.Fatal("a legacy verifier does not check exactly the right key")
	}
	up, err := k.UpgradeVerifier(legacy)
	if err != nil || up != v {
		t.Fatalf("UpgradeVerifier = %q, %v; want %q", up, err, v)
	}
	if _, err := k.UpgradeVerifier(v); err == nil {
		t.Fatal("a peppered verifier upgraded again")
	}
	k.DummyCheck(authKey) // same work, no answer
}

// TestFakeKeyHash: stable per address, different across addresses and
// keys, and in the real shape.
func TestFakeKeyHash(t *testing.T) {
	k := testKeys()
	a, b := k.FakeKeyHash("a@example.test"), k.FakeKeyHash("b@example.test")
	if a != k.FakeKeyHash("a@example.test") || a == b {
		t.Fatal("fake key_hashes are not stable per address")
	}
	other := k
	other.FakeSalt = bytes.Repeat([]byte{3}, 32)
	if other.FakeKeyHash("a@example.test") == a {
		t.Fatal("the fake key_hash does not depend on the key")
	}
	salt, err := sealkit.ParseSaltFromKeyHash(a)
	if err != nil || len(a) != len(sealkit.FormatKeyHash(sealkit.GenerateSalt())) || salt == "" {
		t.Fatalf("fake key_hash %q is not of the real shape: %v", a, err)
	}
}

func TestTokensAndPad(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := accounts.NewToken()
		if !accounts.ValidToken(tok) || seen[tok] {
			t.Fatalf("token %q invalid or repeated", tok)
		}
		seen[tok] = true
		if h := accounts.TokenHash(tok); len(h) != 64 || strings.Contains(h, tok) {
			t.Fatalf("hash %q", h)
		}
	}
	for _, bad := range []string{"", "x", strings.Repeat("A", 42), strings.Repeat("+", 43), strings.Repeat("A", 44)} {
		if accounts.ValidToken(bad) {
			t.Errorf("%q taken for a token", bad)
		}
	}
	start := time.Now()
	accounts.Pad(context.Background(), start, 30*time.Millisecond)
	if time.Since(start) < 30*time.Millisecond {
		t.Error("Pad returned before its floor")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	accounts.Pad(ctx, start, time.Hour) // an ended request does not wait
}
