package webapp_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestBrowserJourney is a user's whole life with the app in a real
// Chromium, on each database: register, confirm, log in and out, the
// key ring (this tab's key cache, the shared one, the unlock page), "Always require password", a second browser, a profile edit, a
// habit with a check-in — checking what the user sees at each step, that
// logout leaves no key behind, that no page violates the CSP and that no
// URL carries a key, the password or the address. Its last subtest,
// "canary", searches the database and the log for the journey's
// plaintext (canary_test.go).
//
// Run only the canaries with -run 'TestBrowserJourney/.*/canary' (the
// journey runs first all the same).
func TestBrowserJourney(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			j := runJourney(t, backend)
			t.Run("canary", j.checkCanary)
		})
	}
}

// journey is a finished run of the journey, for later checks.
type journey struct {
	s                     *apptest.Server
	b                     *browser
	email, password, name string   // the canaries: distinctive, random
	nameSaved             bool     // the display name was saved (the export must hold it)
	canaries              []canary // more of them, typed into the pages (canary_test.go)
	userID, keyHash       string   // as stored
	sessionKey, authKey   []byte   // derived in Go from the stored salt
	recoveryKey           string   // as shown at sign-up (a canary too)

	mu       sync.Mutex
	requests []request // every request that reached the app
}

// request is what the recording front of the app saw of one request.
type request struct {
	URI     string // path and query
	Headers string
	Body    []byte
}

// front serves the app's handler behind a recorder, so that the test sees
// every request the browser sends, the dedicated workers' included (which
// the page's network events do not show). The browser uses only this
// address; the app's own server is there for its mail links.
func (j *journey) front(t *testing.T) *httptest.Server { return j.frontOf(t, j.s) }

