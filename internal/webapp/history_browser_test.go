package webapp_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// goStreaks is the habit page's arithmetic done again in Go on time.Time
// dates: the current streak (ending today, or yesterday while today is
// not checked in) and the longest.
func goStreaks(days []string, today string) (current, longest int) {
	set := map[string]bool{}
	for _, d := range days {
		set[d] = true
	}
	t, _ := time.Parse(time.DateOnly, today)
	at := t
	if !set[today] {
		at = t.AddDate(0, 0, -1)
	}
	for set[at.Format(time.DateOnly)] {
		current++
		at = at.AddDate(0, 0, -1)
	}
	for d := range set {
		p, _ := time.Parse(time.DateOnly, d)
		if set[p.AddDate(0, 0, -1).Format(time.DateOnly)] {
			continue // not the first day of its run
		}
		n := 0
		for set[p.AddDate(0, 0, n).Format(time.DateOnly)] {
			n++
		}
		longest = max(longest, n)
	}
	return current, longest
}

// shiftDay is day plus n calendar days.
func shiftDay(day string, n int) string {
	d, _ := time.Parse(time.DateOnly, day)
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// spreadsheetSafe is what the export's CSV must hold for a cell.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsAny(s[:1], "=+-@\t\r") {
		return "'" + s
	}
	return s
}

// downloadTo makes the tab's browser context save downloads in dir
// under their own names.
func (tb *tab) downloadTo(t *testing.T, dir string) {
	t.Helper()
	on := true
	params := cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &on}
	if c := chromedp.FromContext(tb.ctx); c != nil && c.BrowserContextID != "" {
		params.BrowserContextID = c.BrowserContextID
	}
	ctx, cancel := context.WithTimeout(tb.ctx, evalTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, params); err != nil {
		t.Fatalf("tab %s: setting the download directory: %v", tb.name, err)
	}
}

// waitFile waits for a finished download and returns its bytes.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			return b
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(filepath.Dir(path))
			t.Fatalf("no download %s; the directory holds %v", filepath.Base(path), entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exportFile is the JSON of "Download my data", as far as the test reads it.
type exportFile struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Day     string `json:"day"`
	Profile struct {
		Email       string `json:"email"`
		DisplayName string `json:"display_name"`
	} `json:"profile"`
	Habits []struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		Description   string `json:"description"`
		Colour        string `json:"colour"`
		CurrentStreak int    `json:"current_streak"`
		LongestStreak int    `json:"longest_streak"`
		Checkins      []struct {
			Day  string `json:"day"`
			Note string `json:"note"`
		} `json:"checkins"`
	} `json:"habits"`
	Groups []struct {
		Name  string `json:"name"`
		Role  string `json:"role"`
		Goals []struct {
			Title      string `json:"title"`
			MyCheckins []struct {
				Day  string `json:"day"`
				Note string `json:"note"`
			} `json:"my_checkins"`
		} `json:"goals"`
	} `json:"groups"`
}

// historyHabit is a habit the test makes through the API, with its days
// and notes (day → note, "" for none).
type historyHabit struct {
	name, description, colour string
	notes                     map[string]string
	id                        string
	key                       []byte
}

