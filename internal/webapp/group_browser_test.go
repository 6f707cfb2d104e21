package webapp_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestGroupJourney is two people sharing a group in two real Chromium
// browsers (docs/PROTOCOL.md §7, §8): A creates a group and a goal and
// invites B; B accepts and waits for the key; A's open page shares it by
// itself and B's page opens the group live; B checks in with a note A sees
// live; A removes B (the key rotates and A's page re-encrypts the old
// content); A writes a new goal. Then no key B's browser ever received
// opens the new or re-encrypted content, while A still reads all of it,
// and neither browser saw a CSP violation or an exception. Its "canary"
// subtest searches the database and the logs for the group's plaintext.
//
// "postgres-two-instances" runs A's browser against one instance and B's
// against another on the same database (pushes go through LISTEN/NOTIFY).
func TestGroupJourney(t *testing.T) {
	raise := &apptest.Options{Config: func(c *webapp.Config) { c.SaltLimit = 100 }}
	t.Run("sqlite", func(t *testing.T) {
		chromiumPath(t)
		s := apptest.Start(t, apptest.NewDB(t, "sqlite"), raise)
		gj := runGroupJourney(t, s, s)
		t.Run("canary", gj.checkCanary)
	})
	t.Run("postgres-two-instances", func(t *testing.T) {
		chromiumPath(t)
		db := apptest.NewDB(t, "postgres")
		s1 := apptest.Start(t, db, raise)
		s2 := apptest.Start(t, db, &apptest.Options{KeysFile: s1.KeysFile, Config: raise.Config})
		gj := runGroupJourney(t, s1, s2)
		t.Run("canary", gj.checkCanary)
	})
}

// gbUser is one person of a group test: an account made through the UI
// (or the API), one browser, one tab.
type gbUser struct {
	j   *journey // email, password, the instance and its recording front
	b   *browser
	tab *tab
	id  string // user id
}

// gbNewUser gives a new person on instance s, behind a recording front,
// a tab in a browser context of its own: in a new Chromium, or in shared
// when it is not nil (two users, two contexts of one browser).
func gbNewUser(t *testing.T, s *apptest.Server, name, email, password string, shared *browser) *gbUser {
	t.Helper()
	// name: the journey's display-name canary; never typed here, but it
	// must not be empty (the secret searches would match everything).
	u := &gbUser{j: &journey{s: s, email: email, password: password, name: "Unused Name " + randomHex(6)}}
	front := u.j.front(t).URL
	if shared == nil {
		u.b = newBrowser(t, front)
		u.tab = u.b.newBrowserContextTab(name)
	} else {
		u.b = shared
		u.tab = shared.newBrowserContextTabAt(name, front)
	}
	return u
}

// register signs up through the register page and the mailed link, which
// lands logged in on the dashboard.
func (u *gbUser) register(t *testing.T) {
	t.Helper()
	u.j.registerInBrowser(t, u.tab)
	u.id = u.j.userID
}

// gbFetch is GET path from the tab (with its cookies): status and body.
func gbFetch(t *testing.T, tb *tab, path string) (int, string) {
	t.Helper()
	s := mustEval[string](t, tb, fmt.Sprintf(`fetch(%q, {cache: "no-store"}).then(async (r) => JSON.stringify({status: r.status, body: await r.text()}))`, path))
	var r struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatal(err)
	}
	return r.Status, r.Body
}

// gbGroup is what the tests read of GET /api/groups/{id}.
type gbGroup struct {
	KeyVersion     int64     `json:"key_version"`
	Pending        bool      `json:"pending"`
	EncryptedName  string    `json:"encrypted_name"`
	NameKeyVersion int64     `json:"name_key_version"`
	Keys           []gbKey   `json:"keys"`
	Goals          []gbGoal  `json:"goals"`
	Members        []gbMembr `json:"members"`
	Stale          int       `json:"stale"`
}

type gbKey struct {
	KeyVersion   int64  `json:"key_version"`
	EncryptedKey string `json:"encrypted_key"`
}

type gbGoal struct {
	ID             string `json:"id"`
	EncryptedTitle string `json:"encrypted_title"`
	KeyVersion     int64  `json:"key_version"`
	Checkins       []struct {
		UserID        string `json:"user_id"`
		Day           string `json:"day"`
		EncryptedNote string `json:"encrypted_note"`
		KeyVersion    int64  `json:"key_version"`
	} `json:"checkins"`
}

type gbMembr struct {
	UserID  string `json:"user_id"`
	Pending bool   `json:"pending"`
}

func gbParseGroup(t *testing.T, body string) *gbGroup {
	t.Helper()
	var g gbGroup
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		t.Fatalf("GET group: %v in %.300s", err, body)
	}
	return &g
}

// gbGroupOf reads the group as the tab's user; it must be a member.
func gbGroupOf(t *testing.T, tb *tab, id string) (*gbGroup, string) {
	t.Helper()
	status, body := gbFetch(t, tb, "/api/groups/"+id)
	if status != 200 {
		t.Fatalf("tab %s: GET /api/groups/%s: %d %s", tb.name, id, status, body)
	}
	return gbParseGroup(t, body), body
}

