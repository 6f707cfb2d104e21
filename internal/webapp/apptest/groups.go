package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/identity"
	"github.com/sealkit/sealkit/internal/b64"
)

// Member is a signed-up, logged-in user with its client.
type Member struct {
	*User
	C  *Client
	ID string // user id
}

// NewMember signs up and logs in a user on s (with its own client).
func (s *Server) NewMember(t testing.TB, email string) *Member {
	t.Helper()
	u := NewUser(t, email, "password of "+email)
	c := NewClient(s.URL)
	s.SignUp(t, c, u)
	if r := c.LogIn(t, u); r.Status != 200 {
		t.Fatalf("login %s: %s", email, describe(r))
	}
	m := &Member{User: u, C: c}
	m.ID = m.userID(t)
	return m
}

// userID is the member's user id as GET /api/me names it (a Member made
// by hand from a client may not carry it).
func (m *Member) userID(t testing.TB) string {
	t.Helper()
	if m.ID != "" {
		return m.ID
	}
	var me struct {
		UserID string `json:"user_id"`
	}
	m.C.JSON(t, "GET", "/api/me", nil).JSON(t, &me)
	if me.UserID == "" {
		t.Fatal("GET /api/me named no user_id: is the member's client logged in?")
	}
	return me.UserID
}

// SealKey seals a 32-byte key to u (hybrid, as the browser does), base64.
func (u *User) SealKey(t testing.TB, key []byte) string {
	t.Helper()
	ct, err := sealkit.SealForUser(key, u.PublicKey, u.PQPublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(ct)
}

// SealKeyTo seals key to the holder of the base64 public keys pk, pq.
func SealKeyTo(t testing.TB, key []byte, pk, pq string) string {
	t.Helper()
	p, err1 := b64.Decode(pk)
	q, err2 := b64.Decode(pq)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad public keys %q %q", pk, pq)
	}
	ct, err := sealkit.SealForUser(key, p, q)
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(ct)
}

// OpenKey opens a key sealed to u; it fails the test if it cannot.
func (u *User) OpenKey(t testing.TB, sealed string) []byte {
	t.Helper()
	k, err := u.TryOpenKey(sealed)
	if err != nil {
		t.Fatalf("open a key sealed to %s: %v", u.Email, err)
	}
	return k
}

// TryOpenKey opens a key sealed to u.
func (u *User) TryOpenKey(sealed string) ([]byte, error) {
	ct, err := b64.Decode(sealed)
	if err != nil {
		return nil, err
	}
	return sealkit.UnsealFromUser(ct, u.PublicKey, u.PrivateKey, u.PQSeed)
}

// Encrypt is a secretbox of text under key, base64.
func Encrypt(t testing.TB, text string, key []byte) string {
	t.Helper()
	ct, err := sealkit.EncryptSecretbox([]byte(text), key)
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(ct)
}

// Decrypt opens a base64 secretbox under key.
func Decrypt(ctB64 string, key []byte) (string, error) {
	ct, err := b64.Decode(ctB64)
	if err != nil {
		return "", err
	}
	p, err := sealkit.DecryptSecretbox(ct, key)
	return string(p), err
}

// WS is a WebSocket connection to /api/ws with c's cookies.
type WS struct {
	t    testing.TB
	Conn *websocket.Conn
}

// Dial opens /api/ws as c's browser would (same Origin).
func (c *Client) Dial(t testing.TB) *WS {
	t.Helper()
	ws, res, err := c.TryDial(c.Base)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial /api/ws: %v (status %d)", err, status)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &WS{t: t, Conn: ws}
}

// TryDial opens /api/ws with Origin origin.
func (c *Client) TryDial(origin string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{"Origin": {origin}}
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.Base, "http")+"/api/ws", &websocket.DialOptions{HTTPClient: c.HTTP, HTTPHeader: h})
}

// Send writes v as a JSON text message.
func (w *WS) Send(v any) {
	w.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		w.t.Fatal(err)
	}
	w.SendRaw(websocket.MessageText, b)
}

// SendRaw writes one message as is.
func (w *WS) SendRaw(typ websocket.MessageType, b []byte) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.Conn.Write(ctx, typ, b); err != nil {
		w.t.Fatalf("ws write: %v", err)
	}
}

// Msg is a message from the server.
type Msg map[string]any

// Type is the message's type.
func (m Msg) Type() string { s, _ := m["type"].(string); return s }

// Str is a string field.
func (m Msg) Str(k string) string { s, _ := m[k].(string); return s }

// Next reads the next message, failing after timeout.
func (w *WS) Next(timeout time.Duration) (Msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, b, err := w.Conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m Msg
	if err := json.Unmarshal(b, &m); err != nil {
		w.t.Fatalf("ws: not JSON: %s", b)
	}
	return m, nil
}

// Await reads messages until one satisfies match (10 s), skipping others.
func (w *WS) Await(what string, match func(Msg) bool) Msg {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			w.t.Fatalf("ws: no %s within 10 s", what)
		}
		m, err := w.Next(left)
		if err != nil {
			w.t.Fatalf("ws: waiting for %s: %v", what, err)
		}
		if match(m) {
			return m
		}
	}
}

