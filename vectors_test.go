package sealkit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// vector is one entry of testdata/vectors/*.json (copied from the shared
// wire-format vectors). Fields are looked up by name; binary values end in
// _hex, _b64 or _utf8.
type vector map[string]any

func loadVectors(t testing.TB, name string) []vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vectors", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) == 0 {
		t.Fatalf("%s: no vectors", name)
	}
	return file.Vectors
}

func (v vector) has(k string) bool { _, ok := v[k]; return ok }

func (v vector) str(t *testing.T, k string) string {
	t.Helper()
	s, ok := v[k].(string)
	if !ok {
		t.Fatalf("vector %q: field %q missing or not a string", v["desc"], k)
	}
	return s
}

func (v vector) num(t *testing.T, k string) int {
	t.Helper()
	f, ok := v[k].(float64)
	if !ok {
		t.Fatalf("vector %q: field %q missing or not a number", v["desc"], k)
	}
	return int(f)
}

func (v vector) hex(t *testing.T, k string) []byte {
	t.Helper()
	b, err := hex.DecodeString(v.str(t, k))
	if err != nil {
		t.Fatalf("vector %q: %s: %v", v["desc"], k, err)
	}
	return b
}

func (v vector) b64(t *testing.T, k string) []byte {
	t.Helper()
	b, err := DecodeBase64(v.str(t, k))
	if err != nil {
		t.Fatalf("vector %q: %s: %v", v["desc"], k, err)
	}
	return b
}

// plaintext returns the vector's plaintext from whichever field holds it.
func (v vector) plaintext(t *testing.T) []byte {
	t.Helper()
	switch {
	case v.has("plaintext_hex"):
		return v.hex(t, "plaintext_hex")
	case v.has("plaintext_b64"):
		return v.b64(t, "plaintext_b64")
	default:
		return []byte(v.str(t, "plaintext_utf8"))
	}
}

// replay returns a reader that yields the concatenation of parts, then
// fails, so a test notices if an operation draws more randomness than the
// vector gives.
func replay(parts ...[]byte) *bytes.Reader { return bytes.NewReader(bytes.Join(parts, nil)) }

func TestVectorsEncoding(t *testing.T) {
	for _, v := range loadVectors(t, "encoding") {
		want := []byte(v.str(t, "bytes_utf8"))
		s := v.str(t, "b64")
		if got := EncodeBase64(want); got != s {
			t.Errorf("%s: encode = %q, want %q", v["desc"], got, s)
		}
		got, err := DecodeBase64(s)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: decode = %q, %v", v["desc"], got, err)
		}
	}
}

func TestVectorsSecretbox(t *testing.T) {
	for _, v := range loadVectors(t, "secretbox") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			switch {
			case v.has("error"):
				switch v.str(t, "error") {
				case "InvalidLength":
					key := v.b64(t, "key_b64")
					_, err := EncryptSecretbox([]byte("x"), key)
					var le *InvalidLengthError
					if !errors.As(err, &le) || le.Expected != 32 || le.Got != len(key) {
						t.Fatalf("encrypt with %d-byte key: %v", len(key), err)
					}
					if _, err := DecryptSecretbox(make([]byte, 64), key); !errors.Is(err, ErrInvalidLength) {
						t.Fatalf("decrypt with %d-byte key: %v", len(key), err)
					}
				case "TooShort / Base64":
					key := bytes.Repeat([]byte{1}, 32)
					for n := 0; n < 40; n++ {
						if _, err := DecryptSecretbox(make([]byte, n), key); !errors.Is(err, ErrTooShort) {
							t.Fatalf("%d-byte blob: %v", n, err)
						}
					}
					if _, err := DecodeBase64("invalid"); !errors.Is(err, ErrBase64) {
						t.Fatalf("DecodeBase64(invalid) = %v", err)
					}
				default:
					t.Fatalf("unknown error %q", v["error"])
				}
			case v.has("ciphertext_len"):
				ct, err := EncryptSecretbox(v.plaintext(t), v.b64(t, "key_b64"))
				if err != nil || len(ct) != v.num(t, "ciphertext_len") {
					t.Fatalf("len = %d, %v; want %d", len(ct), err, v.num(t, "ciphertext_len"))
				}
			case v.has("private_key_b64"):
				priv, sk := v.b64(t, "private_key_b64"), v.b64(t, "session_key_b64")
				ct, err := wrapKey(replay(v.hex(t, "nonce_hex")), priv, sk)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := EncodeBase64(ct), v.str(t, "ciphertext_b64"); got != want {
					t.Fatalf("EncryptPrivateKey = %s, want %s", got, want)
				}
				for name, open := range map[string]func([]byte, []byte) ([]byte, error){
					"DecryptPrivateKey": DecryptPrivateKey, "DecryptPrivateKeyWithRecovery": DecryptPrivateKeyWithRecovery,
				} {
					got, err := open(ct, sk)
					if err != nil || !bytes.Equal(got, priv) {
						t.Fatalf("%s = %x, %v", name, got, err)
					}
				}
				pt, err := DecryptSecretbox(ct, sk)
				if err != nil || string(pt) != v.str(t, "plaintext_utf8") {
					t.Fatalf("inner plaintext = %q, %v", pt, err)
				}
			default:
				key, want := v.b64(t, "key_b64"), v.str(t, "ciphertext_b64")
				ct, err := encryptSecretbox(replay(v.hex(t, "nonce_hex")), v.plaintext(t), key)
				if err != nil {
					t.Fatal(err)
				}
				if got := EncodeBase64(ct); got != want {
					t.Fatalf("seal = %s, want %s", got, want)
				}
				pt, err := DecryptSecretbox(ct, key)
				if err != nil || !bytes.Equal(pt, v.plaintext(t)) {
					t.Fatalf("open = %q, %v", pt, err)
				}
			}
		})
	}
}

