package webapp_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestHabitsBrowser drives the habit pages in Chromium on each database:
// create a habit on the dashboard and see it decrypted, tick today, open
// it, check in with a note, edit, archive, reload and see everything
// decrypted again; a habit that does not decrypt shows as such and can be
// deleted. No CSP violation, no page exception.
func TestHabitsBrowser(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			chromiumPath(t)
			s := startHabits(t, apptest.NewDB(t, backend))
			c, u := habitUser(t, s, "bruno")
			b := newBrowser(t, s.URL)
			tb := b.newTab("h")
			browserLogIn(t, tb, u.Email, u.Password)

			tb.open(t, "/habits", "/habits")
			tb.waitShown(t, "habits-empty")
			name, desc := "Meditate "+randomHex(4), "Ten quiet minutes\nafter lunch"
			id := createHabitInUI(t, tb, name, desc, "8e4ec6")
			if got := tb.text(t, "habit-description-"+id, "textContent"); got != desc {
				t.Errorf("dashboard description %q, want %q", got, desc)
			}
			if got := mustEval[string](t, tb, fmt.Sprintf(`getComputedStyle(document.querySelector("#habit-%s .swatch")).backgroundColor`, id)); got != "rgb(142, 78, 198)" {
				t.Errorf("swatch colour %q", got)
			}
			var colour string
			s.App.Store().DB.QueryRow(`SELECT colour FROM habits WHERE id = $1`, id).Scan(&colour)
			if colour != "#8e4ec6" {
				t.Errorf("stored colour %q", colour)
			}

			// Today's box: on, off, on (a check-in without a note).
			for _, want := range []int{1, 0, 1} {
				tb.do(t, "ticking today", chromedp.Click(chromedp.ID("habit-today-"+id)))
				waitCount(t, s, "checkins", want)
				tb.waitJS(t, "the box to settle", fmt.Sprintf(`!document.getElementById("habit-today-%s").disabled`, id))
			}
			tb.reload(t, "/habits")
			if !mustEval[bool](t, tb, fmt.Sprintf(`document.getElementById("habit-today-%s").checked`, id)) {
				t.Error("after a reload today's box is not ticked")
			}

			tb.clickTo(t, "habit-link-"+id, "/habits/"+id)
			if got := tb.text(t, "habit-title", "textContent"); got != name {
				t.Errorf("detail title %q, want %q", got, name)
			}
			if got := tb.text(t, "habit-desc", "textContent"); got != desc {
				t.Errorf("detail description %q, want %q", got, desc)
			}
			note := "Felt calm " + randomHex(4)
			checkInInUI(t, tb, note)
			waitCount(t, s, "checkins", 1) // the dashboard's check-in, replaced

			newName := "Meditate longer " + randomHex(4)
			tb.typeInto(t, "habit-edit-name", newName)
			mustEval[bool](t, tb, `(document.getElementById("habit-edit-description").value = "") === ""`)
			tb.do(t, "picking red", chromedp.Click(chromedp.ID("habit-edit-colour-e5484d")))
			tb.do(t, "saving", chromedp.Click(chromedp.ID("habit-edit-save")))
			tb.waitShown(t, "habit-edit-saved")
			if got := tb.text(t, "habit-title", "textContent"); got != newName {
				t.Errorf("title after edit %q, want %q", got, newName)
			}

			tb.do(t, "archiving", chromedp.Click(chromedp.ID("habit-archive")))
			tb.waitJS(t, "the habit to be archived", `document.body.dataset.archived === "1" && !document.getElementById("habit-archive").disabled`)
			if got := tb.text(t, "habit-archive", "textContent"); got != "Unarchive" {
				t.Errorf("archive button says %q", got)
			}

			tb.reload(t, "/habits/"+id)
			for id, want := range map[string]string{"habit-title": newName, "habit-archive": "Unarchive"} {
				if got := tb.text(t, id, "textContent"); got != want {
					t.Errorf("after reload #%s = %q, want %q", id, got, want)
				}
			}
			if tb.text(t, "habit-desc", "hidden") != "true" || tb.text(t, "habit-archived-badge", "hidden") != "false" {
				t.Error("after reload: the emptied description is shown or the archived badge is not")
			}
			if got := mustEval[string](t, tb, `document.querySelector("#checkins-list .checkin-note").textContent`); got != note {
				t.Errorf("after reload the note is %q, want %q", got, note)
			}
			if got := mustEval[string](t, tb, `getComputedStyle(document.getElementById("habit-swatch")).backgroundColor`); got != "rgb(229, 72, 77)" {
				t.Errorf("detail swatch colour %q", got)
			}

			// The dashboard hides it until "Show archived".
			tb.clickTo(t, "habit-back", "/habits")
			if shown := mustEval[bool](t, tb, fmt.Sprintf(`document.getElementById("habit-%s").offsetParent !== null`, id)); shown {
				t.Error("an archived habit is shown on the dashboard")
			}
			tb.do(t, "showing archived", chromedp.Click(chromedp.ID("habits-show-archived")))
			tb.waitJS(t, "the archived habit to show", fmt.Sprintf(`document.getElementById("habit-%s").offsetParent !== null`, id))
			if got := tb.text(t, "habit-link-"+id, "textContent"); got != newName {
				t.Errorf("archived habit's name %q, want %q", got, newName)
			}

			// Unticking today's box would delete the note it cannot show: refused.
			tb.do(t, "unticking today", chromedp.Click(chromedp.ID("habit-today-"+id)))
			tb.waitShown(t, "habits-error")
			if got := tb.text(t, "habits-error", "textContent"); !strings.Contains(got, "has a note") {
				t.Errorf("unticking a check-in with a note says %q", got)
			}
			if !mustEval[bool](t, tb, fmt.Sprintf(`document.getElementById("habit-today-%s").checked`, id)) || s.Count(t, "checkins") != 1 {
				t.Error("unticking deleted a check-in with a note")
			}

			// A habit whose name is not under its key: marked, the rest shown.
			body, _ := newHabitBody(t, u, "x", "", "#12a594")
			body["encrypted_name"] = secretbox(t, "under another key", sealkit.GenerateKey())
			bad := createHabit(t, c, body)
			tb.reload(t, "/habits")
			if got := mustEval[string](t, tb, `document.body.dataset.habitFailed`); got != "1" {
				t.Errorf("data-habit-failed = %q, want 1", got)
			}
			if !mustEval[bool](t, tb, fmt.Sprintf(`document.getElementById("habit-%s").classList.contains("undecryptable")`, bad)) {
				t.Error("the undecryptable habit is not marked")
			}
			if got := tb.text(t, "habit-link-"+id, "textContent"); got != newName {
				t.Errorf("next to an undecryptable habit, the good one shows %q", got)
			}
			tb.waitShown(t, "habits-error")
			tb.clickTo(t, "habit-link-"+bad, "/habits/"+bad)
			if tb.text(t, "habit-title", "textContent") != "This habit could not be decrypted — it may have been moved or altered" || tb.text(t, "habit-edit-form", "hidden") != "true" {
				t.Errorf("the undecryptable habit's page:\n%s", tb.describe())
			}
			tb.do(t, "delete", chromedp.Click(chromedp.ID("habit-delete")))
			tb.waitShown(t, "habit-delete-confirm")
			tb.clickTo(t, "habit-delete-yes", "/habits")
			waitCount(t, s, "habits", 1)

			time.Sleep(300 * time.Millisecond) // CSP reports are sent asynchronously
			if v := b.Violations(); len(v) > 0 {
				t.Errorf("CSP violations:\n  %s", strings.Join(v, "\n  "))
			}
			if n := s.App.CSPViolations(); n != 0 {
				t.Errorf("the server received %d CSP reports", n)
			}
			if ex := b.Exceptions(); len(ex) > 0 {
				t.Errorf("page exceptions:\n  %s", strings.Join(ex, "\n  "))
			}
		})
	}
}

