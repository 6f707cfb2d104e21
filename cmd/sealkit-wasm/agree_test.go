package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// The exports reimplement sealtext over bytes so that they can wipe what
// they decode (exports.go). TestExportsAgreeWithSealtext holds them to
// sealtext's behaviour: every export that takes arguments runs over every
// combination of a pool of valid and invalid arguments, and must fail with
// the same error text and code, or succeed with the same result — equal
// text for the deterministic ones, and for the randomised seals a result
// that opens to the same plaintext.

// sealtextCall is each export as sealtext (and the former table) did it.
var sealtextCall = map[string]func(a []string) (any, error){
	"deriveSessionKey": func(a []string) (any, error) { return sealtext.DeriveSessionKey(a[0], a[1]) },
	"encryptSecretboxString": func(a []string) (any, error) {
		return sealtext.EncryptSecretbox([]byte(a[0]), a[1])
	},
	"decryptSecretboxToString": func(a []string) (any, error) { return sealtext.DecryptSecretboxToString(a[0], a[1]) },
	"encryptSecretbox": func(a []string) (any, error) {
		pt, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		return sealtext.EncryptSecretbox(pt, a[1])
	},
	"decryptSecretbox": func(a []string) (any, error) {
		pt, err := sealtext.DecryptSecretbox(a[0], a[1])
		if err != nil {
			return nil, err
		}
		return sealkit.EncodeBase64(pt), nil
	},
	"boxSeal": func(a []string) (any, error) {
		pt, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		return sealtext.BoxSeal(pt, a[1])
	},
	"boxSealOpen": func(a []string) (any, error) { return sealtext.BoxSealOpen(a[0], a[1], a[2]) },
	"sealForUser": func(a []string) (any, error) {
		pt, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		return sealtext.SealForUser(pt, a[1], a[2])
	},
	"unsealFromUser": func(a []string) (any, error) { return sealtext.UnsealFromUser(a[0], a[1], a[2], a[3]) },
	"sealForUserWithLevel": func(a []string) (any, error) {
		pt, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		level, err := sealtext.ParseLevel(a[3])
		if err != nil {
			return nil, err
		}
		return sealtext.SealForUserWithLevel(pt, a[1], a[2], level)
	},
	"isHybridCiphertext":            func(a []string) (any, error) { return sealtext.IsHybridCiphertext(a[0]), nil },
	"encryptPrivateKey":             func(a []string) (any, error) { return sealtext.EncryptPrivateKey(a[0], a[1]) },
	"decryptPrivateKey":             func(a []string) (any, error) { return sealtext.DecryptPrivateKey(a[0], a[1]) },
	"recoveryKeyToSecret":           func(a []string) (any, error) { return sealtext.RecoveryKeyToSecret(a[0]) },
	"encryptPrivateKeyForRecovery":  func(a []string) (any, error) { return sealtext.EncryptPrivateKeyForRecovery(a[0], a[1]) },
	"decryptPrivateKeyWithRecovery": func(a []string) (any, error) { return sealtext.DecryptPrivateKeyWithRecovery(a[0], a[1]) },
	"parseSaltFromKeyHash":          func(a []string) (any, error) { return sealtext.ParseSaltFromKeyHash(a[0]) },
	"generateSigningKeyPair": func(a []string) (any, error) {
		level, err := sealtext.ParseSignLevel(a[0])
		if err != nil {
			return nil, err
		}
		kp, err := sealtext.GenerateSigningKeyPair(level)
		return kp.PublicKey, err
	},
	"generateSigningKeyPairSuite": func(a []string) (any, error) {
		suite, err := sealtext.ParseSuite(a[0])
		if err != nil {
			return nil, err
		}
		level, err := sealtext.ParseSignLevel(a[1])
		if err != nil {
			return nil, err
		}
		kp, err := sealtext.GenerateSigningKeyPairSuite(suite, level)
		return kp.PublicKey, err
	},
	"deriveSigningPublicKey": func(a []string) (any, error) { return sealtext.DeriveSigningPublicKey(a[0]) },
	"sign": func(a []string) (any, error) {
		msg, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		return sealtext.Sign(msg, a[1], a[2])
	},
	"verify": func(a []string) (any, error) {
		msg, err := sealkit.DecodeBase64(a[0])
		if err != nil {
			return nil, err
		}
		return sealtext.Verify(msg, a[1], a[2], a[3])
	},
	"signaturePosture": func(a []string) (any, error) {
		s, l, err := sealtext.SignaturePosture(a[0])
		return s.String() + "/" + l.String(), err
	},
	"signaturePostureFromSignature": func(a []string) (any, error) {
		s, l, err := sealtext.SignaturePostureFromSignature(a[0])
		return s.String() + "/" + l.String(), err
	},
}

