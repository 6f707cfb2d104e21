//go:build !js

package jstest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// TestBrowserWorkerResponsiveness shows that Argon2id runs off the main
// thread: a 10 ms interval on the page keeps firing while
// `await deriveSessionKey()` runs in the SDK's worker (≥ 3 ticks), and does
// not fire at all while the same derivation runs synchronously on the main
// thread through getDirectCrypto() — the control proving that the count can
// come out low. Both keys equal the native Go derivation.
func TestBrowserWorkerResponsiveness(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	b.open("sdk.html")

	password, salt := "correct horse battery staple", sealtext.GenerateSalt()
	want, err := sealtext.DeriveSessionKey(password, salt)
	if err != nil {
		t.Fatal(err)
	}
	r := mustCall[struct {
		WorkerTicks int    `json:"workerTicks"`
		WorkerKey   string `json:"workerKey"`
		MainTicks   int    `json:"mainTicks"`
		MainKey     string `json:"mainKey"`
	}](t, b, "responsiveness", password, salt)
	t.Logf("10 ms ticks during Argon2id: %d with the worker, %d on the main thread", r.WorkerTicks, r.MainTicks)
	if r.WorkerTicks < 3 {
		t.Errorf("only %d interval ticks while the worker derived the key; the main thread was blocked", r.WorkerTicks)
	}
	if r.MainTicks != 0 {
		t.Errorf("%d interval ticks during a synchronous main-thread derivation, want 0: the measurement is broken", r.MainTicks)
	}
	same(t, "worker deriveSessionKey", r.WorkerKey, want)
	same(t, "getDirectCrypto().deriveSessionKey", r.MainKey, want)

	// getDirectCrypto offers the 31 exports (24, and 7 of signatures) and
	// the 4 of the bytes API, never a key slot (keystore.js's).
	names := mustCall[[]string](t, b, "directNames")
	if len(names) != 35 {
		t.Errorf("getDirectCrypto() has %d functions, want the 31 exports and the bytes API: %v", len(names), names)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "slot") {
			t.Errorf("getDirectCrypto() offers %s", n)
		}
	}
	b.assertNoViolations()
}

// TestBrowserWorkerPool runs the same calls, all in flight at once,
// through the SDK's default single worker and through a pool of three
// ({workers: 3}) in Chromium: the pool starts three workers, and every
// result — plaintexts, an Argon2id key, error codes and messages — is the
// same as with one worker and as native Go's.
func TestBrowserWorkerPool(t *testing.T) {
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
	type inputs struct {
		Key         string   `json:"key"`
		WrongKey    string   `json:"wrongKey"`
		Secretboxes []string `json:"secretboxes"`
		PublicKey   string   `json:"publicKey"`
		PrivateKey  string   `json:"privateKey"`
		PQSecretKey string   `json:"pqSecretKey"`
		Seals       []string `json:"seals"`
		Password    string   `json:"password"`
		Salt        string   `json:"salt"`
	}
	in := inputs{Key: key, WrongKey: sealtext.GenerateKey(), PublicKey: kp.PublicKey, PrivateKey: kp.PrivateKey,
		PQSecretKey: hk.SecretKey, Password: "pool password", Salt: sealtext.GenerateSalt()}
	var want []any // what each result of the page's run() must be
	ok := func(v string) map[string]any { return map[string]any{"ok": true, "value": v} }
	var texts []string
	for i := range 12 {
		text := fmt.Sprintf("secret %d ✓", i)
		ct, err := sealtext.EncryptSecretboxString(text, key)
		if err != nil {
			t.Fatal(err)
		}
		in.Secretboxes = append(in.Secretboxes, ct)
		want = append(want, ok(text))
	}
	for i := range 12 {
		text := fmt.Sprintf("habit key %d ✓", i)
		blob, err := sealtext.SealForUser([]byte(text), kp.PublicKey, hk.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		in.Seals = append(in.Seals, blob)
		texts = append(texts, text)
		want = append(want, ok(text))
	}
	for _, text := range texts {
		want = append(want, ok(b64.EncodeToString([]byte(text))))
	}
	sessionKey, err := sealtext.DeriveSessionKey(in.Password, in.Salt)
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, ok(sessionKey), ok(in.Salt))
	// Errors: both runs must give the same codes and messages (compared
	// below); here only that they are errors.
	want = append(want, nil, nil)

	r := mustCall[struct {
		Single        []map[string]any `json:"single"`
		SingleMs      float64          `json:"singleMs"`
		SingleMode    string           `json:"singleMode"`
		SingleStarted int              `json:"singleStarted"`
		Pooled        []map[string]any `json:"pooled"`
		PooledMs      float64          `json:"pooledMs"`
		PooledMode    string           `json:"pooledMode"`
		PooledStarted int              `json:"pooledStarted"`
	}](t, b, "pooled", in, 3)
	t.Logf("%d calls in flight: %.0f ms with one worker, %.0f ms with a pool of three", len(want), r.SingleMs, r.PooledMs)
	if r.SingleMode != "worker" || r.PooledMode != "worker" {
		t.Errorf("modes %q and %q, want worker", r.SingleMode, r.PooledMode)
	}
	if r.SingleStarted != 1 || r.PooledStarted != 3 {
		t.Errorf("workers started: %d by default and %d with {workers: 3}, want 1 and 3", r.SingleStarted, r.PooledStarted)
	}
	if len(r.Single) != len(want) || len(r.Pooled) != len(want) {
		t.Fatalf("%d and %d results, want %d", len(r.Single), len(r.Pooled), len(want))
	}
	for i, w := range want {
		got, single := r.Pooled[i], r.Single[i]
		if !reflect.DeepEqual(got, single) {
			t.Errorf("result %d: pooled %v, single worker %v", i, got, single)
		}
		if w == nil {
			if got["ok"] != false || got["sealkitError"] != true {
				t.Errorf("result %d: %v, want a SealkitError", i, got)
			}
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("result %d: %v, want %v", i, got, w)
		}
	}
	// The first error (a wrong key) is also native Go's text.
	if _, err := sealtext.DecryptSecretboxToString(in.Secretboxes[0], in.WrongKey); err == nil || r.Pooled[len(want)-2]["message"] != err.Error() {
		t.Errorf("wrong-key error %v, Go's %v", r.Pooled[len(want)-2], err)
	}
	b.assertNoViolations()
}
