package webapp_test

// The attacks of docs/MALICIOUS-SERVER.md that the binding of every
// encrypted field to its place (docs/PROTOCOL.md) answers, played through
// the tampering proxy of mitm_test.go against real pages on SQLite. Each
// checks that the page marks what was tampered with, that none of the
// moved plaintext shows anywhere on the page, and that the page wrote
// nothing (no habit, group or key request) while it was lied to.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// moved is what a page shows for a field that does not open at its place.
const moved = "could not be decrypted — it may have been moved or altered"

// attackDay is n days before today, on the server's (UTC) calendar.
func attackDay(n int) string { return time.Now().UTC().AddDate(0, 0, -n).Format("2006-01-02") }

// pageText is everything the tab shows.
func pageText(t *testing.T, tb *tab) string {
	t.Helper()
	return mustEval[string](t, tb, `document.body.innerText`)
}

// notShown fails the test if any of the texts is on the page.
func notShown(t *testing.T, tb *tab, what string, texts ...string) {
	t.Helper()
	body := pageText(t, tb)
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Errorf("%s: the page shows %q, moved where it does not belong\n%s", what, s, tb.describe())
		}
	}
}

// noContentWrites fails the test if the page sent anything but log-in
// housekeeping since `from` (an index into m.Writes()): no habit, check-in,
// group, goal, invitation or key request.
func noContentWrites(t *testing.T, m *mitm, from int) {
	t.Helper()
	for _, w := range m.Writes()[from:] {
		if strings.HasPrefix(w.Path, "/api/habits") || strings.HasPrefix(w.Path, "/api/groups") || strings.HasPrefix(w.Path, "/api/invitations") {
			t.Errorf("the lied-to page wrote %s %s %.200s", w.Method, w.Path, w.Body)
		}
	}
}

// habitRows finds habits by id in a GET /api/habits answer.
func habitRows(body map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	list, _ := body["habits"].([]any)
	for _, h := range list {
		if row, ok := h.(map[string]any); ok {
			out[fmt.Sprint(row["id"])] = row
		}
	}
	return out
}

func swap(a, b map[string]any, fields ...string) {
	for _, f := range fields {
		a[f], b[f] = b[f], a[f]
	}
}