func TestVectorsBoxSeal(t *testing.T) {
	for _, v := range loadVectors(t, "box_seal") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			pt := v.plaintext(t)
			if v.has("ciphertext_len") {
				pub, _, err := GenerateKeyPair()
				if err != nil {
					t.Fatal(err)
				}
				ct, err := BoxSeal(pt, pub)
				if err != nil || len(ct) != v.num(t, "ciphertext_len") {
					t.Fatalf("len = %d, %v", len(ct), err)
				}
				return
			}
			priv, pub := v.b64(t, "recipient_private_key_b64"), v.b64(t, "recipient_public_key_b64")
			if got, err := PublicKeyFromPrivate(priv); err != nil || !bytes.Equal(got, pub) {
				t.Fatalf("public key = %x, %v", got, err)
			}
			esk := v.hex(t, "ephemeral_secret_hex")
			if got, _ := PublicKeyFromPrivate(esk); !bytes.Equal(got, v.hex(t, "ephemeral_public_hex")) {
				t.Fatalf("ephemeral public key = %x", got)
			}
			if got := sealNonceForTest(v.hex(t, "ephemeral_public_hex"), pub); !bytes.Equal(got, v.hex(t, "nonce_blake2b24_hex")) {
				t.Fatalf("nonce = %x", got)
			}
			ct, err := boxSealFrom(replay(esk), pt, pub)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := EncodeBase64(ct), v.str(t, "ciphertext_b64"); got != want {
				t.Fatalf("seal = %s, want %s", got, want)
			}
			got, err := BoxSealOpen(ct, pub, priv)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("open = %q, %v", got, err)
			}
			// The same blob through the unified unseal, with and without a
			// PQ seed: box-sealed data never looks hybrid.
			for _, seed := range [][]byte{nil, make([]byte, 32)} {
				got, err := UnsealFromUser(ct, pub, priv, seed)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("UnsealFromUser = %q, %v", got, err)
				}
			}
		})
	}
}

func TestVectorsKDF(t *testing.T) {
	for _, v := range loadVectors(t, "kdf") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			switch {
			case v.has("error") && v.str(t, "error") == "InvalidKeyHash":
				if _, err := ParseSaltFromKeyHash(v.str(t, "key_hash")); !errors.Is(err, ErrInvalidKeyHash) || err.Error() != "invalid key_hash format (expected `salt$argon2id`)" {
					t.Fatalf("err = %v", err)
				}
			case v.has("error") && v.str(t, "error") == "InvalidLength":
				salt := v.b64(t, "salt_b64")
				_, err := DeriveSessionKey(v.str(t, "password_utf8"), salt)
				var le *InvalidLengthError
				if !errors.As(err, &le) || le.Expected != 16 || le.Got != len(salt) {
					t.Fatalf("err = %v", err)
				}
				if err.Error() != "invalid length: expected 16 bytes, got 8" {
					t.Fatalf("text = %q", err)
				}
			case v.has("session_key_b64"):
				salt := v.b64(t, "salt_b64")
				if got := FormatKeyHash(salt); got != v.str(t, "key_hash") {
					t.Fatalf("FormatKeyHash = %q", got)
				}
				key, err := DeriveSessionKey(v.str(t, "password_utf8"), salt)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := EncodeBase64(key), v.str(t, "session_key_b64"); got != want {
					t.Fatalf("session key = %s, want %s", got, want)
				}
			default:
				got, err := ParseSaltFromKeyHash(v.str(t, "key_hash"))
				if err != nil || got != v.str(t, "salt_b64") {
					t.Fatalf("ParseSaltFromKeyHash = %q, %v", got, err)
				}
			}
		})
	}
}

