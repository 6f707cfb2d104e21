package webapp_test

// A small chromedp helper for the app's browser tests: one headless
// Chromium per test, tabs in its default browser context or in fresh
// ones, and waits that time out with what the page shows. Every tab
// records the URLs it requests or navigates to, its console and
// exceptions, and every CSP violation it sees (the browser's own
// "Content Security Policy" messages and a securitypolicyviolation
// listener injected before any page script runs).

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

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	waitTimeout = 30 * time.Second // one wait: a page load, Argon2id in wasm, a server round trip
	evalTimeout = 10 * time.Second // one evaluation of a small expression
)

// chromiumPath is the browser to run (SEALKIT_CHROMIUM, default Debian's
// /usr/bin/chromium); SEALKIT_SKIP_BROWSER=1 skips the test, a missing
// browser fails it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("SEALKIT_SKIP_BROWSER") == "1" {
		t.Skip("SEALKIT_SKIP_BROWSER=1: browser tests skipped")
	}
	path := os.Getenv("SEALKIT_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("Chromium not found (%v): install Debian's chromium, set SEALKIT_CHROMIUM=/path/to/chromium, "+
			"or SEALKIT_SKIP_BROWSER=1 to skip the browser tests", err)
	}
	return path
}

// cspListener runs in every document before its scripts; the tab's
// listener picks the marked console line up.
const cspListener = `addEventListener("securitypolicyviolation", (e) => {
  console.error("sealkit-test-csp-violation", JSON.stringify({
    directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
    line: e.lineNumber, sample: e.sample, document: location.pathname,
  }));
}, true);`

// browser is one Chromium with a fresh profile.
type browser struct {
	t    *testing.T
	base string          // the app's URL
	root context.Context // the first tab; its context owns the browser

	mu         sync.Mutex
	urls       []string // every URL requested or navigated to, by any tab
	violations []string // CSP violations seen by any tab
	exceptions []string // uncaught exceptions of any page
	console    []string // console lines and exceptions, shown on failure
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	b := &browser{t: t, base: base}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
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
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if len(b.console) > 0 {
				t.Logf("browser console:\n  %s", strings.Join(b.console, "\n  "))
			}
		}
	})
	// The first action starts the browser; it must not run under a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	b.root = ctx
	return b
}

// tab is one browser tab.
type tab struct {
	b    *browser
	name string
	ctx  context.Context
	base string // the app's URL for this tab, when not the browser's
}

// newTab opens a tab in the default browser context (sharing cookies and
// storage with the other tabs there, but with its own sessionStorage).
func (b *browser) newTab(name string) *tab { return b.openTab(name, b.root) }

// newBrowserContextTab opens a tab in a fresh browser context: no cookies,
// no storage. Tabs opened from it with (*tab).newTab share that context.
func (b *browser) newBrowserContextTab(name string) *tab {
	return b.openTab(name, b.root, chromedp.WithNewBrowserContext())
}

// newBrowserContextTabAt is newBrowserContextTab for a tab that talks to
// the app at base (another instance) rather than the browser's.
func (b *browser) newBrowserContextTabAt(name, base string) *tab {
	tb := b.newBrowserContextTab(name)
	tb.base = base
	return tb
}

// newTab opens another tab in tb's browser context.
func (tb *tab) newTab(name string) *tab {
	n := tb.b.openTab(name, tb.ctx)
	n.base = tb.base
	return n
}

func (b *browser) openTab(name string, parent context.Context, opts ...chromedp.ContextOption) *tab {
	b.t.Helper()
	tb := &tab{b: b, name: name}
	ctx, cancel := chromedp.NewContext(parent, append(opts, chromedp.WithListener(tb.record))...)
	b.t.Cleanup(cancel)
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // attach, no timeout: see chromedp's docs
		b.t.Fatalf("opening tab %s: %v", name, err)
	}
	cctx, ccancel := context.WithTimeout(ctx, evalTimeout)
	defer ccancel()
	if _, err := chromedp.Call(cctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener}); err != nil {
		b.t.Fatalf("tab %s: adding the CSP listener: %v", name, err)
	}
	return tb
}

// record runs on chromedp's reader goroutine: it must return fast.
func (tb *tab) record(ev any) {
	b := tb.b
	var url, line, violation, exception string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		url = ev.Request.URL + ev.Request.URLFragment
	case *page.EventNavigatedWithinDocument:
		url = ev.URL
	case *page.EventFrameNavigated:
		url = ev.Frame.URL + ev.Frame.URLFragment
	case *runtime.EventConsoleAPICalled:
		parts := make([]string, 0, len(ev.Args))
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				var s string
				if json.Unmarshal(a.Value, &s) == nil {
					parts = append(parts, s)
					continue
				}
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		text := strings.Join(parts, " ")
		line = fmt.Sprintf("[%s] console.%s: %s", tb.name, ev.Type, text)
		if strings.HasPrefix(text, "sealkit-test-csp-violation") || strings.Contains(text, "Content Security Policy") {
			violation = line
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = fmt.Sprintf("[%s] exception: %s", tb.name, d.Text)
		if d.Exception != nil {
			line += " " + d.Exception.Description
		}
		exception = line
	case *log.EventEntryAdded:
		e := ev.Entry
		line = fmt.Sprintf("[%s] log %s/%s: %s (%s)", tb.name, e.Source, e.Level, e.Text, e.URL)
		if strings.Contains(e.Text, "Content Security Policy") {
			violation = line
		}
	default:
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if url != "" {
		b.urls = append(b.urls, url)
	}
	if line != "" {
		b.console = append(b.console, line)
	}
	if violation != "" {
		b.violations = append(b.violations, violation)
	}
	if exception != "" {
		b.exceptions = append(b.exceptions, exception)
	}
}

// URLs is every URL the browser requested or navigated to so far.
func (b *browser) URLs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.urls...)
}

