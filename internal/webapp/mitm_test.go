package webapp_test

// The malicious-server harness (docs/MALICIOUS-SERVER.md): the real app
// server behind a tampering reverse proxy, and real Chromium talking only
// to the proxy. The proxy plays a server that lies: a test installs hooks
// that rewrite the JSON answers of chosen routes, and drop, replay or
// forge the push messages of the WebSocket; everything else passes
// through unchanged. What the lying server cannot do — read keys that
// never leave the browser — is what the attack tests then check: the page
// refuses or marks what was tampered with, never shows a wrong plaintext
// as if it were right, and seals nothing the attacker controls.
//
// How the browser is made to talk only to the proxy:
//   - the proxy's listener exists before the app starts, and the app's
//     PublicURL is the proxy's URL (links in mail point at the proxy);
//   - the proxy keeps the browser's Host header, so Go's
//     CrossOriginProtection (Origin against Host) and the WebSocket
//     handshake's origin check see one origin, the proxy's;
//   - cookies are host-only on 127.0.0.1 (ports do not separate cookies),
//     and the pages' CSP is 'self': the proxy's origin.
// Go test clients (apptest.Client) may still talk to the app directly, to
// set up data as an honest client would.
//
// Usage:
//
//	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
//	b := newBrowser(t, m.URL)
//	m.Rewrite("GET", "/api/habits", func(body map[string]any) { … })
//	m.OnPush(func(msg map[string]any) []map[string]any { return nil }) // drop every push
//	m.Inject(map[string]any{"type": "group_changed", …})             // forge one

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// mitm is a tampering reverse proxy in front of one app server.
type mitm struct {
	t   *testing.T
	URL string          // the proxy: give this to the browser
	App *apptest.Server // the real server behind it (its URL bypasses the proxy)

	mu       sync.Mutex
	rewrites []rewriteRule
	onPush   func(msg map[string]any) []map[string]any
	sockets  map[*websocket.Conn]bool // the browser side of open sockets
	pushes   [][]byte                 // every push the server sent, before hooks
	sent     [][]byte                 // every socket message the browser sent
	requests []Exchange               // every /api/ request the browser made
}

// Exchange is one API request that went through the proxy.
type Exchange struct {
	Method, Path string
	Body         []byte // the request body as the browser sent it
	Status       int    // the server's status (before any rewrite of the body)
	Rewritten    bool   // a rewrite hook changed the answer
}

type rewriteRule struct {
	method, path string
	f            func(r *http.Request, body any) any
}

// matches reports whether a rule's path matches: a path ending in "/" is a
// prefix, any other the exact path.
func (r rewriteRule) matches(req *http.Request) bool {
	if r.method != req.Method {
		return false
	}
	if strings.HasSuffix(r.path, "/") {
		return strings.HasPrefix(req.URL.Path, r.path)
	}
	return req.URL.Path == r.path
}

// startMITM starts the app on db with the proxy in front of it (opts as
// for apptest.Start; its Config runs after PublicURL is set to the proxy).
func startMITM(t *testing.T, db *apptest.DB, opts *apptest.Options) *mitm {
	t.Helper()
	m := &mitm{t: t, sockets: map[*websocket.Conn]bool{}}
	proxy := httptest.NewUnstartedServer(nil)
	m.URL = "http://" + proxy.Listener.Addr().String()
	o := apptest.Options{}
	if opts != nil {
		o = *opts
	}
	inner := o.Config
	o.Config = func(c *webapp.Config) {
		c.PublicURL = m.URL
		if inner != nil {
			inner(c)
		}
	}
	m.App = apptest.Start(t, db, &o)
	backend, _ := url.Parse(m.App.URL)

	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(backend)
			pr.Out.Host = pr.In.Host // the browser's origin, for the Origin checks
			if m.ruleFor(pr.In) != nil {
				pr.Out.Header.Del("Accept-Encoding") // a body to rewrite, not a compressed one
			}
		},
		ModifyResponse: m.modify,
	}
	proxy.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			m.relaySocket(w, r, backend)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, &Exchange{Method: r.Method, Path: r.URL.Path, Body: body}))
		}
		rp.ServeHTTP(w, r)
	})
	proxy.Start()
	t.Cleanup(func() {
		m.mu.Lock()
		for c := range m.sockets {
			c.CloseNow()
		}
		m.mu.Unlock()
		proxy.CloseClientConnections()
		proxy.Close()
	})
	return m
}

type exchangeKey struct{}

func (m *mitm) ruleFor(r *http.Request) *rewriteRule {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.rewrites) - 1; i >= 0; i-- { // the newest rule wins
		if m.rewrites[i].matches(r) {
			rule := m.rewrites[i]
			return &rule
		}
	}
	return nil
}

