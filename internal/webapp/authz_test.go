package webapp_test

// The authorization matrix (docs/PROTOCOL.md §6, §7, §8, §9): every route
// that acts on a group, a habit, an invitation or an announcement, sent by
// each actor — anonymous, a signed-in non-member, a pending member, a
// pending admin, a member, an admin, the owner — gets exactly the status
// the protocol allows, and a refused request changes nothing at all. The
// WebSocket's key_distributed message is checked the same way, forgery by
// forgery.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// authzActor is who sends a request.
type authzActor int

const (
	authzAnon         authzActor = iota // a client without a session
	authzNonMember                      // signed up and logged in, not in the group
	authzPending                        // a member (role member) without the current key
	authzPendingAdmin                   // an admin without the current key
	authzMember                         // a member holding the current key
	authzAdmin                          // an admin holding the current key
	authzOwner                          // the group's creator, holding the current key
	authzActors                         // how many actors there are
)

var authzActorNames = [authzActors]string{"anonymous", "non-member", "pending", "pending admin", "member", "admin", "owner"}

// authzWant is the expected status for each actor, in authzActor order.
type authzWant [authzActors]int

// authzW is a row's statuses. §7 has one column for "pending (any role,
// no key)": the pending admin must get what the pending member gets.
func authzW(anonymous, nonMember, pending, member, admin, owner int) authzWant {
	return authzWant{anonymous, nonMember, pending, pending, member, admin, owner}
}

// authzReq is one request of the matrix.
type authzReq struct {
	method, path string
	body         any // sent as JSON; nil: no body
}

// authzRow is one line of the matrix: a route, what is tried on it, and
// the status each actor must get.
type authzRow struct {
	route string // the pattern exactly as in routes.go
	name  string // what the row tries
	want  authzWant
	// noop: the allowed outcome changes nothing either, so the allowed
	// cells also run on the shared fixture and are checked like refusals.
	noop bool
	// additive: the allowed outcome only adds rows (or rewrites the
	// caller's own check-in) that no other cell depends on, so the allowed
	// cells run on the shared fixture too; they must still change something.
	additive bool
	req      func(t *testing.T, f *authzFixture, a authzActor) authzReq
}

// authzCoveredElsewhere are the /api/ routes deliberately without a row,
// and where they are tested. TestAuthzCoversEveryRoute fails for any other
// route of routes.go that has no row.
var authzCoveredElsewhere = map[string]string{
	"POST /api/auth/register":          "no session involved: TestAccountLifecycle, TestBadInput, TestRegisterExistingEmail",
	"POST /api/auth/register/finish":   "no session involved (the mailed token is the authority): TestSignupCannotBeSquatted, TestSignupLinks, TestSignupFinishRaces",
	"POST /api/auth/salt":              "no session involved: TestSaltEndpoint, TestSaltRateLimit",
	"POST /api/auth/login":             "no session involved: TestAccountLifecycle, TestFailedLoginLimits, TestLoginFailuresAlike",
	"POST /api/auth/key-cache":         "only ever the caller's own session: TestKeyCacheSecret",
	"GET /api/me":                      "only ever the caller's own account: TestAccountLifecycle; anonymous 401 in TestBadInput",
	"PUT /api/me/profile":              "only ever the caller's own account: TestAccountLifecycle; anonymous 401 in TestBadInput",
	"PUT /api/me/settings":             "only ever the caller's own account: TestAccountLifecycle",
	"POST /api/csp-report":             "no session involved, stores nothing",
	"GET /api/ws":                      "TestAuthzWebSocket (handshake and every key_distributed forgery)",
	"GET /api/sessions":                "only ever the caller's own sessions: TestSessionsAPI (anonymous 401)",
	"PUT /api/sessions/current/device": "only ever the caller's own session: TestSessionsAPI (anonymous 401, bad input)",
	"DELETE /api/sessions/{id}":        "another user's session id is unknown (404, nothing changed): TestSessionsAPI",
	"POST /api/sessions/end-others":    "only ever the caller's own sessions, others' untouched: TestSessionsAPI",
	"POST /api/me/delete":              "only ever the caller's own account, another's password or address refused: TestDeleteAccountAPI",
	"POST /api/auth/password":          "only ever the caller's own account, proven by its password: TestPasswordAndRecoveryRoutes",
	"PUT /api/auth/recovery":           "only ever the caller's own account, proven by its password: TestPasswordAndRecoveryRoutes",
	"POST /api/auth/recover":           "no session involved (the recovery key is the authority): TestPasswordAndRecoveryRoutes",
	"POST /api/auth/recover/finish":    "no session involved (the recovery key is the authority): TestPasswordAndRecoveryRoutes",
	"PUT /api/me/identity":             "only ever the caller's own account, proven by its password (another user's proof 403): TestIdentityAPI",
	"PUT /api/me/identity/bundle":      "only ever the caller's own account, under its own stored identity key: TestIdentityAPI",
	"PUT /api/me/contacts":             "only ever the caller's own contacts (compare-and-swap): TestIdentityAPI",
}

