package identity

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
)

// A real signature scheme for the format tests: stdlib Ed25519 (the
// composite scheme's classical half). signer_test.go checks the same
// bundles under sealkit's composite signatures.
func edPair(t testing.TB, seed byte) (Signer, Verifier, []byte) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	pub := priv.Public().(ed25519.PublicKey)
	sign := func(msg []byte, ctx string) ([]byte, error) {
		return ed25519.Sign(priv, append([]byte(ctx+"\x00"), msg...)), nil
	}
	verify := func(msg []byte, ctx string, sig, pk []byte) (bool, error) {
		if len(pk) != ed25519.PublicKeySize {
			return false, errors.New("bad key")
		}
		return ed25519.Verify(pk, append([]byte(ctx+"\x00"), msg...), sig), nil
	}
	return sign, verify, pub
}

func sample(idKey []byte) *Bundle {
	return &Bundle{
		UserID:      "0123456789abcdef0123456789abcdef",
		X25519:      bytes.Repeat([]byte{7}, 32),
		Hybrid:      bytes.Repeat([]byte{9}, 1217),
		IdentityKey: idKey,
		Version:     3,
	}
}

func TestRoundTrip(t *testing.T) {
	sign, verify, pub := edPair(t, 1)
	b := sample(pub)
	signed, err := b.Sign(sign)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(signed, b.UserID, nil, verify)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != b.UserID || !bytes.Equal(got.X25519, b.X25519) || !bytes.Equal(got.Hybrid, b.Hybrid) ||
		!bytes.Equal(got.IdentityKey, b.IdentityKey) || got.Version != 3 {
		t.Fatalf("round trip changed the bundle: %+v", got)
	}
	if _, err := Open(signed, b.UserID, &Pin{Fingerprint: Fingerprint(pub), Version: 3}, verify); err != nil {
		t.Fatalf("same pin, same version: %v", err)
	}
	// Without a hybrid key.
	b.Hybrid = nil
	signed, _ = b.Sign(sign)
	got, err = Open(signed, b.UserID, nil, verify)
	if err != nil || got.Hybrid != nil {
		t.Fatalf("no hybrid key: %v %v", got, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	sign, verify, pub := edPair(t, 1)
	otherSign, _, otherPub := edPair(t, 2)
	b := sample(pub)
	signed, _ := b.Sign(sign)
	msg, _ := b.Encode()

	flip := func(i int) []byte { s := bytes.Clone(signed); s[i] ^= 1; return s }
	// The hybrid key stripped: the length byte says 0 and the key bytes go.
	stripped := sample(pub)
	stripped.Hybrid = nil
	strippedMsg, _ := stripped.Encode()
	sig := signed[len(msg):]
	// A whole bundle signed by another identity key, with that key inside.
	forged := sample(otherPub)
	forged.X25519 = bytes.Repeat([]byte{8}, 32)
	forgedSigned, _ := forged.Sign(otherSign)
	old := sample(pub)
	old.Version = 2
	oldSigned, _ := old.Sign(sign)

	cases := []struct {
		name   string
		signed []byte
		user   string
		pin    *Pin
		want   error
	}{
		{"x25519 key replaced", flip(1 + 1 + 32 + 2), b.UserID, nil, ErrSignature},
		{"hybrid key replaced", flip(1 + 1 + 32 + 2 + 32 + 2 + 5), b.UserID, nil, ErrSignature},
		{"version raised", flip(len(msg) - 1), b.UserID, nil, ErrSignature},
		{"signature flipped", flip(len(signed) - 1), b.UserID, nil, ErrSignature},
		{"hybrid key stripped", append(strippedMsg, sig...), b.UserID, nil, ErrSignature},
		{"other user", signed, "ffffffffffffffffffffffffffffffff", nil, ErrUser},
		{"another identity key", forgedSigned, b.UserID, &Pin{Fingerprint: Fingerprint(pub), Version: 3}, ErrKeyChanged},
		{"old version", oldSigned, b.UserID, &Pin{Fingerprint: Fingerprint(pub), Version: 3}, ErrRollback},
		{"no signature", msg, b.UserID, nil, ErrMalformed},
		{"format byte", flip(0), b.UserID, nil, ErrMalformed},
		{"empty", nil, b.UserID, nil, ErrMalformed},
	}
	for _, c := range cases {
		got, err := Open(c.signed, c.user, c.pin, verify)
		if got != nil || !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	// With no pin, the forged bundle verifies (its own key signed it):
	// that is why the first key seen is pinned.
	if _, err := Open(forgedSigned, b.UserID, nil, verify); err != nil {
		t.Fatalf("forged bundle, no pin: %v", err)
	}
}

func TestEncodeRefuses(t *testing.T) {
	_, _, pub := edPair(t, 1)
	for name, mut := range map[string]func(*Bundle){
		"empty user":     func(b *Bundle) { b.UserID = "" },
		"long user":      func(b *Bundle) { b.UserID = strings.Repeat("a", 65) },
		"space in user":  func(b *Bundle) { b.UserID = "a b" },
		"short x25519":   func(b *Bundle) { b.X25519 = b.X25519[:31] },
		"no identity":    func(b *Bundle) { b.IdentityKey = nil },
		"version 0":      func(b *Bundle) { b.Version = 0 },
		"hybrid too big": func(b *Bundle) { b.Hybrid = make([]byte, MaxKey+1) },
	} {
		b := sample(pub)
		mut(b)
		if _, err := b.Encode(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSafetyNumber(t *testing.T) {
	a, b := "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	ka, kb := bytes.Repeat([]byte{1}, 1985), bytes.Repeat([]byte{2}, 1985)
	n1, err := SafetyNumber(a, ka, b, kb)
	if err != nil {
		t.Fatal(err)
	}
	n2, _ := SafetyNumber(b, kb, a, ka)
	if n1 != n2 {
		t.Fatalf("not symmetric: %s / %s", n1, n2)
	}
	groups := strings.Split(n1, " ")
	if len(groups) != 12 {
		t.Fatalf("%d groups", len(groups))
	}
	for _, g := range groups {
		if len(g) != 5 || strings.Trim(g, "0123456789") != "" {
			t.Fatalf("group %q", g)
		}
	}
	kc := bytes.Clone(kb)
	kc[1984] ^= 1
	n3, _ := SafetyNumber(a, ka, b, kc)
	if n3 == n1 || n3[:35] != n1[:35] {
		t.Fatalf("a changed key must change its own half only: %s / %s", n1, n3)
	}
	if _, err := SafetyNumber("", ka, b, kb); err == nil {
		t.Fatal("empty user id accepted")
	}
}

func FuzzDecode(f *testing.F) {
	sign, _, pub := edPair(f, 1)
	signed, _ := sample(pub).Sign(sign)
	f.Add(signed)
	f.Add([]byte{Format})
	f.Add([]byte{Format, 1, 'a', 0, 32})
	f.Fuzz(func(t *testing.T, in []byte) {
		b, msg, sig, err := Decode(in)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || b != nil {
				t.Fatalf("error %v with %v", err, b)
			}
			return
		}
		// Whatever decodes re-encodes to the same bytes: one encoding per bundle.
		again, err := b.Encode()
		if err != nil || !bytes.Equal(again, msg) || !bytes.Equal(append(bytes.Clone(msg), sig...), in) {
			t.Fatalf("not canonical: %x", in)
		}
	})
}
