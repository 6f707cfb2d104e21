package webapp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// recoverInUI fills /recover in tb and clicks "Recover account"; it does
// not wait for the outcome.
func recoverInUI(t *testing.T, tb *tab, email, key, password string) {
	t.Helper()
	tb.open(t, "/recover", "/recover")
	tb.typeInto(t, "recover-email", email)
	tb.typeInto(t, "recover-key", key)
	tb.typeInto(t, "recover-password", password)
	tb.typeInto(t, "recover-password2", password)
	tb.do(t, "clicking #recover-submit", chromedp.Click(chromedp.ID("recover-submit")))
}

// recoverError waits for /recover's error and returns it.
func recoverError(t *testing.T, tb *tab) string {
	t.Helper()
	tb.waitShown(t, "recover-error")
	return tb.text(t, "recover-error", "textContent")
}

// TestBrowserRecovery, on each database: an account made before recovery
// keys (none) with a habit and a group is offered one on the unlock page
// and saves it; the user forgets the password and recovers with the key
// typed in lower case without dashes: the habit and the group still open,
// every old session has ended, a new recovery key is shown and the used
// one no longer works; a garbled key gets the crate's error and a wrong
// one the server's, and neither changes anything.
func TestBrowserRecovery(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			chromiumPath(t)
			j := &journey{email: "rec-" + randomHex(6) + "@example.test", password: "first-password-" + randomHex(6),
				name: "Canary Unused Name " + randomHex(6)}
			j.canaries = append(j.canaries, canary{"first password", j.password})
			j.s = apptest.Start(t, apptest.NewDB(t, backend), nil)
			j.b = newBrowser(t, j.front(t).URL)

			// The account, a habit and a group, over the API (no recovery key).
			u := apptest.NewUser(t, j.email, j.password)
			api := apptest.NewClient(j.s.URL)
			j.s.SignUp(t, api, u)
			if r := api.LogIn(t, u); r.Status != 200 {
				t.Fatalf("login: %d", r.Status)
			}
			habit, group := j.canary("habit name", "Canary Habit "), j.canary("group name", "Canary Group ")
			hk := sealkit.GenerateKey()
			hid := apptest.NewRowID()
			if r := api.JSON(t, "POST", "/api/habits", map[string]string{"id": hid, "encrypted_key": u.SealKey(t, hk),
				"encrypted_name": apptest.EncryptAt(t, habit, hk, apptest.PlaceHabitName(hid)), "colour": "#0090ff"}); r.Status != 201 {
				t.Fatalf("create habit: %d %s", r.Status, r.Error())
			}
			g := j.s.NewGroup(t, &apptest.Member{User: u, C: api}, group)
			j.readAccount(t)
			before := rowBytes(t, j.s, j.userID)

			step := "unlock: the offer of a recovery key"
			a := j.b.newTab("a")
			browserLogIn(t, a, j.email, j.password)
			mustEval[int](t, a, `fetch("/api/me/settings", {method: "PUT", headers: {"Content-Type": "application/json"},
  body: JSON.stringify({always_require_password: true})}).then((r) => r.status)`)
			a2 := a.newTab("a2")
			a2.open(t, "/groups/"+g.ID, "/unlock")
			a2.typeInto(t, "unlock-password", j.password)
			a2.do(t, step, chromedp.Click(chromedp.ID("unlock-submit")))
			a2.waitShown(t, "recovery-offer")
			a2.markStale(t)
			a2.do(t, "making a recovery key", chromedp.Click(chromedp.ID("recovery-offer-make")))
			first := j.saveRecoveryKey(t, a2)
			a2.waitPage(t, "/groups/"+g.ID)
			a2.waitJS(t, "the group name", fmt.Sprintf(`document.getElementById("group-name").textContent === %q`, group))
			var has bool
			if err := j.s.App.Store().DB.QueryRow(`SELECT recovery_hash IS NOT NULL FROM users WHERE id = $1`, j.userID).Scan(&has); err != nil || !has {
				t.Fatalf("no recovery key stored after the offer: %v", err)
			}

			step = "a garbled key and a wrong key change nothing"
			r := j.b.newBrowserContextTab("r")
			garbled := first[:len(first)-3] + "01!"
			recoverInUI(t, r, j.email, garbled, "never-used-password-1")
			if e := recoverError(t, r); !strings.HasPrefix(e, "Not a recovery key: ") || len(e) < 25 {
				t.Errorf("%s: a garbled key shows %q", step, e)
			} else {
				t.Logf("a garbled key shows %q", e)
			}
			wrongKey, _ := sealkit.GenerateRecoveryKey()
			recoverInUI(t, r, j.email, wrongKey.Key, "never-used-password-1")
			if e := recoverError(t, r); e != "wrong email address or recovery key" {
				t.Errorf("%s: a wrong key shows %q", step, e)
			}
			recoverInUI(t, r, "nobody-"+randomHex(4)+"@example.test", first, "never-used-password-1")
			if e := recoverError(t, r); e != "wrong email address or recovery key" {
				t.Errorf("%s: an unknown address shows %q", step, e)
			}

			step = "forgot the password: recover with the key, lower case, no dashes"
			old := j.password
			j.password = j.canary("recovered password", "recovered-password-")
			recoverInUI(t, r, j.email, strings.ToLower(strings.ReplaceAll(first, "-", "")), j.password)
			r.waitShown(t, "recover-done")
			ms := mustEval[string](t, r, `document.getElementById("recover-form").dataset.ms || ""`)
			t.Logf("recovery in the browser: %s ms", ms)
			r.markStale(t)
			second := j.saveRecoveryKey(t, r)
			r.waitPage(t, "/habits")
			if second == first {
				t.Fatal("the recovery showed the used key again")
			}
			r.waitJS(t, "the habit decrypted", fmt.Sprintf(`[...document.querySelectorAll("#habits-list a")].some((e) => e.textContent === %q)`, habit))
			r.open(t, "/groups/"+g.ID, "/groups/"+g.ID)
			r.waitJS(t, "the group name", fmt.Sprintf(`document.getElementById("group-name").textContent === %q`, group))
			if after := rowBytes(t, j.s, j.userID); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Error("the user key, address, public keys or habit keys changed")
			}
			for _, tb := range []*tab{a, a2} {
				if s := mustEval[int](t, tb, `fetch("/api/me").then((r) => r.status)`); s != 401 {
					t.Errorf("tab %s: the old session answers %d after the recovery", tb.name, s)
				}
			}
			if r := api.JSON(t, "GET", "/api/me", nil); r.Status != 401 {
				t.Errorf("the API client's old session answers %d", r.Status)
			}

			step = "the used key no longer works; the old password neither; the new one does"
			x := j.b.newBrowserContextTab("x")
			recoverInUI(t, x, j.email, first, "never-used-password-2")
			if e := recoverError(t, x); e != "wrong email address or recovery key" {
				t.Errorf("%s: the used key shows %q", step, e)
			}
			x.open(t, "/login", "/login")
			x.typeInto(t, "login-email", j.email)
			x.typeInto(t, "login-password", old)
			x.do(t, "logging in with the old password", chromedp.Click(chromedp.ID("login-submit")))
			x.waitShown(t, "login-error")
			browserLogIn(t, x, j.email, j.password)

			j.readAccount(t)
			j.checkNoViolations(t)
			if ex := j.b.Exceptions(); len(ex) > 0 {
				t.Errorf("uncaught exceptions in the pages:\n  %s", strings.Join(ex, "\n  "))
			}
			j.checkURLsSeeing(t, "/unlock?next=%2Fgroups%2F"+g.ID, "/recover", "/api/auth/recover/finish", "/api/auth/recovery")
			j.checkRequests(t)
			t.Run("canary", j.checkCanary)
		})
	}
}