// authzRows is the matrix. Columns: anonymous, non-member, pending (a
// member and, with the same status, an admin — neither holding the
// current key), member, admin, owner. The group is at key version 2
// (rotated once, so there is stale content under version 1).
func authzRows() []authzRow {
	var (
		session = authzW(401, 200, 200, 200, 200, 200)
		reader  = authzW(401, 404, 200, 200, 200, 200)
		admins  = authzW(401, 404, 403, 403, 200, 200)
		mine    = authzW(401, 404, 404, 404, 404, 204) // the owner's habit or announcement
	)
	get := func(path func(f *authzFixture) string) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(_ *testing.T, f *authzFixture, _ authzActor) authzReq { return authzReq{"GET", path(f), nil} }
	}
	bare := func(method string, path func(f *authzFixture) string) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(_ *testing.T, f *authzFixture, _ authzActor) authzReq { return authzReq{method, path(f), nil} }
	}
	group := func(f *authzFixture) string { return "/api/groups/" + f.gid }
	remove := func(target authzActor, holders ...authzActor) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(t *testing.T, f *authzFixture, a authzActor) authzReq {
			k := sealkit.GenerateKey()
			return authzReq{"POST", group(f) + "/members/" + f.uid(target) + "/remove",
				map[string]any{"key_version": 2, "keys": f.keysFor(t, k, holders...), "key_statement": f.statement(t, a, k)}}
		}
	}
	role := func(target authzActor, r string) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(_ *testing.T, f *authzFixture, _ authzActor) authzReq {
			return authzReq{"PUT", group(f) + "/members/" + f.uid(target) + "/role", map[string]string{"role": r}}
		}
	}
	checkin := func(goal func(f *authzFixture) string) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
			return authzReq{"PUT", group(f) + "/goals/" + goal(f) + "/checkins/" + f.day,
				map[string]any{"encrypted_note": apptest.Encrypt(t, "went well", f.k2), "key_version": 2}}
		}
	}
	reencrypt := func(kind string, id func(f *authzFixture) string) func(*testing.T, *authzFixture, authzActor) authzReq {
		return func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
			return authzReq{"POST", group(f) + "/reencrypt", map[string]any{"key_version": 2, "items": []map[string]any{
				{"kind": kind, "id": id(f), "from_version": 1, "ciphertext": apptest.Encrypt(t, f.name, f.k2)},
			}}}
		}
	}
	habit := func(f *authzFixture) string { return "/api/habits/" + f.habit }

	// authzW(anonymous, non-member, pending (member and admin), member, admin, owner)
	return []authzRow{
		// Groups (§7.4).
		{route: "GET /api/groups", name: "list my groups", want: session, req: get(func(*authzFixture) string { return "/api/groups" })},
		{route: "POST /api/groups", name: "create a group", want: authzW(401, 201, 201, 201, 201, 201), additive: true,
			req: func(t *testing.T, f *authzFixture, a authzActor) authzReq {
				k := sealkit.GenerateKey()
				id := apptest.NewRowID()
				signer := "0123456789abcdef0123456789abcdef" // the anonymous caller's: its 401 comes first
				if u := f.w.user(a); u != nil {
					signer = u.ID
				}
				return authzReq{"POST", "/api/groups", map[string]string{"id": id,
					"encrypted_name": apptest.Encrypt(t, "a new group", k), "encrypted_key": f.sealTo(t, a, k),
					"key_statement": apptest.KeyStatement(t, id, signer, 1, k, "")}}
			}},
		{route: "GET /api/groups/{id}", name: "read the group", want: reader, req: get(group)},
		{route: "GET /api/groups/{id}", name: "read a group that does not exist", want: authzW(401, 404, 404, 404, 404, 404),
			req: get(func(*authzFixture) string { return "/api/groups/" + authzHex(16) })},
		{route: "DELETE /api/groups/{id}", name: "delete the group", want: authzW(401, 404, 403, 403, 403, 204), req: bare("DELETE", group)},
		{route: "POST /api/groups/{id}/invitations", name: "invite an address", want: authzW(401, 404, 403, 403, 202, 202), additive: true,
			req: func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
				email := "invitee-" + authzHex(4) + "@example.test"
				return authzReq{"POST", group(f) + "/invitations", map[string]any{
					"email": email, "encrypted_label": apptest.Encrypt(t, email, f.k2), "key_version": 2}}
			}},
		{route: "DELETE /api/groups/{id}/invitations/{inv}", name: "cancel the group's invitation", want: authzW(401, 404, 403, 403, 204, 204),
			req: bare("DELETE", func(f *authzFixture) string { return group(f) + "/invitations/" + f.invitation })},
		{route: "DELETE /api/groups/{id}/invitations/{inv}", name: "cancel another group's invitation through this group", want: authzW(401, 404, 403, 403, 404, 404),
			req: bare("DELETE", func(f *authzFixture) string { return group(f) + "/invitations/" + f.w.other.invitation })},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "make the member an admin", want: authzW(401, 404, 403, 403, 403, 204), req: role(authzMember, "admin")},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "demote the admin", want: authzW(401, 404, 403, 403, 403, 204), req: role(authzAdmin, "member")},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "change the owner's role", want: authzW(401, 404, 403, 403, 403, 409), req: role(authzOwner, "admin")},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "hand the group over to the member", want: authzW(401, 404, 403, 403, 403, 204), req: role(authzMember, "owner")},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "hand the group over to the pending member", want: authzW(401, 404, 403, 403, 403, 409), req: role(authzPending, "owner")},
		{route: "PUT /api/groups/{id}/members/{user}/role", name: "make a non-member an admin", want: authzW(401, 404, 403, 403, 403, 404), req: role(authzNonMember, "admin")},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove the member", want: admins, req: remove(authzMember, authzOwner, authzAdmin)},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove the pending member", want: admins, req: remove(authzPending, authzOwner, authzAdmin, authzMember)},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove the admin", want: authzW(401, 404, 403, 403, 409, 200), req: remove(authzAdmin, authzOwner, authzMember)},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove the pending admin", want: authzW(401, 404, 403, 403, 403, 200), req: remove(authzPendingAdmin, authzOwner, authzAdmin, authzMember)},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove the owner", want: authzW(401, 404, 403, 403, 409, 409), req: remove(authzOwner, authzAdmin, authzMember)},
		{route: "POST /api/groups/{id}/members/{user}/remove", name: "remove a non-member", want: authzW(401, 404, 403, 403, 404, 404), req: remove(authzNonMember, authzOwner, authzAdmin, authzMember)},
		{route: "POST /api/groups/{id}/leave", name: "leave", want: authzW(401, 404, 204, 204, 204, 409), req: bare("POST", func(f *authzFixture) string { return group(f) + "/leave" })},
		{route: "POST /api/groups/{id}/rotate", name: "rotate the key", want: admins,
			req: func(t *testing.T, f *authzFixture, a authzActor) authzReq {
				k := sealkit.GenerateKey()
				return authzReq{"POST", group(f) + "/rotate", map[string]any{"key_version": 2, "keys": f.keysFor(t, k, authzOwner, authzAdmin, authzMember), "key_statement": f.statement(t, a, k)}}
			}},
		// The fixture's chain exists: an admin's first-use statement is refused.
		{route: "PUT /api/groups/{id}/key-statement", name: "sign a group's key version again", want: authzW(401, 404, 403, 403, 409, 409),
			req: func(t *testing.T, f *authzFixture, a authzActor) authzReq {
				signer := "0123456789abcdef0123456789abcdef"
				if u := f.w.user(a); u != nil {
					signer = u.ID
				}
				return authzReq{"PUT", group(f) + "/key-statement", map[string]any{"key_version": 2, "key_statement": apptest.KeyStatement(t, f.gid, signer, 2, f.k2, "")}}
			}},
		{route: "GET /api/groups/{id}/reencrypt", name: "list stale ciphertexts", want: admins, req: get(func(f *authzFixture) string { return group(f) + "/reencrypt?limit=10" })},
		{route: "POST /api/groups/{id}/reencrypt", name: "re-encrypt the name", want: admins, req: reencrypt("group", func(f *authzFixture) string { return f.gid })},
		{route: "POST /api/groups/{id}/reencrypt", name: "re-encrypt another group's goal through this group", want: admins, noop: true,
			req: reencrypt("goal", func(f *authzFixture) string { return f.w.other.goal })},
		{route: "POST /api/groups/{id}/goals", name: "add a goal", want: authzW(401, 404, 403, 201, 201, 201), additive: true,
			req: func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
				return authzReq{"POST", group(f) + "/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "read 20 pages", f.k2), "key_version": 2}}
			}},
		{route: "DELETE /api/groups/{id}/goals/{goal}", name: "delete the member's goal", want: authzW(401, 404, 403, 204, 204, 204),
			req: bare("DELETE", func(f *authzFixture) string { return group(f) + "/goals/" + f.goalByMember })},
		{route: "DELETE /api/groups/{id}/goals/{goal}", name: "delete the owner's goal", want: authzW(401, 404, 403, 403, 204, 204),
			req: bare("DELETE", func(f *authzFixture) string { return group(f) + "/goals/" + f.goalByOwner })},
		{route: "DELETE /api/groups/{id}/goals/{goal}", name: "delete another group's goal through this group", want: authzW(401, 404, 403, 404, 404, 404),
			req: bare("DELETE", func(f *authzFixture) string { return group(f) + "/goals/" + f.w.other.goal })},
		{route: "PUT /api/groups/{id}/goals/{goal}/checkins/{day}", name: "check in", want: authzW(401, 404, 403, 204, 204, 204), additive: true,
			req: checkin(func(f *authzFixture) string { return f.goalByMember })},
		{route: "PUT /api/groups/{id}/goals/{goal}/checkins/{day}", name: "check in to another group's goal through this group", want: authzW(401, 404, 403, 404, 404, 404),
			req: checkin(func(f *authzFixture) string { return f.w.other.goal })},

		// Invitations (§7.1): only the invitee — here the non-member.
		{route: "POST /api/invitations/{id}/accept", name: "accept the non-member's invitation", want: authzW(401, 200, 404, 404, 404, 404),
			req: bare("POST", func(f *authzFixture) string { return "/api/invitations/" + f.invitation + "/accept" })},
		{route: "POST /api/invitations/{id}/accept", name: "accept a stranger's invitation", want: authzW(401, 404, 404, 404, 404, 404),
			req: bare("POST", func(f *authzFixture) string { return "/api/invitations/" + f.w.other.invitation + "/accept" })},
		{route: "POST /api/invitations/{id}/decline", name: "decline the non-member's invitation", want: authzW(401, 204, 404, 404, 404, 404),
			req: bare("POST", func(f *authzFixture) string { return "/api/invitations/" + f.invitation + "/decline" })},
		{route: "POST /api/invitations/{id}/decline", name: "decline a stranger's invitation", want: authzW(401, 404, 404, 404, 404, 404),
			req: bare("POST", func(f *authzFixture) string { return "/api/invitations/" + f.w.other.invitation + "/decline" })},

		// Habits (§6): the owner's habit; anyone else gets 404.
		{route: "GET /api/habits", name: "list my habits", want: session, req: get(func(*authzFixture) string { return "/api/habits" })},
		{route: "POST /api/habits", name: "create a habit", want: authzW(401, 201, 201, 201, 201, 201), additive: true,
			req: func(t *testing.T, f *authzFixture, a authzActor) authzReq {
				k := sealkit.GenerateKey()
				return authzReq{"POST", "/api/habits", map[string]string{
					"encrypted_key": f.sealTo(t, a, k), "encrypted_name": apptest.Encrypt(t, "stretch", k), "colour": "#228844"}}
			}},
		{route: "GET /api/habits/{id}", name: "read the owner's habit", want: authzW(401, 404, 404, 404, 404, 200), req: get(habit)},
		{route: "GET /api/habits/{id}/checkins", name: "page through the owner's check-ins", want: authzW(401, 404, 404, 404, 404, 200),
			req: get(func(f *authzFixture) string { return habit(f) + "/checkins" })},
		{route: "PUT /api/habits/{id}", name: "edit the owner's habit", want: mine,
			req: func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
				return authzReq{"PUT", habit(f), map[string]string{"encrypted_name": apptest.Encrypt(t, "renamed", f.habitKey), "colour": "#112233"}}
			}},
		{route: "PUT /api/habits/{id}/archived", name: "archive the owner's habit", want: mine,
			req: func(_ *testing.T, f *authzFixture, _ authzActor) authzReq {
				return authzReq{"PUT", habit(f) + "/archived", map[string]bool{"archived": true}}
			}},
		{route: "DELETE /api/habits/{id}", name: "delete the owner's habit", want: mine, req: bare("DELETE", habit)},
		{route: "PUT /api/habits/{id}/checkins/{day}", name: "check in to the owner's habit", want: mine,
			req: func(t *testing.T, f *authzFixture, _ authzActor) authzReq {
				return authzReq{"PUT", habit(f) + "/checkins/" + f.day, map[string]string{"encrypted_note": apptest.Encrypt(t, "another note", f.habitKey)}}
			}},
		{route: "DELETE /api/habits/{id}/checkins/{day}", name: "delete the owner's check-in", want: mine,
			req: bare("DELETE", func(f *authzFixture) string { return habit(f) + "/checkins/" + f.day })},

		// Announcements (§9): the owner's copy; anyone else gets 404.
		{route: "GET /api/announcements", name: "list my announcements", want: session, req: get(func(*authzFixture) string { return "/api/announcements" })},
		{route: "DELETE /api/announcements/{id}", name: "dismiss the owner's copy", want: mine,
			req: bare("DELETE", func(f *authzFixture) string { return "/api/announcements/" + f.w.announcement })},
	}
}

