package webapp_test

// Invitations tell nobody whether an address has an account (issue 11 §2,
// docs/PROTOCOL.md §7.1): the answer and the request's own database
// changes are the same for any address, the invitee's push is sent later
// by a job that names only the invitation, a declined invitation looks to
// the admins exactly like one nobody answered until both expire, and one
// user's invitations are limited.

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// midHour is a clock start half-way through a fixed rate-limit window, so
// that a test's requests never straddle two windows.
func midHour() *apptest.Clock {
	return apptest.NewClock(time.Now().Truncate(time.Hour).Add(30 * time.Minute))
}

// jobArg is what a job argument may be: a row id, or an at-rest sealed
// value ("ar<version>.<key id>.<base64>").
var jobArg = regexp.MustCompile(`^([0-9a-f]{32}|ar[0-9]+\.[0-9]+\.[A-Za-z0-9+/=]+)$`)

var cspNonce = regexp.MustCompile(`'nonce-[A-Za-z0-9+/=]+'`)

// answerOf is an HTTP answer as bytes to compare: status, every header but
// Date (the CSP header's per-response random nonce replaced by a
// placeholder), and the body.
func answerOf(r *apptest.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", r.Status)
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		if k == "Date" {
			continue
		}
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, cspNonce.ReplaceAllString(v, "'nonce-…'"))
		}
	}
	b.WriteString("\n")
	b.Write(r.Body)
	return b.String()
}

