package webapp_test

// Devices and sessions, and deleting the account (docs/PROTOCOL.md §3.5,
// §3.6), through the API on both databases: the list names sessions by
// public ids only, ending one or all others closes their sockets on
// every instance, another user's ids are unknown, bad input changes
// nothing; deletion needs the password, is refused while the user owns a
// group, then removes every row of the user (every table counted), marks
// the groups they were in rotation_needed, mails once, and frees the
// address.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

type sessionsAnswer struct {
	Sessions []struct {
		ID              string `json:"id"`
		Created         int64  `json:"created"`
		LastSeen        int64  `json:"last_seen"`
		EncryptedDevice string `json:"encrypted_device"`
		Current         bool   `json:"current"`
	} `json:"sessions"`
}

func listSessions(t *testing.T, c *apptest.Client) sessionsAnswer {
	t.Helper()
	r := c.JSON(t, "GET", "/api/sessions", nil)
	wantStatus(t, r, 200, "list sessions")
	var out sessionsAnswer
	r.JSON(t, &out)
	return out
}

// ids of the list: the current session's, and the others'.
func (a sessionsAnswer) ids() (current string, others []string) {
	for _, s := range a.Sessions {
		if s.Current {
			current = s.ID
		} else {
			others = append(others, s.ID)
		}
	}
	return current, others
}