// waitCount waits (up to the wait timeout) for a table to hold n rows.
func waitCount(t *testing.T, s *apptest.Server, table string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for s.Count(t, table) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d rows, want %d", table, s.Count(t, table), n)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// browserLogIn logs in through /login (Argon2id in the page) and waits
// for the unlocked habits dashboard, where login lands (submitLogIn).
func browserLogIn(t *testing.T, tb *tab, email, password string) {
	t.Helper()
	tb.open(t, "/login", "/login")
	tb.typeInto(t, "login-email", email)
	tb.typeInto(t, "login-password", password)
	submitLogIn(t, tb)
}

// submitLogIn clicks "Log in" on a filled /login and waits for the
// dashboard; an account without a recovery key (signed up over the API)
// is offered one first, which it declines ("Not now").
func submitLogIn(t *testing.T, tb *tab) {
	t.Helper()
	tb.markStale(t)
	tb.do(t, "clicking #login-submit", chromedp.Click(chromedp.ID("login-submit")))
	tb.waitJS(t, "the dashboard or the recovery key's offer", `(window.__sealkitTestStale !== true && location.pathname === "/habits") ||
  (document.getElementById("recovery-offer") && !document.getElementById("recovery-offer").hidden)`)
	if mustEval[bool](t, tb, `location.pathname === "/login"`) {
		tb.do(t, "declining a recovery key", chromedp.Click(chromedp.ID("recovery-offer-skip")))
	}
	tb.waitPage(t, "/habits")
}

// createHabitInUI fills the dashboard's create form (the tab is on a
// ready /habits) and waits for the new habit in the list, decrypted. It
// returns the habit's id.
func createHabitInUI(t *testing.T, tb *tab, name, description, colour string) string {
	t.Helper()
	before := mustEval[int](t, tb, `document.querySelectorAll("#habits-list li").length`)
	tb.typeInto(t, "habit-name", name)
	if description != "" {
		tb.do(t, "typing the description", chromedp.SendKeys(chromedp.ID("habit-description"), description))
	}
	tb.do(t, "picking #"+colour, chromedp.Click(chromedp.ID("habit-colour-"+colour)))
	tb.do(t, "creating", chromedp.Click(chromedp.ID("habit-create")))
	tb.waitJS(t, "the new habit in the list", fmt.Sprintf(`document.querySelectorAll("#habits-list li").length === %d && !document.getElementById("habit-create").disabled`, before+1))
	if e := tb.text(t, "habit-create-error", "textContent"); e != "" {
		t.Fatalf("creating a habit: %s", e)
	}
	id := mustEval[string](t, tb, `document.querySelector("#habits-list li:last-child").dataset.habitId`)
	if got := tb.text(t, "habit-link-"+id, "textContent"); got != name {
		t.Fatalf("the new habit shows %q, want %q", got, name)
	}
	return id
}

// checkInInUI checks in today with a note on a ready /habits/{id} and
// waits for the note in the list, decrypted.
func checkInInUI(t *testing.T, tb *tab, note string) {
	t.Helper()
	tb.typeInto(t, "checkin-note", note)
	tb.do(t, "checking in", chromedp.Click(chromedp.ID("checkin-submit")))
	tb.waitShown(t, "checkin-saved")
	if got := mustEval[string](t, tb, `document.querySelector("#checkins-list li:first-child .checkin-note").textContent`); got != note {
		t.Fatalf("today's note shows %q, want %q", got, note)
	}
}
