package apptest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit"
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
	var me struct {
		UserID string `json:"user_id"`
	}
	c.JSON(t, "GET", "/api/me", nil).JSON(t, &me)
	return &Member{User: u, C: c, ID: me.UserID}
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
