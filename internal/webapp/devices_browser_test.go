package webapp_test

// The devices page and account deletion in Chromium (docs/PROTOCOL.md
// §3.5, §3.6), on both databases; on PostgreSQL the second browser
// context talks to a second instance, so its socket closes through
// LISTEN/NOTIFY.

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestBrowserDevicesAndDeletion: a user registers in context A and logs
// in in context B (another instance on PostgreSQL), whose page holds a
// WebSocket. A's devices page lists both sessions with their decrypted
// labels, marks its own, and ends B's: B's socket closes with 1008 and
// its next page is the login page. Then A creates a habit and two
// groups; the deletion page lists both and offers no deletion until A has
// handed one over to Carol (a member A's page gave the key) with "Make
// owner" and deleted the other; a wrong password is refused; the right
// one with the typed confirmation deletes exactly A's rows (every table
// counted, nothing naming A left, the handed-over group marked
// rotation_needed), a last mail arrives, and the same address registers
// again. No CSP violation, no exception, no secret in a URL, a request,
// the database or the log.
func TestBrowserDevicesAndDeletion(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			chromiumPath(t)
			db := apptest.NewDB(t, backend)
			raise := func(c *webapp.Config) { c.SaltLimit = 100 } // one client address for every login
			sa := apptest.Start(t, db, &apptest.Options{Config: raise})
			sb := sa
			if backend == "postgres" {
				sb = apptest.Start(t, db, &apptest.Options{KeysFile: sa.KeysFile, Config: raise})
			}
			j := &journey{s: sa, email: "Canary-" + randomHex(6) + "@Example.test",
				password: "canary-password-" + randomHex(6), name: "Canary Name " + randomHex(6)}
			j.b = newBrowser(t, j.front(t).URL)
			start := time.Now()
			step := func(name string) { t.Logf("%6.1fs  %s", time.Since(start).Seconds(), name) }

			step("register in context A, log in in context B")
			a := j.b.newTab("a")
			j.registerInBrowser(t, a)
			first := struct{ id, sessionKey, authKey string }{j.userID,
				base64.StdEncoding.EncodeToString(j.sessionKey), base64.StdEncoding.EncodeToString(j.authKey)}
			b := j.b.newBrowserContextTabAt("b", j.frontOf(t, sb).URL)
			j.logIn(t, b)
			mustEval[bool](t, b, `(() => {
  window.testSocket = { open: false, code: 0 };
  const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/api/ws");
  ws.onopen = () => { window.testSocket.open = true; };
  ws.onclose = (e) => { window.testSocket.code = e.code; };
  return true;
})()`)
			b.waitJS(t, "B's socket to open", `window.testSocket.open`)

			step("devices page in A: both sessions, labelled; end B's")
			devicesStart := time.Now()
			a.open(t, "/settings", "/settings")
			a.clickTo(t, "settings-devices", "/settings/devices")
			label := mustEval[string](t, a, `(async () => (await import(new URL("device.js", document.querySelector("script[type=module]").src))).deviceLabel())()`)
			j.canaries = append(j.canaries, canary{"device label", label})
			items := mustEval[string](t, a, `JSON.stringify([...document.querySelectorAll("li.session-item")].map((li) => ({
  current: li.dataset.current, device: li.querySelector(".session-device").textContent,
  badge: li.querySelector(".badge")?.textContent ?? "", end: Boolean(li.querySelector("button.session-end")) })))`)
			want := fmt.Sprintf(`[{"current":"1","device":%q,"badge":"this device","end":false},{"current":"0","device":%q,"badge":"","end":true}]`, label, label)
			if items != want {
				t.Fatalf("the devices page lists\n %s\nwant\n %s", items, want)
			}
			a.do(t, "ending B's session", chromedp.Click(chromedp.CSS(`li.session-item[data-current="0"] button.session-end`)))
			a.waitShown(t, "devices-ended")
			a.waitJS(t, "one session left", `document.querySelectorAll("li.session-item").length === 1`)
			b.waitJS(t, "B's socket to close with 1008", `window.testSocket.code === 1008`)
			step(fmt.Sprintf("B's socket closed %.2f s after the devices page opened", time.Since(devicesStart).Seconds()))
			b.open(t, "/profile", "/login")

			step("A: a habit and an owned group; the deletion page lists the group")
			j.habitJourney(t, a)
			groupName := j.canary("group name", "Canary Group ")
			handedName := j.canary("handed-over group name", "Canary Handed Group ")
			createGroup := func(name string) string {
				a.open(t, "/groups", "/groups")
				a.typeInto(t, "group-name-input", name)
				a.markStale(t)
				a.do(t, "clicking #group-create", chromedp.Click(chromedp.ID("group-create")))
				a.waitJS(t, "the new group's page", `location.pathname.startsWith("/groups/") && document.body.dataset.ready === "1"`)
				return strings.TrimPrefix(mustEval[string](t, a, "location.pathname"), "/groups/")
			}
			gid, hid := createGroup(groupName), createGroup(handedName)
			a.open(t, "/settings", "/settings")
			a.clickTo(t, "settings-delete", "/settings/delete")
			owned := mustEval[string](t, a, `JSON.stringify([...document.querySelectorAll("li.owned-group a")].map((e) => [e.textContent, e.getAttribute("href")]).sort())`)
			wantOwned := fmt.Sprintf(`[[%q,"/groups/%s"],[%q,"/groups/%s"]]`, groupName, gid, handedName, hid)
			if groupName > handedName {
				wantOwned = fmt.Sprintf(`[[%q,"/groups/%s"],[%q,"/groups/%s"]]`, handedName, hid, groupName, gid)
			}
			if owned != wantOwned {
				t.Fatalf("the deletion page lists the owned groups %s, want %s", owned, wantOwned)
			}
			if a.text(t, "delete-form", "hidden") != "true" {
				t.Fatal("the deletion form is offered while the user owns a group")
			}

			step("hand one group over to Carol (a member with the key), delete the other")
			a.markStale(t)
			a.do(t, "following the group's link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`li.owned-group[data-group-id=%q] a`, hid))))
			a.waitPage(t, "/groups/"+hid)
			carol := sa.NewMember(t, "carol-"+randomHex(4)+"@example.test")
			giveIdentity(t, carol, 1) // a page seals only to a signed bundle (PROTOCOL.md §10)
			a.typeInto(t, "group-invite-email", carol.Email)
			a.do(t, "clicking #group-invite-submit", chromedp.Click(chromedp.ID("group-invite-submit")))
			a.waitShown(t, "group-invite-done")
			wantStatus(t, carol.C.JSON(t, "POST", "/api/invitations/"+apptest.InvitationTo(t, carol, hid)+"/accept", nil), 200, "carol accepts")
			// A's open page seals the key to her by itself (§7.2).
			makeOwner := fmt.Sprintf(`li.member[data-user-id=%q][data-pending="0"] button.member-make-owner`, carol.ID)
			a.waitJS(t, "carol keyed, with a Make owner button", fmt.Sprintf(`document.querySelector(%q)`, makeOwner))
			gbClickTwice(t, a, makeOwner)
			a.waitJS(t, "carol the owner", fmt.Sprintf(`document.querySelector('li.member[data-user-id=%q][data-role="owner"]')`, carol.ID))
			if g := getGroup(t, carol, hid); g.Role != "owner" {
				t.Fatalf("carol is %q after the hand-over", g.Role)
			}
			a.open(t, "/groups/"+gid, "/groups/"+gid)
			a.markStale(t)
			gbClickTwice(t, a, "#group-delete")
			a.waitPage(t, "/groups")
			a.open(t, "/settings/delete", "/settings/delete")
			a.waitShown(t, "delete-form")
			if a.text(t, "delete-owned", "hidden") != "true" {
				t.Fatal("the deletion page still lists owned groups")
			}

			step("delete the account: wrong password, missing confirmation, then for real")
			a.typeInto(t, "delete-password", j.password+"x")
			a.typeInto(t, "delete-confirm", "DELETE")
			a.do(t, "clicking #delete-submit", chromedp.Click(chromedp.ID("delete-submit")))
			a.waitJS(t, "the wrong password refused", `document.getElementById("delete-error").textContent === "wrong password"`)
			a.typeInto(t, "delete-password", j.password)
			a.typeInto(t, "delete-confirm", "delete")
			a.do(t, "clicking #delete-submit", chromedp.Click(chromedp.ID("delete-submit")))
			a.waitJS(t, "the confirmation asked for", `document.getElementById("delete-error").textContent.includes("Type DELETE")`)
			waitJobsDone(t, sa)
			before := tableRows(t, sa)
			idx := accountIndex(t, sa, j.userID)
			var herCounters int
			sa.App.Store().DB.QueryRow(`SELECT COUNT(*) FROM rate_counters WHERE bucket = $1 OR bucket = $2 OR bucket LIKE $3`,
				"invite:"+j.userID, "signupmail:"+idx[:32], "loginfail:%:"+idx[:32]).Scan(&herCounters)
			a.typeInto(t, "delete-confirm", "DELETE")
			deleteStart := time.Now()
			a.clickTo(t, "delete-submit", "/")
			step(fmt.Sprintf("deleted in %.2f s (password derived in the worker, request, landing)", time.Since(deleteStart).Seconds()))
			sa.WaitMail(t, strings.ToLower(j.email), "Your sealkit account was deleted")
			waitJobsDone(t, sa)
			// Every table counted: exactly her rows went (Carol's stay).
			got := rowChanges(before, tableRows(t, sa))
			wantRows := []string{"job send_mail +1", "table checkins -1", "table dev_mail +1", "table group_keys -1",
				"table group_members -1", "table habits -1", fmt.Sprintf("table rate_counters %+d", -herCounters),
				"table sessions -1", "table user_habits -1", "table users -1"}
			if !slices.Equal(got, wantRows) {
				t.Fatalf("row changes:\n got %v\nwant %v", got, wantRows)
			}
			var rotation int
			sa.App.Store().DB.QueryRow(`SELECT rotation_needed FROM groups WHERE id = $1`, hid).Scan(&rotation)
			if rotation != 1 {
				t.Errorf("the handed-over group: rotation_needed %d, want 1", rotation)
			}
			if where := rowsMentioning(t, sa, first.id, idx, idx[:32]); len(where) > 0 {
				t.Fatalf("rows still name the deleted user: %v", where)
			}
			a.open(t, "/settings", "/login")

			step("the same address registers again")
			j.canaries = append(j.canaries, canary{"session key of the deleted account (base64)", first.sessionKey},
				canary{"auth key of the deleted account (base64)", first.authKey})
			j.registerInBrowser(t, a)
			if j.userID == first.id {
				t.Fatal("the new account has the deleted one's id")
			}

			step("no CSP violation, no exception, no secret in a URL or request")
			j.checkNoViolations(t)
			if ex := j.b.Exceptions(); len(ex) > 0 {
				t.Errorf("uncaught exceptions in the pages:\n  %s", strings.Join(ex, "\n  "))
			}
			j.checkURLsSeeing(t, "/settings/devices", "/api/sessions", "/api/me/delete", "/api/auth/login")
			j.checkRequests(t)
			t.Run("canary", j.checkCanary)
			if sb != sa {
				// checkCanary searched instance A's log; B served the
				// second context and must not have logged a secret either.
				for name, v := range j.secrets() {
					if containsFold([]byte(sb.Log.String()), v) {
						t.Errorf("the %s is in instance B's log", name)
					}
				}
			}
		})
	}
}