func TestVectorsRecovery(t *testing.T) {
	for _, v := range loadVectors(t, "recovery") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			key := v.str(t, "recovery_key")
			if v.has("error") {
				if _, err := RecoveryKeyToSecret(key); !errors.Is(err, ErrInvalidRecoveryKey) || err.Error() != "invalid recovery key character" {
					t.Fatalf("err = %v", err)
				}
				return
			}
			secret, err := RecoveryKeyToSecret(key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(secret, v.hex(t, "secret_hex")) || EncodeBase64(secret) != v.str(t, "recovery_secret_b64") {
				t.Fatalf("secret = %x", secret)
			}
			want := key
			if v.has("reencoded") {
				want = v.str(t, "reencoded")
			}
			if got := encodeRecoveryKeyForTest(secret); got != want {
				t.Fatalf("encode = %s, want %s", got, want)
			}
		})
	}
}

func TestVectorsHybrid(t *testing.T) {
	for _, v := range loadVectors(t, "hybrid") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			switch {
			case v.has("seed_b64"):
				testHybridVector(t, v)
			case v.has("cat1_ct_len"):
				pt := make([]byte, 32)
				for _, c := range []struct {
					level  Level
					pk, ct string
				}{{Cat1, "cat1_pk_len", "cat1_ct_len"}, {Cat3, "cat3_pk_len", "cat3_ct_len"}, {Cat5, "cat5_pk_len", "cat5_ct_len"}} {
					pk, seed, err := GenerateHybridKeyPair(c.level)
					if err != nil {
						t.Fatal(err)
					}
					if len(pk) != v.num(t, c.pk) || len(seed) != v.num(t, "sk_len") || len(pk) != c.level.PublicKeySize() {
						t.Fatalf("%v: pk %d, seed %d", c.level, len(pk), len(seed))
					}
					ct, err := HybridSeal(pt, pk)
					if err != nil || len(ct) != v.num(t, c.ct) || ct[0] != c.level.Tag() {
						t.Fatalf("%v: ct %d, %v", c.level, len(ct), err)
					}
				}
			case v.has("ciphertext_len"):
				pk, _, err := GenerateHybridKeyPair(Cat3)
				if err != nil {
					t.Fatal(err)
				}
				ct, err := HybridSeal(v.plaintext(t), pk)
				if err != nil || len(ct) != v.num(t, "ciphertext_len") {
					t.Fatalf("len %d, %v", len(ct), err)
				}
			case v.has("min_cat1_len"):
				min := v.num(t, "min_cat1_len")
				for n, want := range map[int]bool{min - 1: v["len_840_is_hybrid"].(bool), min: v["len_841_is_hybrid"].(bool)} {
					blob := make([]byte, n)
					blob[0] = 0x01
					if got := IsHybridCiphertext(blob); got != want {
						t.Fatalf("IsHybridCiphertext(0x01 + %d bytes) = %v", n-1, got)
					}
				}
			case v.has("blob_hex"):
				blob := v.hex(t, "blob_hex")
				if got := IsHybridCiphertext(blob); got != v["is_hybrid"].(bool) {
					t.Fatalf("IsHybridCiphertext = %v", got)
				}
				if v.has("hybrid_open_error") {
					if _, err := HybridOpen(blob, make([]byte, 32)); !errors.Is(err, ErrTooShort) {
						t.Fatalf("HybridOpen = %v, want ErrTooShort", err)
					}
				}
			default:
				t.Fatalf("unhandled vector")
			}
		})
	}
}

func testHybridVector(t *testing.T, v vector) {
	seed, pt := v.b64(t, "seed_b64"), v.plaintext(t)
	pk, err := HybridPublicKey(seed, Cat3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := EncodeBase64(pk), v.str(t, "public_key_b64"); got != want {
		t.Fatalf("public key differs")
	}
	ct, err := hybridSealFrom(replay(v.hex(t, "mlkem_coins_hex"), v.hex(t, "x25519_ephemeral_secret_hex"), v.hex(t, "nonce_hex")), pt, pk)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := EncodeBase64(ct), v.str(t, "ciphertext_b64"); got != want {
		t.Fatalf("seal differs:\n got %s\nwant %s", got[:80], want[:80])
	}
	if len(ct) != v.num(t, "ciphertext_len") {
		t.Fatalf("len %d", len(ct))
	}
	got, err := HybridOpen(ct, seed)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("open = %q, %v", got, err)
	}
	// The same blob opens through the unified unseal, whatever X25519 key
	// pair is passed beside the seed.
	pub, priv, _ := GenerateKeyPair()
	if got, err := UnsealFromUser(ct, pub, priv, seed); err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("UnsealFromUser = %q, %v", got, err)
	}
}