// Quiet reports that no message satisfying match arrives within d.
func (w *WS) Quiet(d time.Duration, match func(Msg) bool) bool {
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return true
		}
		m, err := w.Next(left)
		if err != nil {
			return true
		}
		if match(m) {
			return false
		}
	}
}

// Clock is a settable clock for webapp.Config.Now: real time moved by an
// offset the test advances, or (NewFrozenClock) a time that moves only
// when the test advances it. The server's sessions, rate limits and
// invitation lifetimes follow it; River's own timers do not.
type Clock struct {
	mu     sync.Mutex
	at     time.Time // frozen: the time; else zero
	offset time.Duration
}

// NewClock is a clock that starts at at and then runs in real time.
func NewClock(at time.Time) *Clock { return &Clock{offset: time.Until(at)} }

// NewFrozenClock is a clock that stays at at until advanced.
func NewFrozenClock(at time.Time) *Clock { return &Clock{at: at} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() {
		return c.at.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Lines are the logged lines that contain s (e.g. "level=ERROR").
func (l *LogBuffer) Lines(s string) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// Together runs f(0), …, f(n-1) in n goroutines that all wait at one gate,
// opens the gate once every goroutine is waiting, and returns when all
// have finished. f must not call t.Fatal (use the Try… methods).
func Together(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			f(i)
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
}

// TryJSON is JSON for goroutines: it returns the transport error instead
// of failing the test.
func (c *Client) TryJSON(method, path string, v any) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, c.Base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: body}, err
}

// TrySend is Send for goroutines.
func (w *WS) TrySend(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return w.Conn.Write(ctx, websocket.MessageText, b)
}

// Job is a row of river_job.
type Job struct {
	ID       int64
	Kind     string
	State    string
	Attempt  int
	Args     map[string]any
	Periodic bool // inserted by River's periodic enqueuer (a timer), not by a request
}

// Jobs lists river_job, oldest first.
func (s *Server) Jobs(t testing.TB) []Job {
	t.Helper()
	q := `SELECT id, kind, state, attempt, args, metadata FROM river_job ORDER BY id`
	if s.DB.Backend == "sqlite" { // River keeps SQLite's binary JSONB
		q = `SELECT id, kind, state, attempt, json(args), json(metadata) FROM river_job ORDER BY id`
	}
	rows, err := s.App.Store().DB.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var args, meta []byte
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempt, &args, &meta); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(args, &j.Args); err != nil {
			t.Fatalf("river_job %d: args %q: %v", j.ID, args, err)
		}
		var m struct {
			Periodic bool `json:"periodic"`
		}
		json.Unmarshal(meta, &m)
		j.Periodic = m.Periodic
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// RequestJobs counts river_job rows by kind, leaving out the ones River's
// periodic enqueuer inserts on its own timers (the cleanup): those appear
// whenever River's leader gets round to it, not because of a request.
func (s *Server) RequestJobs(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, j := range s.Jobs(t) {
		if !j.Periodic {
			out[j.Kind]++
		}
	}
	return out
}

// Group is a group made through the API, with its current key.
type Group struct {
	ID         string
	Key        []byte
	KeyVersion int64
}

// NewGroup creates a group owned by m (key version 1).
func (s *Server) NewGroup(t testing.TB, m *Member, name string) *Group {
	t.Helper()
	k := sealkit.GenerateKey()
	id := NewRowID() // the name is bound to it, as the browser binds it
	r := m.C.JSON(t, "POST", "/api/groups", map[string]string{"id": id,
		"encrypted_name": EncryptAt(t, name, k, PlaceGroupName(id, 1)), "encrypted_key": m.SealKey(t, k),
		"key_statement": KeyStatement(t, id, m.userID(t), 1, k, "")})
	if r.Status != 201 {
		t.Fatalf("create group: %s", describe(r))
	}
	var v struct {
		ID string `json:"id"`
	}
	r.JSON(t, &v)
	if v.ID != id {
		t.Fatalf("create group: the server answered id %q, not the one sent", v.ID)
	}
	return &Group{ID: v.ID, Key: k, KeyVersion: 1}
}

// Invite has admin invite email (answered 202).
func (g *Group) Invite(t testing.TB, admin *Member, email string) *Response {
	t.Helper()
	r := admin.C.JSON(t, "POST", "/api/groups/"+g.ID+"/invitations", map[string]any{
		"email": email, "encrypted_label": EncryptAt(t, email, g.Key, PlaceMemberLabel(g.ID, g.KeyVersion)), "key_version": g.KeyVersion})
	if r.Status != 202 {
		t.Fatalf("invite %s: %s", email, describe(r))
	}
	return r
}

// InvitationID is the id of m's invitation to g as m's /api/groups lists
// it, or "".
func (g *Group) InvitationID(t testing.TB, m *Member) string {
	t.Helper()
	return InvitationTo(t, m, g.ID)
}

