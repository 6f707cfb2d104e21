package sealkit

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// Round-trip properties of every operation on random inputs. The seed is
// in each failure message; set it in newRand to replay.

func newRand(t *testing.T) *rand.Rand {
	seed := rand.Uint64()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random seed: %d", seed)
		}
	})
	return rand.New(rand.NewPCG(seed, seed^0x5ea1c17))
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// randLen favours the edges: empty, tiny, key-sized and a few KiB.
func randLen(r *rand.Rand) int {
	switch r.IntN(5) {
	case 0:
		return 0
	case 1:
		return 1 + r.IntN(16)
	case 2:
		return 32
	case 3:
		return r.IntN(300)
	default:
		return r.IntN(5000)
	}
}

const roundTrips = 64

func TestRoundTripSecretbox(t *testing.T) {
	r := newRand(t)
	for range roundTrips {
		key, pt := GenerateKey(), randBytes(r, randLen(r))
		ct, err := EncryptSecretbox(pt, key)
		if err != nil || len(ct) != len(pt)+SecretboxOverhead {
			t.Fatalf("encrypt: %d bytes, %v", len(ct), err)
		}
		got, err := DecryptSecretbox(ct, key)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("decrypt: %v", err)
		}
		ct2, _ := EncryptSecretbox(pt, key)
		if bytes.Equal(ct, ct2) {
			t.Fatal("two encryptions of the same plaintext are equal: nonce reused")
		}
		if _, err := DecryptSecretbox(ct, GenerateKey()); !errors.Is(err, ErrDecryption) {
			t.Fatalf("wrong key: %v", err)
		}
	}
}

func TestRoundTripBoxSeal(t *testing.T) {
	r := newRand(t)
	for range roundTrips {
		pub, priv, err := GenerateKeyPair()
		if err != nil {
			t.Fatal(err)
		}
		if derived, _ := PublicKeyFromPrivate(priv); !bytes.Equal(derived, pub) {
			t.Fatal("PublicKeyFromPrivate disagrees with GenerateKeyPair")
		}
		pt := randBytes(r, randLen(r))
		ct, err := BoxSeal(pt, pub)
		if err != nil || len(ct) != len(pt)+BoxSealOverhead {
			t.Fatalf("seal: %d bytes, %v", len(ct), err)
		}
		got, err := BoxSealOpen(ct, pub, priv)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("open: %v", err)
		}
		otherPub, otherPriv, _ := GenerateKeyPair()
		if _, err := BoxSealOpen(ct, otherPub, otherPriv); !errors.Is(err, ErrDecryption) {
			t.Fatalf("wrong key pair: %v", err)
		}
		if _, err := BoxSealOpen(ct, otherPub, priv); !errors.Is(err, ErrDecryption) {
			t.Fatalf("mismatched public key: %v", err)
		}
	}
}

func TestRoundTripHybrid(t *testing.T) {
	r := newRand(t)
	for _, level := range []Level{Cat1, Cat3, Cat5} {
		t.Run(level.String(), func(t *testing.T) {
			for range roundTrips / 4 {
				pub, seed, err := GenerateHybridKeyPair(level)
				if err != nil {
					t.Fatal(err)
				}
				if again, err := HybridPublicKey(seed, level); err != nil || !bytes.Equal(again, pub) {
					t.Fatalf("HybridPublicKey disagrees with GenerateHybridKeyPair: %v", err)
				}
				pt := randBytes(r, randLen(r))
				ct, err := HybridSeal(pt, pub)
				if err != nil || len(ct) != level.MinCiphertextSize()+len(pt) || ct[0] != level.Tag() {
					t.Fatalf("seal: %d bytes, %v", len(ct), err)
				}
				if !IsHybridCiphertext(ct) {
					t.Fatal("IsHybridCiphertext(seal) = false")
				}
				got, err := HybridOpen(ct, seed)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("open: %v", err)
				}
				ct2, err := HybridSealWithLevel(pt, pub, level)
				if err != nil || bytes.Equal(ct, ct2) {
					t.Fatalf("second seal: equal=%v, %v", bytes.Equal(ct, ct2), err)
				}
				if _, err := HybridOpen(ct, GenerateKey()); !errors.Is(err, ErrDecryption) {
					t.Fatalf("wrong seed: %v", err)
				}
			}
		})
	}
}

