package webapp_test

// Sockets of ended sessions (issue 11 §5, docs/PROTOCOL.md §8): after
// logout, expiry or idleness no push reaches a WebSocket of that session,
// on any instance; the socket is closed with 1008.

import (
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit/internal/b64"

	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// wantEnded reads ws: the next thing must be the close of the connection
// with status 1008, not a message.
func wantEnded(t *testing.T, ws *apptest.WS, what string) {
	t.Helper()
	m, err := ws.Next(15 * time.Second)
	if err == nil {
		t.Fatalf("%s: the socket received %v after its session ended", what, m)
	}
	if st := websocket.CloseStatus(err); st != websocket.StatusPolicyViolation {
		t.Fatalf("%s: the socket ended with %v (status %d), want a close with status 1008", what, err, st)
	}
}

// addGoal has m add a goal to g: a "content" push to every member.
func addGoal(t *testing.T, m *apptest.Member, g *apptest.Group) {
	t.Helper()
	wantStatus(t, m.C.JSON(t, "POST", "/api/groups/"+g.ID+"/goals", map[string]any{
		"encrypted_title": apptest.Encrypt(t, "a goal", g.Key), "key_version": g.KeyVersion}), 201, "add a goal")
}

func dialHello(t *testing.T, c *apptest.Client) *apptest.WS {
	t.Helper()
	ws := c.Dial(t)
	ws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
	return ws
}

// TestLogoutEndsSockets: Bob has three sessions, each with a socket on
// instance B (PostgreSQL: a second instance on the same database; SQLite
// serves one instance), and logs two of them out through instance A.
// The first logout is followed at once by a group event: that session's
// socket receives nothing more and is closed with 1008, while the session
// still logged in gets the push. After the second, nothing happens in the
// group: the logout alone closes its socket.
func TestLogoutEndsSockets(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		sa, sb := startTwo(t, db)
		alice := sa.NewMember(t, "alice@example.test")
		bob := sa.NewMember(t, "bob@example.test")
		g := sa.NewGroup(t, alice, "Readers")
		g.Join(t, alice, bob)
		aws := dialHello(t, alice.C)
		g.GiveKey(t, aws, bob, "bob")

		// Bob's sessions: his first, and two more logged in through A. A
		// client's cookies hold for both instances (same host).
		sessions := []*apptest.Client{bob.C}
		for range 2 {
			c := apptest.NewClient(sa.URL)
			if r := c.LogIn(t, bob.User); r.Status != 200 {
				t.Fatalf("another login: %d %s", r.Status, r.Body)
			}
			sessions = append(sessions, c)
		}
		var sockets []*apptest.WS
		for _, c := range sessions {
			onB := *c
			onB.Base = sb.URL
			sockets = append(sockets, dialHello(t, &onB))
		}
		addGoal(t, alice, g)
		for _, ws := range sockets {
			ws.Await("the push before logout", changed(g.ID, "content"))
		}
		logout := func(c *apptest.Client) {
			if r := c.Form(t, "/logout", nil); r.Status != 303 { // through instance A
				t.Fatalf("logout: %d %s", r.Status, r.Body)
			}
		}

		logout(sessions[0])
		addGoal(t, alice, g)
		sockets[1].Await("the push to a session still logged in", changed(g.ID, "content"))
		sockets[2].Await("the push to a session still logged in", changed(g.ID, "content"))
		wantEnded(t, sockets[0], "the socket of the session logged out before the event")

		logout(sessions[2])
		wantEnded(t, sockets[2], "the socket of the session logged out, no event following")
		if bad := sb.Log.Lines("level=ERROR"); len(bad) > 0 {
			t.Errorf("errors logged: %v", bad)
		}
	})
}

