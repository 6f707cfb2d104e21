package webapp_test

// The app's own words and frames: what the pages say (the home page, the
// footer, the title), where login and unlock land, the 404 page, and what
// a server built without the browser module tells its users. The pages do
// not depend on the database, so these tests run on SQLite only.

import (
	"html"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
	sdk "github.com/sealkit/sealkit/js"
)

var (
	titleRE  = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	footerRE = regexp.MustCompile(`(?s)<footer[^>]*>(.*?)</footer>`)
	scriptRE = regexp.MustCompile(`(?s)<script\b[^>]*>.*?</script>`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	nonceRE  = regexp.MustCompile(`<script type="module" nonce="([^"]+)" src="/static/v/[0-9a-f]{12}/app/([a-z]+)\.js">`)
)

// visibleText is what a reader of the HTML sees: no tags, no scripts, no
// template comments (they never reach the output anyway), entities
// decoded, white space collapsed.
func visibleText(s string) string {
	s = scriptRE.ReplaceAllString(s, " ")
	s = tagRE.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// get fetches a path and fails unless the status is want.
func get(t *testing.T, c *apptest.Client, path string, want int) *apptest.Response {
	t.Helper()
	r := c.Do(t, "GET", path, "", nil)
	if r.Status != want {
		t.Fatalf("GET %s: %d, want %d\n%s", path, r.Status, want, r.Body)
	}
	return r
}

// TestHomeSaysWhatItIs: the home page says what the app is, the title
// names the site once, and neither the home page nor the footer every
// page carries claims more secrecy than PROTOCOL.md §6–§7 gives: the
// email address reaches the server, and colours, order, check-in days and
// memberships are plaintext. Forgetting the password has to read as what
// it is: there is no recovery.
func TestHomeSaysWhatItIs(t *testing.T) {
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	c := apptest.NewClient(s.URL)
	home := string(get(t, c, "/", 200).Body)

	m := titleRE.FindStringSubmatch(home)
	if m == nil {
		t.Fatal("the home page has no <title>")
	}
	if title := html.UnescapeString(m[1]); strings.Count(title, "sealkit") != 1 {
		t.Errorf("home page title %q: the site's name should appear exactly once", title)
	}
	if m := titleRE.FindStringSubmatch(string(get(t, c, "/login", 200).Body)); m == nil || html.UnescapeString(m[1]) != "Log in · sealkit" {
		t.Errorf("login page title %q, want %q", m, "Log in · sealkit")
	}

	// The home page's own words, without the footer (checked below).
	text := strings.ToLower(visibleText(footerRE.ReplaceAllString(home, "")))
	var missing, wrong []string
	for _, w := range []string{"habit", "group", "email address", "plain text", "recovery key", "your password and your recovery key and your data stays sealed"} {
		if !strings.Contains(text, w) {
			missing = append(missing, w)
		}
	}
	// The claims the page used to make, which the protocol does not keep.
	for _, w := range []string{"everything you keep here", "your address, your display name — is encrypted", "stores only ciphertext",
		"no password reset or recovery"} {
		if strings.Contains(text, w) {
			wrong = append(wrong, w)
		}
	}
	if len(missing) > 0 || len(wrong) > 0 {
		t.Errorf("the home page does not say %q and claims %q:\n%s", missing, wrong, text)
	}

	// The footer is on every page; check it on a few, signed out and in.
	u := apptest.NewUser(t, "footer@example.test", "footer password")
	in := apptest.NewClient(s.URL)
	s.SignUp(t, in, u)
	if r := in.LogIn(t, u); r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	for _, p := range []struct {
		c    *apptest.Client
		path string
	}{{c, "/"}, {c, "/login"}, {c, "/register"}, {in, "/habits"}, {in, "/profile"}} {
		f := footerRE.FindStringSubmatch(string(get(t, p.c, p.path, 200).Body))
		if f == nil {
			t.Errorf("%s has no footer", p.path)
			continue
		}
		footer := strings.ToLower(visibleText(f[1]))
		var missing []string
		for _, w := range []string{"email address", "plain text", "colours", "check-in days", "group"} {
			if !strings.Contains(footer, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) > 0 || strings.Contains(footer, "stores only ciphertext") {
			t.Errorf("%s: the footer does not mention %q, or says the server stores only ciphertext: %q", p.path, missing, footer)
		}
	}
}

// TestUnlockDefaultsToHabits: the unlock page sends the user back to a
// local path it was given, and otherwise (none, or one that leaves the
// site) to the habits dashboard, where login lands too.
func TestUnlockDefaultsToHabits(t *testing.T) {
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	m := s.NewMember(t, "unlock@example.test")
	nextRE := regexp.MustCompile(`id="unlock-form" class="card" data-next="([^"]*)"`)
	for query, want := range map[string]string{
		"":                                 "/habits",
		"?next=%2Fgroups":                  "/groups",
		"?next=%2F%2Fevil.test":            "/habits",
		"?next=https%3A%2F%2Fevil.test%2F": "/habits",
	} {
		got := nextRE.FindStringSubmatch(string(get(t, m.C, "/unlock"+query, 200).Body))
		if got == nil {
			t.Fatalf("/unlock%s has no #unlock-form[data-next]", query)
		}
		if html.UnescapeString(got[1]) != want {
			t.Errorf("/unlock%s: data-next %q, want %q", query, got[1], want)
		}
	}
}

// TestNotFound: an address the app has no route for gets the app's error
// page — status 404, the layout with its stylesheet, the page script under
// the response's CSP nonce, the signed-in navigation for a signed-in user
// — while API paths keep JSON and a known path asked with another method
// keeps its 405. None of it is an ERROR in the log.
func TestNotFound(t *testing.T) {
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	anon := apptest.NewClient(s.URL)
	member := s.NewMember(t, "lost@example.test")

	for _, c := range []struct {
		name     string
		c        *apptest.Client
		signedIn bool
	}{{"anonymous", anon, false}, {"signed in", member.C, true}} {
		for _, path := range []string{"/no-such-page", "/habits/", "/login/extra", "/dev/mailbox/x"} {
			r := get(t, c.c, path, 404)
			body := string(r.Body)
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s %s: Content-Type %q", c.name, path, ct)
			}
			var lacks []string
			for _, want := range []string{`<link rel="stylesheet" href="/static/v/`, `id="site-nav"`, `id="error-heading">Page not found</h1>`, `id="error-home"`} {
				if !strings.Contains(body, want) {
					lacks = append(lacks, want)
				}
			}
			if len(lacks) > 0 {
				t.Errorf("%s %s: the page lacks %q:\n%s", c.name, path, lacks, body)
			}
			n := nonceRE.FindStringSubmatch(body)
			if n == nil || n[2] != "error" {
				t.Errorf("%s %s: no error.js script tag with a nonce:\n%s", c.name, path, body)
			} else if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'nonce-"+html.UnescapeString(n[1])+"'") {
				t.Errorf("%s %s: script nonce %q is not the CSP's: %q", c.name, path, n[1], csp)
			}
			if got := strings.Contains(body, `id="nav-habits"`); got != c.signedIn {
				t.Errorf("%s %s: signed-in navigation shown = %v", c.name, path, got)
			}
		}
	}

	for _, path := range []string{"/api/nope", "/api/habits/x/y/z", "/api"} {
		r := get(t, anon, path, 404)
		if ct := r.Header.Get("Content-Type"); ct != "application/json" || strings.TrimSpace(string(r.Body)) != `{"error":"not found"}` {
			t.Errorf("GET %s: %s %q, want a JSON not found", path, ct, r.Body)
		}
	}
	if r := anon.Do(t, "HEAD", "/no-such-page", "", nil); r.Status != 404 {
		t.Errorf("HEAD /no-such-page: %d", r.Status)
	}

	// Known paths with another method: still 405, naming what they take.
	for _, tc := range []struct{ method, path, allow string }{
		{"PATCH", "/api/habits", "GET, HEAD, POST"},
		{"GET", "/api/auth/register", "POST"},
		{"POST", "/login", "GET, HEAD"},
		{"GET", "/logout", "POST"},
	} {
		r := member.C.Do(t, tc.method, tc.path, "", nil)
		if r.Status != 405 || r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", tc.method, tc.path, r.Status, r.Header.Get("Allow"), tc.allow)
		}
		if api := strings.HasPrefix(tc.path, "/api/"); api && r.Error() == "" {
			t.Errorf("%s %s: not a JSON error: %q", tc.method, tc.path, r.Body)
		}
	}

	// A missing asset is a plain 404 from the asset handler, not a page.
	if r := get(t, anon, "/static/app/no-such-script.js", 404); strings.Contains(string(r.Body), "<html") {
		t.Errorf("a missing script answered with a page: %q", r.Body)
	}
	if strings.Contains(s.Log.String(), "level=ERROR") {
		t.Errorf("the log has errors:\n%s", s.Log.String())
	}
}