func cookieToken(t *testing.T, c *apptest.Client) string {
	t.Helper()
	u, err := url.Parse(c.Base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "sealkit_session") {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func loginAgain(t *testing.T, s *apptest.Server, u *apptest.User) *apptest.Client {
	t.Helper()
	c := apptest.NewClient(s.URL)
	wantStatus(t, c.LogIn(t, u), 200, "log in again")
	return c
}

// sealedDevice is a device label as the browser sends it: a secretbox
// under the user_key.
func sealedDevice(t *testing.T, u *apptest.User, label string) string {
	t.Helper()
	return apptest.Encrypt(t, label, u.UserKey)
}

func TestSessionsAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		sa, sb := startTwo(t, db)
		alice := sa.NewMember(t, "alice@example.test")
		bob := sa.NewMember(t, "bob@example.test")
		second := loginAgain(t, sa, alice.User)

		list := listSessions(t, alice.C)
		if len(list.Sessions) != 2 {
			t.Fatalf("alice has %d sessions listed, want 2: %+v", len(list.Sessions), list)
		}
		current, others := list.ids()
		if len(others) != 1 || current == "" {
			t.Fatalf("want one current and one other session: %+v", list)
		}
		// The public ids are neither the tokens nor their hashes, nor
		// anything the tokens show.
		for _, c := range []*apptest.Client{alice.C, second} {
			tok := cookieToken(t, c)
			h := sha256.Sum256([]byte(tok))
			for _, s := range list.Sessions {
				if len(s.ID) != 32 || strings.Contains(tok, s.ID) || strings.Contains(hex.EncodeToString(h[:]), s.ID) {
					t.Fatalf("session id %q reveals the token or its hash", s.ID)
				}
			}
		}
		if cur2, _ := listSessions(t, second).ids(); cur2 != others[0] {
			t.Fatalf("the second client's own id %q is not the one alice's list shows (%q)", cur2, others[0])
		}

		// The device label: ciphertext in, the same ciphertext out, only an
		// at-rest value stored.
		dev := sealedDevice(t, alice.User, "Chrome on Linux")
		wantStatus(t, alice.C.JSON(t, "PUT", "/api/sessions/current/device", map[string]string{"encrypted_device": dev}), 204, "set device")
		for _, s := range listSessions(t, alice.C).Sessions {
			if s.Current != (s.EncryptedDevice == dev) {
				t.Fatalf("device label on the wrong session: %+v", s)
			}
		}
		var stored string
		if err := sa.App.Store().DB.QueryRow(`SELECT encrypted_device FROM sessions WHERE encrypted_device IS NOT NULL`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "ar1.") || strings.Contains(stored, dev) {
			t.Fatalf("encrypted_device stored as %q, want an at-rest value", stored)
		}

		// Bad input changes nothing.
		before := tableRows(t, sa)
		snapshot := func() string {
			var n int
			var v string
			sa.App.Store().DB.QueryRow(`SELECT COUNT(*), COALESCE(MAX(encrypted_device), '') FROM sessions`).Scan(&n, &v)
			return fmt.Sprint(v, "|", n)
		}
		snap := snapshot()
		text := b64.Encode([]byte("Chrome on Linux, which is plainly readable text here"))
		for _, bad := range []struct {
			name string
			body string
			want int
		}{
			{"malformed base64", `{"encrypted_device":"not base64!"}`, 400},
			{"too short", `{"encrypted_device":"` + b64.Encode(make([]byte, 40)) + `"}`, 400},
			{"too long", `{"encrypted_device":"` + b64.Encode(randomBytes(241)) + `"}`, 400},
			{"readable text", `{"encrypted_device":"` + text + `"}`, 400},
			{"missing", `{}`, 400},
			{"null", `{"encrypted_device":null}`, 400},
			{"unknown field", `{"encrypted_device":"` + dev + `","device":"Chrome"}`, 400},
			{"repeated field", `{"encrypted_device":"` + dev + `","encrypted_device":"` + dev + `"}`, 400},
			{"not JSON", `Chrome on Linux`, 400},
			{"oversized", `{"encrypted_device":"` + strings.Repeat("A", 70<<10) + `"}`, 413},
		} {
			r := alice.C.Do(t, "PUT", "/api/sessions/current/device", "application/json", []byte(bad.body))
			if r.Status != bad.want || !strings.Contains(string(r.Body), `"error"`) {
				t.Errorf("device %s: %d %s, want %d with an error", bad.name, r.Status, r.Body, bad.want)
			}
			if strings.Contains(string(r.Body), "Chrome") {
				t.Errorf("device %s: the error quotes the value: %s", bad.name, r.Body)
			}
		}
		bobID, _ := listSessions(t, bob.C).ids()
		for _, bad := range []struct {
			name, id string
			want     int
		}{
			{"not hex", "zz" + strings.Repeat("0", 30), 404},
			{"upper case", strings.ToUpper(others[0]), 404},
			{"too short", others[0][:31], 404},
			{"unknown", strings.Repeat("0", 32), 404},
			{"another user's session", bobID, 404},
			{"the current session", current, 409},
		} {
			r := alice.C.Do(t, "DELETE", "/api/sessions/"+bad.id, "", nil)
			if r.Status != bad.want || !strings.Contains(string(r.Body), `"error"`) {
				t.Errorf("end session, %s: %d %s, want %d", bad.name, r.Status, r.Body, bad.want)
			}
		}
		anon := apptest.NewClient(sa.URL)
		for _, r := range []*apptest.Response{
			anon.Do(t, "GET", "/api/sessions", "", nil),
			anon.JSON(t, "PUT", "/api/sessions/current/device", map[string]string{"encrypted_device": dev}),
			anon.Do(t, "DELETE", "/api/sessions/"+others[0], "", nil),
			anon.Do(t, "POST", "/api/sessions/end-others", "", nil),
		} {
			if r.Status != 401 {
				t.Errorf("anonymous: %d %s, want 401", r.Status, r.Body)
			}
		}
		// A cross-origin page cannot end sessions.
		if r := crossOrigin(t, alice.C, "POST", "/api/sessions/end-others", "", nil, "https://evil.example"); r.Status != 403 {
			t.Errorf("cross-origin end-others: %d %s, want 403", r.Status, r.Body)
		}
		if ch := rowChanges(before, tableRows(t, sa)); len(ch) != 0 || snapshot() != snap {
			t.Fatalf("refused requests changed rows: %v", ch)
		}
		wantStatus(t, bob.C.JSON(t, "GET", "/api/me", nil), 200, "bob's session after alice's refused requests")

		// Ending the second session: its socket on the other instance
		// closes, its next request is logged out.
		onB := *second
		onB.Base = sb.URL
		ws := dialHello(t, &onB)
		wantStatus(t, alice.C.Do(t, "DELETE", "/api/sessions/"+others[0], "", nil), 204, "end the second session")
		wantEnded(t, ws, "the ended session's socket")
		wantStatus(t, second.JSON(t, "GET", "/api/me", nil), 401, "the ended session")
		if _, o := listSessions(t, alice.C).ids(); len(o) != 0 {
			t.Fatalf("ended session still listed: %v", o)
		}
		wantStatus(t, alice.C.Do(t, "DELETE", "/api/sessions/"+others[0], "", nil), 404, "end it twice")

		// End all others: two more logins, each with a socket; bob's
		// session is untouched.
		c3, c4 := loginAgain(t, sa, alice.User), loginAgain(t, sa, alice.User)
		var sockets []*apptest.WS
		for _, c := range []*apptest.Client{c3, c4} {
			on := *c
			on.Base = sb.URL
			sockets = append(sockets, dialHello(t, &on))
		}
		bobs := sa.NewGroup(t, bob, "Bob's")
		bobWS := dialHello(t, bob.C)
		r := alice.C.Do(t, "POST", "/api/sessions/end-others", "", nil)
		wantStatus(t, r, 200, "end all others")
		var ended struct{ Ended int }
		r.JSON(t, &ended)
		if ended.Ended != 2 {
			t.Fatalf("ended %d sessions, want 2", ended.Ended)
		}
		for i, ws := range sockets {
			wantEnded(t, ws, "socket "+string(rune('3'+i)))
		}
		wantStatus(t, c3.JSON(t, "GET", "/api/me", nil), 401, "c3 after end-others")
		wantStatus(t, c4.JSON(t, "GET", "/api/me", nil), 401, "c4 after end-others")
		wantStatus(t, alice.C.JSON(t, "GET", "/api/me", nil), 200, "alice's own session")
		wantStatus(t, bob.C.JSON(t, "GET", "/api/me", nil), 200, "bob's session")
		addGoal(t, bob, bobs)
		bobWS.Await("the push after alice ended her sessions", changed(bobs.ID, "content"))
	})
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// TestDeleteAccountAPI: Alice is a keyed admin of Bob's group (with a
// goal and a check-in there, and an invitation she sent), is invited to
// Carol's group, owns a group of her own, and has a habit with a
// check-in. Deleting her account is refused with a wrong password, bad
// input, and while she owns her group (which is named); once she has
// deleted it, her deletion removes exactly her rows in every table (the
// goal she wrote stays with Bob's group, authorless), marks Bob's group
// rotation_needed, closes her sockets, mails her, and frees the address.
func TestDeleteAccountAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		alice := s.NewMember(t, "alice@example.test")
		bob := s.NewMember(t, "bob@example.test")
		carol := s.NewMember(t, "carol@example.test")

		bobs := s.NewGroup(t, bob, "Bob's")
		bobs.Join(t, bob, alice)
		bws := dialHello(t, bob.C)
		bobs.GiveKey(t, bws, alice, "alice")
		wantStatus(t, bob.C.JSON(t, "PUT", "/api/groups/"+bobs.ID+"/members/"+alice.ID+"/role", map[string]string{"role": "admin"}), 204, "make alice an admin")
		bobs.Invite(t, alice, "dave@example.test") // an invitation from her, with its job
		r := alice.C.JSON(t, "POST", "/api/groups/"+bobs.ID+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "alice's goal", bobs.Key), "key_version": 1})
		wantStatus(t, r, 201, "alice's goal")
		var goal struct{ ID string }
		r.JSON(t, &goal)
		today := time.Now().UTC().Format(time.DateOnly)
		wantStatus(t, alice.C.JSON(t, "PUT", "/api/groups/"+bobs.ID+"/goals/"+goal.ID+"/checkins/"+today,
			map[string]any{"encrypted_note": apptest.Encrypt(t, "done", bobs.Key), "key_version": 1}), 204, "alice's group check-in")
		carols := s.NewGroup(t, carol, "Carol's")
		carols.Invite(t, carol, alice.Email) // an invitation to her
		own := s.NewGroup(t, alice, "Alice's own")
		handed := s.NewGroup(t, alice, "Alice's, for Carol")
		handed.Join(t, alice, carol)
		handed.GiveKey(t, dialHello(t, alice.C), carol, "carol")
		ownedIDs := []string{own.ID, handed.ID}
		slices.Sort(ownedIDs)
		body, _ := newHabitBody(t, alice.User, "Run", "", "#30a46c")
		hid := createHabit(t, alice.C, body)
		wantStatus(t, alice.C.JSON(t, "PUT", "/api/habits/"+hid+"/checkins/"+today, map[string]string{"encrypted_note": apptest.Encrypt(t, "5 km", alice.UserKey)}), 204, "habit check-in")
		second := loginAgain(t, s, alice.User)

		del := func(c *apptest.Client, authKey []byte, email string) *apptest.Response {
			return c.JSON(t, "POST", "/api/me/delete", map[string]string{"auth_key": b64.Encode(authKey), "email": email})
		}
		// Wait for the invitation jobs, so that the counts below move only
		// by what the requests do.
		waitJobsDone(t, s)
		before := tableRows(t, s)
		wrongKey, _ := sealkit.DeriveAuthKey(sealkit.GenerateKey())
		for _, bad := range []struct {
			name string
			r    *apptest.Response
			want int
		}{
			{"wrong password", del(alice.C, wrongKey, alice.Email), 403},
			{"another user's address", del(alice.C, alice.AuthKey, bob.Email), 400},
			{"not an address", del(alice.C, alice.AuthKey, "alice"), 400},
			{"bob's password", del(alice.C, bob.AuthKey, alice.Email), 403},
			{"short auth key", del(alice.C, alice.AuthKey[:16], alice.Email), 400},
			{"malformed auth key", alice.C.Do(t, "POST", "/api/me/delete", "application/json", []byte(`{"auth_key":"!!","email":"alice@example.test"}`)), 400},
			{"unknown field", alice.C.Do(t, "POST", "/api/me/delete", "application/json", []byte(`{"auth_key":"`+b64.Encode(alice.AuthKey)+`","email":"alice@example.test","force":true}`)), 400},
			{"missing password", alice.C.Do(t, "POST", "/api/me/delete", "application/json", []byte(`{"email":"alice@example.test"}`)), 400},
			{"no body", alice.C.Do(t, "POST", "/api/me/delete", "application/json", nil), 400},
			{"oversized", alice.C.Do(t, "POST", "/api/me/delete", "application/json", []byte(`{"email":"`+strings.Repeat("a", 70<<10)+`"}`)), 413},
			{"anonymous", del(apptest.NewClient(s.URL), alice.AuthKey, alice.Email), 401},
			{"while owning a group", del(alice.C, alice.AuthKey, alice.Email), 409},
		} {
			if bad.r.Status != bad.want || !strings.Contains(string(bad.r.Body), `"error"`) {
				t.Errorf("delete, %s: %d %s, want %d", bad.name, bad.r.Status, bad.r.Body, bad.want)
			}
			if strings.Contains(string(bad.r.Body), "alice@") || strings.Contains(string(bad.r.Body), b64.Encode(alice.AuthKey)) {
				t.Errorf("delete, %s: the answer quotes a value: %s", bad.name, bad.r.Body)
			}
			if bad.want == 409 {
				var refusal struct{ Groups []string }
				bad.r.JSON(t, &refusal)
				if !slices.Equal(refusal.Groups, ownedIDs) {
					t.Errorf("refusal lists %v, want her groups %v", refusal.Groups, ownedIDs)
				}
			}
		}
		if ch := rowChanges(before, tableRows(t, s)); len(ch) != 0 {
			t.Fatalf("refused deletions changed rows: %v", ch)
		}
		wantStatus(t, second.JSON(t, "GET", "/api/me", nil), 200, "alice's sessions after the refusals")

		aws := dialHello(t, second)
		wantStatus(t, alice.C.Do(t, "DELETE", "/api/groups/"+own.ID, "", nil), 204, "delete her own group")
		aws.Await("her group deleted", changed(own.ID, "deleted"))
		wantStatus(t, alice.C.JSON(t, "PUT", "/api/groups/"+handed.ID+"/members/"+carol.ID+"/role", map[string]string{"role": "owner"}), 204, "hand the other over to Carol")
		aws.Await("the hand-over", changed(handed.ID, "members"))
		if m := getGroup(t, carol, handed.ID); m.Role != "owner" {
			t.Fatalf("after the hand-over Carol is %q", m.Role)
		}
		waitJobsDone(t, s)
		before = tableRows(t, s)
		idx := accountIndex(t, s, alice.ID)
		var herCounters int
		s.App.Store().DB.QueryRow(`SELECT COUNT(*) FROM rate_counters WHERE bucket = $1 OR bucket = $2 OR bucket LIKE $3`,
			"invite:"+alice.ID, "signupmail:"+idx[:32], "loginfail:%:"+idx[:32]).Scan(&herCounters)
		if herCounters < 3 {
			t.Fatalf("%d rate counters keyed to alice, want her invitations, sign-up mails and failed logins", herCounters)
		}
		r = del(alice.C, alice.AuthKey, alice.Email)
		wantStatus(t, r, 204, "delete the account")
		if sc := r.Header.Get("Set-Cookie"); !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("the session cookie is not cleared: %q", sc)
		}
		wantClosed(t, aws, "alice's other session's socket")
		bws.Await("bob's group changed", changed(bobs.ID, "rotation_needed"))
		s.WaitMail(t, alice.Email, "Your sealkit account was deleted")
		waitJobsDone(t, s)
		got := rowChanges(before, tableRows(t, s))
		want := []string{
			"job send_mail +1", // the last mail
			"table checkins -1",
			"table dev_mail +1",
			"table group_checkins -1",
			"table group_invitations -2", // to her, and from her
			"table group_keys -2",        // her copies in Bob's group and the one she handed over
			"table group_members -2",
			"table habits -1",
			fmt.Sprintf("table rate_counters %+d", -herCounters), // her invitations, her address's sign-up mails and failed logins
			"table sessions -2",
			"table user_habits -1",
			"table users -1",
		}
		// The invitations' jobs: gone with them.
		want = append(want, "job group_invitation -2")
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("row changes:\n got %v\nwant %v", got, want)
		}
		// Nothing anywhere holds her id or blind index.
		if where := rowsMentioning(t, s, alice.ID, idx, idx[:32]); len(where) > 0 {
			t.Fatalf("rows still name alice: %v", where)
		}
		var rotation int
		var author *string
		st := s.App.Store().DB
		st.QueryRow(`SELECT rotation_needed FROM groups WHERE id = $1`, bobs.ID).Scan(&rotation)
		st.QueryRow(`SELECT author_id FROM group_goals WHERE id = $1`, goal.ID).Scan(&author)
		if rotation != 1 || author != nil {
			t.Fatalf("bob's group: rotation_needed %d, goal author %v; want 1 and none", rotation, author)
		}
		st.QueryRow(`SELECT rotation_needed FROM groups WHERE id = $1`, handed.ID).Scan(&rotation)
		if rotation != 1 {
			t.Fatalf("the handed-over group: rotation_needed %d, want 1", rotation)
		}
		wantStatus(t, alice.C.JSON(t, "GET", "/api/me", nil), 401, "the deleting session")
		wantStatus(t, second.JSON(t, "GET", "/api/me", nil), 401, "her other session")

		// The address registers again, from scratch.
		again := apptest.NewUser(t, alice.Email, "a new password for alice")
		c := apptest.NewClient(s.URL)
		s.SignUp(t, c, again)
		wantStatus(t, c.LogIn(t, again), 200, "log in to the new account")
		wantStatus(t, apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/login", map[string]string{"email": alice.Email, "auth_key": b64.Encode(alice.AuthKey)}), 401, "the old password")
	})
}

