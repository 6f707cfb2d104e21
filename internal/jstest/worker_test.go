//go:build !js

package jstest

import (
	"testing"

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

	// getDirectCrypto offers the 24 exports.
	names := mustCall[[]string](t, b, "directNames")
	if len(names) != 24 {
		t.Errorf("getDirectCrypto() has %d functions, want the 24 exports: %v", len(names), names)
	}
	b.assertNoViolations()
}
