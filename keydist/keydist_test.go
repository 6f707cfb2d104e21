package keydist_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/keydist"
)

// syncBuffer is a log destination safe for the hub's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// groups is the reference app's naming: group_id, group_changed.
func groups(res *memResources, sess *memSessions) keydist.Config {
	return keydist.Config{Resources: res, Sessions: sess, Resource: "group"}
}

const (
	pendingBob  = `{"type":"pending","group_id":"g1","key_version":1,"members":[{"user_id":"bob","public_key":"pk-bob","pq_public_key":"pq-bob"}]}`
	pendingNone = `{"type":"pending","group_id":"g1","key_version":1,"members":[]}`
)

func changed(id, reason string) string {
	return `{"type":"group_changed","group_id":"` + id + `","reason":"` + reason + `"}`
}

// TestPendingOnConnect: a holder's socket gets, after hello, the pending
// list of each resource it holds with members pending — and only those;
// a member who holds nothing gets hello alone.
func TestPendingOnConnect(t *testing.T) {
	res := newMemResources()
	res.add("g1", []string{"alice"}, "bob")
	res.add("g2", []string{"alice", "carol"}) // nobody pending
	in := startHub(t, groups(res, &memSessions{}))
	alice := in.dial(t, "alice", "sa")
	alice.want(pendingBob)
	alice.quiet(200 * time.Millisecond)
	bob := in.dial(t, "bob", "sb")
	bob.quiet(200 * time.Millisecond)
}

// TestChanged: Changed tells every member's sockets; the holders also get
// the pending list. Tell reaches the one user named, without pending
// lists. The default resource name gives resource_id/resource_changed.
func TestChanged(t *testing.T) {
	t.Run("group", func(t *testing.T) {
		res := newMemResources()
		res.add("g1", []string{"alice"}, "bob")
		res.add("g2", []string{"dave"})
		in := startHub(t, groups(res, &memSessions{}))
		alice := in.dial(t, "alice", "sa")
		alice.want(pendingBob)
		bob := in.dial(t, "bob", "sb")
		dave := in.dial(t, "dave", "sd")

		in.hub.Changed(context.Background(), "g1", "members")
		alice.want(changed("g1", "members"))
		alice.want(pendingBob)
		bob.want(changed("g1", "members"))
		bob.quiet(200 * time.Millisecond)
		dave.quiet(50 * time.Millisecond)

		in.hub.Tell(context.Background(), "dave", "g1", "invited")
		dave.want(changed("g1", "invited"))
		alice.quiet(200 * time.Millisecond)

		in.hub.Changed(context.Background(), "no-such-group", "deleted")
		in.hub.Changed(context.Background(), "g2", "content") // nobody connected is a member
		alice.quiet(200 * time.Millisecond)
	})
	t.Run("default name", func(t *testing.T) {
		res := newMemResources()
		res.add("n1", []string{"alice"}, "bob")
		in := startHub(t, keydist.Config{Resources: res, Sessions: &memSessions{}})
		alice := in.dial(t, "alice", "sa")
		alice.want(`{"type":"pending","resource_id":"n1","key_version":1,"members":[{"user_id":"bob","public_key":"pk-bob","pq_public_key":"pq-bob"}]}`)
		in.hub.Changed(context.Background(), "n1", "content")
		alice.want(`{"type":"resource_changed","resource_id":"n1","reason":"content"}`)
	})
}

// TestKeyDistributed: a holder's key_distributed is checked, handed to
// Deliver, acknowledged, and announced: the member hears "key" and the
// holders get the shorter (here empty) pending list.
func TestKeyDistributed(t *testing.T) {
	res := newMemResources()
	res.add("g1", []string{"alice"}, "bob")
	in := startHub(t, groups(res, &memSessions{}))
	alice := in.dial(t, "alice", "sa")
	alice.want(pendingBob)
	bob := in.dial(t, "bob", "sb")

	key := sealed(1193, 2)
	alice.send(map[string]any{"type": "key_distributed", "ref": "7", "group_id": "g1", "user_id": "bob", "key_version": 1, "encrypted_key": key})
	alice.want(`{"type":"ack","ref":"7"}`)
	alice.want(changed("g1", "key"))
	alice.want(pendingNone)
	bob.want(changed("g1", "key"))
	cs := res.copies()
	if len(cs) != 1 || cs[0].ResourceID != "g1" || cs[0].UserID != "bob" || cs[0].KeyVersion != 1 || len(cs[0].SealedKey) != 1193 {
		t.Fatalf("delivered %+v", cs)
	}

	// The same again: Deliver refuses, the sender reads why.
	alice.send(map[string]any{"type": "key_distributed", "ref": "8", "group_id": "g1", "user_id": "bob", "key_version": 1, "encrypted_key": key})
	alice.want(`{"type":"error","ref":"8","error":"user_id: not pending"}`)
}