// authzWorld is one server with the six signed-up actors (and an
// anonymous client), shared by every fixture.
type authzWorld struct {
	s      *apptest.Server
	clock  *apptest.Clock // frozen; moved an hour forward by each new fixture
	anon   *apptest.Client
	users  [authzActors]*apptest.Member // nil for anonymous
	tables []string                     // the app's tables (River's own excluded)
	other  authzOther
	// announcement is the owner's copy of an announcement.
	announcement string
}

// authzOther is the non-member's own group: a group the fixture's members
// are not in (except the owner, who is a pending admin there).
type authzOther struct {
	gid        string
	key        []byte
	goal       string
	invitation string // to an address without an account
}

// authzFixture is one group with a member of every kind, and the owner's
// habit.
type authzFixture struct {
	w                         *authzWorld
	gid                       string
	name                      string
	k1, k2                    []byte // group key versions 1 and 2 (current)
	goalByMember, goalByOwner string // under version 1
	invitation                string // outstanding, to the non-member
	day                       string // yesterday (UTC)
	habit                     string // the owner's, with a check-in on day
	habitKey                  []byte
}

func authzHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func authzMust(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: got %d %s, want %d", what, r.Status, bytes.TrimSpace(r.Body), want)
	}
}

func (w *authzWorld) user(a authzActor) *apptest.Member { return w.users[a] }

