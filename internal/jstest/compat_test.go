//go:build !js

package jstest

import (
	"encoding/json"
	"testing"

	"github.com/sealkit/sealkit/sealtext"
)

// TestBrowserCompatPage runs a page written against metamorphic-crypto's
// wasm-bindgen API with only its import swapped for js/crypto.js: result
// shapes, synchronous calls after init(), errors thrown as the crate's
// plain strings, and data sealed by native Go opening on that page.
func TestBrowserCompatPage(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	var res struct {
		KeyPairFields   []string `json:"keyPairFields"`
		HybridFields    []string `json:"hybridFields"`
		RecoveryFields  []string `json:"recoveryFields"`
		SealedIsHybrid  bool     `json:"sealedIsHybrid"`
		UnsealedMatches bool     `json:"unsealedMatches"`
		Note            string   `json:"note"`
		PrivateKeyBack  bool     `json:"privateKeyBack"`
		RecoveryBack    bool     `json:"recoveryBack"`
		WrongKey        thrownValue
		BadBase64       thrownValue
		ShortKey        thrownValue
	}
	if err := json.Unmarshal(b.open("compat.html"), &res); err != nil {
		t.Fatal(err)
	}
	eq := func(what string, got, want []string) {
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s fields %v, want %v", what, got, want)
		}
	}
	eq("generateKeyPair", res.KeyPairFields, []string{"publicKey", "privateKey"})
	eq("generateHybridKeyPair", res.HybridFields, []string{"publicKey", "secretKey"})
	eq("generateRecoveryKey", res.RecoveryFields, []string{"recoveryKey", "recoverySecretBase64"})
	if !res.SealedIsHybrid || !res.UnsealedMatches || res.Note != "dear diary ✓" || !res.PrivateKeyBack || !res.RecoveryBack {
		t.Errorf("round trips on the compat page: %+v", res)
	}
	for what, c := range map[string]struct {
		got  thrownValue
		want string
	}{
		"wrong key":  {res.WrongKey, "decryption failed: invalid ciphertext or wrong key"},
		"bad base64": {res.BadBase64, mustErr(sealtext.DecryptSecretboxToString("not base64!", sealtext.GenerateKey()))},
		"short key":  {res.ShortKey, mustErr(sealtext.EncryptSecretboxString("x", "AAAA"))},
	} {
		if c.got.Type != "string" || c.got.Text != c.want {
			t.Errorf("%s: thrown %s %q, want the string %q", what, c.got.Type, c.got.Text, c.want)
		}
	}

	// Native Go seals (hybrid, with the crate's Cat-3 default); the page opens.
	kp, _ := sealtext.GenerateKeyPair()
	hk, _ := sealtext.GenerateHybridKeyPair(sealtext.Level(0))
	pt := sealtext.GenerateKey()
	ct, err := sealtext.SealForUser([]byte(pt), kp.PublicKey, hk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	var opened struct{ Value string }
	raw, err := evalIn[string](b, `sealkitTest.open(`+jsStrings(ct, kp.PublicKey, kp.PrivateKey, hk.SecretKey)+`)`, evalTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &opened); err != nil {
		t.Fatal(err)
	}
	if want := sealtextB64(pt); opened.Value != want {
		t.Errorf("page opened Go's seal to %q, want %q", truncate(opened.Value, 20), truncate(want, 20))
	}
	b.assertNoViolations()
}

type thrownValue struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func mustErr[T any](_ T, err error) string {
	if err == nil {
		return "<no error>"
	}
	return err.Error()
}

func jsStrings(ss ...string) string {
	b, _ := json.Marshal(ss)
	return string(b[1 : len(b)-1])
}

func sealtextB64(s string) string { return b64.EncodeToString([]byte(s)) }