// TestMaliciousServerMovesHabitFields: the server swaps two habits'
// encrypted fields (with their keys, so that each still opens under the
// key it comes with), serves a habit's description as its name, serves
// another habit under a habit's id on its own page, and moves check-in
// notes between days. Each time the page marks the item as moved and
// shows none of the moved text; it writes nothing.
func TestMaliciousServerMovesHabitFields(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	c, u := habitUser(t, m.App, "victim")
	alpha, bravo := "Alpha "+randomHex(4), "Bravo "+randomHex(4)
	alphaDesc, bravoDesc := "Alpha's description "+randomHex(4), "Bravo's description "+randomHex(4)
	body, secA := newHabitBody(t, u, alpha, alphaDesc, "#0090ff")
	a := createHabit(t, c, body)
	body, _ = newHabitBody(t, u, bravo, bravoDesc, "#30a46c")
	b := createHabit(t, c, body)
	d1, d2 := attackDay(1), attackDay(2)
	note1, note2 := "first note "+randomHex(4), "second note "+randomHex(4)
	for d, n := range map[string]string{d1: note1, d2: note2} {
		mustStatus(t, "check in", c.JSON(t, "PUT", "/api/habits/"+a+"/checkins/"+d,
			map[string]string{"encrypted_note": apptest.EncryptAt(t, n, secA.Key, apptest.PlaceHabitNote(a, d))}), 204)
	}

	br := newBrowser(t, m.URL)
	tb := br.newTab("victim")
	browserLogIn(t, tb, u.Email, u.Password)
	// Honest: everything opens where it is.
	for id, want := range map[string]string{a: alpha, b: bravo} {
		if got := tb.text(t, "habit-link-"+id, "textContent"); got != want {
			t.Fatalf("honest dashboard: habit %s shows %q, want %q", id, got, want)
		}
	}
	start := len(m.Writes())

	t.Run("dashboard: two habits' fields swapped, keys included", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/habits", func(body map[string]any) {
			rows := habitRows(body)
			swap(rows[a], rows[b], "encrypted_key", "encrypted_name", "encrypted_description")
		})
		tb.reload(t, "/habits")
		for _, id := range []string{a, b} {
			if got := tb.text(t, "habit-link-"+id, "textContent"); got != "This habit "+moved {
				t.Errorf("habit %s shows %q", id, got)
			}
			if !mustEval[bool](t, tb, fmt.Sprintf(`document.getElementById("habit-%s").classList.contains("undecryptable")`, id)) {
				t.Errorf("habit %s is not marked", id)
			}
		}
		if got := mustEval[string](t, tb, `document.body.dataset.habitFailed`); got != "2" { // how many are marked
			t.Errorf("data-habit-failed = %q", got)
		}
		notShown(t, tb, "swapped habits", alpha, bravo, alphaDesc, bravoDesc)
	})

	t.Run("dashboard: a habit's description served as its name", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/habits", func(body map[string]any) {
			row := habitRows(body)[a]
			row["encrypted_name"], row["encrypted_description"] = row["encrypted_description"], row["encrypted_name"]
		})
		tb.reload(t, "/habits")
		if got := tb.text(t, "habit-link-"+a, "textContent"); got != "This habit "+moved {
			t.Errorf("habit A shows %q", got)
		}
		if got := tb.text(t, "habit-link-"+b, "textContent"); got != bravo {
			t.Errorf("next to it, habit B shows %q, want %q", got, bravo)
		}
		notShown(t, tb, "name and description swapped", alpha, alphaDesc)
	})

	t.Run("habit page: another habit served under this habit's id", func(t *testing.T) {
		m.Honest()
		var real map[string]any
		r := c.Do(t, "GET", "/api/habits/"+b, "", nil)
		r.JSON(t, &real)
		m.Rewrite("GET", "/api/habits/"+a, func(body map[string]any) {
			for _, f := range []string{"encrypted_key", "encrypted_name", "encrypted_description", "checkins"} {
				body[f] = real[f]
			}
		})
		tb.open(t, "/habits/"+a, "/habits/"+a)
		if got := tb.text(t, "habit-title", "textContent"); got != "This habit "+moved {
			t.Errorf("the page of habit A shows the title %q", got)
		}
		if tb.text(t, "habit-edit-form", "hidden") != "true" || tb.text(t, "checkin-form", "hidden") != "true" {
			t.Error("the page offers to edit or check in a habit it cannot read")
		}
		notShown(t, tb, "habit B under A's id", bravo, bravoDesc)
	})

	t.Run("habit page: check-in notes moved between days", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/habits/"+a, func(body map[string]any) {
			list, _ := body["checkins"].([]any)
			var at1, at2 map[string]any
			for _, ck := range list {
				row := ck.(map[string]any)
				switch row["day"] {
				case d1:
					at1 = row
				case d2:
					at2 = row
				}
			}
			swap(at1, at2, "encrypted_note")
		})
		tb.open(t, "/habits/"+a, "/habits/"+a)
		if got := tb.text(t, "habit-title", "textContent"); got != alpha {
			t.Errorf("the habit's own title %q, want %q", got, alpha)
		}
		for _, d := range []string{d1, d2} {
			got := mustEval[string](t, tb, fmt.Sprintf(`document.querySelector("#checkin-%s .checkin-note").textContent`, d))
			if got != "This note "+moved+"." {
				t.Errorf("the note listed on %s shows %q", d, got)
			}
		}
		notShown(t, tb, "notes swapped between days", note1, note2)

		// One note copied onto another day: the copy is refused, the original still opens.
		m.Honest()
		m.Rewrite("GET", "/api/habits/"+a, func(body map[string]any) {
			list, _ := body["checkins"].([]any)
			var from map[string]any
			for _, ck := range list {
				if row := ck.(map[string]any); row["day"] == d1 {
					from = row
				}
			}
			for _, ck := range list {
				if row := ck.(map[string]any); row["day"] == d2 {
					row["encrypted_note"] = from["encrypted_note"]
				}
			}
		})
		tb.reload(t, "/habits/"+a)
		if got := mustEval[string](t, tb, fmt.Sprintf(`document.querySelector("#checkin-%s .checkin-note").textContent`, d2)); got != "This note "+moved+"." {
			t.Errorf("the copied note on %s shows %q", d2, got)
		}
		if got := mustEval[string](t, tb, fmt.Sprintf(`document.querySelector("#checkin-%s .checkin-note").textContent`, d1)); got != note1 {
			t.Errorf("the original note on %s shows %q, want %q", d1, got, note1)
		}
	})

	m.Honest()
	noContentWrites(t, m, start)

	t.Run("create: the server answers another id than the one the fields are bound to", func(t *testing.T) {
		m.Honest()
		m.Rewrite("POST", "/api/habits", func(body map[string]any) { body["id"] = b })
		tb.open(t, "/habits", "/habits")
		before := mustEval[int](t, tb, `document.querySelectorAll("#habits-list li").length`)
		tb.typeInto(t, "habit-name", "Charlie "+randomHex(4))
		tb.do(t, "picking a colour", chromedp.Click(chromedp.ID("habit-colour-8e4ec6")))
		tb.do(t, "creating", chromedp.Click(chromedp.ID("habit-create")))
		tb.waitShown(t, "habit-create-error")
		if got := tb.text(t, "habit-create-error", "textContent"); !strings.Contains(got, "another habit") {
			t.Errorf("the create error says %q", got)
		}
		if n := mustEval[int](t, tb, `document.querySelectorAll("#habits-list li").length`); n != before {
			t.Errorf("%d habits listed after the lie, want %d", n, before)
		}
		m.Honest()
	})

	tb.open(t, "/habits/"+a, "/habits/"+a)
	if got := tb.text(t, "habit-title", "textContent"); got != alpha {
		t.Errorf("honest again: the title is %q", got)
	}
	noBrowserTrouble(t, br, m.App)
}

