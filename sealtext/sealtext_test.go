package sealtext_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

type vector map[string]any

func load(t *testing.T, name string) []vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "vectors", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []vector }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Vectors
}

func (v vector) s(k string) string { s, _ := v[k].(string); return s }

// The shared vectors give keys and ciphertexts in base64; this layer must
// open them as they are.
func TestVectorsThroughText(t *testing.T) {
	for _, v := range load(t, "secretbox") {
		if v.s("ciphertext_b64") == "" || v.s("key_b64") == "" {
			continue
		}
		got, err := sealtext.DecryptSecretboxToString(v.s("ciphertext_b64"), v.s("key_b64"))
		if err != nil || got != v.s("plaintext_utf8") {
			t.Errorf("%s: %q, %v", v.s("desc"), got, err)
		}
	}
	for _, v := range load(t, "secretbox") {
		if v.s("private_key_b64") == "" {
			continue
		}
		got, err := sealtext.DecryptPrivateKey(v.s("ciphertext_b64"), v.s("session_key_b64"))
		if err != nil || got != v.s("private_key_b64") {
			t.Errorf("DecryptPrivateKey: %q, %v", got, err)
		}
		got, err = sealtext.DecryptPrivateKeyWithRecovery(v.s("ciphertext_b64"), v.s("session_key_b64"))
		if err != nil || got != v.s("private_key_b64") {
			t.Errorf("DecryptPrivateKeyWithRecovery: %q, %v", got, err)
		}
	}
	for _, v := range load(t, "box_seal") {
		if v.s("ciphertext_b64") == "" {
			continue
		}
		got, err := sealtext.BoxSealOpen(v.s("ciphertext_b64"), v.s("recipient_public_key_b64"), v.s("recipient_private_key_b64"))
		if err != nil || got != v.s("plaintext_b64") {
			t.Errorf("%s: %q, %v", v.s("desc"), got, err)
		}
		got, err = sealtext.UnsealFromUser(v.s("ciphertext_b64"), v.s("recipient_public_key_b64"), v.s("recipient_private_key_b64"), "")
		if err != nil || got != v.s("plaintext_b64") {
			t.Errorf("UnsealFromUser %s: %q, %v", v.s("desc"), got, err)
		}
	}
	for _, v := range load(t, "hybrid") {
		if v.s("seed_b64") == "" {
			continue
		}
		pk, err := sealtext.HybridPublicKey(v.s("seed_b64"), sealkit.Cat3)
		if err != nil || pk != v.s("public_key_b64") {
			t.Errorf("HybridPublicKey: %v", err)
		}
		pt, err := sealtext.HybridOpen(v.s("ciphertext_b64"), v.s("seed_b64"))
		if err != nil || string(pt) != v.s("plaintext_utf8") {
			t.Errorf("HybridOpen: %q, %v", pt, err)
		}
		kp, _ := sealtext.GenerateKeyPair()
		got, err := sealtext.UnsealFromUser(v.s("ciphertext_b64"), kp.PublicKey, kp.PrivateKey, v.s("seed_b64"))
		if err != nil || got != sealkit.EncodeBase64([]byte(v.s("plaintext_utf8"))) {
			t.Errorf("UnsealFromUser: %q, %v", got, err)
		}
	}
	for _, v := range load(t, "recovery") {
		got, err := sealtext.RecoveryKeyToSecret(v.s("recovery_key"))
		if v.s("error") != "" {
			if !errors.Is(err, sealkit.ErrInvalidRecoveryKey) {
				t.Errorf("%s: %v", v.s("desc"), err)
			}
			continue
		}
		if err != nil || got != v.s("recovery_secret_b64") {
			t.Errorf("%s: %q, %v", v.s("desc"), got, err)
		}
	}
	v := load(t, "kdf")[0]
	key, err := sealtext.DeriveSessionKey(v.s("password_utf8"), v.s("salt_b64"))
	if err != nil || key != v.s("session_key_b64") {
		t.Errorf("DeriveSessionKey: %q, %v", key, err)
	}
}