// Violations is every CSP violation any tab saw so far.
func (b *browser) Violations() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.violations...)
}

// Exceptions is every uncaught exception of any page so far.
func (b *browser) Exceptions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.exceptions...)
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value.
func eval[T any](tb *tab, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, evalTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %v: %w", evalTimeout, err)
	}
	return v, err
}

// mustEval is eval that fails the test.
func mustEval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := eval[T](tb, expr)
	if err != nil {
		t.Fatalf("tab %s: evaluating %s: %v", tb.name, expr, err)
	}
	return v
}

// do runs actions in the tab under the wait timeout.
func (tb *tab) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("tab %s: %s: %v\n%s", tb.name, what, err, tb.describe())
	}
}

// pageState is what the waits look at.
type pageState struct {
	Path  string `json:"path"`
	Ready string `json:"ready"`
	Error string `json:"error"`
	Stale bool   `json:"stale"`
}

const pageStateJS = `JSON.stringify({
  path: location.pathname,
  ready: (document.body && document.body.dataset.ready) || "",
  error: (document.body && document.body.dataset.error) || "",
  stale: Boolean(window.__sealkitTestStale),
})`

// describe is the tab's URL, data-error and visible text, for failures.
func (tb *tab) describe() string {
	s, err := eval[string](tb, `JSON.stringify({url: location.href, error: (document.body && document.body.dataset.error) || "",
  text: document.body ? document.body.innerText : ""})`)
	if err != nil {
		return "(the page cannot be read: " + err.Error() + ")"
	}
	var d struct{ URL, Error, Text string }
	json.Unmarshal([]byte(s), &d)
	text := strings.Join(strings.Fields(d.Text), " ")
	if len(text) > 600 {
		text = text[:600] + "…"
	}
	return fmt.Sprintf("  page %s\n  data-error %q\n  text: %s", d.URL, d.Error, text)
}

// markStale tags the current document, so that a wait after a navigation
// does not mistake the old page for the new one.
func (tb *tab) markStale(t *testing.T) {
	t.Helper()
	mustEval[bool](t, tb, `window.__sealkitTestStale = true`)
}

// waitPage waits until the tab shows a new document at path whose script
// is done (body data-ready="1"); data-error there fails at once.
func (tb *tab) waitPage(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var last pageState
	for time.Now().Before(deadline) {
		s, err := eval[string](tb, pageStateJS)
		if err == nil && json.Unmarshal([]byte(s), &last) == nil && !last.Stale && last.Path == path {
			if last.Error != "" {
				t.Fatalf("tab %s: %s failed: data-error %q\n%s", tb.name, path, last.Error, tb.describe())
			}
			if last.Ready == "1" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("tab %s: no ready page %s within %v (last state %+v)\n%s", tb.name, path, waitTimeout, last, tb.describe())
}

// waitJS waits until a JavaScript expression is truthy in the tab.
func (tb *tab) waitJS(t *testing.T, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		if ok, err := eval[bool](tb, "Boolean("+expr+")"); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("tab %s: waited %v for %s (%s)\n%s", tb.name, waitTimeout, what, expr, tb.describe())
}

// waitShown waits until the element with this id is not hidden.
func (tb *tab) waitShown(t *testing.T, id string) {
	t.Helper()
	tb.waitJS(t, "#"+id+" to be shown", fmt.Sprintf(`(() => { const e = document.getElementById(%q); return e && !e.hidden; })()`, id))
}

// open navigates to a path of the app and waits for the page at want
// (the path itself unless the server or the page redirects).
func (tb *tab) open(t *testing.T, path, want string) {
	t.Helper()
	base := tb.base
	if base == "" {
		base = tb.b.base
	}
	tb.do(t, "navigating to "+path, chromedp.Navigate(base+path))
	tb.waitPage(t, want)
}

// reload reloads the page and waits for it at want.
func (tb *tab) reload(t *testing.T, want string) {
	t.Helper()
	tb.markStale(t)
	tb.do(t, "reloading", chromedp.Reload())
	tb.waitPage(t, want)
}

// clickTo clicks the element with this id and waits for the page it
// leads to.
func (tb *tab) clickTo(t *testing.T, id, want string) {
	t.Helper()
	tb.markStale(t)
	tb.do(t, "clicking #"+id, chromedp.Click(chromedp.ID(id)))
	tb.waitPage(t, want)
}

// typeInto replaces the value of an input by typing v.
func (tb *tab) typeInto(t *testing.T, id, v string) {
	t.Helper()
	mustEval[bool](t, tb, fmt.Sprintf(`(document.getElementById(%q).value = "") === ""`, id))
	tb.do(t, "typing into #"+id, chromedp.SendKeys(chromedp.ID(id), v))
	if got := tb.text(t, id, "value"); got != v {
		t.Fatalf("tab %s: #%s holds %q after typing %q", tb.name, id, got, v)
	}
}

// text is a property (textContent, value) of the element with this id.
func (tb *tab) text(t *testing.T, id, prop string) string {
	t.Helper()
	return mustEval[string](t, tb, fmt.Sprintf(`(() => { const e = document.getElementById(%q); return e ? String(e[%q]) : "<no #%s>"; })()`, id, prop, id))
}