// groupRow finds a group by id in a GET /api/groups answer.
func groupRow(body map[string]any, id string) map[string]any {
	list, _ := body["groups"].([]any)
	for _, g := range list {
		if row, ok := g.(map[string]any); ok && row["id"] == id {
			return row
		}
	}
	return nil
}

// goalRow finds a goal by id in a GET /api/groups/{id} answer.
func goalRow(body map[string]any, id string) map[string]any {
	list, _ := body["goals"].([]any)
	for _, g := range list {
		if row, ok := g.(map[string]any); ok && row["id"] == id {
			return row
		}
	}
	return nil
}

// TestMaliciousServerMovesGroupContent: the server swaps two groups'
// names (with their keys) on the group list, moves one goal's title onto
// another goal, serves the group's name as a goal title, moves a check-in
// note to another goal or day, and presents content written under key
// version 1 as version 2 (with the version-1 key copy relabelled as the
// current version 2, so that the key itself opens it). Each item is
// marked; none of the moved text shows; nothing is written or sealed.
func TestMaliciousServerMovesGroupContent(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	owner := m.App.NewMember(t, "owner-"+randomHex(4)+"@example.test")
	one, two := "Group one "+randomHex(4), "Group two "+randomHex(4)
	g1 := m.App.NewGroup(t, owner, one)
	g2 := m.App.NewGroup(t, owner, two)
	m.App.ForgetKeyChain(t, g1.ID) // the owner's page signs version 1 itself
	goalA, goalB := apptest.NewRowID(), apptest.NewRowID()
	titleA, titleB := "Goal A "+randomHex(4), "Goal B "+randomHex(4)
	for id, title := range map[string]string{goalA: titleA, goalB: titleB} {
		mustStatus(t, "goal", owner.C.JSON(t, "POST", "/api/groups/"+g1.ID+"/goals", map[string]any{
			"id": id, "encrypted_title": apptest.EncryptAt(t, title, g1.Key, apptest.PlaceGoalTitle(g1.ID, 1, id)), "key_version": 1}), 201)
	}
	d1, d2 := attackDay(1), attackDay(2)
	noteA1, noteA2 := "note A1 "+randomHex(4), "note A2 "+randomHex(4)
	for d, n := range map[string]string{d1: noteA1, d2: noteA2} {
		mustStatus(t, "check in", owner.C.JSON(t, "PUT", "/api/groups/"+g1.ID+"/goals/"+goalA+"/checkins/"+d, map[string]any{
			"encrypted_note": apptest.EncryptAt(t, n, g1.Key, apptest.PlaceGoalNote(g1.ID, 1, goalA, owner.ID, d)), "key_version": 1}), 204)
	}
	// Goal B gets a check-in on d1 too, so that a note can be moved there.
	mustStatus(t, "check in", owner.C.JSON(t, "PUT", "/api/groups/"+g1.ID+"/goals/"+goalB+"/checkins/"+d1, map[string]any{
		"encrypted_note": apptest.EncryptAt(t, "", g1.Key, apptest.PlaceGoalNote(g1.ID, 1, goalB, owner.ID, d1)), "key_version": 1}), 204)

	br := newBrowser(t, m.URL)
	tb := br.newTab("owner")
	browserLogIn(t, tb, owner.Email, owner.Password)
	tb.open(t, "/groups/"+g1.ID, "/groups/"+g1.ID)
	gbWaitText(t, tb, "#group-name", one)
	gbWaitData(t, tb, map[string]string{"chain": "ok"}) // a page that may write: its key chain verified
	start := len(m.Writes())

	titleOf := func(goal string) string {
		return mustEval[string](t, tb, fmt.Sprintf(`document.querySelector('li.goal[data-goal-id=%q] .goal-title').textContent`, goal))
	}
	noteOf := func(goal, day string) string {
		return mustEval[string](t, tb, fmt.Sprintf(`document.querySelector('li.goal[data-goal-id=%q] li.checkin[data-day=%q] .checkin-note-text').textContent`, goal, day))
	}

	t.Run("group list: two groups' names swapped, keys included", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups", func(body map[string]any) {
			swap(groupRow(body, g1.ID), groupRow(body, g2.ID), "encrypted_name", "name_key_version", "keys")
		})
		tb.open(t, "/groups", "/groups")
		for _, id := range []string{g1.ID, g2.ID} {
			got := mustEval[string](t, tb, fmt.Sprintf(`document.querySelector('li.group-item[data-group-id=%q] .group-name').textContent`, id))
			if got != "This group's name "+moved {
				t.Errorf("group %s is listed as %q", id, got)
			}
		}
		notShown(t, tb, "group names swapped", one, two)
	})

	t.Run("group page: goal titles and the name moved between fields and goals", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+g1.ID, func(body map[string]any) {
			a, b := goalRow(body, goalA), goalRow(body, goalB)
			a["encrypted_title"] = b["encrypted_title"]   // B's title on A
			b["encrypted_title"] = body["encrypted_name"] // the group's name as B's title
		})
		tb.open(t, "/groups/"+g1.ID, "/groups/"+g1.ID)
		gbWaitText(t, tb, "#group-name", one)
		for _, goal := range []string{goalA, goalB} {
			if got := titleOf(goal); got != "This goal "+moved {
				t.Errorf("goal %s shows %q", goal, got)
			}
		}
		notShown(t, tb, "goal titles moved", titleA, titleB)
		if strings.Count(pageText(t, tb), one) != 1 {
			t.Errorf("the group's name shows outside its heading:\n%s", tb.describe())
		}
	})

	t.Run("group page: check-in notes moved to another day and another goal", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+g1.ID, func(body map[string]any) {
			a, b := goalRow(body, goalA), goalRow(body, goalB)
			var a1, a2 map[string]any
			for _, ck := range a["checkins"].([]any) {
				row := ck.(map[string]any)
				if row["day"] == d1 {
					a1 = row
				} else {
					a2 = row
				}
			}
			swap(a1, a2, "encrypted_note") // between days
			bRow := b["checkins"].([]any)[0].(map[string]any)
			bRow["encrypted_note"] = a2["encrypted_note"] // A's note (now at d1's place) onto goal B
		})
		tb.reload(t, "/groups/"+g1.ID)
		gbWaitText(t, tb, "#group-name", one)
		for _, c := range []struct{ goal, day string }{{goalA, d1}, {goalA, d2}, {goalB, d1}} {
			if got := noteOf(c.goal, c.day); got != "This note "+moved {
				t.Errorf("the note of goal %s on %s shows %q", c.goal, c.day, got)
			}
		}
		notShown(t, tb, "notes moved", noteA1, noteA2)
	})

	t.Run("group page: version-1 content and key presented as version 2", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+g1.ID, func(body map[string]any) {
			body["key_version"], body["name_key_version"] = 2, 2
			for _, k := range body["keys"].([]any) {
				k.(map[string]any)["key_version"] = 2
			}
			for _, g := range body["goals"].([]any) {
				row := g.(map[string]any)
				row["key_version"] = 2
				for _, ck := range row["checkins"].([]any) {
					ck.(map[string]any)["key_version"] = 2
				}
			}
			for _, mb := range body["members"].([]any) {
				if row := mb.(map[string]any); row["label_key_version"] != nil {
					row["label_key_version"] = 2
				}
			}
		})
		tb.reload(t, "/groups/"+g1.ID)
		gbWaitText(t, tb, "#group-name", "This name "+moved)
		for _, goal := range []string{goalA, goalB} {
			if got := titleOf(goal); got != "This goal "+moved {
				t.Errorf("goal %s presented under version 2 shows %q", goal, got)
			}
		}
		if got := noteOf(goalA, d1); got != "This note "+moved {
			t.Errorf("the note presented under version 2 shows %q", got)
		}
		notShown(t, tb, "version 1 as version 2", one, titleA, titleB, noteA1, noteA2)
	})

	m.Honest()
	noContentWrites(t, m, start)
	tb.reload(t, "/groups/"+g1.ID)
	gbWaitText(t, tb, "#group-name", one)
	if got := titleOf(goalA); got != titleA {
		t.Errorf("honest again: goal A shows %q", got)
	}
	noBrowserTrouble(t, br, m.App)
}

