package keydist_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/keydist"
)

// memResources is an app's resources in memory: each resource has a key
// version, members in order, and the members holding the current key.
type memResources struct {
	mu        sync.Mutex
	version   map[string]int64
	members   map[string][]string
	keyed     map[string]map[string]bool
	delivered []keydist.Copy
	fail      error // returned by every call when set
}

func newMemResources() *memResources {
	return &memResources{version: map[string]int64{}, members: map[string][]string{}, keyed: map[string]map[string]bool{}}
}

// add makes a resource at version 1 whose holders hold its key.
func (m *memResources) add(id string, holders []string, pending ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.version[id] = 1
	m.members[id] = append(slices.Clone(holders), pending...)
	m.keyed[id] = map[string]bool{}
	for _, u := range holders {
		m.keyed[id][u] = true
	}
}

func (m *memResources) Audience(_ context.Context, id string) (int64, []keydist.Member, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return 0, nil, m.fail
	}
	if _, ok := m.version[id]; !ok {
		return 0, nil, keydist.ErrNotFound
	}
	var out []keydist.Member
	for _, u := range m.members[id] {
		out = append(out, keydist.Member{UserID: u, Holder: m.keyed[id][u]})
	}
	return m.version[id], out, nil
}

func (m *memResources) Pending(_ context.Context, id string, version int64) ([]keydist.Pending, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var out []keydist.Pending
	if version != m.version[id] {
		return out, nil
	}
	for _, u := range m.members[id] {
		if !m.keyed[id][u] {
			out = append(out, keydist.Pending{UserID: u, PublicKey: "pk-" + u, PQPublicKey: "pq-" + u})
		}
	}
	return out, nil
}

func (m *memResources) Held(_ context.Context, userID string) ([]keydist.Held, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var out []keydist.Held
	for id, keyed := range m.keyed {
		if keyed[userID] {
			out = append(out, keydist.Held{ResourceID: id, KeyVersion: m.version[id]})
		}
	}
	slices.SortFunc(out, func(a, b keydist.Held) int { return strings.Compare(a.ResourceID, b.ResourceID) })
	return out, nil
}

func (m *memResources) Deliver(_ context.Context, sender string, c keydist.Copy) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if _, ok := m.version[c.ResourceID]; !ok || !slices.Contains(m.members[c.ResourceID], sender) {
		return keydist.ErrNotFound
	}
	switch {
	case !m.keyed[c.ResourceID][sender]:
		return &keydist.Refused{Msg: "you do not hold the current key"}
	case c.KeyVersion != m.version[c.ResourceID]:
		return &keydist.Refused{Msg: "key_version: not the current key version"}
	case !slices.Contains(m.members[c.ResourceID], c.UserID):
		return &keydist.Refused{Msg: "user_id: not a member"}
	case m.keyed[c.ResourceID][c.UserID]:
		return &keydist.Refused{Msg: "user_id: not pending"}
	}
	m.keyed[c.ResourceID][c.UserID] = true
	m.delivered = append(m.delivered, c)
	return nil
}

func (m *memResources) copies() []keydist.Copy {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.delivered)
}

// memSessions: every session is live until ended.
type memSessions struct {
	mu    sync.Mutex
	ended map[string]bool
}

func (s *memSessions) LiveSessions(_ context.Context, hashes []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := map[string]bool{}
	for _, h := range hashes {
		live[h] = !s.ended[h]
	}
	return live, nil
}

func (s *memSessions) end(hash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended == nil {
		s.ended = map[string]bool{}
	}
	s.ended[hash] = true
}

// instance is a hub running behind an httptest server that takes the
// user and the session hash from the query (the app would authenticate).
type instance struct {
	hub *keydist.Hub
	srv *httptest.Server
}

func startHub(t *testing.T, cfg keydist.Config) *instance {
	t.Helper()
	if cfg.Broadcaster == nil {
		cfg.Broadcaster = broadcast.NewLocal(64)
	}
	h, err := keydist.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, r.URL.Query().Get("user"), r.URL.Query().Get("session"))
	}))
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled (or nil after Shutdown)", err)
		}
		srv.Close()
	})
	return &instance{hub: h, srv: srv}
}

// conn is a test browser's socket; a reader goroutine queues what
// arrives (a Read whose context ends would close the socket).
type conn struct {
	t    *testing.T
	c    *websocket.Conn
	msgs chan readResult
}

type readResult struct {
	msg string
	err error
}

func newConn(t *testing.T, c *websocket.Conn) *conn {
	ws := &conn{t: t, c: c, msgs: make(chan readResult, 256)}
	go func() {
		for {
			_, b, err := c.Read(context.Background())
			ws.msgs <- readResult{string(b), err}
			if err != nil {
				return
			}
		}
	}()
	return ws
}

func (in *instance) tryDial(user, session string, h http.Header) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(in.srv.URL, "http") + "/?" + url.Values{"user": {user}, "session": {session}}.Encode()
	return websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
}

// dial connects as user in session and reads the hello.
func (in *instance) dial(t *testing.T, user, session string) *conn {
	t.Helper()
	c, _, err := in.tryDial(user, session, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	ws := newConn(t, c)
	ws.want(`{"type":"hello","user_id":"` + user + `"}`)
	return ws
}

// next reads one message as text; a closed socket's error comes again.
func (ws *conn) next(timeout time.Duration) (string, error) {
	select {
	case r := <-ws.msgs:
		if r.err != nil {
			ws.msgs <- r
		}
		return r.msg, r.err
	case <-time.After(timeout):
		return "", errors.New("timed out")
	}
}

// want reads the next message, which must be exactly msg.
func (ws *conn) want(msg string) {
	ws.t.Helper()
	got, err := ws.next(10 * time.Second)
	if err != nil {
		ws.t.Fatalf("waiting for %s: %v", msg, err)
	}
	if got != msg {
		ws.t.Fatalf("got %s\nwant %s", got, msg)
	}
}

// quiet reports that nothing arrives within d.
func (ws *conn) quiet(d time.Duration) {
	ws.t.Helper()
	select {
	case r := <-ws.msgs:
		if r.err != nil {
			ws.t.Fatalf("socket closed: %v", r.err)
		}
		ws.t.Fatalf("unexpected message %s", r.msg)
	case <-time.After(d):
	}
}

// wantClosed: the next thing is the close of the socket with status.
func (ws *conn) wantClosed(status websocket.StatusCode) {
	ws.t.Helper()
	got, err := ws.next(10 * time.Second)
	if err == nil {
		ws.t.Fatalf("got %s, want the socket closed with %d", got, status)
	}
	if st := websocket.CloseStatus(err); st != status {
		ws.t.Fatalf("socket ended with %v (status %d), want status %d", err, st, status)
	}
}

func (ws *conn) send(v any) {
	ws.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		ws.t.Fatal(err)
	}
	ws.sendRaw(websocket.MessageText, b)
}

func (ws *conn) sendRaw(typ websocket.MessageType, b []byte) {
	ws.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.c.Write(ctx, typ, b); err != nil {
		ws.t.Fatalf("write: %v", err)
	}
}

// sealed is a blob of n random bytes starting with first, in base64: the
// shape of a sealed key (a sealed box is 80 bytes, a Cat-3 hybrid seal
// 1193 bytes with tag 2).
func sealed(n int, first byte) string {
	b := make([]byte, n)
	rand.Read(b)
	b[0] = first
	return base64.StdEncoding.EncodeToString(b)
}
