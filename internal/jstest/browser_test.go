//go:build !js

package jstest

// The shared Chromium setup of the browser tests: launching a headless
// Chromium with a fresh profile through chromedp, opening the test pages of
// a testServer, evaluating page functions, and the CSP violation checks.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	defaultChromium = "/usr/bin/chromium"
	evalTimeout     = 90 * time.Second // one page call; Argon2id in wasm is the slowest
	readyTimeout    = 30 * time.Second // a page's scripts, the worker and the wasm module loading
)

// chromiumPath returns the browser to run, or skips the test when
// SEALKIT_SKIP_BROWSER=1. A missing browser fails the test: the browser
// tests are part of `go test ./...`.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("SEALKIT_SKIP_BROWSER") == "1" {
		t.Skip("SEALKIT_SKIP_BROWSER=1: browser tests skipped")
	}
	path := os.Getenv("SEALKIT_CHROMIUM")
	if path == "" {
		path = defaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("Chromium not found (%v). The browser tests need Debian's chromium package "+
			"(apt-get install chromium) or SEALKIT_CHROMIUM=/path/to/chromium; "+
			"set SEALKIT_SKIP_BROWSER=1 to skip them explicitly.", err)
	}
	return path
}

// browser is one headless Chromium with its own fresh profile, and the tab
// the test drives.
type browser struct {
	t   *testing.T
	srv pageServer
	ctx context.Context

	closeOnce sync.Once
	cancel    func() // stops the tab's context and the browser process

	mu   sync.Mutex
	logs []string // console messages and exceptions of the tab, for failures
}

// startBrowserTest is the start of every browser test: it skips or fails
// early when there is no browser, then starts the server and Chromium.
func startBrowserTest(t *testing.T) (*testServer, *browser) {
	t.Helper()
	chromiumPath(t)
	srv := newTestServer(t)
	return srv, newBrowser(t, srv)
}

// pageServer is what a browser needs of the server of its pages.
type pageServer interface {
	baseURL() string
	cspReports() []cspReport
}

func (s *testServer) baseURL() string { return s.URL }

// newBrowser starts Chromium for srv's pages, with a fresh profile; it
// stops when the test ends.
func newBrowser(t *testing.T, srv pageServer) *browser {
	t.Helper()
	return newBrowserIn(t, srv, t.TempDir())
}

// newBrowserIn starts Chromium with the profile directory dir (a new one
// or one a closed browser left); it stops at close or when the test ends.
// The password store is "basic" so that the profile's cookies do not
// depend on a desktop keyring, as in a copied profile.
func newBrowserIn(t *testing.T, srv pageServer, dir string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	b := &browser{t: t, srv: srv}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(dir),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(b.record))
	b.cancel = func() {
		// chromedp.Cancel closes the browser gracefully (Browser.close) and
		// waits for it, so the profile on disk is complete afterwards.
		chromedp.Cancel(ctx)
		cancel()
		cancelAlloc()
	}
	t.Cleanup(b.close)
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if len(b.logs) > 0 {
				t.Logf("browser console:\n  %s", strings.Join(b.logs, "\n  "))
			}
		}
	})
	// The first action starts the browser; it must not run under a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	b.ctx = ctx
	return b
}

// close shuts the browser down and waits until its process has exited.
func (b *browser) close() { b.closeOnce.Do(b.cancel) }

// record keeps the page's console output. It runs on chromedp's reader
// goroutine and must return fast.
func (b *browser) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		parts := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		line = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil {
			line += " " + d.Exception.Description
		}
	default:
		return
	}
	b.mu.Lock()
	b.logs = append(b.logs, line)
	b.mu.Unlock()
}

// url returns the absolute URL of a server path.
func (b *browser) url(path string) string { return b.srv.baseURL() + path }

// open navigates to a page of testdata (served under /t/) and waits until
// its scripts have loaded and its page script reported ready. It returns
// what the page passed to pageReady, as JSON.
func (b *browser) open(page string) json.RawMessage {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, readyTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(b.url("/t/"+page))); err != nil {
		b.t.Fatalf("navigating to %s: %v", page, err)
	}
	return b.waitReady(page)
}

