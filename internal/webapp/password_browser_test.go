package webapp_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// rowBytes are the stored values a password change or a recovery must
// leave as they are: the user key, the address, the public keys and every
// habit key of the user.
func rowBytes(t *testing.T, s *apptest.Server, userID string) []string {
	t.Helper()
	db := s.App.Store().DB
	var out [4]string
	if err := db.QueryRow(`SELECT encrypted_user_key, encrypted_email, public_key, pq_public_key FROM users WHERE id = $1`, userID).
		Scan(&out[0], &out[1], &out[2], &out[3]); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT encrypted_key FROM user_habits WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	all := out[:]
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		all = append(all, k)
	}
	return all
}

// cacheOpens reports whether the tab's key caches still open (the SDK's
// UserKeys.open, as every page runs it, without its redirect).
func cacheOpens(t *testing.T, tb *tab) bool {
	t.Helper()
	return mustEval[bool](t, tb, `(async () => {
  const page = document.querySelector("script[type=module]").src;
  await (await import(new URL("common.js", page))).loadSdk();
  const { UserKeys } = await import(new URL("../sdk/account.js", page));
  const me = await (await fetch("/api/me")).json();
  return (await new UserKeys().open(me)) !== null;
})()`)
}

// changePasswordInUI fills /settings' password form and waits for the
// answer; it returns the time the flow took in the page (ms).
func changePasswordInUI(t *testing.T, tb *tab, current, next string, endOthers bool) string {
	t.Helper()
	tb.open(t, "/settings", "/settings")
	tb.typeInto(t, "password-current", current)
	tb.typeInto(t, "password-new", next)
	tb.typeInto(t, "password-new2", next)
	if mustEval[bool](t, tb, `document.getElementById("password-end-sessions").checked`) != endOthers {
		tb.do(t, "toggling #password-end-sessions", chromedp.Click(chromedp.ID("password-end-sessions")))
	}
	tb.do(t, "clicking #password-submit", chromedp.Click(chromedp.ID("password-submit")))
	tb.waitJS(t, "the password change's answer", `!document.getElementById("password-saved").hidden || !document.getElementById("password-error").hidden`)
	if e := tb.text(t, "password-error", "textContent"); e != "" {
		t.Fatalf("tab %s: changing the password: %s", tb.name, e)
	}
	return mustEval[string](t, tb, `document.getElementById("password-form").dataset.ms || ""`)
}