// gbWaitData waits until #group's data attributes match want.
func gbWaitData(t *testing.T, tb *tab, want map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var conds []string
	for _, k := range keys {
		conds = append(conds, fmt.Sprintf("d[%q] === %q", k, want[k]))
	}
	tb.waitJS(t, fmt.Sprintf("#group data %v", want),
		`(() => { const d = document.getElementById("group").dataset; return `+strings.Join(conds, " && ")+`; })()`)
}

// gbWaitText waits until an element matching sel has exactly this text.
func gbWaitText(t *testing.T, tb *tab, sel, text string) {
	t.Helper()
	tb.waitJS(t, fmt.Sprintf("%s with the text %q", sel, text),
		fmt.Sprintf(`[...document.querySelectorAll(%q)].some((e) => e.textContent === %q)`, sel, text))
}

// gbHasText reports whether an element matching sel has exactly this text.
func gbHasText(t *testing.T, tb *tab, sel, text string) bool {
	t.Helper()
	return mustEval[bool](t, tb, fmt.Sprintf(`[...document.querySelectorAll(%q)].some((e) => e.textContent === %q)`, sel, text))
}

// gbClickTwice clicks a confirm-twice button (remove, leave, delete).
func gbClickTwice(t *testing.T, tb *tab, sel string) {
	t.Helper()
	if !mustEval[bool](t, tb, fmt.Sprintf(`(() => { const b = document.querySelector(%q); if (!b) return false; b.click(); b.click(); return true; })()`, sel)) {
		t.Fatalf("tab %s: no %s\n%s", tb.name, sel, tb.describe())
	}
}

// gbCheckBrowsers: no CSP violation, no exception, in any browser or
// reported to any server.
func gbCheckBrowsers(t *testing.T, servers []*apptest.Server, users ...*gbUser) {
	t.Helper()
	time.Sleep(500 * time.Millisecond) // reports are sent asynchronously
	for _, u := range users {
		if v := u.b.Violations(); len(v) > 0 {
			t.Errorf("CSP violations in %s's browser:\n  %s", u.tab.name, strings.Join(v, "\n  "))
		}
		if ex := u.b.Exceptions(); len(ex) > 0 {
			t.Errorf("uncaught exceptions in %s's browser:\n  %s", u.tab.name, strings.Join(ex, "\n  "))
		}
	}
	for i, s := range servers {
		if n := s.App.CSPViolations(); n != 0 {
			t.Errorf("instance %d received %d CSP violation reports", i+1, n)
		}
	}
}

// groupJourney is a finished run, for the canary.
type groupJourney struct {
	servers []*apptest.Server
	a, b    *gbUser
	groupID string
}