// modify records the exchange and applies the route's rewrite to a 2xx
// JSON answer.
func (m *mitm) modify(res *http.Response) error {
	ex, _ := res.Request.Context().Value(exchangeKey{}).(*Exchange)
	if ex != nil {
		ex.Status = res.StatusCode
		defer func() {
			m.mu.Lock()
			m.requests = append(m.requests, *ex)
			m.mu.Unlock()
		}()
	}
	rule := m.ruleFor(res.Request)
	if rule == nil || res.StatusCode/100 != 2 || res.Header.Get("Content-Encoding") != "" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		return nil
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	var body any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // ids and counters come back as they went
	if err := d.Decode(&body); err != nil {
		m.t.Errorf("mitm: %s %s: the answer is not JSON: %v", res.Request.Method, res.Request.URL.Path, err)
		res.Body = io.NopCloser(bytes.NewReader(raw))
		return nil
	}
	out, err := json.Marshal(rule.f(res.Request, body))
	if err != nil {
		return err
	}
	if ex != nil {
		ex.Rewritten = !bytes.Equal(bytes.TrimSpace(raw), out)
	}
	res.Body = io.NopCloser(bytes.NewReader(out))
	res.ContentLength = int64(len(out))
	res.Header.Set("Content-Length", strconv.Itoa(len(out)))
	res.Header.Del("ETag")
	return nil
}

// RewriteAny installs a hook on the JSON answers (2xx) of method and path
// (a path ending in "/" is a prefix): f gets the request and the decoded
// body (objects as map[string]any, arrays as []any, numbers as
// json.Number) and returns what the browser gets instead. Later hooks
// on the same route win.
func (m *mitm) RewriteAny(method, path string, f func(r *http.Request, body any) any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rewrites = append(m.rewrites, rewriteRule{method: method, path: path, f: f})
}

// Rewrite is RewriteAny for answers that are JSON objects, changed in
// place.
func (m *mitm) Rewrite(method, path string, f func(body map[string]any)) {
	m.RewriteAny(method, path, func(_ *http.Request, body any) any {
		if obj, ok := body.(map[string]any); ok {
			f(obj)
		}
		return body
	})
}

// Honest removes every rewrite hook and the push hook.
func (m *mitm) Honest() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rewrites = nil
	m.onPush = nil
}

// Requests is every API request the browser made through the proxy so
// far (the WebSocket excluded), in the order their answers came back.
func (m *mitm) Requests() []Exchange {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Exchange(nil), m.requests...)
}

// Writes is Requests without the GETs: what the page asked the server to
// change or store.
func (m *mitm) Writes() []Exchange {
	var out []Exchange
	for _, e := range m.Requests() {
		if e.Method != "GET" && e.Method != "HEAD" && e.Path != "/api/csp-report" {
			out = append(out, e)
		}
	}
	return out
}

// OnPush installs the hook every push from the server goes through: it
// returns the messages the browser gets instead (none: dropped; the same
// twice: replayed; another: forged in its place). nil removes the hook.
func (m *mitm) OnPush(f func(msg map[string]any) []map[string]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onPush = f
}

// Pushes is every push the server sent so far, as it sent it.
func (m *mitm) Pushes() []map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]map[string]any, 0, len(m.pushes))
	for _, p := range m.pushes {
		var v map[string]any
		json.Unmarshal(p, &v)
		out = append(out, v)
	}
	return out
}

// SocketSent is every message the browser sent up its WebSockets (e.g.
// key_distributed: a sealed key), decoded.
func (m *mitm) SocketSent() []map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]map[string]any, 0, len(m.sent))
	for _, p := range m.sent {
		var v map[string]any
		json.Unmarshal(p, &v)
		out = append(out, v)
	}
	return out
}

// Sockets is how many browser WebSockets are open through the proxy.
func (m *mitm) Sockets() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sockets)
}