func (w *authzWorld) client(a authzActor) *apptest.Client {
	if a == authzAnon {
		return w.anon
	}
	return w.users[a].C
}

func newAuthzWorld(t *testing.T, db *apptest.DB) *authzWorld {
	t.Helper()
	// Each fixture invites five addresses and the matrix makes 33 of them,
	// far more than one user may invite in an hour (webapp.InviteLimit):
	// the server's clock moves an hour forward with each new fixture. It
	// moves only then, so that what has expired (and what River's cleanup
	// job may delete whenever it runs) changes only then too; see snap.
	clock := apptest.NewFrozenClock(time.Now())
	s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.SaltLimit = 1000; c.Now = clock.Now }})
	w := &authzWorld{s: s, clock: clock, anon: apptest.NewClient(s.URL)}
	tag := authzHex(3)
	for a, name := range map[authzActor]string{authzNonMember: "nina", authzPending: "pete", authzPendingAdmin: "paula", authzMember: "mia", authzAdmin: "adam", authzOwner: "olga"} {
		w.users[a] = s.NewMember(t, name+"-"+tag+"@example.test")
	}
	w.tables = w.appTables(t)

	// The non-member's own group, with a goal, an invitation to an address
	// without an account, and the owner of the fixtures as a pending admin.
	n, o := w.user(authzNonMember), w.user(authzOwner)
	w.other.key = sealkit.GenerateKey()
	oid := apptest.NewRowID()
	r := n.C.JSON(t, "POST", "/api/groups", map[string]string{"id": oid,
		"encrypted_name": apptest.Encrypt(t, "nina's group", w.other.key), "encrypted_key": n.SealKey(t, w.other.key),
		"key_statement": apptest.KeyStatement(t, oid, n.ID, 1, w.other.key, "")})
	authzMust(t, r, 201, "create the other group")
	w.other.gid = authzID(t, r)
	r = n.C.JSON(t, "POST", "/api/groups/"+w.other.gid+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "nina's goal", w.other.key), "key_version": 1})
	authzMust(t, r, 201, "the other group's goal")
	w.other.goal = authzID(t, r)
	for _, email := range []string{"stranger-" + tag + "@example.test", o.Email} {
		authzMust(t, n.C.JSON(t, "POST", "/api/groups/"+w.other.gid+"/invitations", map[string]any{
			"email": email, "encrypted_label": apptest.Encrypt(t, email, w.other.key), "key_version": 1}), 202, "invite to the other group")
	}
	authzMust(t, o.C.JSON(t, "POST", "/api/invitations/"+w.invitationTo(t, o, w.other.gid)+"/accept", nil), 200, "the owner joins the other group")
	authzMust(t, n.C.JSON(t, "PUT", "/api/groups/"+w.other.gid+"/members/"+o.ID+"/role", map[string]string{"role": "admin"}), 204, "promote in the other group")
	var g groupJSON
	n.C.JSON(t, "GET", "/api/groups/"+w.other.gid, nil).JSON(t, &g)
	if len(g.Invitations) != 1 {
		t.Fatalf("the other group has %d invitations, want 1", len(g.Invitations))
	}
	w.other.invitation = g.Invitations[0].ID

	// An announcement: one copy per user. Dismissing is idempotent, so the
	// owner's copy can serve every fixture.
	if _, _, err := webapp.Announce(context.Background(), s.App.Store(), "authz announcement "+tag, time.Now()); err != nil {
		t.Fatalf("announce: %v", err)
	}
	var l struct {
		Announcements []struct {
			ID string `json:"id"`
		} `json:"announcements"`
	}
	r = o.C.JSON(t, "GET", "/api/announcements", nil)
	authzMust(t, r, 200, "list announcements")
	r.JSON(t, &l)
	if len(l.Announcements) != 1 {
		t.Fatalf("the owner has %d announcements, want 1", len(l.Announcements))
	}
	w.announcement = l.Announcements[0].ID
	return w
}