// accountIndex is the blind index of a user's address.
func accountIndex(t *testing.T, s *apptest.Server, uid string) string {
	t.Helper()
	var idx string
	if err := s.App.Store().DB.QueryRow(`SELECT email_index FROM users WHERE id = $1`, uid).Scan(&idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// rowsMentioning lists "table.column" of every text value in the
// database (River's tables included) that contains one of needles.
func rowsMentioning(t *testing.T, s *apptest.Server, needles ...string) []string {
	t.Helper()
	q := `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	if s.DB.Backend == "sqlite" {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	}
	db := s.App.Store().DB
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tb, col})
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		expr := `CAST("` + c[1] + `" AS TEXT)`
		if s.DB.Backend == "sqlite" && strings.HasPrefix(c[0], "river_") {
			expr = `CAST(CASE WHEN json_valid("` + c[1] + `", 8) THEN json("` + c[1] + `") ELSE "` + c[1] + `" END AS TEXT)`
		}
		for _, n := range needles {
			var k int
			if err := db.QueryRow(`SELECT COUNT(*) FROM "`+c[0]+`" WHERE `+expr+` LIKE $1`, "%"+n+"%").Scan(&k); err != nil {
				t.Fatalf("%s.%s: %v", c[0], c[1], err)
			}
			if k > 0 {
				out = append(out, c[0]+"."+c[1])
			}
		}
	}
	return out
}

// TestDeleteAccountRace: eight deletions of one account at once, from
// eight of its sessions: exactly one succeeds, the others are logged out
// (401), nothing answers 5xx or logs an error, and one last mail is sent.
func TestDeleteAccountRace(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		alice := s.NewMember(t, "alice@example.test")
		clients := []*apptest.Client{alice.C}
		for range 7 {
			clients = append(clients, loginAgain(t, s, alice.User))
		}
		statuses := make([]int, len(clients))
		apptest.Together(len(clients), func(i int) {
			r, err := clients[i].TryJSON("POST", "/api/me/delete", map[string]string{"auth_key": b64.Encode(alice.AuthKey), "email": alice.Email})
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = r.Status
		})
		slices.Sort(statuses)
		if want := []int{204, 401, 401, 401, 401, 401, 401, 401}; !slices.Equal(statuses, want) {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
		mailsTo(t, s, alice.Email, "Your sealkit account was deleted", 1)
		if strings.Contains(s.Log.String(), "level=ERROR") {
			t.Fatalf("errors logged:\n%s", grepLines(s.Log.String(), "level=ERROR"))
		}
	})
}

// wantClosed reads ws until it ends: it must close with 1008. Messages
// before the close are skipped: pushes of the setup (a holder's pending
// list, say) may still be on their way when the session ends.
func wantClosed(t *testing.T, ws *apptest.WS, what string) {
	t.Helper()
	for {
		_, err := ws.Next(15 * time.Second)
		if err == nil {
			continue
		}
		if st := websocket.CloseStatus(err); st != websocket.StatusPolicyViolation {
			t.Fatalf("%s: the socket ended with %v (status %d), want a close with status 1008", what, err, st)
		}
		return
	}
}