// TestMaliciousServerForgesPushes: pushes are hints. The server (here the
// proxy) replays the pushes it sent, forges "content changed" pushes and
// a "pending" list naming a user the group does not list, with the
// attacker's own public keys. The admin's page refetches — at most a
// denial of service — shows no wrong text, and seals the group key to no
// one: no key_distributed leaves it, and the server stores no copy for
// the attacker.
func TestMaliciousServerForgesPushes(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	owner := m.App.NewMember(t, "owner-"+randomHex(4)+"@example.test")
	mallory := m.App.NewMember(t, "mallory-"+randomHex(4)+"@example.test")
	name := "Pushed group " + randomHex(4)
	g := m.App.NewGroup(t, owner, name)
	m.App.ForgetKeyChain(t, g.ID) // the owner's page signs version 1 itself: a page that may share the key

	br := newBrowser(t, m.URL)
	tb := br.newTab("owner")
	browserLogIn(t, tb, owner.Email, owner.Password)
	tb.open(t, "/groups/"+g.ID, "/groups/"+g.ID)
	gbWaitText(t, tb, "#group-name", name)
	gbWaitData(t, tb, map[string]string{"chain": "ok"})
	m.WaitSockets(1)
	tb.waitJS(t, "the push socket", `document.body.dataset.push === "open"`)
	start := len(m.Writes())
	gets := func() int {
		n := 0
		for _, e := range m.Requests() {
			if e.Method == "GET" && e.Path == "/api/groups/"+g.ID {
				n++
			}
		}
		return n
	}

	// Replayed and forged "changed" pushes: a refetch each, nothing else.
	before := gets()
	for _, p := range m.Pushes() {
		m.Inject(p)
	}
	for range 3 {
		m.Inject(map[string]any{"type": "group_changed", "group_id": g.ID, "reason": "content"})
	}
	m.Inject(map[string]any{"type": "group_changed", "group_id": apptest.NewRowID(), "reason": "content"})
	m.Inject(map[string]any{"type": "nonsense", "group_id": g.ID, "text": "<img src=x onerror=alert(1)>"})
	deadline := time.Now().Add(waitTimeout)
	for gets() == before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if gets() == before {
		t.Error("a forged content push did not even make the page refetch")
	}

	// A forged pending list: Mallory, with Mallory's real keys and with
	// the owner's user id but Mallory's keys.
	b64 := sealkit.EncodeBase64
	for _, who := range []map[string]any{
		{"user_id": mallory.ID, "public_key": b64(mallory.PublicKey), "pq_public_key": b64(mallory.PQPublicKey)},
		{"user_id": owner.ID, "public_key": b64(mallory.PublicKey), "pq_public_key": b64(mallory.PQPublicKey)},
	} {
		m.Inject(map[string]any{"type": "pending", "group_id": g.ID, "key_version": 1, "members": []any{who}})
	}
	time.Sleep(1500 * time.Millisecond) // time for a page that would seal to answer
	gbWaitText(t, tb, "#group-name", name)
	if strings.Contains(pageText(t, tb), "onerror") {
		t.Error("a forged push's text reached the page")
	}
	if n := m.App.Count(t, "group_keys"); n != 1 {
		t.Errorf("%d group key copies stored, want the owner's 1", n)
	}
	// No key_distributed went up the socket (nor did the server answer one).
	for _, p := range m.SocketSent() {
		t.Errorf("the page sent over the socket: %v", p)
	}
	for _, p := range m.Pushes() {
		if p["type"] == "ack" || p["type"] == "error" {
			t.Errorf("the page sent a key over the socket (the server answered %v)", p)
		}
	}
	// Dropped pushes: the page misses a change until it refetches — a
	// delay, never wrong text.
	m.OnPush(func(msg map[string]any) []map[string]any {
		if msg["type"] == "group_changed" {
			return nil
		}
		return []map[string]any{msg}
	})
	pushed := len(m.Pushes())
	goal, title := apptest.NewRowID(), "Dropped news "+randomHex(4)
	mustStatus(t, "goal", owner.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", map[string]any{
		"id": goal, "encrypted_title": apptest.EncryptAt(t, title, g.Key, apptest.PlaceGoalTitle(g.ID, 1, goal)), "key_version": 1}), 201)
	deadline = time.Now().Add(waitTimeout)
	for len(m.Pushes()) == pushed && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(m.Pushes()) == pushed || m.Pushes()[pushed]["type"] != "group_changed" {
		t.Fatalf("the server's push of the new goal: %v", m.Pushes()[pushed:])
	}
	time.Sleep(500 * time.Millisecond)
	notShown(t, tb, "a change whose push was dropped", title)
	m.OnPush(nil)
	tb.reload(t, "/groups/"+g.ID)
	gbWaitText(t, tb, "li.goal .goal-title", title)

	noContentWrites(t, m, start)
	if tb.text(t, "group", "hidden") == "true" || mustEval[string](t, tb, `location.pathname`) != "/groups/"+g.ID {
		t.Errorf("after the forged pushes the page is elsewhere:\n%s", tb.describe())
	}
	noBrowserTrouble(t, br, m.App)
}