// One seed gives the same X25519 key at every level, and the ML-KEM part
// of each level comes from the same 64 bytes (wire-format.md §3.1).
func TestHybridSeedSharedAcrossLevels(t *testing.T) {
	seed := GenerateKey()
	var x25519 [][]byte
	for _, level := range []Level{Cat1, Cat3, Cat5} {
		pub, err := HybridPublicKey(seed, level)
		if err != nil || len(pub) != level.PublicKeySize() {
			t.Fatalf("%v: %d bytes, %v", level, len(pub), err)
		}
		x25519 = append(x25519, pub[len(pub)-32:])
	}
	if !bytes.Equal(x25519[0], x25519[1]) || !bytes.Equal(x25519[1], x25519[2]) {
		t.Fatal("X25519 part differs between levels")
	}
}

func TestRoundTripSealForUser(t *testing.T) {
	r := newRand(t)
	for range roundTrips / 4 {
		pub, priv, _ := GenerateKeyPair()
		pt := randBytes(r, randLen(r))

		ct, err := SealForUser(pt, pub, nil)
		if err != nil || len(ct) != len(pt)+BoxSealOverhead {
			t.Fatalf("classic seal: %d bytes, %v", len(ct), err)
		}
		if got, err := UnsealFromUser(ct, pub, priv, nil); err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("classic unseal: %v", err)
		}

		for _, level := range []Level{Cat1, Cat3, Cat5} {
			pqPub, pqSeed, _ := GenerateHybridKeyPair(level)
			ct, err := SealForUserWithLevel(pt, pub, pqPub, level)
			if err != nil || ct[0] != level.Tag() {
				t.Fatalf("%v seal: %v", level, err)
			}
			if got, err := UnsealFromUser(ct, pub, priv, pqSeed); err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("%v unseal: %v", level, err)
			}
			// Without the PQ seed, or with a wrong one, the hybrid blob
			// falls through to the sealed-box open and fails there.
			if _, err := UnsealFromUser(ct, pub, priv, nil); !errors.Is(err, ErrDecryption) {
				t.Fatalf("%v unseal without seed: %v", level, err)
			}
			if _, err := UnsealFromUser(ct, pub, priv, GenerateKey()); !errors.Is(err, ErrDecryption) {
				t.Fatalf("%v unseal with wrong seed: %v", level, err)
			}
		}

		// SealForUser is Cat-3: a key of another level is refused with the
		// Cat-3 size expected, as in the crate.
		cat5Pub, _, _ := GenerateHybridKeyPair(Cat5)
		var le *InvalidLengthError
		if _, err := SealForUser(pt, pub, cat5Pub); !errors.As(err, &le) || le.Expected != 1216 || le.Got != 1600 {
			t.Fatalf("SealForUser with a Cat-5 key: %v", err)
		}
	}
}