func authzID(t *testing.T, r *apptest.Response) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	r.JSON(t, &v)
	if v.ID == "" {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

// invitationTo is the id of m's invitation to group gid, which must exist.
func (w *authzWorld) invitationTo(t *testing.T, m *apptest.Member, gid string) string {
	t.Helper()
	id := apptest.InvitationTo(t, m, gid)
	if id == "" {
		t.Fatalf("%s has no invitation to %s", m.Email, gid)
	}
	return id
}

// newFixture builds a group as the browser would: created by the owner;
// the admin, member, pending member and pending admin invited and
// accepted; the two admins promoted; the key distributed over the
// WebSocket to the admin and the member; content under version 1; then a
// rotation to version 2 (so version 1 content is stale). Plus an
// outstanding invitation to the non-member and the owner's habit with a
// check-in.
func (w *authzWorld) newFixture(t *testing.T) *authzFixture {
	t.Helper()
	o, a, m, p, n := w.user(authzOwner), w.user(authzAdmin), w.user(authzMember), w.user(authzPending), w.user(authzNonMember)
	pa := w.user(authzPendingAdmin)
	w.clock.Advance(time.Hour)
	f := &authzFixture{w: w, name: "authz group " + authzHex(4), k1: sealkit.GenerateKey(), k2: sealkit.GenerateKey(),
		day: time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}
	gid := apptest.NewRowID()
	r := o.C.JSON(t, "POST", "/api/groups", map[string]string{"id": gid, "encrypted_name": apptest.Encrypt(t, f.name, f.k1), "encrypted_key": o.SealKey(t, f.k1),
		"key_statement": apptest.KeyStatement(t, gid, o.ID, 1, f.k1, "")})
	authzMust(t, r, 201, "create the group")
	f.gid = authzID(t, r)
	g := "/api/groups/" + f.gid
	invite := func(who *apptest.Member) {
		authzMust(t, o.C.JSON(t, "POST", g+"/invitations", map[string]any{
			"email": who.Email, "encrypted_label": apptest.Encrypt(t, who.Email, f.k1), "key_version": 1}), 202, "invite "+who.Email)
	}
	for _, who := range []*apptest.Member{a, m, p, pa} {
		invite(who)
		authzMust(t, who.C.JSON(t, "POST", "/api/invitations/"+w.invitationTo(t, who, f.gid)+"/accept", nil), 200, "accept")
	}
	for _, who := range []*apptest.Member{a, pa} {
		authzMust(t, o.C.JSON(t, "PUT", g+"/members/"+who.ID+"/role", map[string]string{"role": "admin"}), 204, "promote "+who.Email)
	}

	ws := o.C.Dial(t)
	ws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
	for i, who := range []*apptest.Member{a, m} {
		ref := fmt.Sprintf("fixture-%d", i)
		ws.Send(map[string]any{"type": "key_distributed", "ref": ref, "group_id": f.gid, "user_id": who.ID, "key_version": 1, "encrypted_key": who.SealKey(t, f.k1)})
		if reply := authzReply(ws, ref); reply.Type() != "ack" {
			t.Fatalf("distribute the key to %s: %v", who.Email, reply)
		}
	}
	ws.Conn.Close(websocket.StatusNormalClosure, "")

	r = m.C.JSON(t, "POST", g+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "run 5k", f.k1), "key_version": 1})
	authzMust(t, r, 201, "the member's goal")
	f.goalByMember = authzID(t, r)
	r = o.C.JSON(t, "POST", g+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "swim", f.k1), "key_version": 1})
	authzMust(t, r, 201, "the owner's goal")
	f.goalByOwner = authzID(t, r)
	authzMust(t, m.C.JSON(t, "PUT", g+"/goals/"+f.goalByMember+"/checkins/"+f.day, map[string]any{
		"encrypted_note": apptest.Encrypt(t, "done", f.k1), "key_version": 1}), 204, "the member's check-in")
	invite(n)
	f.invitation = w.invitationTo(t, n, f.gid)
	authzMust(t, o.C.JSON(t, "POST", g+"/rotate", map[string]any{"key_version": 1, "keys": f.keysFor(t, f.k2, authzOwner, authzAdmin, authzMember),
		"key_statement": apptest.NextKeyStatement(t, o, f.gid, f.k2)}), 200, "rotate to version 2")

	f.habitKey = sealkit.GenerateKey()
	r = o.C.JSON(t, "POST", "/api/habits", map[string]string{
		"encrypted_key": o.SealKey(t, f.habitKey), "encrypted_name": apptest.Encrypt(t, "meditate", f.habitKey), "colour": "#336699"})
	authzMust(t, r, 201, "the owner's habit")
	f.habit = authzID(t, r)
	authzMust(t, o.C.JSON(t, "PUT", "/api/habits/"+f.habit+"/checkins/"+f.day, map[string]string{
		"encrypted_note": apptest.Encrypt(t, "calm", f.habitKey)}), 204, "the habit's check-in")

	// The fixture is what the matrix assumes.
	gr := getGroup(t, o, f.gid)
	roles := map[string]string{}
	for _, mb := range gr.Members {
		roles[mb.UserID] = fmt.Sprintf("%s pending=%v", mb.Role, mb.Pending)
	}
	wantRoles := map[string]string{
		o.ID: "owner pending=false", a.ID: "admin pending=false", m.ID: "member pending=false",
		p.ID: "member pending=true", pa.ID: "admin pending=true",
	}
	if gr.KeyVersion != 2 || gr.Stale == 0 || len(gr.Goals) != 2 || len(gr.Invitations) != 1 || !maps.Equal(roles, wantRoles) {
		t.Fatalf("fixture: key_version %d, stale %d, %d goals, %d invitations, members %v; want 2, >0, 2, 1, %v",
			gr.KeyVersion, gr.Stale, len(gr.Goals), len(gr.Invitations), roles, wantRoles)
	}
	return f
}

func (f *authzFixture) uid(a authzActor) string { return f.w.user(a).ID }

// sealTo seals key to actor a (to the owner for anonymous, whose request
// is refused before its body is read).
func (f *authzFixture) sealTo(t *testing.T, a authzActor, key []byte) string {
	t.Helper()
	if a == authzAnon {
		a = authzOwner
	}
	return f.w.user(a).SealKey(t, key)
}

// keysFor is the keys of a rotation: key sealed to each of who.
// statement is actor a's statement of key version 3 (the fixture's next),
// linked to the chain the owner reads (an anonymous actor's names a
// made-up user: its request is refused before the statement matters).
func (f *authzFixture) statement(t *testing.T, a authzActor, key []byte) string {
	t.Helper()
	signer := "0123456789abcdef0123456789abcdef"
	if u := f.w.user(a); u != nil {
		signer = u.ID
	}
	v, tip := apptest.ChainTip(t, f.w.user(authzOwner), f.gid)
	return apptest.KeyStatement(t, f.gid, signer, v+1, key, tip)
}

func (f *authzFixture) keysFor(t *testing.T, key []byte, who ...authzActor) []map[string]string {
	t.Helper()
	out := make([]map[string]string, 0, len(who))
	for _, a := range who {
		out = append(out, map[string]string{"user_id": f.uid(a), "encrypted_key": f.sealTo(t, a, key)})
	}
	return out
}

func (w *authzWorld) send(t *testing.T, a authzActor, req authzReq) *apptest.Response {
	t.Helper()
	if req.body == nil {
		return w.client(a).Do(t, req.method, req.path, "", nil)
	}
	return w.client(a).JSON(t, req.method, req.path, req.body)
}