func runGroupJourney(t *testing.T, sa, sb *apptest.Server) *groupJourney {
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs  %s", time.Since(start).Seconds(), name) }
	servers := []*apptest.Server{sa}
	if sb != sa {
		servers = append(servers, sb)
	}
	gj := &groupJourney{servers: servers}
	r := randomHex(6)
	// Two users, two browser contexts of one Chromium (separate cookies,
	// storage and key caches), each talking to its own instance's front.
	a := gbNewUser(t, sa, "A", "Group-A-"+r+"@Example.test", "group-a-password-"+r, nil)
	b := gbNewUser(t, sb, "B", "Group-B-"+r+"@Example.test", "group-b-password-"+r, a.b)
	gj.a, gj.b = a, b
	// The canaries (canary_test.go): registered with both journeys, so
	// that each instance's log and recorded requests are searched for all.
	groupName := a.j.canary("group name", "Canary Group ")
	goal1 := a.j.canary("group goal title", "Canary Goal One ")
	goal2 := a.j.canary("second group goal title", "Canary Goal Two ")
	note := b.j.canary("group check-in note", "Canary Group Note ")
	all := append(slices.Clone(a.j.canaries), b.j.canaries...)
	a.j.canaries, b.j.canaries = all, slices.Clone(all)

	step("A and B register through the UI")
	a.register(t)
	b.register(t)

	step("A creates a group")
	at, bt := a.tab, b.tab
	at.open(t, "/groups", "/groups")
	if mustEval[bool](t, at, `document.getElementById("group-create").disabled`) {
		t.Fatal("the create button is disabled once the keys are open")
	}
	at.typeInto(t, "group-name-input", groupName)
	at.markStale(t)
	at.do(t, "clicking #group-create", chromedp.Click(chromedp.ID("group-create")))
	at.waitJS(t, "the new group's page", `location.pathname.startsWith("/groups/") && document.body.dataset.ready === "1"`)
	gid := strings.TrimPrefix(mustEval[string](t, at, "location.pathname"), "/groups/")
	gj.groupID = gid
	groupPath := "/groups/" + gid
	at.waitPage(t, groupPath)
	gbWaitData(t, at, map[string]string{"state": "member", "role": "owner", "keyVersion": "1", "pending": "0"})
	if got := at.text(t, "group-name", "textContent"); got != groupName {
		t.Fatalf("A's group page shows the name %q, want %q", got, groupName)
	}

	step("A adds a goal and invites B")
	at.typeInto(t, "group-goal-title", goal1)
	at.do(t, "clicking #group-goal-submit", chromedp.Click(chromedp.ID("group-goal-submit")))
	gbWaitText(t, at, "li.goal .goal-title", goal1)
	at.typeInto(t, "group-invite-email", b.j.email)
	at.do(t, "clicking #group-invite-submit", chromedp.Click(chromedp.ID("group-invite-submit")))
	at.waitShown(t, "group-invite-done")
	gbWaitText(t, at, "li.group-invitation .invitation-label", b.j.email) // the label, decrypted

	step("A leaves the group page; B accepts and waits for the key")
	at.open(t, "/groups", "/groups")
	if !gbHasText(t, at, "li.group-item .group-name", groupName) {
		t.Errorf("A's /groups does not list %q", groupName)
	}
	bt.open(t, "/groups", "/groups")
	bt.waitShown(t, "invitations-card")
	sel := fmt.Sprintf(`li.invitation[data-group-id=%q] button.invitation-accept`, gid)
	if why := bt.text(t, "invitations-why", "textContent"); !strings.Contains(why, "encrypted") {
		t.Errorf("the invitation does not say why it cannot show the name: %q", why)
	}
	if strings.Contains(mustEval[string](t, bt, `document.body.innerText`), groupName) {
		t.Error("B's /groups shows the group's name before B has the key")
	}
	bt.markStale(t)
	bt.do(t, "accepting the invitation", chromedp.Click(chromedp.CSS(sel)))
	bt.waitPage(t, groupPath)
	gbWaitData(t, bt, map[string]string{"state": "pending", "pending": "1"})
	bt.waitShown(t, "group-pending")
	if txt := bt.text(t, "group-pending", "textContent"); !strings.Contains(txt, "Waiting for an owner or admin to share the group key") {
		t.Errorf("B's pending state says %q", txt)
	}
	if strings.Contains(mustEval[string](t, bt, `document.body.innerText`), goal1) {
		t.Error("B's page shows the goal before B has the key")
	}

	// B's list, in a second tab: the group is there, "pending access",
	// without a name.
	b2 := bt.newTab("B2")
	b2.open(t, "/groups", "/groups")
	itemSel := fmt.Sprintf(`li.group-item[data-group-id=%q]`, gid)
	if got := mustEval[string](t, b2, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.dataset.pending + " " + e.textContent : "none"; })()`, itemSel)); !strings.HasPrefix(got, "1 ") || !strings.Contains(got, "pending access") || strings.Contains(got, groupName) {
		t.Errorf("B's /groups shows the group as %q, want pending access without the name", got)
	}

	step("A opens the group: the key goes to B, whose pages open the group live")
	bt.markStale(t) // the same documents must update, without a reload
	b2.markStale(t)
	at.open(t, groupPath, groupPath)
	gbWaitData(t, bt, map[string]string{"state": "member", "pending": "0", "keyVersion": "1"})
	gbWaitText(t, bt, "#group-name", groupName)
	gbWaitText(t, bt, "li.goal .goal-title", goal1)
	if !mustEval[bool](t, bt, `window.__sealkitTestStale === true`) {
		t.Error("B's page reloaded instead of updating live")
	}
	gbWaitText(t, b2, itemSel+` .group-name`, groupName)
	b2.waitJS(t, "the group no longer pending on B's list", fmt.Sprintf(`document.querySelector(%q).dataset.pending === "0"`, itemSel))
	if !mustEval[bool](t, b2, `window.__sealkitTestStale === true`) {
		t.Error("B's /groups reloaded instead of updating live")
	}
	gbWaitData(t, at, map[string]string{"waiting": "0"})
	if !gbHasText(t, bt, `li.member[data-you="1"] .member-label`, "You") {
		t.Error(`B's member list does not show "You"`)
	}
	gbWaitText(t, at, fmt.Sprintf(`li.member[data-user-id=%q] .member-label`, b.id), b.j.email)

	// Every copy of the group key B's browser receives while a member.
	bGroup, bBody := gbGroupOf(t, bt, gid)
	if bGroup.Pending || len(bGroup.Keys) == 0 {
		t.Fatalf("B is still pending or holds no key: %.300s", bBody)
	}
	bKeysJSON, _ := json.Marshal(bGroup.Keys)
	var oldTitleCT string
	var goal1ID string
	for _, g := range bGroup.Goals {
		oldTitleCT, goal1ID = g.EncryptedTitle, g.ID
	}

	step("B checks in with a note; A sees it live")
	noteSel := fmt.Sprintf(`li.goal[data-goal-id=%q] input.checkin-note`, goal1ID)
	bt.do(t, "typing the note", chromedp.SendKeys(chromedp.CSS(noteSel), note))
	bt.do(t, "checking in", chromedp.Click(chromedp.CSS(fmt.Sprintf(`li.goal[data-goal-id=%q] button.checkin-submit`, goal1ID))))
	gbWaitText(t, bt, "li.checkin .checkin-note-text", note)
	gbWaitText(t, at, fmt.Sprintf(`li.checkin[data-user-id=%q] .checkin-note-text`, b.id), note)

	step("A removes B: key version 2, old content re-encrypted")
	gbClickTwice(t, at, fmt.Sprintf(`li.member[data-user-id=%q] button.member-remove`, b.id))
	gbWaitData(t, at, map[string]string{"keyVersion": "2", "stale": "0", "reencrypting": "0"})
	gbWaitData(t, bt, map[string]string{"state": "removed"})
	bt.waitShown(t, "group-removed")
	if strings.Contains(mustEval[string](t, bt, `document.body.innerText`), goal1) {
		t.Error("B's page still shows the goal after the removal")
	}

	step("A writes a new goal under key version 2")
	at.typeInto(t, "group-goal-title", goal2)
	at.do(t, "clicking #group-goal-submit", chromedp.Click(chromedp.ID("group-goal-submit")))
	gbWaitText(t, at, "li.goal .goal-title", goal2)

	aGroup, aBody := gbGroupOf(t, at, gid)
	if aGroup.KeyVersion != 2 || aGroup.Stale != 0 {
		t.Errorf("after the removal: key_version %d, stale %d; want 2, 0", aGroup.KeyVersion, aGroup.Stale)
	}
	for _, k := range aGroup.Keys {
		if k.KeyVersion != 2 {
			t.Errorf("A still holds a copy of key version %d after re-encryption", k.KeyVersion)
		}
	}
	for _, m := range aGroup.Members {
		if m.UserID == b.id {
			t.Error("B is still a member")
		}
	}
	// Every group ciphertext now on the server: all under version 2.
	// Each is tried unbound and at its place under both versions.
	type ct struct {
		What   string   `json:"what"`
		CT     string   `json:"ct"`
		Places []string `json:"places"`
	}
	both := func(place func(v int64) string) []string { return []string{place(1), place(2)} }
	var current []ct
	var newTitleCT string
	if aGroup.NameKeyVersion != 2 {
		t.Errorf("the name is under key version %d", aGroup.NameKeyVersion)
	}
	current = append(current, ct{"the group name", aGroup.EncryptedName, both(func(v int64) string { return apptest.PlaceGroupName(gid, v) })})
	sawNote := false
	for _, g := range aGroup.Goals {
		if g.KeyVersion != 2 {
			t.Errorf("goal %s is under key version %d", g.ID, g.KeyVersion)
		}
		what := "the first goal (re-encrypted)"
		if g.ID != goal1ID {
			what, newTitleCT = "the new goal", g.EncryptedTitle
		}
		current = append(current, ct{what, g.EncryptedTitle, both(func(v int64) string { return apptest.PlaceGoalTitle(gid, v, g.ID) })})
		for _, c := range g.Checkins {
			if c.KeyVersion != 2 {
				t.Errorf("a check-in is under key version %d", c.KeyVersion)
			}
			if c.UserID == b.id {
				sawNote = true
				current = append(current, ct{"B's note (re-encrypted)", c.EncryptedNote,
					both(func(v int64) string { return apptest.PlaceGoalNote(gid, v, g.ID, c.UserID, c.Day) })})
			}
		}
	}
	if newTitleCT == "" || !sawNote {
		t.Fatalf("A's GET lacks the new goal or B's check-in: %.500s", aBody)
	}

	step("no key B's browser received opens the new or re-encrypted content")
	cts, _ := json.Marshal(current)
	res := mustEval[string](t, bt, fmt.Sprintf(`(async () => {
  const page = document.querySelector("script[type=module]").src; // the page's own modules, as loaded
  const { sdk } = await import(new URL("common.js", page));
  const { userHandle } = await import(new URL("keys.js", page));
  const me = await (await fetch("/api/me")).json();
  const { user } = await userHandle(me);
  const out = { opened: 0, oldOpens: 0, opens: [], failures: [] };
  for (const copy of %s) {
    const key = await sdk.openKey(user, copy.encrypted_key);
    out.opened++;
    try { if (await sdk.decryptText(key, %q, %q) === %q) out.oldOpens++; } catch {}
    for (const c of %s) {
      for (const place of [undefined, ...c.places]) {
        try { await sdk.decryptText(key, c.ct, place); out.opens.push(c.what + " at " + place); } catch (e) { out.failures.push(e.code || String(e)); }
      }
    }
  }
  return JSON.stringify(out);
})()`, bKeysJSON, oldTitleCT, apptest.PlaceGoalTitle(gid, 1, goal1ID), goal1, cts))
	var tried struct {
		Opened, OldOpens int
		Opens, Failures  []string
	}
	if err := json.Unmarshal([]byte(res), &tried); err != nil {
		t.Fatal(err)
	}
	if tried.Opened != len(bGroup.Keys) || tried.OldOpens != tried.Opened {
		// The keys must be real: each opens the goal as B saw it.
		t.Errorf("B's browser opened %d of its %d key copies; %d opened the old goal", tried.Opened, len(bGroup.Keys), tried.OldOpens)
	}
	if len(tried.Opens) > 0 {
		t.Errorf("B's old key opens %s", strings.Join(tried.Opens, ", "))
	}
	if want := len(bGroup.Keys) * len(current) * 3; len(tried.Failures) != want { // unbound, v1 place, v2 place
		t.Errorf("%d decryption failures, want %d: %v", len(tried.Failures), want, tried.Failures)
	}
	for _, f := range tried.Failures {
		if f != "DECRYPTION" {
			t.Errorf("a decryption with B's key failed with %q, want DECRYPTION", f)
		}
	}

	step("A still reads everything; B no longer sees the group")
	for _, c := range []struct{ sel, text string }{
		{`li.goal[data-key-version="2"] .goal-title`, goal1},
		{`li.goal[data-key-version="2"] .goal-title`, goal2},
		{fmt.Sprintf(`li.checkin[data-user-id=%q][data-key-version="2"] .checkin-note-text`, b.id), note},
	} {
		gbWaitText(t, at, c.sel, c.text)
	}
	at.reload(t, groupPath)
	gbWaitText(t, at, "#group-name", groupName)
	gbWaitText(t, at, `li.goal[data-key-version="2"] .goal-title`, goal1)
	gbWaitText(t, at, `li.checkin[data-key-version="2"] .checkin-note-text`, note)
	if status, body := gbFetch(t, bt, "/api/groups/"+gid); status != 404 {
		t.Errorf("B's GET /api/groups/%s after the removal: %d %.200s, want 404", gid, status, body)
	}
	bt.open(t, "/groups", "/groups")
	if n := mustEval[int](t, bt, fmt.Sprintf(`document.querySelectorAll('li.group-item[data-group-id=%q]').length`, gid)); n != 0 {
		t.Error("B's /groups still lists the group")
	}
	bt.open(t, groupPath, groupPath)
	gbWaitData(t, bt, map[string]string{"state": "removed"})

	step("no CSP violation, no exception, no secret in a request or URL")
	gbCheckBrowsers(t, servers, a, b)
	gj.checkRecordings(t)
	step("done")
	return gj
}