// withoutWasm is the SDK's files as a checkout has them before `make
// wasm`: the modules, but no sealkit*.wasm.
type withoutWasm struct{ fsys fs.FS }

func (w withoutWasm) Open(name string) (fs.File, error) {
	if strings.HasPrefix(name, "dist/sealkit") && strings.Contains(name, ".wasm") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.fsys.Open(name)
}

// TestBrowserWithoutWasm: a server without the browser module says so on
// every page, and a page that needs crypto tells the user that the server
// was built without it and how to build it — not that this browser cannot
// run it — without fetching a module that is not there.
func TestBrowserWithoutWasm(t *testing.T) {
	chromiumPath(t)
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), &apptest.Options{Config: func(c *webapp.Config) {
		c.Assets = withoutWasm{sdk.Files}
	}})
	page := string(get(t, apptest.NewClient(s.URL), "/login", 200).Body)
	if !strings.Contains(page, `data-wasm-missing="1"`) || strings.Contains(page, ".wasm") {
		t.Errorf("/login of a server without the wasm should carry data-wasm-missing and no wasm URL:\n%s", page)
	}

	b := newBrowser(t, s.URL)
	tb := b.newTab("nowasm")
	tb.do(t, "opening /login", chromedp.Navigate(s.URL+"/login"))
	tb.waitJS(t, "the page's error", `document.body.dataset.error`)
	msg := tb.text(t, "page-error", "textContent")
	for _, want := range []string{"built without its browser module", "make wasm", "make run"} {
		if !strings.Contains(msg, want) {
			t.Errorf("#page-error says %q; it should say %q", msg, want)
		}
	}
	if strings.Contains(msg, "this browser") {
		t.Errorf("#page-error blames the browser: %q", msg)
	}
	if tb.text(t, "page-error", "hidden") != "false" {
		t.Errorf("#page-error is hidden")
	}
	if tb.text(t, "login-submit", "disabled") != "true" {
		t.Errorf("the login button is enabled without a crypto module")
	}
	// The server's request log, not the tab's network events: a worker's
	// fetches do not show in those.
	for _, line := range strings.Split(s.Log.String(), "\n") {
		if strings.Contains(line, "msg=request") && strings.Contains(line, ".wasm") {
			t.Errorf("the page asked for a module the server said it does not have: %s", line)
		}
	}
	if v := b.Violations(); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}

// TestBrowserLoginLandsOnHabits: logging in through /login opens the
// habits dashboard, unlocked by the key login left (no unlock page).
func TestBrowserLoginLandsOnHabits(t *testing.T) {
	chromiumPath(t)
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	u := apptest.NewUser(t, "lands@example.test", "lands password")
	s.SignUp(t, apptest.NewClient(s.URL), u)

	b := newBrowser(t, s.URL)
	tb := b.newTab("login")
	tb.open(t, "/login", "/login")
	tb.typeInto(t, "login-email", u.Email)
	tb.typeInto(t, "login-password", u.Password)
	submitLogIn(t, tb)
	for _, u := range b.URLs() {
		if strings.Contains(u, "/unlock") || strings.HasSuffix(u, "/profile") {
			t.Errorf("on the way to /habits the browser went to %s", u)
		}
	}
	if v := b.Violations(); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}