func TestRoundTripPrivateKeyWrapping(t *testing.T) {
	for range roundTrips / 4 {
		_, priv, _ := GenerateKeyPair()
		sessionKey := GenerateKey()
		wrapped, err := EncryptPrivateKey(priv, sessionKey)
		// The crate encrypts the 44-character base64 text: 40 + 44 bytes.
		if err != nil || len(wrapped) != 84 {
			t.Fatalf("EncryptPrivateKey: %d bytes, %v", len(wrapped), err)
		}
		if got, err := DecryptPrivateKey(wrapped, sessionKey); err != nil || !bytes.Equal(got, priv) {
			t.Fatalf("DecryptPrivateKey: %v", err)
		}
		if _, err := DecryptPrivateKey(wrapped, GenerateKey()); !errors.Is(err, ErrDecryption) {
			t.Fatalf("wrong session key: %v", err)
		}

		rk, err := GenerateRecoveryKey()
		if err != nil || len(rk.Key) != 76 || len(rk.Secret) != RecoverySecretSize {
			t.Fatalf("GenerateRecoveryKey: %q, %v", rk.Key, err)
		}
		secret, err := RecoveryKeyToSecret(rk.Key)
		if err != nil || !bytes.Equal(secret, rk.Secret) {
			t.Fatalf("RecoveryKeyToSecret: %v", err)
		}
		lower := []byte(rk.Key)
		for i, c := range lower {
			if 'A' <= c && c <= 'Z' {
				lower[i] = c + 'a' - 'A'
			}
		}
		if secret, err := RecoveryKeyToSecret(string(lower)); err != nil || !bytes.Equal(secret, rk.Secret) {
			t.Fatalf("lower-case recovery key: %v", err)
		}
		wrapped, err = EncryptPrivateKeyForRecovery(priv, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecryptPrivateKeyWithRecovery(wrapped, secret); err != nil || !bytes.Equal(got, priv) {
			t.Fatalf("DecryptPrivateKeyWithRecovery: %v", err)
		}
	}
}

// A password change rewraps the private key; the key itself, and so every
// seal made to it, is unchanged.
func TestPasswordChangeRewrapsOnly(t *testing.T) {
	pub, priv, _ := GenerateKeyPair()
	sealed, _ := BoxSeal([]byte("resource key"), pub)
	oldKey, newKey := GenerateKey(), GenerateKey()
	wrapped, _ := EncryptPrivateKey(priv, oldKey)
	unwrapped, err := DecryptPrivateKey(wrapped, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	rewrapped, _ := EncryptPrivateKey(unwrapped, newKey)
	got, _ := DecryptPrivateKey(rewrapped, newKey)
	if pt, err := BoxSealOpen(sealed, pub, got); err != nil || string(pt) != "resource key" {
		t.Fatalf("open after rewrap: %v", err)
	}
}

func TestSessionKeyProperties(t *testing.T) {
	salt := GenerateSalt()
	k1, err := DeriveSessionKey("correct horse", salt)
	if err != nil || len(k1) != KeySize {
		t.Fatalf("%d bytes, %v", len(k1), err)
	}
	k2, _ := DeriveSessionKey("correct horse", salt)
	k3, _ := DeriveSessionKey("correct horsf", salt)
	k4, _ := DeriveSessionKey("correct horse", GenerateSalt())
	if !bytes.Equal(k1, k2) || bytes.Equal(k1, k3) || bytes.Equal(k1, k4) {
		t.Fatal("session key is not a deterministic function of password and salt")
	}
	salt2, err := DecodeBase64(mustParseSalt(t, FormatKeyHash(salt)))
	if err != nil || !bytes.Equal(salt2, salt) {
		t.Fatalf("key_hash round trip: %v", err)
	}
}

func mustParseSalt(t *testing.T, keyHash string) string {
	t.Helper()
	s, err := ParseSaltFromKeyHash(keyHash)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBlindIndex(t *testing.T) {
	key := GenerateKey()
	a := BlindIndexEmail(key, "Alice@Example.COM")
	if len(a) != BlindIndexSize {
		t.Fatalf("%d bytes", len(a))
	}
	if !bytes.Equal(a, BlindIndex(key, []byte("alice@example.com"))) {
		t.Fatal("BlindIndexEmail does not lower-case")
	}
	if bytes.Equal(a, BlindIndexEmail(key, "alice@example.org")) || bytes.Equal(a, BlindIndexEmail(GenerateKey(), "alice@example.com")) {
		t.Fatal("different inputs gave the same index")
	}
	// Lower-casing is Unicode-aware but does not normalise or trim.
	if !bytes.Equal(BlindIndexEmail(key, "ÉLODIE@example.com"), BlindIndexEmail(key, "élodie@example.com")) {
		t.Fatal("non-ASCII letters are not lower-cased")
	}
	if bytes.Equal(BlindIndexEmail(key, " alice@example.com"), a) {
		t.Fatal("BlindIndexEmail trims; it must not")
	}
}

func TestRoundTripBase64(t *testing.T) {
	r := newRand(t)
	for range 1000 {
		b := randBytes(r, r.IntN(100))
		got, err := DecodeBase64(EncodeBase64(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("%x: %v", b, err)
		}
	}
}

func TestLevels(t *testing.T) {
	var zero Level
	if zero != Cat3 {
		t.Fatal("the zero Level is not Cat3")
	}
	for _, c := range []struct {
		in   string
		want Level
	}{{"", Cat3}, {"cat3", Cat3}, {"CAT1", Cat1}, {"Cat5", Cat5}} {
		if got, err := ParseLevel(c.in); err != nil || got != c.want {
			t.Errorf("ParseLevel(%q) = %v, %v", c.in, got, err)
		}
	}
	for _, bad := range []string{"cat2", "3", " cat3", "cat3 "} {
		if _, err := ParseLevel(bad); !errors.Is(err, ErrHybrid) {
			t.Errorf("ParseLevel(%q) = %v", bad, err)
		}
	}
	if _, _, err := GenerateHybridKeyPair(Level(7)); !errors.Is(err, ErrHybrid) {
		t.Errorf("GenerateHybridKeyPair(Level(7)) = %v", err)
	}
	for _, c := range []struct {
		l       Level
		tag     byte
		pk, min int
		name    string
	}{{Cat1, 1, 832, 841, "cat1"}, {Cat3, 2, 1216, 1161, "cat3"}, {Cat5, 3, 1600, 1641, "cat5"}} {
		if c.l.Tag() != c.tag || c.l.PublicKeySize() != c.pk || c.l.MinCiphertextSize() != c.min || c.l.String() != c.name {
			t.Errorf("%v: tag %d pk %d min %d", c.l, c.l.Tag(), c.l.PublicKeySize(), c.l.MinCiphertextSize())
		}
	}
}
