//go:build !js

package jstest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// TestBrowserSDKErrors checks failures through the SDK in Chromium: both
// call(name, ...) and the high-level functions reject with a SealkitError
// (an Error named "SealkitError") whose code is the right one and whose
// message is exactly the crate's text, as native Go (sealtext) produces it.
// The UTF-8 cases of unseal() also check the SDK's own JavaScript rendering
// of Rust's Utf8Error against Go's.
func TestBrowserSDKErrors(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	b.open("sdk.html")

	key := sealtext.GenerateKey()
	kp, err := sealtext.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	hk, err := sealtext.GenerateHybridKeyPair(sealkit.Cat3)
	if err != nil {
		t.Fatal(err)
	}
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// goErr is the error native Go gives for the same input.
	goErr := func(_ any, err error) *callError {
		t.Helper()
		if err == nil {
			t.Fatal("test bug: the Go reference call succeeded")
		}
		return goError(err)
	}
	short := func(n int) string { return b64.EncodeToString(make([]byte, n)) }
	sbox := must(sealtext.EncryptSecretboxString("hello", key))
	tampered := func(s string) string {
		raw, _ := b64.DecodeString(s)
		raw[30] ^= 0x80
		return b64.EncodeToString(raw)
	}
	otherKey := sealtext.GenerateKey()
	pt := b64.EncodeToString([]byte("x"))

	type jsCase struct {
		what string
		fn   string // a function of sdk.js's sealkitTest
		args []any
		want *callError // code and exact message
	}
	cases := []jsCase{
		{"call: ciphertext not base64", "call", []any{"decryptSecretbox", []any{"invalid", key}}, goErr(sealtext.DecryptSecretbox("invalid", key))},
		{"call: base64 with a newline", "call", []any{"decryptSecretbox", []any{"QUJD\nRA==", key}}, goErr(sealtext.DecryptSecretbox("QUJD\nRA==", key))},
		{"call: tampered ciphertext", "call", []any{"decryptSecretboxToString", []any{tampered(sbox), key}}, goErr(sealtext.DecryptSecretboxToString(tampered(sbox), key))},
		{"call: blob of 39 bytes", "call", []any{"decryptSecretbox", []any{short(39), key}}, goErr(sealtext.DecryptSecretbox(short(39), key))},
		{"call: bad recovery key", "call", []any{"recoveryKeyToSecret", []any{"IIIII-OOOOO"}}, goErr(sealtext.RecoveryKeyToSecret("IIIII-OOOOO"))},
		{"call: key hash with two $", "call", []any{"parseSaltFromKeyHash", []any{"a$b$c"}}, goErr(sealtext.ParseSaltFromKeyHash("a$b$c"))},
		{"call: unknown level", "call", []any{"sealForUserWithLevel", []any{pt, kp.PublicKey, hk.PublicKey, "cat2"}}, goErr(sealtext.ParseLevel("cat2"))},
		{"call: PQ key of 4 bytes", "call", []any{"sealForUser", []any{pt, kp.PublicKey, short(4)}}, goErr(sealtext.SealForUser([]byte("x"), kp.PublicKey, short(4)))},
		{"call: low-order public key", "call", []any{"boxSeal", []any{pt, short(32)}}, goErr(sealtext.BoxSeal([]byte("x"), short(32)))},
		{"call: salt of 8 bytes", "call", []any{"deriveSessionKey", []any{"pw", short(8)}}, goErr(sealtext.DeriveSessionKey("pw", short(8)))},
		// Not a crate error: the bindings' check of argument types
		// (cmd/sealkit-wasm/main_js.go: "invalid argument: <param> must be a string").
		{"call: non-string argument", "call", []any{"encryptSecretbox", []any{42, key}}, &callError{"INVALID_ARGUMENT", "invalid argument: plaintextB64 must be a string"}},
		{"call: missing argument", "call", []any{"decryptSecretbox", []any{sbox}}, &callError{"INVALID_ARGUMENT", "invalid argument: keyB64 must be a string"}},

		{"decrypt: wrong key", "decrypt", []any{sbox, otherKey}, goErr(sealtext.DecryptSecretboxToString(sbox, otherKey))},
		{"encrypt: key of 16 bytes", "encrypt", []any{"x", short(16)}, goErr(sealtext.EncryptSecretboxString("x", short(16)))},
		{"seal: public key not base64", "sealString", []any{"x", "not-b64"}, goErr(sealtext.SealForUser([]byte("x"), "not-b64", ""))},
		{"unseal: blob of 47 bytes", "unseal", []any{short(47), kp.PublicKey, kp.PrivateKey}, goErr(sealtext.UnsealFromUser(short(47), kp.PublicKey, kp.PrivateKey, ""))},
		{"unsealBytes: wrong private key", "unsealBytes", []any{must(sealtext.BoxSeal([]byte("x"), kp.PublicKey)), kp.PublicKey, key}, goErr(sealtext.UnsealFromUser(must(sealtext.BoxSeal([]byte("x"), kp.PublicKey)), kp.PublicKey, key, ""))},
		{"deriveSessionKey: salt not base64", "deriveSessionKey", []any{"pw", "salt"}, goErr(sealtext.DeriveSessionKey("pw", "salt"))},
	}
	// Text that is not UTF-8: decrypt() gets the core's message, unseal()
	// the SDK's own rendering of it; both must equal Go's.
	for _, bad := range [][]byte{
		{0xff}, {'o', 'k', 0x80}, {'a', 0xe2, 0x82}, {0xed, 0xa0, 0x80}, {0xc0, 0xaf},
		{0xf4, 0x90, 0x80, 0x80}, {0xe2, 0x28, 0xa1}, {0xf0, 0x9f, 0x98}, {0xf0, 0x9f, 0x98, 0x80, 0xc3},
		{0xe0, 0x80, 0x80}, {0xf5, 0x80}, {0xc3, 0x28}, {'a', 'b', 'c', 0xf0, 0x90, 0x28},
	} {
		ct := must(sealtext.EncryptSecretbox(bad, key))
		cases = append(cases, jsCase{fmt.Sprintf("decrypt: bytes % x", bad), "decrypt", []any{ct, key}, goErr(sealtext.DecryptSecretboxToString(ct, key))})
		sealed := must(sealtext.BoxSeal(bad, kp.PublicKey))
		want := goErr(sealtext.DecryptSecretboxToString(ct, key))
		cases = append(cases, jsCase{fmt.Sprintf("unseal: bytes % x", bad), "unseal", []any{sealed, kp.PublicKey, kp.PrivateKey}, want})
	}

	for _, c := range cases {
		o, err := call[outcome](b, c.fn, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		_, err = o.result(c.what)
		if err == nil {
			t.Errorf("%s: succeeded, want %v", c.what, c.want)
			continue
		}
		got, ok := err.(*callError)
		if !ok {
			t.Errorf("%s: %v", c.what, err)
			continue
		}
		if *got != *c.want {
			t.Errorf("%s:\n got %s %q\nwant %s %q", c.what, got.Code, got.Message, c.want.Code, c.want.Message)
		}
	}

	// The SDK's own argument checks: a SealkitError with the code (the
	// texts are the SDK's, not the crate's).
	for _, c := range []struct {
		what string
		fn   string
		args []any
	}{
		{"call: unknown export", "call", []any{"noSuchFunction", []any{}}},
		{"encrypt: plaintext not a string", "encrypt", []any{42, key}},
		{"generateHybridKeypair: unknown level", "generateHybridKeypair", []any{"cat2"}},
	} {
		o := mustCall[outcome](t, b, c.fn, c.args...)
		if _, err := o.result(c.what); err == nil {
			t.Errorf("%s: succeeded", c.what)
		} else if ce, ok := err.(*callError); !ok || ce.Code != "INVALID_ARGUMENT" {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", c.what, err)
		}
	}
	b.assertNoViolations()
}

// TestBrowserSDKOperations checks the SDK's high-level functions in
// Chromium against native Go, both ways: key pairs generated by the SDK are
// used by Go and the other way round, seal()/unseal()/unsealBytes() and
// encrypt()/decrypt() interoperate with sealtext, with string and byte
// plaintexts (empty and above 64 KiB included) and every hybrid level.
func TestBrowserSDKOperations(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	b.open("sdk.html")
	seed := crossSeed(t)
	t.Logf("seed %d (replay with SEALKIT_CROSS_SEED=%d)", seed, seed)
	x := &cross{rng: rand.New(rand.NewPCG(seed, 0x5d4))}

	js := func(t *testing.T, fn string, args ...any) any {
		t.Helper()
		o := mustCall[outcome](t, b, fn, args...)
		v, err := o.result(fn)
		if err != nil {
			t.Fatalf("sdk %s: %v", fn, err)
		}
		return v
	}
	jsStr := func(t *testing.T, fn string, args ...any) string {
		t.Helper()
		s, ok := js(t, fn, args...).(string)
		if !ok {
			t.Fatalf("sdk %s did not return a string", fn)
		}
		return s
	}
	jsPair := func(t *testing.T, fn string, keys []string, args ...any) map[string]string {
		t.Helper()
		m, ok := js(t, fn, args...).(map[string]any)
		if !ok || len(m) != len(keys) {
			t.Fatalf("sdk %s returned %v fields, want %v", fn, len(m), keys)
		}
		out := map[string]string{}
		for _, k := range keys {
			s, ok := m[k].(string)
			if !ok {
				t.Fatalf("sdk %s: no string field %q", fn, k)
			}
			out[k] = s
		}
		return out
	}
	if n := len(decoded(t, "generateKey", jsStr(t, "generateKey"))); n != 32 {
		t.Errorf("generateKey: %d bytes", n)
	}
	if n := len(decoded(t, "generateSalt", jsStr(t, "generateSalt"))); n != 16 {
		t.Errorf("generateSalt: %d bytes", n)
	}

	t.Run("encrypt-decrypt", func(t *testing.T) {
		for i := range crossCases {
			s := x.text(x.ptLen(i))
			key := sealtext.GenerateKey()
			if i%2 == 1 {
				key = jsStr(t, "generateKey")
			}
			ct := jsStr(t, "encrypt", s, key)
			same(t, "Go DecryptSecretboxToString of sdk encrypt", okStr(t)(sealtext.DecryptSecretboxToString(ct, key)), s)
			ct = okStr(t)(sealtext.EncryptSecretboxString(s, key))
			same(t, "sdk decrypt of Go EncryptSecretboxString", jsStr(t, "decrypt", ct, key), s)
		}
	})

	t.Run("seal-unseal-box", func(t *testing.T) {
		for i := range crossCases {
			var pub, priv string
			if i%2 == 0 {
				kp := jsPair(t, "generateKeypair", []string{"publicKey", "privateKey"})
				pub, priv = kp["publicKey"], kp["privateKey"]
			} else {
				kp, err := sealtext.GenerateKeyPair()
				if err != nil {
					t.Fatal(err)
				}
				pub, priv = kp.PublicKey, kp.PrivateKey
			}
			s := x.text(x.ptLen(i))
			raw := x.bytes(x.ptLen(i))
			// SDK → Go.
			ct := jsStr(t, "sealString", s, pub)
			same(t, "Go unseal of sdk seal(string)", string(decoded(t, "plaintext", okStr(t)(sealtext.UnsealFromUser(ct, pub, priv, "")))), s)
			ct = jsStr(t, "sealBytes", b64.EncodeToString(raw), pub)
			same(t, "Go unseal of sdk seal(Uint8Array)", string(decoded(t, "plaintext", okStr(t)(sealtext.UnsealFromUser(ct, pub, priv, "")))), string(raw))
			// Go → SDK.
			ct = okStr(t)(sealtext.SealForUser([]byte(s), pub, ""))
			same(t, "sdk unseal of Go SealForUser", jsStr(t, "unseal", ct, pub, priv), s)
			ct = okStr(t)(sealtext.BoxSeal(raw, pub))
			same(t, "sdk unsealBytes of Go BoxSeal", jsStr(t, "unsealBytes", ct, pub, priv), b64.EncodeToString(raw))
		}
	})

	t.Run("seal-unseal-hybrid", func(t *testing.T) {
		for _, l := range hybridLevels {
			for i := range 3 {
				kp := jsPair(t, "generateKeypair", []string{"publicKey", "privateKey"})
				var hpub, hsec string
				if i%2 == 0 {
					// The SDK's level argument: "cat1"/"cat3"/"cat5", any case, default cat3.
					var args []any
					if l.level != sealkit.Cat3 || i != 0 {
						args = []any{l.spell[i%len(l.spell)]}
						if args[0] == "" {
							args[0] = "cat3"
						}
					}
					hk := jsPair(t, "generateHybridKeypair", []string{"publicKey", "secretKey"}, args...)
					hpub, hsec = hk["publicKey"], hk["secretKey"]
				} else {
					hk, err := sealtext.GenerateHybridKeyPair(l.level)
					if err != nil {
						t.Fatal(err)
					}
					hpub, hsec = hk.PublicKey, hk.SecretKey
				}
				if len(decoded(t, "hybrid public key", hpub)) != l.pkBytes {
					t.Fatalf("%v: hybrid public key of the wrong size", l.level)
				}
				s := x.text(x.ptLen(i))
				ct := jsStr(t, "sealString", s, kp["publicKey"], hpub, l.level.String())
				if raw := decoded(t, "ciphertext", ct); raw[0] != l.tag {
					t.Fatalf("%v: sdk seal with level gave tag %#x", l.level, raw[0])
				}
				same(t, "Go unseal of sdk seal(…, level)", string(decoded(t, "plaintext", okStr(t)(sealtext.UnsealFromUser(ct, kp["publicKey"], kp["privateKey"], hsec)))), s)
				ct = okStr(t)(sealtext.SealForUserWithLevel([]byte(s), kp["publicKey"], hpub, l.level))
				same(t, "sdk unseal of Go SealForUserWithLevel", jsStr(t, "unseal", ct, kp["publicKey"], kp["privateKey"], hsec), s)
			}
		}
		// Without a level, seal() with a PQ key is sealForUser: Cat-3.
		kp := jsPair(t, "generateKeypair", []string{"publicKey", "privateKey"})
		hk := jsPair(t, "generateHybridKeypair", []string{"publicKey", "secretKey"})
		ct := jsStr(t, "sealString", "default level", kp["publicKey"], hk["publicKey"])
		if raw := decoded(t, "ciphertext", ct); raw[0] != 0x02 {
			t.Fatalf("seal() without a level: tag %#x, want 0x02", raw[0])
		}
		same(t, "Go unseal", string(decoded(t, "plaintext", okStr(t)(sealtext.UnsealFromUser(ct, kp["publicKey"], kp["privateKey"], hk["secretKey"])))), "default level")
	})
	b.assertNoViolations()
}

// okStr returns a function that passes a string result of sealtext
// through and fails t on its error.
func okStr(t *testing.T) func(string, error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("Go: %v", err)
		}
		return s
	}
}
