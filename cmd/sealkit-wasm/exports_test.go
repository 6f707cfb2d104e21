package main

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// specRows reads the JavaScript table of wire-format.md §6.1 from
// testdata/wasm-api.md, a copy of that section, which must equal the
// section in the repository's copy of the spec (docs/wire-format.md).
// Where the shared spec itself is beside the checkout
// (../shared/spec/wire-format.md), that copy must still equal it too.
func specRows(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("testdata/wasm-api.md")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile("../../docs/wire-format.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	if shared, err := os.ReadFile("../../../shared/spec/wire-format.md"); err == nil {
		// The copy is the shared file below a one-line note and a blank line.
		if _, body, _ := strings.Cut(s, "\n\n"); body != string(shared) {
			t.Fatal("docs/wire-format.md differs from ../shared/spec/wire-format.md: copy the spec again")
		}
	}
	start := strings.Index(s, "### 6.1 ")
	end := strings.Index(s, "\n## 7.")
	if start < 0 || end < start {
		t.Fatal("docs/wire-format.md has no §6.1 … §7")
	}
	section := strings.TrimRight(strings.TrimRight(s[start:end], "\n-"), "\n")
	if !strings.Contains(string(b), section) {
		t.Fatal("testdata/wasm-api.md differs from docs/wire-format.md §6.1: copy the section again")
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Za-z0-9_]+)` \\| (.*?) \\| .*? \\| ([0-9.]+)")
	rows := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		rows[m[1]] = m[2] + " @" + m[3]
	}
	if len(rows) < 30 {
		t.Fatalf("parsed only %d rows of §6.1", len(rows))
	}
	return rows
}

// TestExportsMatchSpec checks the export table against §6.1: every 0.1 row
// plus the three later rows the issue names and the signature family (0.5,
// 0.7), sealkit's two posture functions, nothing else, and each spec
// function's parameter names as the spec lists them.
func TestExportsMatchSpec(t *testing.T) {
	rows := specRows(t)
	var want []string
	for name, r := range rows {
		if strings.HasSuffix(r, "@0.1") {
			want = append(want, name)
		}
	}
	if len(want) != 21 {
		t.Fatalf("spec has %d rows marked 0.1, want 21: %v", len(want), want)
	}
	want = append(want, "sealForUserWithLevel", "generateHybridKeyPair512", "generateHybridKeyPair1024",
		"generateSigningKeyPair", "generateSigningKeyPairSuite", "deriveSigningPublicKey", "sign", "verify")
	// Not in the crate's wasm.rs (§6.1 says so): sealkit's own.
	extra := map[string]bool{"signaturePosture": true, "signaturePostureFromSignature": true}
	for n := range extra {
		want = append(want, n)
	}
	var got []string
	for _, e := range exports {
		got = append(got, e.name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("exports\n got %v\nwant %v", got, want)
	}
	for _, e := range exports {
		if extra[e.name] {
			continue
		}
		args := rows[e.name]
		args = args[:strings.Index(args, " @")]
		var names []string
		for _, p := range e.params {
			names = append(names, p.name)
		}
		// The spec writes "(password: string, saltB64)", "(pqPublicKeyB64?)".
		for i, n := range names {
			if !strings.Contains(args, n) {
				t.Errorf("%s: parameter %d %q not in spec's %s", e.name, i, n, args)
			}
			if e.params[i].optional != strings.Contains(args, n+"?") {
				t.Errorf("%s: parameter %q optional=%v, spec %s", e.name, n, e.params[i].optional, args)
			}
		}
		if len(names) == 0 && args != "()" {
			t.Errorf("%s takes no arguments here, spec %s", e.name, args)
		}
		if got, want := len(names), strings.Count(args, ",")+1; len(names) > 0 && got != want {
			t.Errorf("%s: %d parameters, spec %s", e.name, got, args)
		}
	}
}

// textOf is a text result as the output will carry it.
func textOf(r result) string {
	if _, ok := r.(bool); ok {
		panic("textOf a bool")
	}
	return string(appendValue(nil, r))
}

func call(t *testing.T, name string, args ...string) (result, error) {
	t.Helper()
	e := exports[index(t, name)]
	a := make([]string, len(e.params))
	copy(a, args)
	return e.call(a)
}

// TestExportShapes checks return shapes and object key order, and that a
// round trip through the table works.
func TestExportShapes(t *testing.T) {
	r, err := call(t, "generateKeyPair")
	if err != nil {
		t.Fatal(err)
	}
	kp := r.(object)
	if len(kp) != 2 || kp[0].key != "publicKey" || kp[1].key != "privateKey" {
		t.Fatalf("generateKeyPair = %v", kp)
	}
	r, _ = call(t, "generateRecoveryKey")
	if o := r.(object); len(o) != 2 || o[0].key != "recoveryKey" || o[1].key != "recoverySecretBase64" {
		t.Fatalf("generateRecoveryKey keys = %v", o)
	}
	for name, size := range map[string]int{"generateHybridKeyPair512": 832, "generateHybridKeyPair": 1216, "generateHybridKeyPair1024": 1600} {
		r, err := call(t, name)
		if err != nil {
			t.Fatal(err)
		}
		o := r.(object)
		if len(o) != 2 || o[0].key != "publicKey" || o[1].key != "secretKey" {
			t.Fatalf("%s keys = %v", name, o)
		}
		pk, _ := sealkit.DecodeBase64(textOf(o[0].value))
		sk, _ := sealkit.DecodeBase64(textOf(o[1].value))
		if len(pk) != size || len(sk) != 32 {
			t.Errorf("%s: %d-byte public key, %d-byte secret", name, len(pk), len(sk))
		}
	}
	for level, sizes := range map[string][2]int{"cat2": {1345, 65}, "": {1985, 65}, "CAT5": {2625, 65}} {
		r, err := call(t, "generateSigningKeyPair", level)
		if err != nil {
			t.Fatal(err)
		}
		o := r.(object)
		if len(o) != 2 || o[0].key != "publicKey" || o[1].key != "secretKey" {
			t.Fatalf("generateSigningKeyPair keys = %v", o)
		}
		pkB64, skB64 := textOf(o[0].value), textOf(o[1].value)
		pk, _ := sealkit.DecodeBase64(pkB64)
		sk, _ := sealkit.DecodeBase64(skB64)
		if len(pk) != sizes[0] || len(sk) != sizes[1] {
			t.Fatalf("generateSigningKeyPair(%q): %d-byte public key, %d-byte secret", level, len(pk), len(sk))
		}
		if d, err := call(t, "deriveSigningPublicKey", skB64); err != nil || textOf(d) != pkB64 {
			t.Fatalf("deriveSigningPublicKey: %v", err)
		}
		msg := sealkit.EncodeBase64([]byte("statement"))
		sig, err := call(t, "sign", msg, "ctx", skB64)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := call(t, "verify", msg, "ctx", textOf(sig), pkB64); ok != true || err != nil {
			t.Fatalf("verify = %v, %v", ok, err)
		}
		if ok, err := call(t, "verify", msg, "ctx2", textOf(sig), pkB64); ok != false || err != nil {
			t.Fatalf("verify under another context = %v, %v", ok, err)
		}
		p, err := call(t, "signaturePostureFromSignature", textOf(sig))
		if po := p.(object); err != nil || len(po) != 2 || po[0].key != "suite" || textOf(po[0].value) != "hybrid" || po[1].key != "level" {
			t.Fatalf("posture = %v, %v", p, err)
		}
	}
	pt := sealkit.EncodeBase64([]byte("zero knowledge"))
	pub, priv := textOf(kp[0].value), textOf(kp[1].value)
	ct, err := call(t, "sealForUser", pt, pub, "")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := call(t, "isHybridCiphertext", ct.(string)); b != false {
		t.Fatalf("box seal reported as hybrid")
	}
	got, err := call(t, "unsealFromUser", ct.(string), pub, priv, "")
	if err != nil || textOf(got) != pt {
		t.Fatalf("unsealFromUser = %v, %v", got, err)
	}
}

// TestExportErrors checks the thrown text (the crate's) and the code for
// each kind of failure, including the argument order the crate decodes
// in: plaintext before key.
func TestExportErrors(t *testing.T) {
	key := sealtext.GenerateKey()
	kp, _ := sealtext.GenerateKeyPair()
	short := sealkit.EncodeBase64(make([]byte, 31))
	for _, tc := range []struct {
		name string
		args []string
		code string
		text string
	}{
		{"encryptSecretbox", []string{"not base64!", short}, codeBase64, "base64 decode: Invalid symbol 32, offset 3."},
		{"encryptSecretbox", []string{"", short}, codeInvalidLength, "invalid length: expected 32 bytes, got 31"},
		{"decryptSecretbox", []string{"AAAA", key}, codeTooShort, "ciphertext too short to be valid"},
		{"decryptSecretbox", []string{sealkit.EncodeBase64(make([]byte, 60)), key}, codeDecryption, "decryption failed: invalid ciphertext or wrong key"},
		{"parseSaltFromKeyHash", []string{"nodollar"}, codeInvalidKeyHash, "invalid key_hash format (expected `salt$argon2id`)"},
		{"recoveryKeyToSecret", []string{"0000"}, codeInvalidRecovery, "invalid recovery key character"},
		{"sealForUserWithLevel", []string{"", kp.PublicKey, "AAAA", "cat2"}, codeHybrid, `hybrid KEM: unknown security level "cat2" (want cat1, cat3 or cat5)`},
		{"boxSeal", []string{"", sealkit.EncodeBase64(make([]byte, 32))}, codeLowOrderKey, sealkit.ErrLowOrderKey.Error()},
		{"deriveSessionKey", []string{"pw", short}, codeInvalidLength, "invalid length: expected 16 bytes, got 31"},
		{"sign", []string{"bad!", "", "also bad"}, codeBase64, "base64 decode: Invalid symbol 33, offset 3."},
		{"sign", []string{"", "", "CQkJ"}, codeSignature, "signature: unknown or missing signature version tag"},
		{"sign", []string{"", "", "AgA="}, codeInvalidLength, "invalid length: expected 65 bytes, got 2"},
		{"verify", []string{"", "", "CQkJ", "CQkJ"}, codeSignature, "signature: unknown or missing signature version tag"},
		{"verify", []string{"", "", "AgA=", "bad!"}, codeBase64, "base64 decode: Invalid symbol 33, offset 3."},
		{"generateSigningKeyPairSuite", []string{"pure", "cat3"}, codeSignature, "signature: PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0"},
		{"signaturePosture", []string{"AgA="}, codeInvalidLength, "invalid length: expected 1985 bytes, got 2"},
	} {
		_, err := call(t, tc.name, tc.args...)
		if err == nil {
			t.Errorf("%s(%q): no error", tc.name, tc.args)
			continue
		}
		if err.Error() != tc.text || errorCode(err) != tc.code {
			t.Errorf("%s(%q) = %q (%s), want %q (%s)", tc.name, tc.args, err, errorCode(err), tc.text, tc.code)
		}
	}
	if c := errorCode(errors.New("other")); c != codeInternal {
		t.Errorf("unknown error code %s", c)
	}
}