func (h *historyHabit) days() []string {
	var out []string
	for d := range h.notes {
		out = append(out, d)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// TestHistoryBrowser: habits with check-ins over more than a year, made
// through the API with real crypto, then in Chromium on each database:
// the dashboard's streaks (before and after ticking today), each habit
// page's streaks and heat map against the same arithmetic done in Go,
// and "Download my data": the JSON and the CSV saved by the browser hold
// what the pages show, the CSV safe for spreadsheets. No CSP violation,
// no page exception.
func TestHistoryBrowser(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			chromiumPath(t)
			s := startHabits(t, apptest.NewDB(t, backend))
			c, u := habitUser(t, s, "hana")
			b := newBrowser(t, s.URL)
			tb := b.newTab("h")
			browserLogIn(t, tb, u.Email, u.Password)
			// The user's today is the browser's: the days are made from it.
			today := mustEval[string](t, tb, `(() => { const d = new Date(); const p = (n) => String(n).padStart(2, "0"); return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()); })()`)
			at := func(n int) string { return shiftDay(today, n) }

			displayName := "Hana " + randomHex(3)
			mustStatus(t, "display name", c.JSON(t, "PUT", "/api/me/profile", map[string]string{"encrypted_display_name": apptest.EncryptAt(t, displayName, u.UserKey, apptest.PlaceDisplayName)}), 204)

			read := &historyHabit{name: "Read, \"slowly\" " + randomHex(3), description: "=cmd|' /C calc'!A0", colour: "#0090ff", notes: map[string]string{}}
			for i := 1; i <= 10; i++ { // up to yesterday: today is not checked in yet
				read.notes[at(-i)] = ""
			}
			read.notes[at(-1)] = `=HYPERLINK("http://evil.example","x")`
			read.notes[at(-3)] = "comma, \"quote\"\nand a new line"
			read.notes[at(-5)] = "-5 pages @home"
			for i := 0; i < 25; i++ { // the longest run, four months ago
				read.notes[at(-120-i)] = ""
			}
			read.notes[at(-200)] = "+ a lone day"
			read.notes[at(-380)] = "more than a year ago" // outside the map
			walk := &historyHabit{name: "Walk " + randomHex(3), colour: "#30a46c", notes: map[string]string{}}
			for i := 0; i < 400; i++ { // more than GET /api/habits/{id} lists: the page fetches the rest
				walk.notes[at(-i)] = ""
			}
			walk.notes[at(-7)] = "in the rain"
			empty := &historyHabit{name: "Swim " + randomHex(3), colour: "#e5484d", notes: map[string]string{}}
			habits := []*historyHabit{read, walk, empty}
			for _, h := range habits {
				body, sec := newHabitBody(t, u, h.name, h.description, h.colour)
				h.id, h.key = createHabit(t, c, body), sec.Key
				for _, d := range h.days() {
					note := map[string]string{}
					if h.notes[d] != "" {
						note["encrypted_note"] = apptest.EncryptAt(t, h.notes[d], h.key, apptest.PlaceHabitNote(h.id, d))
					}
					mustStatus(t, "check in "+d, c.JSON(t, "PUT", "/api/habits/"+h.id+"/checkins/"+d, note), 204)
				}
			}

			// A group with a goal and two check-ins of the user's.
			gk := sealkit.GenerateKey()
			groupName, goalTitle := "Book club "+randomHex(3), "@twenty pages "+randomHex(3)
			group, goal := struct{ ID string }{apptest.NewRowID()}, struct{ ID string }{apptest.NewRowID()}
			r := c.JSON(t, "POST", "/api/groups", map[string]string{"id": group.ID,
				"encrypted_name": apptest.EncryptAt(t, groupName, gk, apptest.PlaceGroupName(group.ID, 1)), "encrypted_key": u.SealKey(t, gk),
				"key_statement": apptest.KeyStatement(t, group.ID, meID(t, c), 1, gk, "")})
			mustStatus(t, "create group", r, 201)
			r = c.JSON(t, "POST", "/api/groups/"+group.ID+"/goals", map[string]any{"id": goal.ID,
				"encrypted_title": apptest.EncryptAt(t, goalTitle, gk, apptest.PlaceGoalTitle(group.ID, 1, goal.ID)), "key_version": 1})
			mustStatus(t, "create goal", r, 201)
			var meAnswer struct {
				UserID string `json:"user_id"`
			}
			c.Do(t, "GET", "/api/me", "", nil).JSON(t, &meAnswer)
			groupNotes := map[string]string{at(-1): "finished chapter 3", at(-2): "=1+1"}
			for d, n := range groupNotes {
				mustStatus(t, "group check-in", c.JSON(t, "PUT", "/api/groups/"+group.ID+"/goals/"+goal.ID+"/checkins/"+d, map[string]any{
					"encrypted_note": apptest.EncryptAt(t, n, gk, apptest.PlaceGoalNote(group.ID, 1, goal.ID, meAnswer.UserID, d)), "key_version": 1}), 204)
			}

			// The dashboard: each habit's streak from the server's run.
			tb.reload(t, "/habits")
			for _, h := range habits {
				cur, _ := goStreaks(h.days(), today)
				if got := mustEval[string](t, tb, fmt.Sprintf(`document.getElementById("habit-streak-%s").dataset.streak`, h.id)); got != fmt.Sprint(cur) {
					t.Errorf("dashboard: %s streak %s, want %d", h.name, got, cur)
				}
			}
			if got := tb.text(t, "habit-streak-"+read.id, "textContent"); got != "Streak: 10 days (to yesterday)" {
				t.Errorf("dashboard: the streak up to yesterday reads %q", got)
			}
			if got := tb.text(t, "habit-streak-"+empty.id, "textContent"); got != "No streak" {
				t.Errorf("dashboard: no streak reads %q", got)
			}
			// The habit page before today is checked in: the streak up to yesterday.
			tb.open(t, "/habits/"+read.id, "/habits/"+read.id)
			if got := mustEval[string](t, tb, `document.body.dataset.streakCurrent + "/" + document.body.dataset.streakLongest`); got != "10/25" {
				t.Errorf("%s before today's check-in: streaks %s, want 10/25", read.name, got)
			}
			if note := tb.text(t, "history-current-note", "textContent"); !strings.Contains(note, "not checked in yet") {
				t.Errorf("today unchecked explains %q", note)
			}
			// Ticking today on the dashboard extends the streak at once.
			tb.open(t, "/habits", "/habits")
			tb.do(t, "ticking today", chromedp.Click(chromedp.ID("habit-today-"+read.id)))
			tb.waitJS(t, "the streak to grow", fmt.Sprintf(`document.getElementById("habit-streak-%s").dataset.streak === "11"`, read.id))
			read.notes[today] = ""
			if got := tb.text(t, "habit-streak-"+read.id, "textContent"); got != "Streak: 11 days" {
				t.Errorf("dashboard: after ticking today the streak reads %q", got)
			}
			tb.reload(t, "/habits")
			if got := mustEval[string](t, tb, fmt.Sprintf(`document.getElementById("habit-streak-%s").dataset.streak`, read.id)); got != "11" {
				t.Errorf("dashboard after a reload: streak %s, want 11", got)
			}

			// Each habit's page: streaks and the heat map.
			shown := map[string][2]string{}
			for _, h := range habits {
				opened := time.Now()
				tb.open(t, "/habits/"+h.id, "/habits/"+h.id)
				t.Logf("%s (%d check-ins): the habit page ready in %v", h.name, len(h.notes), time.Since(opened).Round(time.Millisecond))
				cur, long := goStreaks(h.days(), today)
				gotCur, gotLong := mustEval[string](t, tb, `document.body.dataset.streakCurrent`), mustEval[string](t, tb, `document.body.dataset.streakLongest`)
				if gotCur != fmt.Sprint(cur) || gotLong != fmt.Sprint(long) {
					t.Errorf("%s: streaks %s/%s, want %d/%d", h.name, gotCur, gotLong, cur, long)
				}
				shown[h.id] = [2]string{gotCur, gotLong}
				if got, want := tb.text(t, "history-current", "textContent"), fmt.Sprintf("%d day", cur); !strings.HasPrefix(got, want) {
					t.Errorf("%s: current streak reads %q", h.name, got)
				}
				var cells []heatCell
				raw := mustEval[string](t, tb, `JSON.stringify([...document.querySelectorAll("#history-map rect.heat-cell[data-day]")].map((r) => ({
  day: r.dataset.day, class: r.getAttribute("class"), title: r.querySelector("title").textContent,
  colour: getComputedStyle(r).fill, visible: r.getBoundingClientRect().width > 0 })))`)
				if err := json.Unmarshal([]byte(raw), &cells); err != nil {
					t.Fatal(err)
				}
				// The last 12 months: from the day after the same date a year ago.
				t0, _ := time.Parse(time.DateOnly, today)
				first := time.Date(t0.Year()-1, t0.Month(), t0.Day(), 0, 0, 0, 0, time.UTC)
				if first.Month() != t0.Month() { // 29 February: the year before has none
					first = time.Date(t0.Year()-1, t0.Month()+1, 0, 0, 0, 0, 0, time.UTC)
				}
				first = first.AddDate(0, 0, 1)
				var wantDays []string
				for d := first; !d.After(t0); d = d.AddDate(0, 0, 1) {
					wantDays = append(wantDays, d.Format(time.DateOnly))
				}
				if len(cells) != len(wantDays) {
					t.Fatalf("%s: %d cells, want %d (%s to %s)", h.name, len(cells), len(wantDays), wantDays[0], today)
				}
				onCount := 0
				for i, cell := range cells {
					d := wantDays[i]
					note, on := h.notes[d]
					classes := strings.Fields(cell.Class)
					if cell.Day != d || slices.Contains(classes, "on") != on || slices.Contains(classes, "noted") != (note != "") || slices.Contains(classes, "today") != (d == today) {
						t.Errorf("%s: cell %d is %s %q, want %s on=%v note=%q", h.name, i, cell.Day, cell.Class, d, on, note)
					}
					if on {
						onCount++
					}
					if note != "" && !strings.Contains(cell.Title, note) || !strings.Contains(cell.Title, map[bool]string{true: "checked in", false: "no check-in"}[on]) {
						t.Errorf("%s: cell %s title %q", h.name, d, cell.Title)
					}
					if !cell.Visible {
						t.Errorf("%s: cell %s is not drawn", h.name, d)
					}
				}
				// Checked-in cells take the habit's colour (CSS variable set through the CSSOM).
				if i := slices.IndexFunc(cells, func(c heatCell) bool { return slices.Contains(strings.Fields(c.Class), "on") }); i >= 0 && cells[i].Colour == mustEval[string](t, tb, `getComputedStyle(document.querySelector("#history-map rect.heat-cell:not(.on)")).fill`) {
					t.Errorf("%s: checked-in cells are drawn like the others (%s)", h.name, cells[i].Colour)
				}
				label := mustEval[string](t, tb, `document.querySelector("#history-map svg").getAttribute("aria-label")`)
				if !strings.Contains(label, fmt.Sprintf(": %d of %d days checked in", onCount, len(wantDays))) {
					t.Errorf("%s: the map's label %q", h.name, label)
				}
				if n := mustEval[int](t, tb, `document.querySelectorAll("#history-map .heat-legend span").length`); n != 3 {
					t.Errorf("%s: %d legend entries", h.name, n)
				}
				// Drawn at its size: the legend's cells as small as the map's, the
				// map within the card at this window's width.
				if got := mustEval[string](t, tb, `(() => {
  const m = document.getElementById("history-map");
  const legend = Math.max(...[...m.querySelectorAll(".heat-legend svg")].map((e) => e.getBoundingClientRect().width));
  const cell = m.querySelector("svg rect.heat-cell").getBoundingClientRect().width;
  return (legend <= 2 * cell && cell >= 6 ? "ok" : "legend " + legend + "px, cell " + cell + "px") + (m.scrollWidth <= m.clientWidth ? "" : " overflows");
})()`); got != "ok" {
					t.Errorf("%s: the heat map's size: %s", h.name, got)
				}
			}
			if note := tb.text(t, "history-current-note", "textContent"); !strings.Contains(note, "check in today to start") {
				t.Errorf("a habit without check-ins explains %q", note)
			}

			// Download my data.
			dir := t.TempDir()
			tb.open(t, "/settings", "/settings")
			tb.downloadTo(t, dir)
			start := time.Now()
			tb.do(t, "clicking Download my data", chromedp.Click(chromedp.ID("export-button")))
			tb.waitJS(t, "the export", `document.body.dataset.exported === "1"`)
			rawJSON := waitFile(t, filepath.Join(dir, "sealkit-export-"+today+".json"))
			rawCSV := waitFile(t, filepath.Join(dir, "sealkit-checkins-"+today+".csv"))
			t.Logf("export: %v to both files (%d + %d bytes)", time.Since(start).Round(time.Millisecond), len(rawJSON), len(rawCSV))

			var ex exportFile
			if err := json.Unmarshal(rawJSON, &ex); err != nil {
				t.Fatalf("the exported JSON: %v", err)
			}
			if ex.Format != "sealkit-export" || ex.Version != 1 || ex.Day != today || ex.Profile.Email != u.Email || ex.Profile.DisplayName != displayName {
				t.Errorf("export header/profile: %+v %+v", ex.Format, ex.Profile)
			}
			if len(ex.Habits) != len(habits) {
				t.Fatalf("%d habits exported, want %d", len(ex.Habits), len(habits))
			}
			wantCSV := [][]string{{"habit", "day", "note"}}
			for i, h := range habits {
				e := ex.Habits[i]
				if e.ID != h.id || e.Name != h.name || e.Description != h.description || e.Colour != h.colour {
					t.Errorf("habit %d exported as %q %q %q", i, e.Name, e.Description, e.Colour)
				}
				if got := [2]string{fmt.Sprint(e.CurrentStreak), fmt.Sprint(e.LongestStreak)}; got != shown[h.id] {
					t.Errorf("%s: exported streaks %v, the page showed %v", h.name, got, shown[h.id])
				}
				var gotDays []string
				for _, ck := range e.Checkins {
					gotDays = append(gotDays, ck.Day)
					if ck.Note != h.notes[ck.Day] {
						t.Errorf("%s %s: exported note %q, want %q", h.name, ck.Day, ck.Note, h.notes[ck.Day])
					}
					wantCSV = append(wantCSV, []string{spreadsheetSafe(h.name), ck.Day, spreadsheetSafe(h.notes[ck.Day])})
				}
				if !slices.Equal(gotDays, h.days()) {
					t.Errorf("%s: %d days exported, want %d", h.name, len(gotDays), len(h.days()))
				}
			}
			if len(ex.Groups) != 1 || ex.Groups[0].Name != groupName || ex.Groups[0].Role != "owner" || len(ex.Groups[0].Goals) != 1 || ex.Groups[0].Goals[0].Title != goalTitle {
				t.Fatalf("exported groups: %+v", ex.Groups)
			}
			gotGroup := map[string]string{}
			for _, ck := range ex.Groups[0].Goals[0].MyCheckins {
				gotGroup[ck.Day] = ck.Note
			}
			if fmt.Sprint(gotGroup) != fmt.Sprint(groupNotes) {
				t.Errorf("exported group check-ins %v, want %v", gotGroup, groupNotes)
			}

			rows, err := csv.NewReader(strings.NewReader(string(rawCSV))).ReadAll()
			if err != nil {
				t.Fatalf("the exported CSV: %v", err)
			}
			if !slices.EqualFunc(rows, wantCSV, slices.Equal) {
				t.Errorf("the CSV has %d rows, want %d; first difference near %v", len(rows), len(wantCSV), firstDiff(rows, wantCSV))
			}
			if !strings.HasSuffix(string(rawCSV), "\r\n") || !strings.Contains(string(rawCSV), `"'=HYPERLINK(""http://evil.example"",""x"")"`) {
				t.Error("the CSV is not CRLF-terminated or the formula is not quoted and neutralised")
			}

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

// heatCell is one day of the habit page's heat map as the page drew it.
type heatCell struct {
	Day     string `json:"day"`
	Class   string `json:"class"`
	Title   string `json:"title"`
	Colour  string `json:"colour"`
	Visible bool   `json:"visible"`
}

func firstDiff(got, want [][]string) string {
	for i := range min(len(got), len(want)) {
		if !slices.Equal(got[i], want[i]) {
			return fmt.Sprintf("row %d: %q, want %q", i, got[i], want[i])
		}
	}
	return "the end"
}

// meID is the user id of the client's session (GET /api/me).
func meID(t *testing.T, c *apptest.Client) string {
	t.Helper()
	var me struct {
		UserID string `json:"user_id"`
	}
	c.JSON(t, "GET", "/api/me", nil).JSON(t, &me)
	return me.UserID
}