func TestRoundTrips(t *testing.T) {
	key := sealtext.GenerateKey()
	ct, err := sealtext.EncryptSecretboxString("héllo", key)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := sealtext.DecryptSecretboxToString(ct, key); err != nil || got != "héllo" {
		t.Fatalf("%q, %v", got, err)
	}
	kp, _ := sealtext.GenerateKeyPair()
	for _, level := range []sealkit.Level{sealkit.Cat1, sealkit.Cat3, sealkit.Cat5} {
		hk, err := sealtext.GenerateHybridKeyPair(level)
		if err != nil {
			t.Fatal(err)
		}
		ct, err := sealtext.SealForUserWithLevel([]byte("k"), kp.PublicKey, hk.PublicKey, level)
		if err != nil {
			t.Fatal(err)
		}
		if !sealtext.IsHybridCiphertext(ct) {
			t.Fatalf("%v: not hybrid", level)
		}
		got, err := sealtext.UnsealFromUser(ct, kp.PublicKey, kp.PrivateKey, hk.SecretKey)
		if err != nil || got != "aw==" {
			t.Fatalf("%v: %q, %v", level, got, err)
		}
	}
	ct, _ = sealtext.SealForUser([]byte("k"), kp.PublicKey, "")
	if got, err := sealtext.UnsealFromUser(ct, kp.PublicKey, kp.PrivateKey, ""); err != nil || got != "aw==" {
		t.Fatalf("classic: %q, %v", got, err)
	}
	wrapped, _ := sealtext.EncryptPrivateKey(kp.PrivateKey, key)
	if got, err := sealtext.DecryptPrivateKey(wrapped, key); err != nil || got != kp.PrivateKey {
		t.Fatalf("private key: %q, %v", got, err)
	}
	rk, _ := sealtext.GenerateRecoveryKey()
	if got, err := sealtext.RecoveryKeyToSecret(rk.RecoveryKey); err != nil || got != rk.RecoverySecretB64 {
		t.Fatalf("recovery: %v", err)
	}
	salt := sealtext.GenerateSalt()
	if got, err := sealtext.ParseSaltFromKeyHash(salt + "$argon2id"); err != nil || got != salt {
		t.Fatalf("key hash: %v", err)
	}
	if idx, err := sealtext.BlindIndex(key, []byte("a@b.c")); err != nil || len(idx) != 88 {
		t.Fatalf("blind index: %q, %v", idx, err)
	}
}

// Every base64 argument is decoded before any length is checked, and the
// errors carry the crate's text.
func TestErrorOrder(t *testing.T) {
	key := sealtext.GenerateKey()
	short := sealkit.EncodeBase64(make([]byte, 16))
	kp, _ := sealtext.GenerateKeyPair()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"secretbox: bad ciphertext base64 before bad key", second(sealtext.DecryptSecretbox("a", "%%%%")),
			"base64 decode: Invalid input length: 1"},
		{"secretbox: bad key base64 before short blob", second(sealtext.DecryptSecretbox("AAAA", "AAA=\n")),
			"base64 decode: Invalid symbol 10, offset 4."},
		{"secretbox: key length before blob length", second(sealtext.DecryptSecretbox("AAAA", short)),
			"invalid length: expected 32 bytes, got 16"},
		{"secretbox: short blob", second(sealtext.DecryptSecretbox("AAAA", key)),
			"ciphertext too short to be valid"},
		{"encrypt: key length", second(sealtext.EncryptSecretbox(nil, short)),
			"invalid length: expected 32 bytes, got 16"},
		{"box open: private key base64 before lengths", second(sealtext.BoxSealOpen("AAAA", short, "-_-_")),
			"base64 decode: Invalid symbol 45, offset 0."},
		{"box open: public key length", second(sealtext.BoxSealOpen("AAAA", short, kp.PrivateKey)),
			"invalid length: expected 32 bytes, got 16"},
		{"box open: short blob", second(sealtext.BoxSealOpen("AAAA", kp.PublicKey, kp.PrivateKey)),
			"ciphertext too short to be valid"},
		{"hybrid open: tag before seed base64", second(sealtext.HybridOpen(sealkit.EncodeBase64([]byte{9, 9, 9}), "not base64")),
			"hybrid KEM: not a hybrid ciphertext (bad version tag)"},
		{"hybrid open: empty", second(sealtext.HybridOpen("", key)),
			"hybrid KEM: not a hybrid ciphertext (bad version tag)"},
		{"hybrid open: seed length before blob length", second(sealtext.HybridOpen("AgAA", short)),
			"invalid length: expected 32 bytes, got 16"},
		{"hybrid open: short blob", second(sealtext.HybridOpen("AgAA", key)),
			"ciphertext too short to be valid"},
		{"hybrid seal: Cat-3 size", second(sealtext.HybridSeal(nil, short)),
			"invalid length: expected 1216 bytes, got 16"},
		{"hybrid seal: Cat-5 size", second(sealtext.HybridSealWithLevel(nil, short, sealkit.Cat5)),
			"invalid length: expected 1600 bytes, got 16"},
		{"kdf: salt length", second(sealtext.DeriveSessionKey("pw", "AAAAAAAAAAA=")),
			"invalid length: expected 16 bytes, got 8"},
		{"recovery key", second(sealtext.RecoveryKeyToSecret("AAAA")),
			"invalid recovery key character"},
	}
	for _, c := range cases {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.name, c.err, c.want)
		}
	}

	// Plaintext that is not UTF-8 fails the string decrypt with Rust's text.
	ct, _ := sealtext.EncryptSecretbox([]byte("ab\xff"), key)
	_, err := sealtext.DecryptSecretboxToString(ct, key)
	if !errors.Is(err, sealkit.ErrUTF8) || err.Error() != "UTF-8: invalid utf-8 sequence of 1 bytes from index 2" {
		t.Errorf("UTF-8: %v", err)
	}
	if sealtext.IsHybridCiphertext("not base64") || sealtext.IsHybridCiphertext(strings.Repeat("A", 2000)) {
		t.Error("IsHybridCiphertext accepted junk")
	}
}