// checkCanary is the journeys' canary check (canary_test.go) for both
// people: the group's name, goal titles and note, the passwords, the
// addresses and the session keys are in neither the database nor the log
// of either instance.
func (gj *groupJourney) checkCanary(t *testing.T) {
	gj.a.j.checkCanary(t)
	gj.b.j.checkCanary(t)
}

// checkRecordings: no request either browser sent (headers, body, URL)
// carries a password, a session key or a canary (the journeys'
// checkRequests, plus the URLs), and both browsers held a push socket.
func (gj *groupJourney) checkRecordings(t *testing.T) {
	t.Helper()
	for _, u := range []*gbUser{gj.a, gj.b} {
		u.j.checkRequests(t)
		secrets := u.j.secrets()
		ws := false
		urls := u.b.URLs()
		u.j.mu.Lock()
		for _, r := range u.j.requests {
			urls = append(urls, r.URI)
		}
		u.j.mu.Unlock()
		for _, addr := range urls {
			ws = ws || strings.HasSuffix(addr, "/api/ws")
			for name, v := range secrets {
				if strings.Contains(strings.ToLower(addr), strings.ToLower(v)) {
					t.Errorf("a URL of %s's browser holds the %s: %s", u.tab.name, name, addr)
				}
			}
		}
		if !ws {
			t.Errorf("%s's browser never opened /api/ws", u.tab.name)
		}
	}
}