// reload reloads the current page and waits until it is ready again.
func (b *browser) reload(page string) json.RawMessage {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, readyTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		b.t.Fatalf("reloading %s: %v", page, err)
	}
	return b.waitReady(page)
}

// waitReadyJS waits for harness.js and then for the page script.
const waitReadyJS = `(async () => {
  const deadline = Date.now() + %d;
  while (!globalThis.sealkitHarness) {
    if (Date.now() > deadline) throw new Error("harness.js did not run (not served, or blocked?)");
    await new Promise((r) => setTimeout(r, 10));
  }
  return JSON.stringify(await sealkitHarness.ready);
})()`

func (b *browser) waitReady(page string) json.RawMessage {
	b.t.Helper()
	out, err := evalIn[string](b, fmt.Sprintf(waitReadyJS, readyTimeout.Milliseconds()-1000), readyTimeout)
	if err != nil {
		b.t.Fatalf("page %s did not get ready: %v", page, err)
	}
	return json.RawMessage(out)
}

// evalIn evaluates a JavaScript expression in the page, awaits it if it is
// a promise, and decodes its value.
func evalIn[T any](b *browser, expr string, timeout time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %v: %w", timeout, err)
	}
	return v, err
}

// call runs fn(...args) in the page: fn names a function of the page's
// sealkitTest object, args are JSON-encoded, and the function returns a
// JSON string that is decoded into T.
func call[T any](b *browser, fn string, args ...any) (T, error) {
	var zero T
	if args == nil {
		args = []any{}
	}
	enc, err := json.Marshal(args)
	if err != nil {
		return zero, err
	}
	name, _ := json.Marshal(fn)
	expr := fmt.Sprintf("(async () => JSON.stringify(await sealkitTest[%s](...%s)))()", name, enc)
	out, err := evalIn[string](b, expr, evalTimeout)
	if err != nil {
		return zero, fmt.Errorf("page call %s: %w", fn, err)
	}
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		return zero, fmt.Errorf("page call %s: decoding %q: %w", fn, truncate(out, 200), err)
	}
	return v, nil
}

// mustCall is call that fails the test on an error.
func mustCall[T any](t *testing.T, b *browser, fn string, args ...any) T {
	t.Helper()
	v, err := call[T](b, fn, args...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// pageViolation is a securitypolicyviolation event seen by harness.js.
type pageViolation struct {
	EffectiveDirective string `json:"effectiveDirective"`
	ViolatedDirective  string `json:"violatedDirective"`
	BlockedURI         string `json:"blockedURI"`
	SourceFile         string `json:"sourceFile"`
	LineNumber         int    `json:"lineNumber"`
	Sample             string `json:"sample"`
	Disposition        string `json:"disposition"`
}

// pageViolations returns the violations the current page's listener saw.
func (b *browser) pageViolations() []pageViolation {
	b.t.Helper()
	out, err := evalIn[string](b, "JSON.stringify(globalThis.sealkitHarness ? sealkitHarness.violations : null)", 10*time.Second)
	if err != nil {
		b.t.Fatalf("reading the page's CSP violations: %v", err)
	}
	var v []pageViolation
	if out == "null" {
		b.t.Fatalf("reading the page's CSP violations: harness.js is not loaded")
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		b.t.Fatalf("decoding the page's CSP violations: %v", err)
	}
	return v
}

// reportSettle is how long the last report of a violation may take to reach
// the server after the action that caused it (reports are sent
// asynchronously). The negative test shows them arriving well within it.
const reportSettle = 300 * time.Millisecond

// assertNoViolations fails the test if the current page's listener or the
// server's report endpoint saw any CSP violation. Call it before leaving a
// page (navigating or reloading forgets the page's list).
func (b *browser) assertNoViolations() {
	b.t.Helper()
	if v := b.pageViolations(); len(v) > 0 {
		b.t.Errorf("CSP violations in the page: %+v", v)
	}
	time.Sleep(reportSettle)
	if r := b.srv.cspReports(); len(r) > 0 {
		b.t.Errorf("CSP violation reports at the server: %+v", r)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