// frontOf is front for another instance s of the app (on the same
// database), recorded with this journey's requests.
func (j *journey) frontOf(t *testing.T, s *apptest.Server) *httptest.Server {
	app := s.App.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		var h bytes.Buffer
		r.Header.Write(&h)
		j.mu.Lock()
		j.requests = append(j.requests, request{URI: r.URL.RequestURI(), Headers: h.String(), Body: body})
		j.mu.Unlock()
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func runJourney(t *testing.T, backend string) *journey {
	chromiumPath(t) // skip or fail before making a database
	start := time.Now()
	j := &journey{
		// Mixed case: the server lower-cases for the index and the mail;
		// the profile shows the address as typed.
		email:    "Canary-" + randomHex(6) + "@Example.test",
		password: "canary-password-" + randomHex(6),
		name:     "Canary Name " + randomHex(6),
	}
	j.s = apptest.Start(t, apptest.NewDB(t, backend), nil)
	j.b = newBrowser(t, j.front(t).URL)
	step := func(name string) { t.Logf("%6.1fs  %s", time.Since(start).Seconds(), name) }

	// The first browser context: tab a, later a second tab a2.
	a := j.b.newTab("a")

	step("register: the address first, then the password on the mailed link's page")
	j.registerInBrowser(t, a)
	a.open(t, "/dev/mailbox", "/dev/mailbox")
	m := j.s.WaitMail(t, j.email, apptest.SignupSubject)
	if got := mustEval[string](t, a, `[...document.querySelectorAll("a.confirm-link")].map((e) => e.getAttribute("href")).join(" ")`); got != m.Link {
		t.Errorf("the development mailbox shows the links %q, want %q", got, m.Link)
	}
	a.open(t, strings.TrimPrefix(m.Link, j.s.URL), "/register/finish") // a used link: the error page
	if e := a.text(t, "error-text", "textContent"); !strings.Contains(e, "used already") {
		t.Errorf("a used sign-up link shows %q", e)
	}
	a.open(t, "/profile", "/profile")
	j.checkProfile(t, a, "")
	j.checkTabKeys(t, a)

	step("log out")
	j.logOut(t, a)
	a.open(t, "/profile", "/login") // the session is gone

	step("log in again; reload: still unlocked (this tab's key cache)")
	j.logIn(t, a)
	j.checkTabKeys(t, a)
	j.checkCache(t, a, true)
	a.reload(t, "/profile")
	j.checkProfile(t, a, "")

	step("a new tab: unlocked from the persistent key cache")
	a2 := a.newTab("a2")
	a2.open(t, "/profile", "/profile")
	j.checkProfile(t, a2, "")
	j.checkTabKeys(t, a2)
	// The pages load the SDK with exportKey shut: a script in the page can
	// use a handle, not take its key.
	if got := mustEval[string](t, a2, `(async () => {
  const page = document.querySelector("script[type=module]").src; // the page's own modules, as loaded
  const { sdk } = await import(new URL("common.js", page));
  const { userHandle } = await import(new URL("keys.js", page));
  const { user } = await userHandle(await (await fetch("/api/me")).json());
  try { await sdk.exportKey(user); return "exported"; } catch (e) { return e.code; }
})()`); got != "UNSUPPORTED" {
		t.Errorf("tab a2: exportKey of the user handle gave %q, want UNSUPPORTED", got)
	}

	step("settings: always require password")
	a.open(t, "/settings", "/settings")
	if mustEval[bool](t, a, `document.getElementById("settings-always-password").checked`) {
		t.Fatal("'Always require password' is on for a new account")
	}
	a.do(t, "clicking #settings-always-password", chromedp.Click(chromedp.ID("settings-always-password")))
	a.waitShown(t, "settings-saved")
	j.checkCache(t, a, false) // turning it on deletes the shared cache; this tab keeps its own
	a.reload(t, "/settings")
	if !mustEval[bool](t, a, `document.getElementById("settings-always-password").checked`) {
		t.Fatal("'Always require password' is off again after a reload")
	}

	step("a second browser: log in, then a new tab asks for the password")
	c := j.b.newBrowserContextTab("c")
	c.open(t, "/profile", "/login") // no cookies here
	j.logIn(t, c)
	j.checkTabKeys(t, c)
	j.checkCache(t, c, false) // always require password: this tab's cache only
	c2 := c.newTab("c2")
	c2.open(t, "/profile", "/unlock")
	if q := mustEval[string](t, c2, "location.search"); q != "?next=%2Fprofile" {
		t.Errorf("unlock page query %q, want ?next=%%2Fprofile", q)
	}
	c2.typeInto(t, "unlock-password", j.password)
	c2.clickTo(t, "unlock-submit", "/profile")
	j.checkProfile(t, c2, "")
	j.checkTabKeys(t, c2)
	j.checkCache(t, c2, false)

	step("edit the display name")
	c2.typeInto(t, "profile-name-input", j.name)
	c2.do(t, "clicking #profile-save", chromedp.Click(chromedp.ID("profile-save")))
	c2.waitShown(t, "profile-saved")
	if got := c2.text(t, "profile-name", "textContent"); got != j.name {
		t.Errorf("after saving, #profile-name = %q, want %q", got, j.name)
	}
	c2.reload(t, "/profile")
	j.checkProfile(t, c2, j.name)
	j.nameSaved = true

	step("a habit with a described check-in, its history; Download my data")
	j.habitJourney(t, c2)

	step("log out of the second browser")
	j.logOut(t, c2)

	step("no CSP violation, no exception, no secret in a URL")
	j.checkNoViolations(t)
	if ex := j.b.Exceptions(); len(ex) > 0 {
		t.Errorf("uncaught exceptions in the pages:\n  %s", strings.Join(ex, "\n  "))
	}
	j.checkURLs(t)
	j.checkRequests(t)
	j.checkViolationsAreSeen(t, c2)
	step("done")
	return j
}

// habitJourney creates a habit (canary name and description) on the
// dashboard, checks in with a canary note on its page, and checks both
// decrypted after a reload, then in the history and in the files of
// "Download my data".
func (j *journey) habitJourney(t *testing.T, tb *tab) {
	t.Helper()
	name, desc := j.canary("habit name", "Canary Habit "), j.canary("habit description", "Canary Description ")
	note := j.canary("check-in note", "Canary Note ")
	tb.open(t, "/habits", "/habits")
	id := createHabitInUI(t, tb, name, desc, "0090ff")
	tb.clickTo(t, "habit-link-"+id, "/habits/"+id)
	checkInInUI(t, tb, note)
	tb.reload(t, "/habits/"+id)
	for id, want := range map[string]string{"habit-title": name, "habit-desc": desc} {
		if got := tb.text(t, id, "textContent"); got != want {
			t.Errorf("after a reload #%s = %q, want %q", id, got, want)
		}
	}
	if got := mustEval[string](t, tb, `document.querySelector("#checkins-list .checkin-note").textContent`); got != note {
		t.Errorf("after a reload the note is %q, want %q", got, note)
	}
	// History: today's check-in, with its note in the heat map's cell.
	if got := mustEval[string](t, tb, `document.body.dataset.streakCurrent + " " + document.querySelector("#history-map rect.today.noted title").textContent`); !strings.HasPrefix(got, "1 ") || !strings.HasSuffix(got, note) {
		t.Errorf("the history shows %q", got)
	}
	// Download my data: everything comes back decrypted in the browser's
	// files (and, checkCanary, is nowhere on the server).
	dir := t.TempDir()
	tb.open(t, "/settings", "/settings")
	tb.downloadTo(t, dir)
	tb.do(t, "clicking #export-button", chromedp.Click(chromedp.ID("export-button")))
	tb.waitJS(t, "the export", `document.body.dataset.exported === "1"`)
	day := mustEval[string](t, tb, `document.getElementById("export-json").download.slice("sealkit-export-".length, -".json".length)`)
	exported := string(waitFile(t, filepath.Join(dir, "sealkit-export-"+day+".json"))) + string(waitFile(t, filepath.Join(dir, "sealkit-checkins-"+day+".csv")))
	wants := []string{name, desc, note, j.email}
	if j.nameSaved { // journeys that skip the profile have no display name
		wants = append(wants, j.name)
	}
	for _, want := range wants {
		if strings.Count(exported, want) < 1 {
			t.Errorf("the export lacks %q", want)
		}
	}
}

// readAccount reads the new account's id and key_hash from the database
// and derives its keys in Go, as the browser does.
func (j *journey) readAccount(t *testing.T) {
	t.Helper()
	db := j.s.App.Store().DB
	// The journey's only account, or the one whose id is already known
	// (several users share a database in the group journeys).
	if err := db.QueryRow("SELECT id, key_hash FROM users WHERE $1 = '' OR id = $1", j.userID).Scan(&j.userID, &j.keyHash); err != nil {
		t.Fatalf("reading the new account: %v", err)
	}
	saltB64, err := sealkit.ParseSaltFromKeyHash(j.keyHash)
	if err != nil {
		t.Fatal(err)
	}
	salt, err := sealkit.DecodeBase64(saltB64)
	if err != nil {
		t.Fatal(err)
	}
	if j.sessionKey, err = sealkit.DeriveSessionKey(j.password, salt); err != nil {
		t.Fatal(err)
	}
	if j.authKey, err = sealkit.DeriveAuthKey(j.sessionKey); err != nil {
		t.Fatal(err)
	}
}

// logIn types the address and the password into /login and waits for the
// unlocked profile.
func (j *journey) logIn(t *testing.T, tb *tab) {
	t.Helper()
	tb.open(t, "/login", "/login")
	tb.typeInto(t, "login-email", j.email)
	tb.typeInto(t, "login-password", j.password)
	submitLogIn(t, tb)
	tb.open(t, "/profile", "/profile")
	j.checkProfile(t, tb, "")
}

// registerInBrowser signs up as a person does: the address on /register,
// the link from the mailbox, the password twice on the page it opens,
// which creates the account and lands, logged in, on the dashboard. It
// then reads the new account (readAccount).
func (j *journey) registerInBrowser(t *testing.T, tb *tab) {
	t.Helper()
	tb.open(t, "/register", "/register")
	tb.typeInto(t, "register-email", j.email)
	tb.do(t, "clicking #register-submit", chromedp.Click(chromedp.ID("register-submit")))
	tb.waitShown(t, "register-done")
	if got := tb.text(t, "register-form", "hidden"); got != "true" {
		t.Fatalf("after registering, the form is still shown (hidden=%s)", got)
	}
	if got := tb.text(t, "register-sent-to", "textContent"); got != j.email {
		t.Errorf("#register-sent-to = %q, want %q", got, j.email)
	}
	m := j.s.WaitMail(t, j.email, apptest.SignupSubject)
	link, err := url.Parse(m.Link)
	if err != nil {
		t.Fatal(err)
	}
	if link.Path != "/register/finish" {
		t.Fatalf("sign-up link %q does not point at /register/finish", m.Link)
	}
	tb.open(t, link.RequestURI(), "/register/finish") // the same link, on this browser's front
	if got := tb.text(t, "finish-email", "textContent"); got != j.email {
		t.Errorf("#finish-email = %q, want the address as typed %q", got, j.email)
	}
	tb.typeInto(t, "finish-password", j.password)
	tb.typeInto(t, "finish-password2", j.password)
	tb.markStale(t)
	tb.do(t, "clicking #finish-submit", chromedp.Click(chromedp.ID("finish-submit")))
	j.recoveryKey = j.saveRecoveryKey(t, tb)
	tb.waitPage(t, "/habits")
	j.userID = mustEval[string](t, tb, `fetch("/api/me").then((r) => r.json()).then((m) => String(m.user_id))`)
	j.readAccount(t)
}

// saveRecoveryKey waits for the recovery key shown once (recoverykey.js),
// reads it, types back the group asked and clicks "I have saved it"; a
// wrong group is refused first. The key is registered as a canary (as
// shown and without dashes) and returned.
func (j *journey) saveRecoveryKey(t *testing.T, tb *tab) string {
	t.Helper()
	tb.waitJS(t, "the recovery key", `document.getElementById("recovery-key")`)
	key := tb.text(t, "recovery-key", "textContent")
	if !recoveryKeyShape.MatchString(key) {
		t.Fatalf("tab %s: the recovery key shown is %q", tb.name, key)
	}
	j.canaries = append(j.canaries, canary{"recovery key", key}, canary{"recovery key without dashes", strings.ReplaceAll(key, "-", "")})
	group := mustEval[int](t, tb, `Number(document.getElementById("recovery-check").dataset.group)`)
	groups := strings.Split(key, "-")
	wrong := groups[group%len(groups)]
	tb.typeInto(t, "recovery-check", wrong)
	tb.do(t, "clicking #recovery-saved with a wrong group", chromedp.Click(chromedp.ID("recovery-saved")))
	tb.waitShown(t, "recovery-check-error")
	tb.typeInto(t, "recovery-check", strings.ToLower(groups[group-1]))
	tb.do(t, "clicking #recovery-saved", chromedp.Click(chromedp.ID("recovery-saved")))
	return key
}

var recoveryKeyShape = regexp.MustCompile(`^([A-HJ-NP-Z2-9]{5}-){12}[A-HJ-NP-Z2-9]{4}$`)

// checkProfile checks that /profile shows the decrypted address and name.
func (j *journey) checkProfile(t *testing.T, tb *tab, name string) {
	t.Helper()
	if got := tb.text(t, "profile-details", "hidden"); got != "false" {
		t.Fatalf("tab %s: the profile details are not shown\n%s", tb.name, tb.describe())
	}
	if got := tb.text(t, "profile-email", "textContent"); got != j.email {
		t.Errorf("tab %s: #profile-email = %q, want %q", tb.name, got, j.email)
	}
	if got := tb.text(t, "profile-name", "textContent"); got != name {
		t.Errorf("tab %s: #profile-name = %q, want %q", tb.name, got, name)
	}
	if unset := tb.text(t, "profile-name-unset", "hidden") == "false"; unset != (name == "") {
		t.Errorf("tab %s: 'not set' shown = %v with name %q", tb.name, unset, name)
	}
}

// checkTabKeys checks what this tab keeps in sessionStorage: only its
// tab id (which names its key cache), never a key — in particular not the
// session key, from which the login key is derived.
func (j *journey) checkTabKeys(t *testing.T, tb *tab) {
	t.Helper()
	keys := mustEval[[]string](t, tb, "Object.keys(sessionStorage)")
	if len(keys) != 1 || keys[0] != "sealkit.tab" {
		t.Errorf("tab %s: sessionStorage holds %q, want only sealkit.tab", tb.name, keys)
	}
	id := mustEval[string](t, tb, `sessionStorage.getItem("sealkit.tab") || ""`)
	if !tabID.MatchString(id) {
		t.Errorf("tab %s: sessionStorage sealkit.tab = %q, want 22 base64url characters", tb.name, id)
	}
	all := mustEval[string](t, tb, `JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])`)
	for name, k := range map[string][]byte{"session key": j.sessionKey, "auth key": j.authKey} {
		if strings.Contains(all, sealkit.EncodeBase64(k)) {
			t.Errorf("tab %s: the %s is in the page's storage", tb.name, name)
		}
	}
}

var tabID = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// storage is what the browser keeps for the app, seen from a page.
type storage struct {
	Session   []string `json:"session"`   // sessionStorage keys
	TabID     string   `json:"tabId"`     // sessionStorage "sealkit.tab"
	CacheV1   bool     `json:"cacheV1"`   // localStorage "sealkit.keycache.v1" (KeyChain's, never written now)
	Local     []string `json:"local"`     // localStorage keys
	Databases []string `json:"databases"` // IndexedDB database names
}

func (tb *tab) storage(t *testing.T) storage {
	t.Helper()
	return mustEval[storage](t, tb, `(async () => ({
  session: Object.keys(sessionStorage),
  tabId: sessionStorage.getItem("sealkit.tab") || "",
  cacheV1: localStorage.getItem("sealkit.keycache.v1") !== null,
  local: Object.keys(localStorage),
  databases: (await indexedDB.databases()).map((d) => d.name),
}))()`)
}

// checkCache checks the key caches (keycache.js v2) this tab sees: its own
// tab cache always (every login and unlock writes it), the browser's shared
// cache only when `shared`, and never the v1 cache, which held the session
// key.
func (j *journey) checkCache(t *testing.T, tb *tab, shared bool) {
	t.Helper()
	st := tb.storage(t)
	has := map[string]bool{}
	for _, d := range st.Databases {
		has[d] = true
	}
	if has["sealkit-keycache-v2"] != shared {
		t.Errorf("tab %s: shared key cache (IndexedDB sealkit-keycache-v2) present %v, want %v (storage %+v)", tb.name, !shared, shared, st)
	}
	if st.TabID == "" || !has["sealkit-tab-"+st.TabID+"-keycache-v2"] {
		t.Errorf("tab %s: no key cache of its own (storage %+v)", tb.name, st)
	}
	if st.CacheV1 || has["sealkit-keycache"] {
		t.Errorf("tab %s: the v1 key cache exists (storage %+v)", tb.name, st)
	}
}

// logOut clicks "Log out" and checks that the browser forgot everything.
func (j *journey) logOut(t *testing.T, tb *tab) {
	t.Helper()
	tb.clickTo(t, "logout-submit", "/")
	st := tb.storage(t)
	if len(st.Session) != 0 || st.CacheV1 || len(st.Databases) != 0 {
		t.Errorf("tab %s: after logout the browser still holds %+v", tb.name, st)
	}
	if n := mustEval[int](t, tb, `document.querySelectorAll("#logout-submit, #nav-profile").length`); n != 0 {
		t.Errorf("tab %s: after logout the page still shows signed-in links", tb.name)
	}
	if got := tb.text(t, "nav-login", "textContent"); got != "Log in" {
		t.Errorf("tab %s: after logout #nav-login = %q", tb.name, got)
	}
}

// checkNoViolations: neither the pages nor the server's report endpoint
// saw a CSP violation.
func (j *journey) checkNoViolations(t *testing.T) {
	t.Helper()
	time.Sleep(500 * time.Millisecond) // reports are sent asynchronously
	if v := j.b.Violations(); len(v) > 0 {
		t.Errorf("CSP violations in the pages:\n  %s", strings.Join(v, "\n  "))
	}
	if n := j.s.App.CSPViolations(); n != 0 {
		t.Errorf("the server received %d CSP violation reports", n)
	}
	if strings.Contains(j.s.Log.String(), "csp violation") {
		t.Errorf("the server logged a CSP violation:\n%s", grepLines(j.s.Log.String(), "csp violation"))
	}
}

// checkViolationsAreSeen proves the two checks above can fail: a
// deliberate violation (an inline style) reaches both.
func (j *journey) checkViolationsAreSeen(t *testing.T, tb *tab) {
	t.Helper()
	mustEval[bool](t, tb, `(() => { const s = document.createElement("style"); s.textContent = "p { color: red }"; document.head.append(s); return true; })()`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && (len(j.b.Violations()) == 0 || j.s.App.CSPViolations() == 0) {
		time.Sleep(50 * time.Millisecond)
	}
	if len(j.b.Violations()) == 0 {
		t.Error("a deliberate inline style was not seen by the page listener: the CSP check is blind")
	}
	if j.s.App.CSPViolations() == 0 || !strings.Contains(j.s.Log.String(), "csp violation") {
		t.Error("a deliberate inline style did not reach the report endpoint: the CSP check is blind")
	}
}

// secrets is every form a secret of the journey could take in a URL or a
// stored byte string, by name.
func (j *journey) secrets() map[string]string {
	m := map[string]string{}
	add := func(name, v string) {
		m[name] = v
		m[name+" (query-escaped)"] = url.QueryEscape(v)
		m[name+" (path-escaped)"] = url.PathEscape(v)
	}
	add("password", j.password)
	add("email", j.email)
	add("lower-case email", strings.ToLower(j.email))
	add("display name", j.name)
	for _, c := range j.canaries {
		add(c.name, c.value)
	}
	for name, k := range map[string][]byte{"session key": j.sessionKey, "auth key": j.authKey} {
		add(name+" (base64)", base64.StdEncoding.EncodeToString(k))
		add(name+" (base64url)", base64.RawURLEncoding.EncodeToString(k))
		add(name+" (hex)", hex.EncodeToString(k))
	}
	return m
}

// checkURLs: no URL the browser requested or navigated to (as the tabs
// and the app saw them) holds a secret. It also checks that the recordings
// saw the journey's requests, queries included, so that an empty
// recording cannot pass.
func (j *journey) checkURLs(t *testing.T) {
	t.Helper()
	j.checkURLsSeeing(t, "/register/finish?token=", "/api/auth/salt", "/api/auth/login",
		"/api/me", "/unlock?next=%2Fprofile", ".wasm", "/api/habits/")
}

// checkURLsSeeing is checkURLs for a journey of other steps, whose
// recording must contain each of wants.
func (j *journey) checkURLsSeeing(t *testing.T, wants ...string) {
	t.Helper()
	urls := j.b.URLs()
	j.mu.Lock()
	for _, r := range j.requests {
		urls = append(urls, "app: "+r.URI)
	}
	j.mu.Unlock()
	secrets := j.secrets()
	seen := map[string]bool{}
	for _, u := range urls {
		if seen[u] {
			continue
		}
		seen[u] = true
		var found []string
		for name, v := range secrets {
			if strings.Contains(strings.ToLower(u), strings.ToLower(v)) {
				found = append(found, name)
			}
		}
		if len(found) > 0 {
			slices.Sort(found)
			t.Errorf("a URL holds the %s: %s", strings.Join(found, ", "), u)
		}
	}
	all := strings.Join(urls, "\n")
	for _, want := range wants {
		if !strings.Contains(all, want) {
			t.Errorf("no recorded URL contains %q: the URL recording missed requests; recorded:\n  %s", want, strings.Join(urls, "\n  "))
		}
	}
	t.Logf("checked %d URLs (%d different) for %d forms of secrets", len(urls), len(seen), len(secrets))
}

// checkRequests: no request the app received carries the password, the
// display name or the session key, in its headers or its body. (The
// address and the auth key are sent by design: docs/PROTOCOL.md §3.) The
// login's auth key is looked for too, to show the search works.
func (j *journey) checkRequests(t *testing.T) {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	secrets := j.secrets()
	sawAuthKey := false
	authKey := []byte(base64.StdEncoding.EncodeToString(j.authKey))
	for _, r := range j.requests {
		all := bytes.ToLower(append([]byte(r.Headers), r.Body...))
		sawAuthKey = sawAuthKey || bytes.Contains(r.Body, authKey)
		for name, v := range secrets {
			if strings.HasPrefix(name, "email") || strings.HasPrefix(name, "lower-case email") || strings.HasPrefix(name, "auth key") {
				continue
			}
			if bytes.Contains(all, []byte(strings.ToLower(v))) {
				t.Errorf("the %s was sent to the app: %s", name, r.URI)
			}
		}
	}
	if !sawAuthKey {
		t.Errorf("the auth key (base64) is in no request body of the %d recorded: the body search is broken", len(j.requests))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
