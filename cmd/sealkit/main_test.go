package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestSelftest(t *testing.T) {
	out, _, err := runCmd(t, "selftest")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "all ") || strings.Contains(out, "FAIL") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestKeygen(t *testing.T) {
	out, _, err := runCmd(t, "keygen")
	if err != nil {
		t.Fatal(err)
	}
	var kp map[string]string
	if err := json.Unmarshal([]byte(out), &kp); err != nil {
		t.Fatal(err)
	}
	priv, err := sealkit.DecodeBase64(kp["privateKey"])
	if err != nil {
		t.Fatal(err)
	}
	if pub, _ := sealkit.PublicKeyFromPrivate(priv); sealkit.EncodeBase64(pub) != kp["publicKey"] {
		t.Fatal("public key does not match private key")
	}

	out, _, err = runCmd(t, "keygen", "-level", "cat5")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &kp); err != nil {
		t.Fatal(err)
	}
	seed, _ := sealkit.DecodeBase64(kp["secretKey"])
	if pub, _ := sealkit.HybridPublicKey(seed, sealkit.Cat5); sealkit.EncodeBase64(pub) != kp["publicKey"] || kp["level"] != "cat5" {
		t.Fatal("hybrid public key does not match seed")
	}
}

func TestBadInvocations(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"keygen", "-level", "cat2"}, {"keygen", "-bogus"}} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
	if out, _, err := runCmd(t, "help"); err != nil || !strings.Contains(out, "selftest") {
		t.Errorf("help: %v", err)
	}
}