// TestMaliciousServerMovesProfileFields: the fields under the user key.
// The display name is bound to its place and the address (the kit's
// account field) is not; served in each other's place, neither shows as
// the other: the address as the display name is marked, the display name
// as the address stops the page with an error.
func TestMaliciousServerMovesProfileFields(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	c, u := habitUser(t, m.App, "profile")
	display := "Display " + randomHex(4)
	mustStatus(t, "display name", c.JSON(t, "PUT", "/api/me/profile",
		map[string]string{"encrypted_display_name": apptest.EncryptAt(t, display, u.UserKey, apptest.PlaceDisplayName)}), 204)
	br := newBrowser(t, m.URL)
	tb := br.newTab("profile")
	browserLogIn(t, tb, u.Email, u.Password)
	tb.open(t, "/profile", "/profile")
	if got := tb.text(t, "profile-name", "textContent"); got != display {
		t.Fatalf("honest profile: the display name is %q, want %q", got, display)
	}
	start := len(m.Writes())

	m.Rewrite("GET", "/api/me", func(body map[string]any) { body["encrypted_display_name"] = body["encrypted_email"] })
	tb.open(t, "/profile", "/profile")
	tb.waitShown(t, "profile-error")
	if got := tb.text(t, "profile-error", "textContent"); !strings.Contains(got, "display name "+moved) {
		t.Errorf("the profile's error says %q", got)
	}
	if got := tb.text(t, "profile-name", "textContent"); got != "" || tb.text(t, "profile-name-input", "value") != "" {
		t.Errorf("the address served as the display name shows as %q", got)
	}
	if n := strings.Count(pageText(t, tb), u.Email); n != 1 {
		t.Errorf("the address shows %d times, want once (as the address)", n)
	}

	m.Honest()
	m.Rewrite("GET", "/api/me", func(body map[string]any) { body["encrypted_email"] = body["encrypted_display_name"] })
	tb.markStale(t)
	tb.do(t, "opening the profile", chromedp.Navigate(m.URL+"/profile"))
	tb.waitJS(t, "the page to refuse", `window.__sealkitTestStale !== true && document.body.dataset.error !== undefined && document.body.dataset.error !== ""`)
	notShown(t, tb, "the display name as the address", display)

	m.Honest()
	noContentWrites(t, m, start)
	for _, w := range m.Writes()[start:] {
		if w.Path == "/api/me/profile" {
			t.Errorf("the lied-to page saved a display name: %.200s", w.Body)
		}
	}
	tb.open(t, "/profile", "/profile")
	if got := tb.text(t, "profile-name", "textContent"); got != display {
		t.Errorf("honest again: the display name is %q", got)
	}
	noBrowserTrouble(t, br, m.App)
}