// TestRefusals: what Deliver answers reaches the sender: ErrNotFound as
// "<resource> not found", a *Refused as its message, anything else as
// "internal error" (logged, without the key).
func TestRefusals(t *testing.T) {
	res := newMemResources()
	res.add("g1", []string{"alice"}, "bob")
	res.add("g2", []string{"carol"}, "bob")
	var log syncBuffer
	cfg := groups(res, &memSessions{})
	cfg.Log = slog.New(slog.NewTextHandler(&log, nil))
	in := startHub(t, cfg)
	alice := in.dial(t, "alice", "sa")
	alice.want(pendingBob)
	bob := in.dial(t, "bob", "sb")
	key := sealed(80, 9)
	msg := func(ref, gid, uid string, v int) map[string]any {
		return map[string]any{"type": "key_distributed", "ref": ref, "group_id": gid, "user_id": uid, "key_version": v, "encrypted_key": key}
	}
	alice.send(msg("1", "g2", "bob", 1))
	alice.want(`{"type":"error","ref":"1","error":"group not found"}`)
	alice.send(msg("2", "g1", "bob", 2))
	alice.want(`{"type":"error","ref":"2","error":"key_version: not the current key version"}`)
	bob.send(msg("3", "g1", "bob", 1))
	bob.want(`{"type":"error","ref":"3","error":"you do not hold the current key"}`)

	res.mu.Lock()
	res.fail = errors.New("database unreachable")
	res.mu.Unlock()
	alice.send(msg("4", "g1", "bob", 1))
	alice.want(`{"type":"error","ref":"4","error":"internal error"}`)
	if l := log.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "database unreachable") || strings.Contains(l, key) {
		t.Errorf("log: %s", l)
	}
	if cs := res.copies(); len(cs) != 0 {
		t.Errorf("stored %+v", cs)
	}
}