// TestExpiredSessionGetsNoPush: once its session has expired, a socket
// receives no push and is closed with 1008 — whether the session ran out
// its lifetime or went unused for store.SessionIdle. The socket being open
// (and checked) does not count as use.
func TestExpiredSessionGetsNoPush(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clock := apptest.NewClock(time.Now())
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clock.Now; c.SaltLimit = 1000 }})
		alice := s.NewMember(t, "alice@example.test")
		bob := s.NewMember(t, "bob@example.test")
		g := s.NewGroup(t, alice, "Readers")
		g.Join(t, alice, bob)
		aws := dialHello(t, alice.C)
		g.GiveKey(t, aws, bob, "bob")
		aws.Conn.CloseNow()

		// Idle: an hour before the idle limit the socket still gets pushes
		// (which check its session); an hour after it, counted from Bob's
		// last request, it gets none.
		bws := dialHello(t, bob.C)
		clock.Advance(store.SessionIdle - time.Hour)
		if r := alice.C.LogIn(t, alice.User); r.Status != 200 {
			t.Fatalf("alice logs in again: %d", r.Status)
		}
		addGoal(t, alice, g)
		bws.Await("a push before the idle limit", changed(g.ID, "content"))
		clock.Advance(2 * time.Hour)
		addGoal(t, alice, g)
		wantEnded(t, bws, "the idle session's socket")

		// Lifetime: a session used every day still ends after 30 days.
		if r := bob.C.LogIn(t, bob.User); r.Status != 200 {
			t.Fatalf("bob logs in again: %d", r.Status)
		}
		bws = dialHello(t, bob.C)
		for range 29 {
			clock.Advance(24 * time.Hour)
			for _, m := range []*apptest.Member{alice, bob} {
				if r := m.C.JSON(t, "GET", "/api/me", nil); r.Status != 200 {
					t.Fatalf("%s within the session's lifetime: %d", m.Email, r.Status)
				}
			}
		}
		addGoal(t, alice, g)
		bws.Await("a push within the lifetime", changed(g.ID, "content"))
		clock.Advance(24*time.Hour + time.Minute)
		if r := alice.C.LogIn(t, alice.User); r.Status != 200 {
			t.Fatalf("alice logs in again: %d", r.Status)
		}
		if r := bob.C.JSON(t, "GET", "/api/me", nil); r.Status != 401 {
			t.Fatalf("bob's session after 30 days: %d, want 401", r.Status)
		}
		addGoal(t, alice, g)
		wantEnded(t, bws, "the expired session's socket")
		if bad := s.Log.Lines("level=ERROR"); len(bad) > 0 {
			t.Errorf("errors logged: %v", bad)
		}
	})
}

// TestKeySwapEndsSockets: Bob has three sessions with a socket each on
// instance B. He changes his password through instance A, ending the other
// sessions: their sockets close with 1008, and the socket of the session
// that made the change is told keys_changed. A recovery through A then
// ends that one too.
func TestKeySwapEndsSockets(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		sa, sb := startTwo(t, db)
		bob := sa.NewMember(t, "bob@example.test")
		sessions := []*apptest.Client{bob.C}
		for range 2 {
			c := apptest.NewClient(sa.URL)
			wantStatus(t, c.LogIn(t, bob.User), 200, "another login")
			sessions = append(sessions, c)
		}
		var sockets []*apptest.WS
		for _, c := range sessions {
			onB := *c
			onB.Base = sb.URL
			sockets = append(sockets, dialHello(t, &onB))
		}
		rec, _ := newRecovery(t, bob.User)
		wantStatus(t, bob.C.JSON(t, "PUT", "/api/auth/recovery", with(rec, "auth_key", b64.Encode(bob.AuthKey))), 204, "set recovery")
		fields, newAuth := newPassword(t, bob.User, "bob's new password")
		wantStatus(t, bob.C.JSON(t, "POST", "/api/auth/password", with(fields, "auth_key", b64.Encode(bob.AuthKey),
			"new_auth_key", b64.Encode(newAuth), "end_other_sessions", true)), 200, "change password")
		sockets[0].Await("keys_changed", func(m apptest.Msg) bool { return m.Str("reason") == "keys_changed" })
		wantEnded(t, sockets[1], "another session's socket after the password change")
		wantEnded(t, sockets[2], "the third session's socket after the password change")

		var bundle struct {
			KeyGeneration int64 `json:"key_generation"`
		}
		anon := apptest.NewClient(sa.URL)
		r := anon.JSON(t, "POST", "/api/auth/recover", map[string]any{"email": bob.Email, "recovery_auth_key": rec["recovery_auth_key"]})
		wantStatus(t, r, 200, "recover")
		r.JSON(t, &bundle)
		nf, nAuth := newPassword(t, bob.User, "bob's recovered password")
		next, _ := newRecovery(t, bob.User)
		wantStatus(t, anon.JSON(t, "POST", "/api/auth/recover/finish", with(nf, "email", bob.Email, "recovery_auth_key", rec["recovery_auth_key"],
			"key_generation", bundle.KeyGeneration, "auth_key", b64.Encode(nAuth), "new_recovery_auth_key", next["recovery_auth_key"],
			"recovery_encrypted_private_key", next["recovery_encrypted_private_key"],
			"recovery_encrypted_pq_private_key", next["recovery_encrypted_pq_private_key"])), 200, "finish recovery")
		wantEnded(t, sockets[0], "the changing session's socket after the recovery")
	})
}