func second[T any](_ T, err error) error { return err }

// The signature vectors in base64, and the crate's check order: verify
// decodes the signature, then the public key, before any tag is read.
func TestSignaturesThroughText(t *testing.T) {
	n := 0
	for _, v := range load(t, "sign") {
		if v.s("signature_b64") == "" {
			continue
		}
		if tag := v.s("tag"); (tag == "0x13" || tag == "0x14") && runtime.GOOS == "js" {
			continue // not in the browser build
		}
		n++
		ok, err := sealtext.Verify([]byte(v.s("message_utf8")), v.s("context"), v.s("signature_b64"), v.s("public_key_b64"))
		if err != nil || !ok {
			t.Errorf("%s: Verify = %v, %v", v.s("desc"), ok, err)
		}
		pk, err := sealtext.DeriveSigningPublicKey(v.s("secret_key_b64"))
		if err != nil || pk != v.s("public_key_b64") {
			t.Errorf("%s: DeriveSigningPublicKey: %v", v.s("desc"), err)
		}
		s, l, err := sealtext.SignaturePostureFromSignature(v.s("signature_b64"))
		if err != nil || s.String()+"/"+l.String() == "" {
			t.Errorf("%s: posture: %v", v.s("desc"), err)
		}
	}
	if n == 0 {
		t.Fatal("no signature vectors ran")
	}
	kp, err := sealtext.GenerateSigningKeyPair(sealkit.SignCat2)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sealtext.Sign([]byte("m"), "", kp.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sig, pk, want string
	}{
		{"bad!", "also bad", "base64 decode: Invalid symbol 33, offset 3."},
		{sig, "also bad", "base64 decode: Invalid symbol 32, offset 4."},
		{"CQ==", kp.PublicKey, "signature: unknown or missing signature version tag"},
	} {
		if ok, err := sealtext.Verify([]byte("m"), "", c.sig, c.pk); ok || err == nil || err.Error() != c.want {
			t.Errorf("Verify(%.8q…, %.8q…) = %v, %v; want %q", c.sig, c.pk, ok, err, c.want)
		}
	}
	if _, err := sealtext.Sign([]byte("m"), "", "AgA="); err == nil || err.Error() != "invalid length: expected 65 bytes, got 2" {
		t.Errorf("Sign with a 2-byte key: %v", err)
	}
}