// randomised lists the exports whose successful result differs per call;
// open returns the plaintext (base64) of such a result, or "" if none of
// the pool's keys opens it.
var randomised = map[string]bool{
	"encryptSecretboxString": true, "encryptSecretbox": true, "boxSeal": true,
	"sealForUser": true, "sealForUserWithLevel": true,
	"encryptPrivateKey": true, "encryptPrivateKeyForRecovery": true,
}

// keyPairs lists the exports that return a fresh key pair: only their
// errors, and their public key's size, are compared.
var keyPairs = map[string]bool{"generateSigningKeyPair": true, "generateSigningKeyPairSuite": true}

func TestExportsAgreeWithSealtext(t *testing.T) {
	key := sealtext.GenerateKey()
	kp, _ := sealtext.GenerateKeyPair()
	hk, _ := sealtext.GenerateHybridKeyPair(sealkit.Cat3)
	hk1, _ := sealtext.GenerateHybridKeyPair(sealkit.Cat1)
	rk, _ := sealtext.GenerateRecoveryKey()
	sk2, _ := sealtext.GenerateSigningKeyPair(sealkit.SignCat2)
	signed, _ := sealtext.Sign([]byte("to be signed"), "", sk2.SecretKey)
	enc := sealkit.EncodeBase64
	secretbox, _ := sealtext.EncryptSecretboxString("héllo", key)
	notUTF8, _ := sealtext.EncryptSecretbox([]byte{0xff, 0xfe}, key)
	wrapped, _ := sealtext.EncryptPrivateKey(kp.PrivateKey, key)
	boxed, _ := sealtext.BoxSeal([]byte("to the box"), kp.PublicKey)
	hybrid, _ := sealtext.HybridSeal([]byte("to the seed"), hk.PublicKey)
	// A hybrid-looking blob that is not one: the fallback to the box.
	fake := enc(append([]byte{0x02}, make([]byte, 1200)...))
	pool := []string{
		"", "not base64!", "AAAA", "AAA=", "QQ", enc(make([]byte, 31)), key,
		kp.PublicKey, kp.PrivateKey, hk.PublicKey, hk.SecretKey, hk1.PublicKey,
		enc(make([]byte, 32)), // a low-order public key
		secretbox, notUTF8, wrapped, boxed, hybrid, fake,
		rk.RecoveryKey, strings.ToLower(rk.RecoveryKey), rk.RecoverySecretB64,
		"cat1", "CAT5", "cat2", "salt$argon2id", "a$b$c",
		sk2.PublicKey, sk2.SecretKey, signed, enc([]byte("to be signed")), "pure", "hybrid_matched",
	}
	// Four arguments over the whole pool would be half a million calls.
	small := []string{
		"", "not base64!", "AAAA", enc(make([]byte, 31)), key, kp.PublicKey, kp.PrivateKey,
		hk.PublicKey, hk.SecretKey, enc(make([]byte, 32)), boxed, hybrid, fake, "cat1",
		sk2.PublicKey, signed, enc([]byte("to be signed")),
	}
	// Keys that may open a randomised result, to compare plaintexts.
	openers := []func(ct string) (string, error){
		func(ct string) (string, error) {
			return sealtext.UnsealFromUser(ct, kp.PublicKey, kp.PrivateKey, hk.SecretKey)
		},
		func(ct string) (string, error) {
			pt, err := sealtext.DecryptSecretbox(ct, key)
			return enc(pt), err
		},
		func(ct string) (string, error) {
			pt, err := sealtext.DecryptSecretbox(ct, rk.RecoverySecretB64)
			return enc(pt), err
		},
	}
	open := func(ct string) string {
		for _, o := range openers {
			if pt, err := o(ct); err == nil {
				return pt
			}
		}
		return ""
	}

	covered := 0
	for _, e := range exports {
		want, ok := sealtextCall[e.name]
		if len(e.params) == 0 {
			continue // generators: TestExportShapes
		}
		if !ok {
			t.Fatalf("%s: no sealtext counterpart in this test", e.name)
		}
		covered++
		p := pool
		if len(e.params) == 4 {
			p = small
		}
		if e.name == "deriveSessionKey" {
			// Argon2id is slow: a few passwords, every salt-shaped value.
			p = []string{"", "pw", "not base64!", enc(make([]byte, 16)), enc(make([]byte, 15))}
		}
		args := make([]string, len(e.params))
		var walk func(i int)
		walk = func(i int) {
			if i < len(args) {
				for _, v := range p {
					args[i] = v
					walk(i + 1)
				}
				return
			}
			got, gotErr := e.call(append([]string(nil), args...))
			wantR, wantErr := want(append([]string(nil), args...))
			desc := fmt.Sprintf("%s%q", e.name, args)
			switch {
			case gotErr != nil || wantErr != nil:
				if gotErr == nil || wantErr == nil || gotErr.Error() != wantErr.Error() || errorCode(gotErr) != errorCode(wantErr) ||
					fmt.Sprintf("%T", unwrapAll(gotErr)) != fmt.Sprintf("%T", unwrapAll(wantErr)) {
					t.Errorf("%s: error %v (%T), sealtext %v (%T)", desc, gotErr, gotErr, wantErr, wantErr)
				}
			case keyPairs[e.name]:
				if g := textOf(got.(object)[0].value); len(g) != len(wantR.(string)) {
					t.Errorf("%s: a %d-character public key, sealtext's %d", desc, len(g), len(wantR.(string)))
				}
			case e.name == "signaturePosture" || e.name == "signaturePostureFromSignature":
				if o := got.(object); textOf(o[0].value)+"/"+textOf(o[1].value) != wantR.(string) {
					t.Errorf("%s = %v, sealtext %v", desc, o, wantR)
				}
			case e.name == "sign":
				// Hedged: compare by verifying both under the pool's key.
				for _, s := range []string{textOf(got), wantR.(string)} {
					msg, _ := sealkit.DecodeBase64(args[0])
					if ok, err := sealtext.Verify(msg, args[1], s, sk2.PublicKey); !ok || err != nil {
						t.Errorf("%s: a signature that does not verify (%v, %v)", desc, ok, err)
					}
				}
			case e.name == "isHybridCiphertext" || e.name == "verify":
				if got != wantR {
					t.Errorf("%s = %v, sealtext %v", desc, got, wantR)
				}
			case randomised[e.name]:
				if g, w := open(textOf(got)), open(wantR.(string)); g != w {
					t.Errorf("%s opens to %q, sealtext's to %q", desc, g, w)
				}
			default:
				if g := textOf(got); g != wantR.(string) {
					t.Errorf("%s = %q, sealtext %q", desc, g, wantR)
				}
			}
		}
		walk(0)
	}
	if covered != len(sealtextCall) {
		t.Fatalf("compared %d exports, the map has %d", covered, len(sealtextCall))
	}
}

// unwrapAll is the innermost error, whose type the two must share.
func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