// InvitationTo is the id of m's invitation to the group gid as m's
// /api/groups lists it, or "".
func InvitationTo(t testing.TB, m *Member, gid string) string {
	t.Helper()
	var list struct {
		Invitations []struct {
			ID      string `json:"id"`
			GroupID string `json:"group_id"`
		} `json:"invitations"`
	}
	r := m.C.JSON(t, "GET", "/api/groups", nil)
	if r.Status != 200 {
		t.Fatalf("list groups: %s", describe(r))
	}
	r.JSON(t, &list)
	for _, inv := range list.Invitations {
		if inv.GroupID == gid {
			return inv.ID
		}
	}
	return ""
}

// Join has admin invite m and m accept: m is a pending member.
func (g *Group) Join(t testing.TB, admin, m *Member) {
	t.Helper()
	g.Invite(t, admin, m.Email)
	id := g.InvitationID(t, m)
	if id == "" {
		t.Fatalf("%s does not see the invitation to %s", m.Email, g.ID)
	}
	if r := m.C.JSON(t, "POST", "/api/invitations/"+id+"/accept", nil); r.Status != 200 {
		t.Fatalf("accept: %s", describe(r))
	}
}

// GiveKey has the keyed admin behind ws seal the current key to m.
func (g *Group) GiveKey(t testing.TB, ws *WS, m *Member, ref string) {
	t.Helper()
	ws.Send(map[string]any{"type": "key_distributed", "ref": ref, "group_id": g.ID, "user_id": m.ID,
		"key_version": g.KeyVersion, "encrypted_key": m.SealKey(t, g.Key)})
	reply := ws.Await("the reply to "+ref, func(msg Msg) bool {
		return (msg.Type() == "ack" || msg.Type() == "error") && msg.Str("ref") == ref
	})
	if reply.Type() != "ack" {
		t.Fatalf("key to %s: %v", m.Email, reply)
	}
}

// statementKey signs the group key statements of API-made groups: a
// throwaway identity key (the server checks a statement's fields, never
// its signature; a browser sees its signer as a member without a
// published identity, so the chain shows as unverified there).
var statementKey struct {
	once sync.Once
	sec  []byte
}

// KeyStatement is a signed group key statement (docs/PROTOCOL.md §10.6)
// of version of group gid's key, by signer, after prev (the previous
// signed statement, base64, or "" for the first), base64.
func KeyStatement(t testing.TB, gid, signer string, version int64, key []byte, prev string) string {
	t.Helper()
	statementKey.once.Do(func() {
		_, sec, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
		if err != nil {
			panic(err)
		}
		statementKey.sec = sec
	})
	return SignedKeyStatement(t, gid, signer, statementKey.sec, version, key, prev)
}

// SignedKeyStatement is KeyStatement signed with the identity secret key
// sk (sealkit.Sign).
func SignedKeyStatement(t testing.TB, gid, signer string, sk []byte, version int64, key []byte, prev string) string {
	t.Helper()
	previous := make([]byte, identity.HashSize)
	if prev != "" {
		raw, err := b64.Decode(prev)
		if err != nil {
			t.Fatalf("previous statement: %v", err)
		}
		previous = identity.StatementHash(raw)
	}
	st := &identity.Statement{GroupID: gid, Version: uint32(version), Signer: signer, Previous: previous,
		Commitment: identity.KeyCommitment(key, identity.CommitmentLabel(gid, uint32(version)))}
	signed, err := st.Sign(func(msg []byte, ctx string) ([]byte, error) { return sealkit.Sign(msg, ctx, sk) })
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(signed)
}

// ChainTip is group gid's current key version and its last signed key
// statement ("" for none) as m reads them.
func ChainTip(t testing.TB, m *Member, gid string) (int64, string) {
	t.Helper()
	var g struct {
		KeyVersion int64    `json:"key_version"`
		KeyChain   []string `json:"key_chain"`
	}
	r := m.C.JSON(t, "GET", "/api/groups/"+gid, nil)
	if r.Status != 200 {
		t.Fatalf("read group: %s", describe(r))
	}
	r.JSON(t, &g)
	if n := len(g.KeyChain); n > 0 {
		return g.KeyVersion, g.KeyChain[n-1]
	}
	return g.KeyVersion, ""
}

// NextKeyStatement is m's statement of key version (current+1) of group
// gid, linked to the chain the server lists now.
func NextKeyStatement(t testing.TB, m *Member, gid string, key []byte) string {
	t.Helper()
	v, tip := ChainTip(t, m, gid)
	return KeyStatement(t, gid, m.userID(t), v+1, key, tip)
}

// ForgetKeyChain deletes group gid's key statements, so that the group
// looks like one made before statements existed (docs/PROTOCOL.md
// §10.6): its owner's or admin's page signs the current version on its
// next visit (trust on first use). For groups made over the API whose
// statement (signed by KeyStatement's throwaway key) a browser would
// rightly refuse as its owner's.
func (s *Server) ForgetKeyChain(t testing.TB, gid string) {
	t.Helper()
	if _, err := s.App.Store().DB.Exec(`DELETE FROM group_key_statements WHERE group_id = $1`, gid); err != nil {
		t.Fatal(err)
	}
}