// TestGroupReencryptResume: an admin's page removes a member from a group
// holding hundreds of goals and check-ins, is reloaded in the middle of
// the re-encryption, and finishes it after the reload; then nothing is
// left under the old key version, everything opens under the new one,
// and the removed member's key opens none of it.
func TestGroupReencryptResume(t *testing.T) {
	chromiumPath(t)
	const goals = 400
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	r := randomHex(5)
	a := s.NewMember(t, "resume-a-"+r+"@example.test")
	b := s.NewMember(t, "resume-b-"+r+"@example.test")
	giveIdentity(t, b, 1) // a page seals only to a signed bundle (PROTOCOL.md §10)
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs  %s", time.Since(start).Seconds(), name) }
	must := func(r *apptest.Response, want int, what string) *apptest.Response {
		t.Helper()
		if r.Status != want {
			t.Fatalf("%s: %d %s, want %d", what, r.Status, r.Body, want)
		}
		return r
	}

	step("A makes a group through the API and invites B")
	key1 := sealkit.GenerateKey()
	name := "Resume Group " + randomHex(4)
	gid := apptest.NewRowID() // the fields are bound to it, as the browser binds them
	must(a.C.JSON(t, "POST", "/api/groups", map[string]string{
		"id": gid, "encrypted_name": apptest.EncryptAt(t, name, key1, apptest.PlaceGroupName(gid, 1)), "encrypted_key": a.SealKey(t, key1),
		"key_statement": apptest.KeyStatement(t, gid, a.ID, 1, key1, ""),
	}), 201, "create group")
	s.ForgetKeyChain(t, gid) // a group from before key statements: A's page signs version 1 (its own identity key)
	must(a.C.JSON(t, "POST", "/api/groups/"+gid+"/invitations", map[string]any{
		"email": b.Email, "encrypted_label": apptest.EncryptAt(t, b.Email, key1, apptest.PlaceMemberLabel(gid, 1)), "key_version": 1,
	}), 202, "invite")

	step("A's page is open when B accepts: it shares the key by itself")
	ua := &gbUser{j: &journey{s: s, email: a.Email, password: a.Password}, id: a.ID}
	ua.b = newBrowser(t, s.URL)
	ua.tab = ua.b.newTab("A")
	at := ua.tab
	ua.j.logIn(t, at)
	groupPath := "/groups/" + gid
	at.open(t, groupPath, groupPath)
	var list struct {
		Invitations []struct {
			ID string `json:"id"`
		} `json:"invitations"`
	}
	must(b.C.JSON(t, "GET", "/api/groups", nil), 200, "B's groups").JSON(t, &list)
	if len(list.Invitations) != 1 {
		t.Fatalf("B has %d invitations, want 1", len(list.Invitations))
	}
	must(b.C.JSON(t, "POST", "/api/invitations/"+list.Invitations[0].ID+"/accept", nil), 200, "accept")
	var bKey []byte
	deadline := time.Now().Add(waitTimeout)
	for bKey == nil {
		var g gbGroup
		must(b.C.JSON(t, "GET", "/api/groups/"+gid, nil), 200, "B's group").JSON(t, &g)
		if !g.Pending {
			for _, k := range g.Keys {
				if k.KeyVersion == 1 {
					bKey = b.OpenKey(t, k.EncryptedKey)
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("A's open page did not share the key with B within %v\n%s", waitTimeout, at.describe())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if string(bKey) != string(key1) {
		t.Fatal("the key A's page sealed to B is not the group key")
	}
	gbWaitData(t, at, map[string]string{"waiting": "0"})

	step(fmt.Sprintf("seed %d goals (A) and %d check-ins (B)", goals, goals))
	at.open(t, "/groups", "/groups") // no page refetching through the seeding
	titles := map[string]string{}
	notes := map[string]string{}
	day := time.Now().UTC().Format("2006-01-02")
	for i := range goals {
		title := fmt.Sprintf("Resume goal %d %s", i, randomHex(3))
		g := struct{ ID string }{apptest.NewRowID()}
		must(a.C.JSON(t, "POST", "/api/groups/"+gid+"/goals", map[string]any{
			"id": g.ID, "encrypted_title": apptest.EncryptAt(t, title, key1, apptest.PlaceGoalTitle(gid, 1, g.ID)), "key_version": 1,
		}), 201, "create goal")
		titles[g.ID] = title
		note := fmt.Sprintf("Resume note %d %s", i, randomHex(3))
		must(b.C.JSON(t, "PUT", "/api/groups/"+gid+"/goals/"+g.ID+"/checkins/"+day, map[string]any{
			"encrypted_note": apptest.EncryptAt(t, note, bKey, apptest.PlaceGoalNote(gid, 1, g.ID, b.ID, day)), "key_version": 1,
		}), 204, "check in")
		notes[g.ID] = note
	}
	total := 2*goals + 2 // goals, check-ins, the name, B's label
	db := s.App.Store().DB
	staleNow := func() int {
		var n int
		err := db.QueryRow(`SELECT
			(SELECT COUNT(*) FROM group_goals WHERE group_id = $1 AND key_version = 1) +
			(SELECT COUNT(*) FROM group_checkins WHERE group_id = $1 AND key_version = 1) +
			(SELECT COUNT(*) FROM groups WHERE id = $1 AND name_key_version = 1) +
			(SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND label_key_version = 1)`, gid).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := staleNow(); n != total {
		t.Fatalf("%d ciphertexts under key version 1, want %d", n, total)
	}

	step("A removes B; the page re-encrypts; reload in the middle")
	at.open(t, groupPath, groupPath)
	if n := mustEval[int](t, at, `document.querySelectorAll("li.goal").length`); n != goals {
		t.Fatalf("A's page shows %d goals, want %d", n, goals)
	}
	gbClickTwice(t, at, fmt.Sprintf(`li.member[data-user-id=%q] button.member-remove`, b.ID))
	progressText := regexp.MustCompile(`^Re-encrypting [0-9,]+ of [0-9,]+…$`)
	var texts []string
	left := 0
	deadline = time.Now().Add(waitTimeout)
	for {
		if txt := at.text(t, "group-reencrypt-text", "textContent"); progressText.MatchString(txt) && !slices.Contains(texts, txt) {
			texts = append(texts, txt)
		}
		// Reload while more than a batch is left: what follows is the
		// reloaded page's work.
		if left = staleNow(); left > 100 && left <= total-100 {
			break
		}
		if left <= 100 || time.Now().After(deadline) {
			t.Fatalf("no moment with a batch done and more than one left (left %d of %d)\n%s", left, total-1, at.describe())
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("reloading with %d of %d ciphertexts left; progress seen: %q", left, total-1, texts)
	if len(texts) == 0 {
		t.Error("no progress text like \"Re-encrypting 300 of 1,200…\" was seen")
	}
	// The old page may finish the batch it has in flight (at most 100
	// items), so more than a batch left means work remains for the
	// reloaded page, and only A's browser re-encrypts. (Whether the new
	// page starts before or after it reports ready is its business.)
	at.reload(t, groupPath)
	gbWaitData(t, at, map[string]string{"keyVersion": "2", "stale": "0", "reencrypting": "0"})
	step("done after the reload")

	step("nothing under version 1; everything opens under version 2; B's key opens nothing")
	if n := staleNow(); n != 0 {
		t.Errorf("%d ciphertexts still under key version 1", n)
	}
	var g gbGroup
	must(a.C.JSON(t, "GET", "/api/groups/"+gid, nil), 200, "A's group").JSON(t, &g)
	if g.KeyVersion != 2 || g.Stale != 0 || len(g.Keys) != 1 || g.Keys[0].KeyVersion != 2 {
		t.Fatalf("after re-encryption: key_version %d, stale %d, A's copies %+v", g.KeyVersion, g.Stale, g.Keys)
	}
	key2 := a.OpenKey(t, g.Keys[0].EncryptedKey)
	// Each re-encrypted blob is at the same place under version 2.
	check := func(what, ctB64, want string, place func(v int64) string) {
		t.Helper()
		if got, err := apptest.DecryptAt(ctB64, key2, place(2)); err != nil || got != want {
			t.Errorf("%s under key 2: %q, %v; want %q", what, got, err, want)
		}
		if _, err := apptest.DecryptAt(ctB64, key1, place(1)); err == nil {
			t.Errorf("%s still opens with the old key", what)
		}
	}
	check("the name", g.EncryptedName, name, func(v int64) string { return apptest.PlaceGroupName(gid, v) })
	if len(g.Goals) != goals {
		t.Fatalf("%d goals, want %d", len(g.Goals), goals)
	}
	for _, goal := range g.Goals {
		check("goal "+goal.ID, goal.EncryptedTitle, titles[goal.ID], func(v int64) string { return apptest.PlaceGoalTitle(gid, v, goal.ID) })
		if len(goal.Checkins) != 1 || goal.Checkins[0].KeyVersion != 2 {
			t.Fatalf("goal %s: check-ins %+v", goal.ID, goal.Checkins)
		}
		check("the note of goal "+goal.ID, goal.Checkins[0].EncryptedNote, notes[goal.ID], func(v int64) string { return apptest.PlaceGoalNote(gid, v, goal.ID, b.ID, day) })
	}
	if r := b.C.JSON(t, "GET", "/api/groups/"+gid, nil); r.Status != 404 {
		t.Errorf("B's GET after the removal: %d", r.Status)
	}
	gbWaitText(t, at, "#group-name", name)
	if n := mustEval[int](t, at, `document.querySelectorAll('li.goal[data-key-version="2"]').length`); n != goals {
		t.Errorf("A's page shows %d goals under key version 2, want %d", n, goals)
	}
	gbCheckBrowsers(t, []*apptest.Server{s}, ua)
}

// TestGroupLeaveRotation: a member who leaves leaves the group marked
// rotation_needed; the owner's open page renews the key by itself (live,
// on the push), re-encrypts the old content, and the leaver's key opens
// nothing written or re-encrypted after.
func TestGroupLeaveRotation(t *testing.T) {
	chromiumPath(t)
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	r := randomHex(5)
	a := s.NewMember(t, "leave-a-"+r+"@example.test")
	c := s.NewMember(t, "leave-c-"+r+"@example.test")
	giveIdentity(t, c, 1) // a page seals only to a signed bundle (PROTOCOL.md §10)
	must := func(r *apptest.Response, want int, what string) *apptest.Response {
		t.Helper()
		if r.Status != want {
			t.Fatalf("%s: %d %s, want %d", what, r.Status, r.Body, want)
		}
		return r
	}
	key1 := sealkit.GenerateKey()
	name := "Leave Group " + randomHex(4)
	gid := apptest.NewRowID() // the fields are bound to it, as the browser binds them
	must(a.C.JSON(t, "POST", "/api/groups", map[string]string{
		"id": gid, "encrypted_name": apptest.EncryptAt(t, name, key1, apptest.PlaceGroupName(gid, 1)), "encrypted_key": a.SealKey(t, key1),
		"key_statement": apptest.KeyStatement(t, gid, a.ID, 1, key1, ""),
	}), 201, "create group")
	s.ForgetKeyChain(t, gid) // a group from before key statements: A's page signs version 1 (its own identity key)
	must(a.C.JSON(t, "POST", "/api/groups/"+gid+"/invitations", map[string]any{
		"email": c.Email, "encrypted_label": apptest.EncryptAt(t, c.Email, key1, apptest.PlaceMemberLabel(gid, 1)), "key_version": 1,
	}), 202, "invite")
	var list struct {
		Invitations []struct {
			ID string `json:"id"`
		} `json:"invitations"`
	}
	must(c.C.JSON(t, "GET", "/api/groups", nil), 200, "C's groups").JSON(t, &list)
	if len(list.Invitations) != 1 {
		t.Fatalf("C has %d invitations, want 1", len(list.Invitations))
	}
	must(c.C.JSON(t, "POST", "/api/invitations/"+list.Invitations[0].ID+"/accept", nil), 200, "accept")

	// A's page opens with C waiting: it shares the key on connecting.
	ua := &gbUser{j: &journey{s: s, email: a.Email, password: a.Password}, id: a.ID}
	ua.b = newBrowser(t, s.URL)
	ua.tab = ua.b.newTab("A")
	at := ua.tab
	ua.j.logIn(t, at)
	groupPath := "/groups/" + gid
	at.open(t, groupPath, groupPath)
	gbWaitData(t, at, map[string]string{"waiting": "0", "keyVersion": "1"})
	// A group from before key statements: A's page signed version 1 (trust
	// on first use) and now verifies its own statement.
	gbWaitData(t, at, map[string]string{"chain": "ok"})
	if n := s.Count(t, "group_key_statements"); n != 1 {
		t.Errorf("%d key statements after A's first visit, want 1", n)
	}
	var g gbGroup
	must(c.C.JSON(t, "GET", "/api/groups/"+gid, nil), 200, "C's group").JSON(t, &g)
	if g.Pending || len(g.Keys) != 1 || string(c.OpenKey(t, g.Keys[0].EncryptedKey)) != string(key1) {
		t.Fatalf("C did not receive the group key: pending %v, %d copies", g.Pending, len(g.Keys))
	}
	title := "Leave goal " + randomHex(4)
	goalID := apptest.NewRowID()
	must(c.C.JSON(t, "POST", "/api/groups/"+gid+"/goals", map[string]any{
		"id": goalID, "encrypted_title": apptest.EncryptAt(t, title, key1, apptest.PlaceGoalTitle(gid, 1, goalID)), "key_version": 1,
	}), 201, "C's goal")
	gbWaitText(t, at, "li.goal .goal-title", title)

	at.markStale(t)
	must(c.C.JSON(t, "POST", "/api/groups/"+gid+"/leave", nil), 204, "leave")
	gbWaitData(t, at, map[string]string{"keyVersion": "2", "stale": "0", "rotationNeeded": "0", "reencrypting": "0"})
	gbWaitData(t, at, map[string]string{"chain": "ok"}) // version 2, signed by A's page in the rotation
	if n := s.Count(t, "group_key_statements"); n != 2 {
		t.Errorf("%d key statements after the rotation, want 2", n)
	}
	if !mustEval[bool](t, at, `window.__sealkitTestStale === true`) {
		t.Error("A's page reloaded instead of rotating live")
	}
	gbWaitText(t, at, `li.goal[data-key-version="2"] .goal-title`, title)

	must(a.C.JSON(t, "GET", "/api/groups/"+gid, nil), 200, "A's group").JSON(t, &g)
	if g.KeyVersion != 2 || g.Stale != 0 || len(g.Keys) != 1 || len(g.Members) != 1 {
		t.Fatalf("after the rotation: key_version %d, stale %d, %d copies, %d members", g.KeyVersion, g.Stale, len(g.Keys), len(g.Members))
	}
	key2 := a.OpenKey(t, g.Keys[0].EncryptedKey)
	for what, ct := range map[string][2]string{
		"the name": {g.EncryptedName, "name"}, "the goal": {g.Goals[0].EncryptedTitle, "goal"}} {
		place := func(v int64) string {
			if ct[1] == "name" {
				return apptest.PlaceGroupName(gid, v)
			}
			return apptest.PlaceGoalTitle(gid, v, goalID)
		}
		if _, err := apptest.DecryptAt(ct[0], key1, place(1)); err == nil {
			t.Errorf("%s still opens with the key C held", what)
		}
		if _, err := apptest.DecryptAt(ct[0], key2, place(2)); err != nil {
			t.Errorf("%s does not open with the new key: %v", what, err)
		}
	}
	if r := c.C.JSON(t, "GET", "/api/groups/"+gid, nil); r.Status != 404 {
		t.Errorf("C's GET after leaving: %d", r.Status)
	}
	gbCheckBrowsers(t, []*apptest.Server{s}, ua)
}