// TestMalformed: every malformed message gets an error naming the rule
// (and its ref, when the message was an object of the known fields) and
// reaches nothing; a message over the read limit closes the socket (1009).
func TestMalformed(t *testing.T) {
	res := newMemResources()
	res.add("g1", []string{"alice"}, "bob")
	in := startHub(t, groups(res, &memSessions{}))
	alice := in.dial(t, "alice", "sa")
	alice.want(pendingBob)
	valid := func(kv ...any) map[string]any {
		m := map[string]any{"type": "key_distributed", "ref": "r", "group_id": "g1", "user_id": "bob", "key_version": 1, "encrypted_key": sealed(80, 7)}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	const notObject = `{"type":"error","error":"not a JSON object of the expected fields"}`
	for _, tc := range []struct {
		name string
		msg  map[string]any
		raw  string
		want string
	}{
		{name: "unknown type", msg: valid("type", "key_request"), want: `{"type":"error","ref":"r","error":"type: unknown message type"}`},
		{name: "no type", msg: valid("type", nil), want: `{"type":"error","ref":"r","error":"type: unknown message type"}`},
		{name: "bad base64", msg: valid("encrypted_key", "!!not base64!!"), want: `{"type":"error","ref":"r","error":"encrypted_key: not valid base64"}`},
		{name: "unpadded base64", msg: valid("encrypted_key", strings.TrimRight(sealed(82, 7), "=")), want: `{"type":"error","ref":"r","error":"encrypted_key: not valid base64"}`},
		{name: "missing key", msg: valid("encrypted_key", nil), want: `{"type":"error","ref":"r","error":"encrypted_key: missing"}`},
		{name: "wrong size", msg: valid("encrypted_key", sealed(100, 2)), want: `{"type":"error","ref":"r","error":"encrypted_key: not a sealed 32-byte key: expected a sealed box (80 bytes) or a hybrid seal (873, 1193 or 1673 bytes with its level's tag)"}`},
		{name: "wrong tag", msg: valid("encrypted_key", sealed(1193, 1)), want: `{"type":"error","ref":"r","error":"encrypted_key: not a sealed 32-byte key: expected a sealed box (80 bytes) or a hybrid seal (873, 1193 or 1673 bytes with its level's tag)"}`},
		{name: "too short", msg: valid("encrypted_key", sealed(79, 0)), want: `{"type":"error","ref":"r","error":"encrypted_key: too short: at least 80 bytes, got 79"}`},
		{name: "readable text", msg: valid("encrypted_key", "VGhpcyBpcyB0aGUgZ3JvdXAga2V5IGluIHRoZSBjbGVhciwgb29wcywgc29ycnkgYWJvdXQgdGhhdCwgdmVyeSBzb3JyeSBpbmRlZWQgaGVyZSBpdCBpcyE="), want: `{"type":"error","ref":"r","error":"encrypted_key: readable text, not ciphertext: it must be encrypted in the browser before it is sent"}`},
		{name: "bad group id", msg: valid("group_id", "../g1"), want: `{"type":"error","ref":"r","error":"group_id: not a group id"}`},
		{name: "bad user id", msg: valid("user_id", ""), want: `{"type":"error","ref":"r","error":"user_id: not a user id"}`},
		{name: "version 0", msg: valid("key_version", 0), want: `{"type":"error","ref":"r","error":"key_version: missing or out of range"}`},
		{name: "version huge", msg: valid("key_version", int64(1)<<41), want: `{"type":"error","ref":"r","error":"key_version: missing or out of range"}`},
		{name: "unknown field", msg: valid("role", "admin"), want: notObject},
		{name: "resource_id is not this hub's field", msg: valid("resource_id", "g1"), want: notObject},
		{name: "field name case-folded", msg: valid("Type", "key_distributed"), want: notObject},
		{name: "wrong field type", msg: valid("key_version", "1"), want: notObject},
		{name: "fractional version", raw: `{"type":"key_distributed","key_version":1.5}`, want: notObject},
		{name: "long ref", msg: valid("ref", strings.Repeat("r", 65)), want: `{"type":"error","error":"ref: at most 64 characters"}`},
		{name: "not JSON", raw: "key_distributed please", want: notObject},
		{name: "array", raw: `[{"type":"key_distributed"}]`, want: notObject},
		{name: "two objects", raw: `{"type":"x"}{"type":"x"}`, want: notObject},
		{name: "null", raw: `null`, want: `{"type":"error","error":"type: unknown message type"}`},
	} {
		if tc.raw != "" {
			alice.sendRaw(websocket.MessageText, []byte(tc.raw))
		} else {
			alice.send(tc.msg)
		}
		got, err := alice.next(10 * time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	alice.sendRaw(websocket.MessageBinary, []byte(`{"type":"key_distributed"}`))
	alice.want(`{"type":"error","error":"messages must be JSON text"}`)
	if cs := res.copies(); len(cs) != 0 {
		t.Fatalf("stored %+v", cs)
	}

	// Over the read limit (8 KiB): closed with 1009, nothing stored.
	padded := `{"type":"key_distributed","ref":"big","group_id":"g1","user_id":"bob","key_version":1,"encrypted_key":"` + sealed(80, 7) + `"` + strings.Repeat(" ", 9<<10) + `}`
	alice.sendRaw(websocket.MessageText, []byte(padded))
	alice.wantClosed(websocket.StatusMessageTooBig)
	if cs := res.copies(); len(cs) != 0 {
		t.Fatalf("stored %+v", cs)
	}
}

// TestEndSession: EndSession closes that session's sockets with 1008 and
// no other; the user's other session still gets pushes.
func TestEndSession(t *testing.T) {
	res := newMemResources()
	res.add("g1", []string{"alice"})
	in := startHub(t, groups(res, &memSessions{}))
	s1a := in.dial(t, "alice", "s1")
	s1b := in.dial(t, "alice", "s1")
	s2 := in.dial(t, "alice", "s2")
	in.hub.EndSession(context.Background(), "s1")
	s1a.wantClosed(websocket.StatusPolicyViolation)
	s1b.wantClosed(websocket.StatusPolicyViolation)
	in.hub.Changed(context.Background(), "g1", "content")
	s2.want(changed("g1", "content"))
}

// TestEndedSession: once Sessions says a session is no longer live, its
// socket gets no push — the next event closes it (1008) instead —, a
// message from it is refused and closes it, and the sweep closes it with
// no event at all.
func TestEndedSession(t *testing.T) {
	t.Run("at a push", func(t *testing.T) {
		res := newMemResources()
		res.add("g1", []string{"alice"}, "bob")
		sess := &memSessions{}
		in := startHub(t, groups(res, sess))
		alice := in.dial(t, "alice", "sa")
		alice.want(pendingBob)
		bob := in.dial(t, "bob", "sb")
		sess.end("sa")
		in.hub.Changed(context.Background(), "g1", "members")
		bob.want(changed("g1", "members"))
		alice.wantClosed(websocket.StatusPolicyViolation)
		sess.end("sb")
		in.hub.Tell(context.Background(), "bob", "g1", "removed")
		bob.wantClosed(websocket.StatusPolicyViolation)
	})
	t.Run("at a message", func(t *testing.T) {
		res := newMemResources()
		res.add("g1", []string{"alice"}, "bob")
		sess := &memSessions{}
		in := startHub(t, groups(res, sess))
		alice := in.dial(t, "alice", "sa")
		alice.want(pendingBob)
		sess.end("sa")
		alice.send(map[string]any{"type": "key_distributed", "ref": "1", "group_id": "g1", "user_id": "bob", "key_version": 1, "encrypted_key": sealed(80, 7)})
		alice.want(`{"type":"error","error":"your session has ended; log in again"}`)
		alice.wantClosed(websocket.StatusPolicyViolation)
		if cs := res.copies(); len(cs) != 0 {
			t.Fatalf("stored %+v", cs)
		}
	})
	t.Run("at the sweep", func(t *testing.T) {
		res := newMemResources()
		sess := &memSessions{}
		cfg := groups(res, sess)
		cfg.SweepInterval = 50 * time.Millisecond
		in := startHub(t, cfg)
		alice := in.dial(t, "alice", "sa")
		alice.quiet(200 * time.Millisecond) // swept, still live
		sess.end("sa")
		alice.wantClosed(websocket.StatusPolicyViolation)
	})
}

// TestServe: a foreign Origin is refused (403), a request without a user
// or session 401; after Shutdown every socket is closed and new ones get
// 503.
func TestServe(t *testing.T) {
	res := newMemResources()
	in := startHub(t, groups(res, &memSessions{}))
	for _, origin := range []string{"https://evil.example", "http://127.0.0.1.evil.example"} {
		c, r, err := in.tryDial("alice", "sa", http.Header{"Origin": {origin}})
		if err == nil || r == nil || r.StatusCode != http.StatusForbidden {
			if c != nil {
				c.CloseNow()
			}
			t.Errorf("Origin %s: %v, %v; want 403", origin, err, r)
		}
	}
	if _, r, err := in.tryDial("", "sa", nil); err == nil || r == nil || r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no user: %v, %v; want 401", err, r)
	}
	sockets := []*conn{in.dial(t, "alice", "sa"), in.dial(t, "alice", "sb"), in.dial(t, "bob", "sc")}
	in.hub.Shutdown()
	for _, ws := range sockets {
		if got, err := ws.next(10 * time.Second); err == nil {
			t.Fatalf("a socket open after Shutdown: %s", got)
		}
	}
	if _, r, err := in.tryDial("alice", "sa", nil); err == nil || r == nil || r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Shutdown: %v, %v; want 503", err, r)
	}
}

// TestNew: a hub needs its three dependencies and a usable resource name.
func TestNew(t *testing.T) {
	res, sess, bc := newMemResources(), &memSessions{}, broadcast.NewLocal(1)
	for _, cfg := range []keydist.Config{
		{Resources: res, Sessions: sess},
		{Broadcaster: bc, Sessions: sess},
		{Broadcaster: bc, Resources: res},
		{Broadcaster: bc, Resources: res, Sessions: sess, Resource: "Group"},
		{Broadcaster: bc, Resources: res, Sessions: sess, Resource: "group id"},
		{Broadcaster: bc, Resources: res, Sessions: sess, Resource: "1group"},
		{Broadcaster: bc, Resources: res, Sessions: sess, QueueSize: -1},
	} {
		if _, err := keydist.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if _, err := keydist.New(keydist.Config{Broadcaster: bc, Resources: res, Sessions: sess, Resource: "shared_note2"}); err != nil {
		t.Errorf("New: %v", err)
	}
}