// TestBrowserPasswordChange, on each database: a user with a habit, two
// tabs of one browser and a second browser, changes the password on
// /settings (keeping the other sessions): the other tabs are pushed to the
// unlock page, their key caches no longer open although their sessions
// live, the old password fails there and at login, the new one opens the
// habit, and the user key and the habit key kept their stored bytes. A
// second change that ends the other sessions logs the second browser out.
func TestBrowserPasswordChange(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			chromiumPath(t)
			j := &journey{email: "pw-" + randomHex(6) + "@example.test", password: "old-password-" + randomHex(6),
				name: "Canary Unused Name " + randomHex(6)}
			j.s = apptest.Start(t, apptest.NewDB(t, backend), nil)
			j.b = newBrowser(t, j.front(t).URL)
			a := j.b.newTab("a")
			j.registerInBrowser(t, a)
			habit := j.canary("habit name", "Canary Habit ")
			id := createHabitInUI(t, a, habit, "", "0090ff")

			a2 := a.newTab("a2")
			a2.open(t, "/habits/"+id, "/habits/"+id)
			c := j.b.newBrowserContextTab("c")
			browserLogIn(t, c, j.email, j.password)
			c.open(t, "/profile", "/profile")
			for _, tb := range []*tab{a2, c} {
				tb.waitJS(t, "the push channel", `document.body.dataset.push === "open"`)
			}
			before := rowBytes(t, j.s, j.userID)

			old := j.password
			j.canaries = append(j.canaries, canary{"first password", old})
			j.password = j.canary("new password", "new-password-")
			ms := changePasswordInUI(t, a, old, j.password, false)
			t.Logf("password change in the browser: %s ms", ms)
			for _, tb := range []*tab{a2, c} {
				tb.waitPage(t, "/unlock") // pushed there
			}
			if q := mustEval[string](t, a2, "location.search"); q != "?next=%2Fhabits%2F"+id {
				t.Errorf("tab a2 went to /unlock%s", q)
			}
			if cacheOpens(t, c) {
				t.Error("browser c's key cache still opens after the password change (its session lives)")
			}
			c.typeInto(t, "unlock-password", old)
			c.do(t, "unlocking with the old password", chromedp.Click(chromedp.ID("unlock-submit")))
			c.waitShown(t, "unlock-error")
			if e := c.text(t, "unlock-error", "textContent"); e != "Wrong password" {
				t.Errorf("the old password on the unlock page: %q", e)
			}
			c.typeInto(t, "unlock-password", j.password)
			c.clickTo(t, "unlock-submit", "/profile")
			c.open(t, "/habits", "/habits")
			c.waitJS(t, "the habit decrypted", fmt.Sprintf(`[...document.querySelectorAll("#habits-list a")].some((e) => e.textContent === %q)`, habit))
			// The tab that changed it keeps its keys, re-cached.
			a.open(t, "/habits", "/habits")
			if after := rowBytes(t, j.s, j.userID); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Error("the user key, address, public keys or habit keys changed")
			}

			d := j.b.newBrowserContextTab("d")
			d.open(t, "/login", "/login")
			d.typeInto(t, "login-email", j.email)
			d.typeInto(t, "login-password", old)
			d.do(t, "logging in with the old password", chromedp.Click(chromedp.ID("login-submit")))
			d.waitShown(t, "login-error")

			// Again, ending the other sessions: browser c is logged out.
			prev := j.password
			j.password = j.canary("third password", "third-password-")
			changePasswordInUI(t, a, prev, j.password, true)
			deadline := time.Now().Add(waitTimeout)
			for time.Now().Before(deadline) && mustEval[int](t, c, `fetch("/api/me").then((r) => r.status)`) != 401 {
				time.Sleep(50 * time.Millisecond)
			}
			c.open(t, "/habits", "/login")
			a.open(t, "/habits", "/habits")

			// A new recovery key from /settings, with the password's proof.
			var oldHash string
			if err := j.s.App.Store().DB.QueryRow(`SELECT recovery_hash FROM users WHERE id = $1`, j.userID).Scan(&oldHash); err != nil {
				t.Fatal(err)
			}
			a.open(t, "/settings", "/settings")
			a.typeInto(t, "recovery-password", prev) // the old password: refused
			a.do(t, "making a recovery key with the old password", chromedp.Click(chromedp.ID("recovery-new")))
			a.waitShown(t, "recovery-error")
			a.typeInto(t, "recovery-password", j.password)
			a.do(t, "making a recovery key", chromedp.Click(chromedp.ID("recovery-new")))
			if key := j.saveRecoveryKey(t, a); key == j.recoveryKey {
				t.Error("/settings showed the old recovery key")
			}
			a.waitShown(t, "recovery-done")
			var newHash string
			if err := j.s.App.Store().DB.QueryRow(`SELECT recovery_hash FROM users WHERE id = $1`, j.userID).Scan(&newHash); err != nil || newHash == oldHash {
				t.Errorf("the recovery key was not replaced (%v)", err)
			}
			j.readAccount(t) // the stored key_hash and the keys of the last password, for the searches
			j.checkNoViolations(t)
			if ex := j.b.Exceptions(); len(ex) > 0 {
				t.Errorf("uncaught exceptions in the pages:\n  %s", strings.Join(ex, "\n  "))
			}
			j.checkURLs(t)
			j.checkRequests(t)
			t.Run("canary", j.checkCanary)
		})
	}
}