// WaitSockets waits until n browser WebSockets are open.
func (m *mitm) WaitSockets(n int) {
	m.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for m.Sockets() < n {
		if time.Now().After(deadline) {
			m.t.Fatalf("mitm: %d WebSockets open after %v, want %d", m.Sockets(), waitTimeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Inject sends a forged message to every open browser WebSocket, as if
// the server had pushed it; it returns how many sockets got it.
func (m *mitm) Inject(msg map[string]any) int {
	m.t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		m.t.Fatal(err)
	}
	m.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(m.sockets))
	for c := range m.sockets {
		conns = append(conns, c)
	}
	m.mu.Unlock()
	n := 0
	for _, c := range conns {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if c.Write(ctx, websocket.MessageText, b) == nil {
			n++
		}
		cancel()
	}
	return n
}

// relaySocket is the WebSocket man in the middle: it dials the server
// with the browser's cookie (and the server's own origin, which its
// handshake check wants), accepts the browser (whose Origin matches the
// Host it asked), and relays both ways; the server's messages go through
// the push hook.
func (m *mitm) relaySocket(w http.ResponseWriter, r *http.Request, backend *url.URL) {
	h := http.Header{}
	for _, c := range r.Header.Values("Cookie") {
		h.Add("Cookie", c)
	}
	h.Set("Origin", backend.Scheme+"://"+backend.Host)
	wsURL := "ws://" + backend.Host + r.URL.RequestURI()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up, res, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		status := http.StatusBadGateway
		if res != nil {
			status = res.StatusCode
		}
		http.Error(w, "mitm: the server refused the socket", status)
		return
	}
	defer up.CloseNow()
	down, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer down.CloseNow()
	up.SetReadLimit(1 << 20)
	down.SetReadLimit(1 << 20)
	m.mu.Lock()
	m.sockets[down] = true
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.sockets, down)
		m.mu.Unlock()
	}()

	go func() { // browser → server, unchanged
		defer cancel()
		for {
			typ, data, err := down.Read(ctx)
			if err != nil {
				return
			}
			m.mu.Lock()
			m.sent = append(m.sent, data)
			m.mu.Unlock()
			if up.Write(ctx, typ, data) != nil {
				return
			}
		}
	}()
	for { // server → browser, through the hook
		typ, data, err := up.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if asCloseError(err, &ce) {
				down.Close(ce.Code, ce.Reason)
			}
			return
		}
		m.mu.Lock()
		m.pushes = append(m.pushes, data)
		hook := m.onPush
		m.mu.Unlock()
		out := [][]byte{data}
		if hook != nil && typ == websocket.MessageText {
			var msg map[string]any
			if json.Unmarshal(data, &msg) == nil {
				out = out[:0]
				for _, v := range hook(msg) {
					b, _ := json.Marshal(v)
					out = append(out, b)
				}
			}
		}
		for _, b := range out {
			if down.Write(ctx, typ, b) != nil {
				return
			}
		}
	}
}

func asCloseError(err error, ce *websocket.CloseError) bool {
	code := websocket.CloseStatus(err)
	if code == -1 {
		return false
	}
	*ce = websocket.CloseError{Code: code}
	return true
}

// TestMITMHarness checks the harness itself: the app works through the
// proxy (log in, dashboard, the push socket), a rewrite reaches the page,
// Honest() restores the truth, and a forged push reaches the page's
// socket.
func TestMITMHarness(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	_, u := habitUser(t, m.App, "mallory-victim")
	b := newBrowser(t, m.URL)
	tb := b.newTab("h")
	browserLogIn(t, tb, u.Email, u.Password)
	id := createHabitInUI(t, tb, "Read "+randomHex(4), "", "8e4ec6")

	m.Rewrite("GET", "/api/habits", func(body map[string]any) {
		for _, h := range body["habits"].([]any) {
			h.(map[string]any)["colour"] = "#e5484d"
		}
	})
	tb.reload(t, "/habits")
	if got := mustEval[string](t, tb, `getComputedStyle(document.querySelector("#habit-`+id+` .swatch")).backgroundColor`); got != "rgb(229, 72, 77)" {
		t.Errorf("the rewritten colour did not reach the page: %q", got)
	}
	rewritten := false
	for _, e := range m.Requests() {
		rewritten = rewritten || (e.Path == "/api/habits" && e.Method == "GET" && e.Rewritten)
	}
	if !rewritten {
		t.Error("no rewritten GET /api/habits recorded")
	}
	m.Honest()
	tb.reload(t, "/habits")
	if got := mustEval[string](t, tb, `getComputedStyle(document.querySelector("#habit-`+id+` .swatch")).backgroundColor`); got != "rgb(142, 78, 198)" {
		t.Errorf("after Honest() the colour is %q", got)
	}

	// The push socket goes through the proxy; a forged message reaches it.
	m.WaitSockets(1)
	if n := m.Inject(map[string]any{"type": "hello", "user_id": "forged"}); n < 1 {
		t.Fatalf("a forged push reached %d sockets", n)
	}
	if len(m.Pushes()) == 0 || m.Pushes()[0]["type"] != "hello" {
		t.Errorf("the server's pushes as recorded: %v", m.Pushes())
	}
	noBrowserTrouble(t, b, m.App)
}

// noBrowserTrouble fails the test on CSP violations (seen by the browser
// or reported to the server) and page exceptions.
func noBrowserTrouble(t *testing.T, b *browser, s *apptest.Server) {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // CSP reports are sent asynchronously
	if v := b.Violations(); len(v) > 0 {
		t.Errorf("CSP violations:\n  %s", strings.Join(v, "\n  "))
	}
	if n := s.App.CSPViolations(); n != 0 {
		t.Errorf("the server received %d CSP reports", n)
	}
	if ex := b.Exceptions(); len(ex) > 0 {
		t.Errorf("page exceptions:\n  %s", strings.Join(ex, "\n  "))
	}
}
