package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
)

// chromium is the browser to run (SEALKIT_CHROMIUM, default Debian's
// /usr/bin/chromium), as in the kit's other browser tests;
// SEALKIT_SKIP_BROWSER=1 skips, a missing browser fails.
func chromium(t *testing.T) string {
	if os.Getenv("SEALKIT_SKIP_BROWSER") == "1" {
		t.Skip("SEALKIT_SKIP_BROWSER=1: browser tests skipped")
	}
	path := os.Getenv("SEALKIT_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("Chromium not found (%v): set SEALKIT_CHROMIUM, or SEALKIT_SKIP_BROWSER=1 to skip", err)
	}
	return path
}

// cspListener reports CSP violations to the console, where tab.record
// finds them.
const cspListener = `addEventListener("securitypolicyviolation", (e) =>
  console.error("csp-violation", e.effectiveDirective, e.blockedURI), true);`

// tab is a page in a browser context of its own (no shared cookies or
// storage: another user, or the same user on another device), or a second
// tab in another tab's (the same user in the same browser).
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
	mu   sync.Mutex
	bad  []string // exceptions and CSP violations
}

// newTab opens a tab: with ownBrowser, in a new browser context; else in
// parent's (another tab's) browser context, sharing its cookies and IndexedDB.
func newTab(t *testing.T, parent context.Context, name, base string, ownBrowser bool) *tab {
	tb := &tab{t: t, name: name, base: base}
	opts := []chromedp.ContextOption{chromedp.WithListener(tb.record)}
	if ownBrowser {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	// The first action opens the tab, for ctx's lifetime: it must not be a
	// derived context with a timeout, which would close the tab.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening tab %s: %v", name, err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener}); err != nil {
		t.Fatal(err)
	}
	tb.ctx = ctx
	return tb
}

func (tb *tab) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		line = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			line += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, string(a.Value))
		}
		if text := strings.Join(parts, " "); strings.Contains(text, "csp-violation") {
			line = "console: " + text
		}
	}
	if line != "" {
		tb.mu.Lock()
		tb.bad = append(tb.bad, line)
		tb.mu.Unlock()
	}
}

func (tb *tab) eval(expr string) (string, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
}

// wait waits up to 30 s (Argon2id in wasm, a round trip) for a JavaScript
// expression to be true.
func (tb *tab) wait(what, expr string) {
	tb.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if v, err := tb.eval("String(Boolean(" + expr + "))"); err == nil && v == "true" {
			return
		}
	}
	text, _ := tb.eval(`location.pathname + " data-error=" + (document.body.dataset.error || "") + " | " + document.body.innerText`)
	tb.t.Fatalf("tab %s: waited 30s for %s\n  page: %s", tb.name, what, text)
}

// open navigates and waits for the page at path to be ready.
func (tb *tab) open(url, path string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		tb.t.Fatalf("tab %s: navigating to %s: %v", tb.name, path, err)
	}
	tb.waitPage(path)
}

func (tb *tab) waitPage(path string) {
	tb.t.Helper()
	tb.wait("page "+path, fmt.Sprintf(`location.pathname === %q && document.body.dataset.ready === "1"`, path))
}

// submit fills a form's fields (selector → value) and submits it as a
// user would.
func (tb *tab) submit(form string, fields map[string]string) {
	tb.t.Helper()
	js := fmt.Sprintf(`(() => { const f = document.querySelector(%q);`, form)
	for name, v := range fields {
		js += fmt.Sprintf(`f.elements[%q].value = %q;`, name, v)
	}
	if _, err := tb.eval(js + `f.requestSubmit(); return "ok"; })()`); err != nil {
		tb.t.Fatalf("tab %s: submitting %s: %v", tb.name, form, err)
	}
}

func (tb *tab) text() string {
	v, _ := tb.eval(`document.body.textContent`)
	return v
}