// appTables lists the database's tables, River's bookkeeping excluded (it
// changes by itself; river_job is still counted, by apptest's Counts).
func (w *authzWorld) appTables(t *testing.T) []string {
	t.Helper()
	q := `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	if w.s.DB.Backend == "sqlite" {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	}
	rows, err := w.s.App.Store().DB.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "river_") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	for _, must := range []string{"users", "groups", "group_members", "group_keys", "group_invitations", "group_goals", "group_checkins", "habits", "user_habits", "checkins", "user_announcements"} {
		if !slices.Contains(out, must) {
			t.Fatalf("table %s not found among %v", must, out)
		}
	}
	return out
}

// tableDigest is a table's row count and a hash of all its rows (in any
// order), so that an update in place shows as well as an insert or delete.
func tableDigest(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	// A session's last use is recorded by any signed-in request (at most
	// once a minute), refused or not: it is not something a request
	// changes, and it moves whenever the matrix runs long.
	skip := -1
	if table == "sessions" {
		skip = slices.Index(cols, "last_seen")
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var sums [][sha256.Size]byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for i, v := range vals {
			if i == skip {
				continue
			}
			if v == nil {
				h.Write([]byte{0})
			} else {
				h.Write([]byte{1, byte(len(v) >> 24), byte(len(v) >> 16), byte(len(v) >> 8), byte(len(v))})
				h.Write(v)
			}
		}
		sums = append(sums, [sha256.Size]byte(h.Sum(nil)))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sums, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, s := range sums {
		h.Write(s[:])
	}
	return fmt.Sprintf("%d rows, sha256 %x", len(sums), h.Sum(nil)[:6])
}

// authzSnap is everything a refused request must leave as it was: every
// app table (row count and content), apptest's Counts, and the owner's
// view of the fixture's group.
type authzSnap map[string]string

func (w *authzWorld) snap(t *testing.T, f *authzFixture) authzSnap {
	t.Helper()
	// River's cleanup job deletes expired rows (sessions, sign-ups, rate
	// counters, invitations) on start — whenever its leader gets round to
	// it — and every ten minutes. Doing its work here first, at the
	// server's frozen time, leaves it nothing to delete before the clock
	// next moves (with the next fixture, before the next snapshot).
	st := w.s.App.Store()
	if _, err := st.Cleanup(context.Background(), w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeleteExpiredInvitations(context.Background(), w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s := authzSnap{}
	db := st.DB
	for _, tb := range w.tables {
		s["table "+tb] = tableDigest(t, db, tb)
	}
	for tb, n := range w.s.Counts(t) {
		s["count "+tb] = fmt.Sprint(n)
	}
	// river_job counts only the jobs requests insert. River's leader also
	// inserts the periodic cleanup job (on start and every ten minutes),
	// whenever it gets round to it — once, under load, in the middle of
	// the matrix. Those rows carry River's "periodic" mark and are left
	// out; everything else that adds a job row is a request's own
	// transaction, and River's maintenance only updates rows (or deletes
	// completed ones after a day).
	jobs := 0
	for _, n := range w.s.RequestJobs(t) {
		jobs += n
	}
	s["count river_job"] = fmt.Sprint(jobs)
	view := func(name string, a authzActor, path string) {
		r := w.client(a).Do(t, "GET", path, "", nil)
		s["view "+name] = fmt.Sprintf("%d %s", r.Status, bytes.TrimSpace(r.Body))
	}
	// The table digests see every change; the owner's view of the group
	// (key version, members and roles, goals, stale) says it readably.
	view("GET group as owner", authzOwner, "/api/groups/"+f.gid)
	return s
}

// diff lists what changed from s to after.
func (s authzSnap) diff(after authzSnap) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if s[k] != after[k] {
			out = append(out, fmt.Sprintf("%s: %s -> %s", k, authzShort(s[k]), authzShort(after[k])))
		}
	}
	for k := range after {
		if _, ok := s[k]; !ok {
			out = append(out, "new "+k)
		}
	}
	return out
}

func authzShort(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func authzMethod(route string) string { m, _, _ := strings.Cut(route, " "); return m }

// authzMatches reports whether a request (path without the query) is one
// the route pattern serves.
func authzMatches(route, method, path string) bool {
	pm, pp, _ := strings.Cut(route, " ")
	path, _, _ = strings.Cut(path, "?")
	ps, xs := strings.Split(pp, "/"), strings.Split(path, "/")
	if pm != method || len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			if xs[i] == "" {
				return false
			}
		} else if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// TestAuthzMatrix sends every row of the matrix as each actor, on each
// database. Refused requests (and reads) run on one shared fixture and
// must change nothing; allowed writes run on a fresh fixture each, so the
// cells stay independent, and must change something.
func TestAuthzMatrix(t *testing.T) {
	rows := authzRows()
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		start := time.Now()
		w := newAuthzWorld(t, db)
		shared := w.newFixture(t)
		var last authzSnap // of shared, while nothing else has changed the database
		fixtures, cells := 1, 0
		for _, row := range rows {
			for a := range authzActors {
				cells++
				want := row.want[a]
				what := fmt.Sprintf("%s (%s) as %s", row.route, row.name, authzActorNames[a])
				write := want < 300 && !row.noop && authzMethod(row.route) != "GET"
				f := shared
				if write && !row.additive {
					f = w.newFixture(t)
					fixtures++
					last = nil
				}
				req := row.req(t, f, a)
				if !authzMatches(row.route, req.method, req.path) {
					t.Fatalf("%s: the request %s %s is not one of the route", what, req.method, req.path)
				}
				before := last
				if before == nil {
					before = w.snap(t, f)
				}
				r := w.send(t, a, req)
				after := w.snap(t, f)
				if f == shared {
					last = after
				} else {
					last = nil
				}

				switch {
				case r.Status != want:
					t.Errorf("%s: got %d %s, want %d", what, r.Status, authzShort(string(bytes.TrimSpace(r.Body))), want)
				case want == 401 && r.Error() != "log in first":
					t.Errorf("%s: 401 with %q, want \"log in first\"", what, r.Error())
				case a == authzNonMember && want == 404 && strings.Contains(row.route, "/api/groups/{id}") && r.Error() != "group not found":
					t.Errorf("%s: 404 with %q, want \"group not found\" (the same as for a group that does not exist)", what, r.Error())
				case want >= 400 && r.Error() == "":
					t.Errorf("%s: %d without an error message: %s", what, r.Status, r.Body)
				}
				d := before.diff(after)
				switch {
				case !write && len(d) > 0:
					t.Errorf("%s: answered %d but changed:\n  %s", what, r.Status, strings.Join(d, "\n  "))
				case write && r.Status == want && len(d) == 0:
					t.Errorf("%s: answered %d but changed nothing", what, r.Status)
				}
			}
		}
		t.Logf("%d rows, %d cells, %d fixtures, in %v", len(rows), cells, fixtures, time.Since(start).Round(time.Millisecond))
	})
}

// authzReply awaits the ack or error answering ref ("": one without a ref).
func authzReply(ws *apptest.WS, ref string) apptest.Msg {
	return ws.Await("the reply to "+ref, func(m apptest.Msg) bool {
		if m.Type() != "ack" && m.Type() != "error" {
			return false
		}
		got, has := m["ref"]
		if ref == "" {
			return !has
		}
		return got == ref
	})
}

// TestAuthzWebSocket: the handshake needs a session and the same origin;
// forged key_distributed messages are each refused with their exact error
// and change nothing; an oversized message closes the connection (1009)
// and changes nothing; the genuine message from the admin is stored.
func TestAuthzWebSocket(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		w := newAuthzWorld(t, db)
		f := w.newFixture(t)
		o, a, m, p, n := w.user(authzOwner), w.user(authzAdmin), w.user(authzMember), w.user(authzPending), w.user(authzNonMember)

		// The handshake.
		if c, res, err := w.anon.TryDial(w.anon.Base); err == nil || res == nil || res.StatusCode != 401 {
			if c != nil {
				c.CloseNow()
			}
			t.Errorf("anonymous dial: err %v, response %v; want 401", err, res)
		}
		for _, origin := range []string{"https://evil.example", "http://localhost.evil.example"} {
			if c, res, err := m.C.TryDial(origin); err == nil || res == nil || res.StatusCode != 403 {
				if c != nil {
					c.CloseNow()
				}
				t.Errorf("dial from Origin %s: err %v, response %v; want 403", origin, err, res)
			}
		}

		sockets := map[authzActor]*apptest.WS{}
		for _, who := range []authzActor{authzOwner, authzAdmin, authzMember, authzPending, authzPendingAdmin} {
			ws := w.user(who).C.Dial(t)
			ws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
			sockets[who] = ws
		}
		sealedForP := p.SealKey(t, f.k2)
		valid := func(ref string, kv ...any) map[string]any {
			msg := map[string]any{"type": "key_distributed", "ref": ref, "group_id": f.gid, "user_id": p.ID, "key_version": 2, "encrypted_key": sealedForP}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(msg, kv[i].(string))
				} else {
					msg[kv[i].(string)] = kv[i+1]
				}
			}
			return msg
		}
		blob := func(n int, first byte) string {
			b := make([]byte, n)
			rand.Read(b)
			b[0] = first
			return b64.Encode(b)
		}
		validJSON := authzJSON(t, valid("raw"))
		const (
			notFound   = "group not found"
			notPending = "user_id: this member is not pending: it already holds the current key"
			notMember  = "user_id: not a member of this group"
			notAdmin   = "only the group's owner and admins may distribute its key"
			notKeyed   = "you do not hold the group's current key"
			stale      = "key_version: not the group's current key version; reload the group"
			badVersion = "key_version: missing or out of range"
			shape      = "encrypted_key: not a sealed 32-byte key: expected a sealed box (80 bytes) or a hybrid seal (873, 1193 or 1673 bytes with its level's tag)"
			notObject  = "not a JSON object of the expected fields"
		)
		cases := []struct {
			name   string
			from   authzActor
			msg    map[string]any // sent as JSON text, or
			raw    []byte         // sent as is
			binary bool
			ref    string // the ref the reply must carry ("" none)
			want   string // the exact error
		}{
			{name: "a group the sender is not in (the non-member's; the target is pending there)", from: authzAdmin,
				msg: valid("g1", "group_id", w.other.gid, "user_id", o.ID, "key_version", 1, "encrypted_key", o.SealKey(t, w.other.key)), ref: "g1", want: notFound},
			{name: "a group that does not exist", from: authzAdmin, msg: valid("g2", "group_id", authzHex(16)), ref: "g2", want: notFound},
			{name: "the target holds the key already (the member)", from: authzAdmin, msg: valid("t1", "user_id", m.ID, "encrypted_key", m.SealKey(t, f.k2)), ref: "t1", want: notPending},
			{name: "the target is the sender itself", from: authzAdmin, msg: valid("t2", "user_id", a.ID, "encrypted_key", a.SealKey(t, f.k2)), ref: "t2", want: notPending},
			{name: "the target is not a member (the non-member)", from: authzAdmin, msg: valid("t3", "user_id", n.ID, "encrypted_key", n.SealKey(t, f.k2)), ref: "t3", want: notMember},
			{name: "the target does not exist", from: authzAdmin, msg: valid("t4", "user_id", authzHex(16)), ref: "t4", want: notMember},
			{name: "the sender is a plain member", from: authzMember, msg: valid("s1"), ref: "s1", want: notAdmin},
			{name: "the sender is the pending member (to itself)", from: authzPending, msg: valid("s2"), ref: "s2", want: notAdmin},
			{name: "the sender is the pending admin", from: authzPendingAdmin, msg: valid("s3"), ref: "s3", want: notKeyed},
			{name: "the sender is the pending admin (to itself)", from: authzPendingAdmin,
				msg: valid("s4", "user_id", w.user(authzPendingAdmin).ID, "encrypted_key", w.user(authzPendingAdmin).SealKey(t, sealkit.GenerateKey())), ref: "s4", want: notKeyed},
			{name: "the sender is a pending admin of another group (to itself there)", from: authzOwner,
				msg: valid("s5", "group_id", w.other.gid, "user_id", o.ID, "key_version", 1, "encrypted_key", o.SealKey(t, sealkit.GenerateKey())), ref: "s5", want: notKeyed},
			{name: "key_version 0", from: authzAdmin, msg: valid("v0", "key_version", 0), ref: "v0", want: badVersion},
			{name: "key_version missing", from: authzAdmin, msg: valid("v-", "key_version", nil), ref: "v-", want: badVersion},
			{name: "key_version current-1 (before the rotation)", from: authzAdmin, msg: valid("v1", "key_version", 1, "encrypted_key", p.SealKey(t, f.k1)), ref: "v1", want: stale},
			{name: "key_version current+1", from: authzAdmin, msg: valid("v3", "key_version", 3), ref: "v3", want: stale},
			{name: "key_version far out of range", from: authzAdmin, msg: valid("vx", "key_version", int64(1)<<41), ref: "vx", want: badVersion},
			{name: "encrypted_key not base64", from: authzAdmin, msg: valid("k1", "encrypted_key", "!!not base64!!"), ref: "k1", want: "encrypted_key: not valid base64"},
			{name: "encrypted_key unpadded", from: authzAdmin, msg: valid("k2", "encrypted_key", strings.TrimRight(sealedForP, "=")), ref: "k2", want: "encrypted_key: not valid base64"},
			{name: "encrypted_key missing", from: authzAdmin, msg: valid("k3", "encrypted_key", nil), ref: "k3", want: "encrypted_key: missing"},
			{name: "a blob of 79 bytes", from: authzAdmin, msg: valid("k4", "encrypted_key", blob(79, 0)), ref: "k4", want: "encrypted_key: too short: at least 80 bytes, got 79"},
			{name: "a blob of 2049 bytes", from: authzAdmin, msg: valid("k5", "encrypted_key", blob(2049, 2)), ref: "k5", want: "encrypted_key: too long: at most 2048 bytes, got 2049"},
			{name: "a blob of 100 bytes (in range, not a sealed key)", from: authzAdmin, msg: valid("k6", "encrypted_key", blob(100, 2)), ref: "k6", want: shape},
			{name: "1193 bytes with the Cat-1 tag", from: authzAdmin, msg: valid("k7", "encrypted_key", blob(1193, 1)), ref: "k7", want: shape},
			{name: "group_id not an id", from: authzAdmin, msg: valid("i1", "group_id", "../"+f.gid), ref: "i1", want: "group_id: not a group id"},
			{name: "user_id not an id", from: authzAdmin, msg: valid("i2", "user_id", strings.ToUpper(p.ID)), ref: "i2", want: "user_id: not a user id"},
			{name: "an unknown message type", from: authzAdmin, msg: valid("u1", "type", "key_request"), ref: "u1", want: "type: unknown message type"},
			{name: "no message type", from: authzAdmin, msg: valid("u2", "type", nil), ref: "u2", want: "type: unknown message type"},
			{name: "an unknown field", from: authzAdmin, msg: valid("u3", "role", "admin"), want: notObject},
			{name: "a field of the wrong type", from: authzAdmin, msg: valid("u4", "key_version", "2"), want: notObject},
			{name: "ref longer than 64 characters", from: authzAdmin, msg: valid(strings.Repeat("r", 65)), want: "ref: at most 64 characters"},
			{name: "not JSON", from: authzAdmin, raw: []byte("key_distributed please"), want: notObject},
			{name: "a JSON array", from: authzAdmin, raw: []byte(`[` + string(validJSON) + `]`), want: notObject},
			{name: "two messages in one", from: authzAdmin, raw: append(slices.Clone(validJSON), validJSON...), want: notObject},
			{name: "a binary frame", from: authzAdmin, raw: validJSON, binary: true, want: "messages must be JSON text"},
		}

		before := w.snap(t, f)
		for _, tc := range cases {
			ws := sockets[tc.from]
			switch {
			case tc.binary:
				ws.SendRaw(websocket.MessageBinary, tc.raw)
			case tc.raw != nil:
				ws.SendRaw(websocket.MessageText, tc.raw)
			default:
				ws.Send(tc.msg)
			}
			got := authzReply(ws, tc.ref)
			want := apptest.Msg{"type": "error", "error": tc.want}
			if tc.ref != "" {
				want["ref"] = tc.ref
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, want)
			}
			if d := before.diff(w.snap(t, f)); len(d) > 0 {
				t.Errorf("%s: changed:\n  %s", tc.name, strings.Join(d, "\n  "))
				before = w.snap(t, f)
			}
		}

		// More than 8 KiB — a message that would otherwise be valid — closes
		// the connection with 1009 and stores nothing.
		big := a.C.Dial(t)
		padded := append(bytes.TrimSuffix(authzJSON(t, valid("big")), []byte("}")), bytes.Repeat([]byte(" "), 9<<10)...)
		big.SendRaw(websocket.MessageText, append(padded, '}'))
		for {
			m, err := big.Next(10 * time.Second)
			if err != nil {
				if st := websocket.CloseStatus(err); st != websocket.StatusMessageTooBig {
					t.Errorf("oversized message: connection ended with %v (status %d), want status 1009", err, st)
				}
				break
			}
			if m.Type() == "ack" || m.Type() == "error" {
				t.Errorf("oversized message answered: %v", m)
			}
		}
		if d := before.diff(w.snap(t, f)); len(d) > 0 {
			t.Errorf("oversized message changed:\n  %s", strings.Join(d, "\n  "))
		}
		if g := getGroup(t, p, f.gid); !g.Pending || len(g.Keys) != 0 {
			t.Fatalf("after the forgeries the pending member has pending %v, %d keys", g.Pending, len(g.Keys))
		}

		// The genuine message: acknowledged, stored (one group_keys row and
		// nothing else), and the member opens the key.
		sockets[authzAdmin].Send(valid("ok"))
		if got := authzReply(sockets[authzAdmin], "ok"); !reflect.DeepEqual(got, apptest.Msg{"type": "ack", "ref": "ok"}) {
			t.Fatalf("the admin's key_distributed: got %v, want an ack", got)
		}
		sockets[authzPending].Await("the key push", changed(f.gid, "key"))
		after := w.snap(t, f)
		var tables []string
		for _, d := range before.diff(after) {
			if strings.HasPrefix(d, "table ") {
				tables = append(tables, d)
			}
		}
		var n0, n1 int
		fmt.Sscanf(before["table group_keys"], "%d rows", &n0)
		fmt.Sscanf(after["table group_keys"], "%d rows", &n1)
		if len(tables) != 1 || !strings.HasPrefix(tables[0], "table group_keys: ") || n1 != n0+1 {
			t.Errorf("the genuine key_distributed changed tables:\n  %s\nwant one more group_keys row and nothing else", strings.Join(tables, "\n  "))
		}
		g := getGroup(t, p, f.gid)
		if g.Pending || len(g.Keys) != 1 || g.Keys[0].KeyVersion != 2 || !bytes.Equal(p.OpenKey(t, g.Keys[0].EncryptedKey), f.k2) {
			t.Fatalf("after the genuine message: pending %v, keys %+v", g.Pending, g.Keys)
		}
		// Once stored, the same message is refused.
		sockets[authzAdmin].Send(valid("again"))
		if got := authzReply(sockets[authzAdmin], "again"); got.Str("error") != notPending {
			t.Errorf("the same key again: %v", got)
		}
	})
}

// TestAuthzCoversEveryRoute: every /api/ route of routes.go has a row in
// the matrix or is listed in authzCoveredElsewhere, so a new route without
// an authorization row fails here; and every row and exclusion names a
// route that exists.
func TestAuthzCoversEveryRoute(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range regexp.MustCompile(`mux\.Handle\("([A-Z]+ /api/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		routes[m[1]] = true
	}
	if len(routes) < 30 {
		t.Fatalf("found only %d /api/ routes in routes.go: %v", len(routes), slices.Sorted(maps.Keys(routes)))
	}
	rows := map[string]int{}
	for _, r := range authzRows() {
		rows[r.route]++
		if !routes[r.route] {
			t.Errorf("matrix row %q (%s): no such route in routes.go", r.route, r.name)
		}
		for a, s := range r.want {
			if s < 200 || s > 499 {
				t.Errorf("matrix row %q (%s): no valid status for %s", r.route, r.name, authzActorNames[a])
			}
		}
		if r.req == nil {
			t.Errorf("matrix row %q (%s): no request", r.route, r.name)
		}
	}
	for p, why := range authzCoveredElsewhere {
		if !routes[p] {
			t.Errorf("authzCoveredElsewhere lists %q (%s), which routes.go does not have", p, why)
		}
		if rows[p] > 0 {
			t.Errorf("%q is both in the matrix and in authzCoveredElsewhere", p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(routes)) {
		if rows[p] == 0 && authzCoveredElsewhere[p] == "" {
			t.Errorf("route %q has no row in the authorization matrix (authz_test.go)", p)
		}
	}
}

// authzJSON is v as JSON.
func authzJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