// tableRows counts the rows of every table of the database (River's
// bookkeeping left out) and the request-made jobs by kind.
func tableRows(t *testing.T, s *apptest.Server) map[string]int {
	t.Helper()
	q := `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	if s.DB.Backend == "sqlite" {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	db := s.App.Store().DB
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(n, "river_") {
			tables = append(tables, n)
		}
	}
	rows.Close()
	out := map[string]int{}
	for _, tb := range tables {
		out["table "+tb] = s.Count(t, `"`+tb+`"`)
	}
	for k, n := range s.RequestJobs(t) {
		out["job "+k] = n
	}
	return out
}

// rowChanges lists what changed between two tableRows, as "name +n".
func rowChanges(before, after map[string]int) []string {
	var out []string
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if d := after[k] - before[k]; d != 0 {
			out = append(out, fmt.Sprintf("%s %+d", k, d))
		}
	}
	return out
}

// invitationRow is one stored invitation, with which optional columns
// are set (the shape of the row, not its values).
func invitationRows(t *testing.T, s *apptest.Server, gid string) map[string]string {
	t.Helper()
	rows, err := s.App.Store().DB.Query(`SELECT * FROM group_invitations WHERE group_id = $1`, gid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var id string
		var shape []string
		for i, c := range cols {
			if c == "id" {
				id = fmt.Sprint(vals[i])
				if b, ok := vals[i].([]byte); ok {
					id = string(b)
				}
			}
			set := "set"
			if vals[i] == nil {
				set = "null"
			}
			shape = append(shape, c+"="+set)
		}
		out[id] = strings.Join(shape, " ")
	}
	return out
}

// TestInvitationSameForAnyAddress: inviting an address that has an account
// and one that has none gives byte-identical answers and the same database
// changes — one invitation row of the same shape, one rate-limit hit and
// one job whose arguments are the invitation id and nothing else. The
// invitee's push then comes from that job.
func TestInvitationSameForAnyAddress(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clock := midHour()
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clock.Now }})
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		g := s.NewGroup(t, a, "Readers")
		g.Invite(t, a, "warm-up@example.test") // the rate-limit counter of this window exists from here on
		bws := b.C.Dial(t)
		bws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })

		type outcome struct {
			answer  string
			changes []string
			row     string
			jobs    []apptest.Job
		}
		invite := func(email string) outcome {
			before, rowsBefore, jobsBefore := tableRows(t, s), invitationRows(t, s, g.ID), len(s.Jobs(t))
			r := a.C.JSON(t, "POST", "/api/groups/"+g.ID+"/invitations", map[string]any{
				"email": email, "encrypted_label": apptest.Encrypt(t, email, g.Key), "key_version": 1})
			o := outcome{answer: answerOf(r), changes: rowChanges(before, tableRows(t, s))}
			for id, shape := range invitationRows(t, s, g.ID) {
				if _, ok := rowsBefore[id]; !ok {
					o.row = shape
					for _, j := range s.Jobs(t)[jobsBefore:] {
						if !j.Periodic {
							o.jobs = append(o.jobs, j)
						}
					}
					if len(o.jobs) != 1 || o.jobs[0].Kind != "group_invitation" || !maps.Equal(o.jobs[0].Args, map[string]any{"invitation_id": id}) {
						t.Errorf("invite %s: the request's jobs %+v; want one group_invitation job with args {invitation_id: %s}", email, o.jobs, id)
					}
				}
			}
			return o
		}
		withAccount := invite("Bob@Example.test")
		without := invite("nobody@example.test")

		if withAccount.answer != without.answer {
			t.Errorf("the answers differ:\n--- an address with an account:\n%s\n--- an address without:\n%s", withAccount.answer, without.answer)
		}
		if !strings.HasPrefix(withAccount.answer, "202\n") || !strings.HasSuffix(withAccount.answer, "\n{\"status\":\"invited\"}\n") {
			t.Errorf("the answer: %s", withAccount.answer)
		}
		if !slices.Equal(withAccount.changes, without.changes) || withAccount.row != without.row {
			t.Errorf("the database changes differ:\n  with an account:    %v\n    new row: %s\n  without an account: %v\n    new row: %s",
				withAccount.changes, withAccount.row, without.changes, without.row)
		}
		if withAccount.row == "" || !slices.Contains(withAccount.changes, "table group_invitations +1") {
			t.Errorf("no invitation row stored: changes %v", withAccount.changes)
		}
		// Every job argument is a row id or an at-rest sealed value: never
		// an address or its blind index.
		for _, j := range s.Jobs(t) {
			for k, v := range j.Args {
				if str, ok := v.(string); !ok || !jobArg.MatchString(str) {
					t.Errorf("job %s: argument %s is %v, neither an id nor a sealed value", j.Kind, k, v)
				}
			}
		}

		// Bob hears of it from the job: when the push arrives, the job that
		// names his invitation has been started by River.
		bws.Await("the invited push", changed(g.ID, "invited"))
		if len(withAccount.jobs) == 1 {
			for _, j := range s.Jobs(t) {
				if j.ID == withAccount.jobs[0].ID && (j.Attempt < 1 || (j.State != "running" && j.State != "completed")) {
					t.Errorf("the invited push arrived before River ran its job (job state %s, attempt %d)", j.State, j.Attempt)
				}
			}
		}
		if bad := s.Log.Lines("level=ERROR"); len(bad) > 0 {
			t.Errorf("errors logged:\n%s", strings.Join(bad, "\n"))
		}
	})
}

// adminView is the admin's GET /api/groups/{id}, body only.
func adminView(t *testing.T, m *apptest.Member, gid string) string {
	t.Helper()
	r := m.C.JSON(t, "GET", "/api/groups/"+gid, nil)
	if r.Status != 200 {
		t.Fatalf("GET group: %d %s", r.Status, r.Body)
	}
	return string(r.Body)
}

// TestDeclinedInvitationLooksUnanswered: after the invitee declines, the
// admins' view of the group is byte for byte what it was; the invitee no
// longer sees the invitation and can neither accept nor decline it again;
// an admin can still withdraw it, as any other.
func TestDeclinedInvitationLooksUnanswered(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		g := s.NewGroup(t, a, "Readers")
		g.Invite(t, a, b.Email)
		g.Invite(t, a, "nobody@example.test")
		before := adminView(t, a, g.ID)
		var v groupJSON
		a.C.JSON(t, "GET", "/api/groups/"+g.ID, nil).JSON(t, &v)
		if len(v.Invitations) != 2 {
			t.Fatalf("%d invitations listed, want 2", len(v.Invitations))
		}

		inv := g.InvitationID(t, b)
		if inv == "" {
			t.Fatal("bob does not see his invitation")
		}
		wantStatus(t, b.C.JSON(t, "POST", "/api/invitations/"+inv+"/decline", nil), 204, "decline")
		if after := adminView(t, a, g.ID); after != before {
			t.Errorf("the admin's view changed when bob declined:\n before %s\n after  %s", before, after)
		}
		if id := g.InvitationID(t, b); id != "" {
			t.Errorf("bob still sees the invitation he declined (%s)", id)
		}
		wantStatus(t, b.C.JSON(t, "POST", "/api/invitations/"+inv+"/accept", nil), 404, "accept a declined invitation")
		wantStatus(t, b.C.JSON(t, "POST", "/api/invitations/"+inv+"/decline", nil), 404, "decline twice")
		if after := adminView(t, a, g.ID); after != before {
			t.Errorf("the admin's view changed after bob's refused requests:\n before %s\n after  %s", before, after)
		}
		// Inviting him again changes nothing either (as for any outstanding
		// invitation), and does not bring it back to him.
		g.Invite(t, a, b.Email)
		if after := adminView(t, a, g.ID); after != before {
			t.Errorf("the admin's view changed on inviting bob again:\n before %s\n after  %s", before, after)
		}
		if id := g.InvitationID(t, b); id != "" {
			t.Errorf("inviting again brought the declined invitation back (%s)", id)
		}
		// The admins withdraw it like any other.
		wantStatus(t, a.C.JSON(t, "DELETE", "/api/groups/"+g.ID+"/invitations/"+inv, nil), 204, "withdraw the declined invitation")
		a.C.JSON(t, "GET", "/api/groups/"+g.ID, nil).JSON(t, &v)
		if len(v.Invitations) != 1 {
			t.Fatalf("%d invitations listed after withdrawing one, want 1", len(v.Invitations))
		}
	})
}

// TestInvitationsExpire: an invitation lasts store.InvitationLifetime,
// answered (declined) or not: until then the admins list both alike;
// after it nobody sees either, the invitee cannot accept, and the cleanup
// deletes the rows.
func TestInvitationsExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clock := apptest.NewClock(time.Now())
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clock.Now; c.SaltLimit = 1000 }})
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		c := s.NewMember(t, "carol@example.test")
		g := s.NewGroup(t, a, "Readers")
		g.Invite(t, a, b.Email)
		g.Invite(t, a, c.Email)
		wantStatus(t, c.C.JSON(t, "POST", "/api/invitations/"+g.InvitationID(t, c)+"/decline", nil), 204, "carol declines")
		bobs := g.InvitationID(t, b)

		relogin := func() {
			for _, m := range []*apptest.Member{a, b, c} {
				if r := m.C.LogIn(t, m.User); r.Status != 200 {
					t.Fatalf("log in again: %d %s", r.Status, r.Body)
				}
			}
		}
		count := func() int {
			var v groupJSON
			a.C.JSON(t, "GET", "/api/groups/"+g.ID, nil).JSON(t, &v)
			return len(v.Invitations)
		}
		clock.Advance(store.InvitationLifetime - time.Hour)
		relogin()
		if n := count(); n != 2 {
			t.Fatalf("an hour before expiry the admin lists %d invitations, want 2", n)
		}
		if g.InvitationID(t, b) != bobs {
			t.Fatal("an hour before expiry bob does not see his invitation")
		}
		clock.Advance(2 * time.Hour)
		relogin()
		if n := count(); n != 0 {
			t.Fatalf("after expiry the admin lists %d invitations, want 0", n)
		}
		if id := g.InvitationID(t, b); id != "" {
			t.Fatalf("after expiry bob still sees the invitation")
		}
		wantStatus(t, b.C.JSON(t, "POST", "/api/invitations/"+bobs+"/accept", nil), 404, "accept an expired invitation")
		// Inviting again after expiry is a new invitation.
		g.Invite(t, a, b.Email)
		if n := count(); n != 1 || g.InvitationID(t, b) == "" {
			t.Fatalf("a new invitation after expiry: admin lists %d, bob sees %q", n, g.InvitationID(t, b))
		}

		// Bob's expired row made way for the new one; Carol's (declined) is
		// deleted by the cleanup — this call, or River's cleanup job if its
		// leader started it after the clock moved.
		if _, err := s.App.Store().DeleteExpiredInvitations(context.Background(), clock.Now()); err != nil {
			t.Fatalf("cleanup: %v", err)
		}
		if got := s.Count(t, "group_invitations"); got != 1 {
			t.Fatalf("%d invitation rows after the cleanup, want 1 (the new one)", got)
		}
	})
}

// TestInvitationLimit: one user's invitations are limited to
// webapp.InviteLimit an hour, across groups, also when sent all at once;
// the refused ones store nothing; other users are not affected.
func TestInvitationLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clock := midHour()
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clock.Now }})
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		g1, g2 := s.NewGroup(t, a, "One"), s.NewGroup(t, a, "Two")
		const extra = 10
		n := webapp.InviteLimit + extra
		statuses := make([]int, n)
		errs := make([]error, n)
		apptest.Together(n, func(i int) {
			g := g1
			if i%2 == 1 {
				g = g2
			}
			email := fmt.Sprintf("invitee-%d@example.test", i)
			r, err := a.C.TryJSON("POST", "/api/groups/"+g.ID+"/invitations", map[string]any{
				"email": email, "encrypted_label": apptest.Encrypt(t, email, g.Key), "key_version": 1})
			errs[i] = err
			if r != nil {
				statuses[i] = r.Status
			}
		})
		counts := map[int]int{}
		for i, st := range statuses {
			if errs[i] != nil {
				t.Fatalf("request %d: %v", i, errs[i])
			}
			counts[st]++
		}
		if counts[202] != webapp.InviteLimit || counts[429] != extra {
			t.Fatalf("%d invitations at once: statuses %v; want %d×202 and %d×429", n, counts, webapp.InviteLimit, extra)
		}
		if got := s.Count(t, "group_invitations"); got != webapp.InviteLimit {
			t.Fatalf("%d invitation rows, want %d: a refused invitation stored something", got, webapp.InviteLimit)
		}
		if got := s.RequestJobs(t)["group_invitation"]; got != webapp.InviteLimit {
			t.Fatalf("%d invitation jobs, want %d", got, webapp.InviteLimit)
		}
		r := a.C.JSON(t, "POST", "/api/groups/"+g1.ID+"/invitations", map[string]any{
			"email": "one-more@example.test", "encrypted_label": apptest.Encrypt(t, "one-more@example.test", g1.Key), "key_version": 1})
		if r.Status != 429 || r.Header.Get("Retry-After") == "" || r.Error() == "" {
			t.Fatalf("one more: %d %v %s; want 429 with Retry-After and a message", r.Status, r.Header, r.Body)
		}
		// Bob's own invitations are his.
		gb := s.NewGroup(t, b, "Bob's")
		gb.Invite(t, b, "someone@example.test")
		// Two hours later Alice may invite again.
		clock.Advance(2 * time.Hour)
		g1.Invite(t, a, "next-day@example.test")
		if bad := s.Log.Lines("level=ERROR"); len(bad) > 0 {
			t.Errorf("errors logged:\n%s", strings.Join(bad, "\n"))
		}
	})
}
