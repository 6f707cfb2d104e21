package webapp_test

import (
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestClientChosenIDs: habits, groups and goals take the id the browser
// picked (its encrypted fields are bound to it, docs/PROTOCOL.md §6.1).
// The server answers with that id; an id in use — the caller's own or
// another user's row — is a 409 with nothing created; a malformed one a
// 400; no id at all still gets a fresh one.
func TestClientChosenIDs(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			s := apptest.Start(t, apptest.NewDB(t, backend), nil)
			alice := s.NewMember(t, "alice-"+randomHex(4)+"@example.test")
			bob := s.NewMember(t, "bob-"+randomHex(4)+"@example.test")

			body, sec := newHabitBody(t, alice.User, "Read", "", "#0090ff")
			if id := createHabit(t, alice.C, body); id != sec.ID {
				t.Fatalf("habit id %q, want the one sent %q", id, sec.ID)
			}
			for who, c := range map[string]*apptest.Client{"alice": alice.C, "bob": bob.C} {
				again, _ := newHabitBody(t, alice.User, "Again", "", "#0090ff")
				again["id"] = sec.ID
				r := c.JSON(t, "POST", "/api/habits", again)
				if r.Status != 409 || !strings.Contains(r.Error(), "id: already in use") {
					t.Errorf("%s reusing a habit id: %d %s", who, r.Status, r.Body)
				}
			}
			if n := s.Count(t, "habits"); n != 1 {
				t.Errorf("%d habits after the refused duplicates, want 1", n)
			}
			for _, bad := range []string{"ABCDEF0123456789abcdef0123456789", "abc", strings.Repeat("g", 32), "../" + strings.Repeat("a", 29)} {
				b, _ := newHabitBody(t, alice.User, "Bad", "", "#0090ff")
				b["id"] = bad
				if r := alice.C.JSON(t, "POST", "/api/habits", b); r.Status != 400 || r.Error() != "id: must be 32 lower-case hex digits" {
					t.Errorf("habit id %q: %d %s", bad, r.Status, r.Body)
				}
			}
			b, _ := newHabitBody(t, alice.User, "No id", "", "#0090ff")
			delete(b, "id")
			if id := createHabit(t, alice.C, b); id == "" || id == sec.ID {
				t.Errorf("a habit without an id got %q", id)
			}

			g := s.NewGroup(t, alice, "Club") // sends its own id and checks the answer
			k := sealkit.GenerateKey()
			r := bob.C.JSON(t, "POST", "/api/groups", map[string]string{"id": g.ID,
				"encrypted_name": apptest.EncryptAt(t, "Mine", k, apptest.PlaceGroupName(g.ID, 1)), "encrypted_key": bob.SealKey(t, k),
				"key_statement": apptest.KeyStatement(t, g.ID, bob.ID, 1, k, "")})
			wantStatus(t, r, 409, "bob reusing alice's group id")
			if n := s.Count(t, "groups"); n != 1 {
				t.Errorf("%d groups, want 1", n)
			}
			goal := apptest.NewRowID()
			goalBody := map[string]any{"id": goal, "encrypted_title": apptest.EncryptAt(t, "Run", g.Key, apptest.PlaceGoalTitle(g.ID, 1, goal)), "key_version": 1}
			r = alice.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", goalBody)
			wantStatus(t, r, 201, "goal")
			var got struct{ ID string }
			r.JSON(t, &got)
			if got.ID != goal {
				t.Errorf("goal id %q, want %q", got.ID, goal)
			}
			wantStatus(t, alice.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", goalBody), 409, "the same goal id twice")
			goalBody["id"] = "nope"
			wantStatus(t, alice.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", goalBody), 400, "a malformed goal id")
			if n := s.Count(t, "group_goals"); n != 1 {
				t.Errorf("%d goals, want 1", n)
			}
		})
	}
}
