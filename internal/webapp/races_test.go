package webapp_test

// Concurrent identical writes (issue 11 §4): requests released together
// against a real server, on each database. Each race must end in exactly
// one row, every request answered as the protocol says (idempotent, or
// refused with its rule), never a 5xx, and no ERROR logged.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

const racers = 20

// noErrors fails the test if the server logged an ERROR line.
func noErrors(t *testing.T, s *apptest.Server) {
	t.Helper()
	if bad := s.Log.Lines("level=ERROR"); len(bad) > 0 {
		t.Errorf("%d ERROR lines logged, e.g.\n%s", len(bad), bad[0])
	}
}

// raceRequests sends the same request racers times at once and returns
// the statuses by count.
func raceRequests(t *testing.T, c *apptest.Client, method, path string, body func(i int) any) map[int]int {
	t.Helper()
	statuses := make([]int, racers)
	errs := make([]error, racers)
	apptest.Together(racers, func(i int) {
		r, err := c.TryJSON(method, path, body(i))
		errs[i] = err
		if r != nil {
			statuses[i] = r.Status
		}
	})
	out := map[int]int{}
	for i, st := range statuses {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		out[st]++
	}
	return out
}

func only(statuses map[int]int, allowed ...int) bool {
	n := 0
	for _, a := range allowed {
		n += statuses[a]
	}
	return n == racers
}

// TestRaceGroupCheckins: one member checks in to one goal on one day 20
// times at once, five days running: every request is answered 204, one
// row per day, and the stored note opens.
func TestRaceGroupCheckins(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		a := s.NewMember(t, "alice@example.test")
		g := s.NewGroup(t, a, "Runners")
		r := a.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "run", g.Key), "key_version": 1})
		wantStatus(t, r, 201, "goal")
		goal := authzID(t, r)
		for _, day := range []string{"2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"} {
			st := raceRequests(t, a.C, "PUT", "/api/groups/"+g.ID+"/goals/"+goal+"/checkins/"+day, func(i int) any {
				return map[string]any{"encrypted_note": apptest.Encrypt(t, "note "+day, g.Key), "key_version": 1}
			})
			t.Logf("%s: %d identical check-ins at once: %v", day, racers, st)
			if !only(st, 204) {
				t.Errorf("%s: statuses %v; want %d×204", day, st, racers)
			}
		}
		var n int
		if err := s.App.Store().DB.QueryRow(`SELECT COUNT(*) FROM group_checkins WHERE goal_id = $1`, goal).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("%d check-in rows, want 5 (one per day)", n)
		}
		gv := getGroup(t, a, g.ID)
		for _, c := range gv.Goals[0].Checkins {
			if note, err := apptest.Decrypt(c.EncryptedNote, g.Key); err != nil || note != "note "+c.Day {
				t.Errorf("check-in of %s: %q %v", c.Day, note, err)
			}
		}
		noErrors(t, s)
	})
}

// TestRaceInvitations: one admin invites one address 20 times at once
// (an address with an account, then one without): every request is
// answered 202 and one invitation row is stored for each.
func TestRaceInvitations(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		g := s.NewGroup(t, a, "Readers")
		for _, email := range []string{b.Email, "nobody@example.test"} {
			st := raceRequests(t, a.C, "POST", "/api/groups/"+g.ID+"/invitations", func(i int) any {
				return map[string]any{"email": email, "encrypted_label": apptest.Encrypt(t, email, g.Key), "key_version": 1}
			})
			t.Logf("%d invitations of %s at once: %v", racers, email, st)
			if !only(st, 202) {
				t.Errorf("%s: statuses %v; want %d×202", email, st, racers)
			}
		}
		if n := s.Count(t, "group_invitations"); n != 2 {
			t.Errorf("%d invitation rows, want 2", n)
		}
		var v groupJSON
		a.C.JSON(t, "GET", "/api/groups/"+g.ID, nil).JSON(t, &v)
		if len(v.Invitations) != 2 {
			t.Errorf("the admin lists %d invitations, want 2", len(v.Invitations))
		}
		if g.InvitationID(t, b) == "" {
			t.Error("bob does not see his invitation")
		}
		noErrors(t, s)
	})
}

// TestRaceKeyDistribution: the owner and an admin, each with several open
// pages, hand the key to the same pending member at the same moment, for
// five pending members: each time exactly one message is acknowledged,
// every other one is refused because the member is no longer pending, and
// the member has exactly one copy of the key.
func TestRaceKeyDistribution(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		o := s.NewMember(t, "olga@example.test")
		adm := s.NewMember(t, "adam@example.test")
		g := s.NewGroup(t, o, "Keys")
		g.Join(t, o, adm)
		wantStatus(t, o.C.JSON(t, "PUT", "/api/groups/"+g.ID+"/members/"+adm.ID+"/role", map[string]string{"role": "admin"}), 204, "promote adam")
		ows := o.C.Dial(t)
		ows.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
		g.GiveKey(t, ows, adm, "adam")

		const perAdmin = 4
		var sockets []*apptest.WS
		for i := range 2 * perAdmin {
			m := o
			if i%2 == 1 {
				m = adm
			}
			ws := m.C.Dial(t)
			ws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
			sockets = append(sockets, ws)
		}
		for round := range 5 {
			p := s.NewMember(t, fmt.Sprintf("pending-%d@example.test", round))
			g.Join(t, o, p)
			sealed := p.SealKey(t, g.Key)
			for _, ws := range sockets { // every page has heard that p is pending
				ws.Await("p pending", isPendingFor(g.ID, p.ID))
			}
			ref := fmt.Sprintf("round-%d", round)
			sendErrs := make([]error, len(sockets))
			apptest.Together(len(sockets), func(i int) {
				sendErrs[i] = sockets[i].TrySend(map[string]any{"type": "key_distributed", "ref": ref, "group_id": g.ID,
					"user_id": p.ID, "key_version": 1, "encrypted_key": sealed})
			})
			acks, refused := 0, 0
			for i, ws := range sockets {
				if sendErrs[i] != nil {
					t.Fatalf("send: %v", sendErrs[i])
				}
				reply := ws.Await("the reply to "+ref, func(m apptest.Msg) bool {
					return (m.Type() == "ack" || m.Type() == "error") && m.Str("ref") == ref
				})
				switch {
				case reply.Type() == "ack":
					acks++
				case reply.Str("error") == "user_id: this member is not pending: it already holds the current key":
					refused++
				default:
					t.Errorf("round %d: page %d got %v", round, i, reply)
				}
			}
			t.Logf("round %d: %d key_distributed at once: %d acknowledged, %d refused as not pending", round, len(sockets), acks, refused)
			if acks != 1 || refused != len(sockets)-1 {
				t.Errorf("round %d: %d acks, %d refusals; want 1 and %d", round, acks, refused, len(sockets)-1)
			}
			var n int
			if err := s.App.Store().DB.QueryRow(`SELECT COUNT(*) FROM group_keys WHERE group_id = $1 AND user_id = $2`, g.ID, p.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("round %d: %d key rows for the member, want 1", round, n)
			}
			if gv := getGroup(t, p, g.ID); gv.Pending || len(gv.Keys) != 1 {
				t.Errorf("round %d: the member is pending %v with %d keys", round, gv.Pending, len(gv.Keys))
			}
		}
		if bad := s.Log.Lines("internal error"); len(bad) > 0 {
			t.Errorf("internal errors: %s", strings.Join(bad, "\n"))
		}
		noErrors(t, s)
	})
}
