package webapp_test

import (
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// historyRun is the run of consecutive days ending at the newest of days
// (any order): what GET /api/habits says per habit as "run", computed
// here in Go on time.Time dates.
func historyRun(days []string) int {
	if len(days) == 0 {
		return 0
	}
	sorted := slices.Clone(days)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	n := 1
	for i := 1; i < len(sorted); i++ {
		a, _ := time.Parse(time.DateOnly, sorted[i-1])
		b, _ := time.Parse(time.DateOnly, sorted[i])
		if a.AddDate(0, 0, -1) != b {
			break
		}
		n++
	}
	return n
}

// TestHabitRunAndCheckinPages: GET /api/habits gives each habit the run of
// consecutive days ending at its newest check-in, across month, year and
// leap-day boundaries and on both databases' date arithmetic; GET
// /api/habits/{id}/checkins pages through every check-in, newest first,
// with the notes as the secretboxes stored.
func TestHabitRunAndCheckinPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := startHabits(t, db)
		c, u := habitUser(t, s, "rhea")
		type habitDays struct {
			name string
			days []string
		}
		span := func(from string, n int) []string {
			d, _ := time.Parse(time.DateOnly, from)
			out := make([]string, n)
			for i := range out {
				out[i] = d.AddDate(0, 0, i).Format(time.DateOnly)
			}
			return out
		}
		cases := []habitDays{
			{"none", nil},
			{"one", []string{"2024-05-05"}},
			{"leap day", append(span("2024-02-27", 4), "2024-02-20")}, // 27 Feb to 1 Mar 2024: 4 days
			{"no leap day", span("2023-02-27", 3)},                    // 27, 28 Feb, 1 Mar 2023
			{"year end", append(span("2024-12-30", 5), span("2024-12-01", 20)...)},
			{"month end gap", []string{"2025-04-29", "2025-05-01"}}, // 30 April missing: a run of 1
			{"to today", span(day(-9), 10)},
			{"to tomorrow", append(span(day(-2), 4), day(-5))},
		}
		ids := map[string]string{}
		secrets := map[string]habitSecrets{}
		for _, hc := range cases {
			body, sec := newHabitBody(t, u, hc.name, "", "#30a46c")
			id := createHabit(t, c, body)
			ids[hc.name], secrets[hc.name] = id, sec
			for i, d := range hc.days {
				note := map[string]string{}
				if i%2 == 0 {
					note["encrypted_note"] = secretbox(t, "note "+d, sec.Key)
				}
				mustStatus(t, "check in "+d, c.JSON(t, "PUT", "/api/habits/"+id+"/checkins/"+d, note), 204)
			}
		}
		byID := map[string]habitAnswer{}
		for _, h := range listHabits(t, c) {
			byID[h.ID] = h
		}
		for _, hc := range cases {
			h := byID[ids[hc.name]]
			want := historyRun(hc.days)
			if h.Run != want {
				t.Errorf("%s: run %d, want %d", hc.name, h.Run, want)
			}
			if got := getHabit(t, c, ids[hc.name]).Run; got != want {
				t.Errorf("%s: GET /api/habits/{id} run %d, want %d", hc.name, got, want)
			}
			// The whole list in one page, newest first, notes as sent.
			r := c.Do(t, "GET", "/api/habits/"+ids[hc.name]+"/checkins", "", nil)
			mustStatus(t, hc.name+" check-ins", r, 200)
			var page checkinPage
			r.JSON(t, &page)
			wantDays := slices.Clone(hc.days)
			slices.Sort(wantDays)
			slices.Reverse(wantDays)
			var got []string
			for _, ck := range page.Checkins {
				got = append(got, ck.Day)
				i := slices.Index(hc.days, ck.Day)
				if wantNote := i%2 == 0; (ck.EncryptedNote != "") != wantNote {
					t.Errorf("%s %s: note %q", hc.name, ck.Day, ck.EncryptedNote)
				} else if wantNote && openBox(t, ck.EncryptedNote, secrets[hc.name].Key) != "note "+ck.Day {
					t.Errorf("%s %s: the note does not open to what was sent", hc.name, ck.Day)
				}
			}
			if !slices.Equal(got, wantDays) || page.More {
				t.Errorf("%s: check-ins %v more=%v, want %v", hc.name, got, page.More, wantDays)
			}
		}

		// Paging: 2,500 days (written straight into the table, without
		// notes) come in pages of 1,000, each continuing below the last.
		id := ids["none"]
		var all []string
		st := s.App.Store()
		err := st.InTx(t.Context(), func(tx *sql.Tx) error {
			first := habitsClock.AddDate(0, 0, -2499)
			for i := range 2500 {
				d := first.AddDate(0, 0, i).Format(time.DateOnly)
				all = append(all, d)
				if _, err := tx.ExecContext(t.Context(), `INSERT INTO checkins (id, habit_id, day, created_at) VALUES ($1, $2, $3, 0)`, store.NewID(), id, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(all)
		var got []string
		path := "/api/habits/" + id + "/checkins"
		for pages := 0; ; pages++ {
			r := c.Do(t, "GET", path, "", nil)
			mustStatus(t, "page", r, 200)
			var page checkinPage
			r.JSON(t, &page)
			for _, ck := range page.Checkins {
				got = append(got, ck.Day)
			}
			if want := min(1000, 2500-1000*pages); len(page.Checkins) != want {
				t.Fatalf("page %d: %d check-ins, want %d", pages, len(page.Checkins), want)
			}
			if !page.More {
				break
			}
			path = "/api/habits/" + id + "/checkins?before=" + got[len(got)-1]
		}
		if !slices.Equal(got, all) {
			t.Errorf("paged %d days, want the %d days newest first", len(got), len(all))
		}
		if h := getHabit(t, c, id); h.Run != 2500 || h.LastCheckinDay != day(0) {
			t.Errorf("2,500 days: run %d, last %s", h.Run, h.LastCheckinDay)
		}
	})
}

type checkinPage struct {
	Checkins []struct {
		Day           string `json:"day"`
		EncryptedNote string `json:"encrypted_note"`
		CreatedAt     int64  `json:"created_at"`
	} `json:"checkins"`
	More bool `json:"more"`
}