// The whole story in Chromium: Ada signs up, writes a note and shares it
// with Bob's address before Bob has an account; Bob signs up and sees the
// note waiting; Ada logs in on another device, her page seals the note's
// key to Bob, and Bob's open page shows the text; a second tab there opens
// her keys from the key cache, and logout deletes it. No page's storage
// holds a key, and nothing of it is in the database files or the server's
// log.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	s := startServer(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	root, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}

	const (
		canary   = "canary-7f3a9c: the launch code is 0451"
		adaEmail = "Ada.Canary@Example.test" // as typed; the server lower-cases it
		bobEmail = "bob.canary@example.test"
		adaPass  = "ada-password-canary-1"
		bobPass  = "bob-password-canary-2"
	)
	var tokens []string // every link and session token, for the scan

	signUp := func(tb *tab, email, password string) {
		tb.open(s.url+"/register", "/register")
		tb.submit("#register", map[string]string{"email": email})
		tb.wait("the mail notice", `document.getElementById("status").textContent.includes("Check your mail")`)
		link := s.mailLink(t, email)
		tokens = append(tokens, strings.TrimPrefix(link, "/register/finish#token="))
		tb.open(s.url+link, "/register/finish")
		if got, _ := tb.eval(`document.getElementById("email").textContent`); got != email {
			t.Fatalf("the finish page shows %q, want %q", got, email)
		}
		tb.submit("#finish", map[string]string{"password": password})
		tb.waitPage("/notes")
	}

	ada := newTab(t, root, "ada", s.url, true)
	signUp(ada, adaEmail, adaPass)
	ada.submit("#write", map[string]string{"body": canary})
	ada.wait("the note", fmt.Sprintf(`document.getElementById("notes").textContent.includes(%q)`, canary))
	ada.submit(".share", map[string]string{"email": bobEmail})
	ada.wait("the share", `document.getElementById("status").textContent.startsWith("Shared")`)
	sessions := cookies(t, ada)
	ada.open(s.url+"/", "/") // Ada's page, the only holder of the key, is gone

	bob := newTab(t, root, "bob", s.url, true)
	signUp(bob, bobEmail, bobPass)
	bob.wait("the pending note", `document.getElementById("notes").textContent.includes("waiting for the owner's browser")`)
	time.Sleep(300 * time.Millisecond) // nobody holds the key: it stays pending
	if strings.Contains(bob.text(), canary) {
		t.Fatal("bob reads the note before any key was sealed to him")
	}

	// Ada on another device: login, and her notes page seals to Bob.
	ada2 := newTab(t, root, "ada-2", s.url, true)
	ada2.open(s.url+"/login", "/login")
	ada2.submit("#login", map[string]string{"email": adaEmail, "password": adaPass})
	ada2.waitPage("/notes")
	bob.wait("the shared note's text", fmt.Sprintf(`document.getElementById("notes").textContent.includes(%q)`, canary))

	// Another tab of the same browser opens Ada's keys from the shared key
	// cache, without the password.
	ada3 := newTab(t, ada2.ctx, "ada-3", s.url, false)
	ada3.open(s.url+"/notes", "/notes")
	ada3.wait("the note in a second tab", fmt.Sprintf(`document.getElementById("notes").textContent.includes(%q)`, canary))

	// The keys wait between pages in the SDK's key cache (IndexedDB, sealed
	// under a secret of the live session), never in the page's storage:
	// sessionStorage holds only the tab's id, which names this tab's cache.
	for _, tb := range []*tab{ada, ada2, ada3, bob} {
		if got, _ := tb.eval(`JSON.stringify(Object.keys(sessionStorage)) + " " + localStorage.length`); got != `["sealkit.tab"] 0` {
			t.Errorf("tab %s: sessionStorage keys and localStorage length %q, want the tab id only", tb.name, got)
		}
	}
	if got, _ := ada2.eval(`indexedDB.databases().then((l) => l.map((d) => d.name).sort().join(" "))`); !strings.Contains(got, "sealkit-keycache-v2") {
		t.Errorf("ada's browser holds databases %q, want the shared key cache", got)
	}
	for _, tb := range []*tab{ada, ada2, ada3, bob} {
		if len(tb.bad) > 0 {
			t.Errorf("tab %s: %s", tb.name, strings.Join(tb.bad, "\n  "))
		}
	}
	sessions = append(append(sessions, cookies(t, ada2)...), cookies(t, bob)...)
	if len(sessions) != 3 {
		t.Fatalf("want 3 session cookies, got %d", len(sessions))
	}
	// Ada's session and auth keys, derived here as her browser did, for the
	// scan: no page kept them, and neither may the server.
	keyHash, err := ada2.eval(`fetch("/api/me").then((r) => r.json()).then((me) => me.key_hash)`)
	if err != nil {
		t.Fatal(err)
	}
	saltText, err := sealkit.ParseSaltFromKeyHash(keyHash)
	salt, err2 := base64.StdEncoding.DecodeString(saltText)
	if err != nil || err2 != nil {
		t.Fatalf("ada's key_hash %q: %v %v", keyHash, err, err2)
	}
	sessionKey, err := sealkit.DeriveSessionKey(adaPass, salt)
	if err != nil {
		t.Fatal(err)
	}
	authKey, err := sealkit.DeriveAuthKey(sessionKey)
	if err != nil {
		t.Fatal(err)
	}

	// Logout forgets the keys: no key cache is left, and the notes page
	// sends the user to log in. (The page's UserKeys.forget and the
	// server's Clear-Site-Data each delete the caches, so this checks the
	// two together.)
	ada2.submit("#logout", nil)
	ada2.waitPage("/")
	if got, _ := ada2.eval(`indexedDB.databases().then((l) => l.map((d) => d.name).filter((n) => n.endsWith("-keycache-v2")).join(" "))`); got != "" {
		t.Errorf("after logout ada's browser still holds key caches %q", got)
	}
	ada3.open(s.url+"/notes", "/login")

	// The canary scan, while the server runs (the WAL holds the recent
	// writes) and after it stopped (checkpointed into the database).
	secrets := append([]string{canary, adaEmail, strings.ToLower(adaEmail), bobEmail, adaPass, bobPass,
		base64.StdEncoding.EncodeToString(sessionKey), base64.StdEncoding.EncodeToString(authKey), string(sessionKey), string(authKey)}, tokens...)
	secrets = append(secrets, sessions...)
	for _, v := range secrets[:6] {
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(v)))
	}
	scan := func(when string) {
		files, _ := filepath.Glob(filepath.Join(s.dir, "notes.db*"))
		if len(files) == 0 {
			t.Fatalf("%s: no database files in %s", when, s.dir)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range secrets {
				if strings.Contains(string(b), v) {
					t.Errorf("%s: %s holds secret #%d", when, filepath.Base(f), i)
				}
			}
		}
		for i, v := range secrets {
			if strings.Contains(s.log.String(), v) {
				t.Errorf("%s: the log holds secret #%d", when, i)
			}
		}
	}
	scan("running")
	s.stop()
	scan("stopped")
}

// cookies is the tab's session cookie values.
func cookies(t *testing.T, tb *tab) []string {
	t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range res.Cookies {
		if strings.Contains(c.Name, "session") {
			out = append(out, c.Value)
		}
	}
	return out
}
