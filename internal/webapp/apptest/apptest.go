// Package apptest starts real reference-app servers for tests — on a
// fresh SQLite file or a fresh database on the local PostgreSQL — and
// drives them as a browser would, with the real crypto core in Go. Only
// tests import it.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sealkit/sealkit/internal/webapp"
)

// PostgresAdminURL is the local PostgreSQL the tests create databases in
// (SEALKIT_TEST_POSTGRES overrides it).
func PostgresAdminURL() string {
	if u := os.Getenv("SEALKIT_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Backends are the databases every app test runs against.
var Backends = []string{"sqlite", "postgres"}

// DB is a fresh, empty database for one test, dropped at its end.
type DB struct {
	Backend string
	URL     string
	Name    string // PostgreSQL database name, or the SQLite file path
}

// NewDB makes a fresh database of the backend ("sqlite" or "postgres").
func NewDB(t testing.TB, backend string) *DB {
	t.Helper()
	switch backend {
	case "sqlite":
		p := filepath.Join(t.TempDir(), "sealkit.db")
		return &DB{Backend: backend, URL: "sqlite:" + p, Name: p}
	case "postgres":
		admin, err := sql.Open("pgx", PostgresAdminURL())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		var b [6]byte
		rand.Read(b[:])
		name := "sealkit_test_" + hex.EncodeToString(b[:])
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("PostgreSQL at %s: %v (the app tests need the local PostgreSQL)", PostgresAdminURL(), err)
		}
		t.Cleanup(func() {
			admin, err := sql.Open("pgx", PostgresAdminURL())
			if err != nil {
				return
			}
			defer admin.Close()
			admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		})
		u, _ := url.Parse(PostgresAdminURL())
		u.Path = "/" + name
		return &DB{Backend: backend, URL: u.String(), Name: name}
	}
	t.Fatalf("unknown backend %q", backend)
	return nil
}

// LogBuffer collects a server's log output for inspection.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Server is a running app instance behind an httptest.Server.
type Server struct {
	*httptest.Server
	App      *webapp.Server
	DB       *DB
	KeysFile string
	Log      *LogBuffer
}

// Options adjust a test server.
type Options struct {
	KeysFile string // share one between instances; default a new file
	Config   func(*webapp.Config)
}

// Start runs an app instance on db (with the development mailbox), stopped
// at the end of the test.
func Start(t testing.TB, db *DB, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	keys := opts.KeysFile
	if keys == "" {
		keys = filepath.Join(t.TempDir(), "keys.json")
	}
	logs := &LogBuffer{}
	hs := httptest.NewUnstartedServer(nil)
	cfg := webapp.Config{
		DatabaseURL:     db.URL,
		KeysFile:        keys,
		PublicURL:       "http://" + hs.Listener.Addr().String(),
		DevMailbox:      true,
		JobPollInterval: 50 * time.Millisecond,
		Logger:          slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	ctx := context.Background()
	app, err := webapp.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = app.Handler()
	hs.Start()
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		app.Close(ctx)
	})
	return &Server{Server: hs, App: app, DB: db, KeysFile: keys, Log: logs}
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v or fails the test.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("status %d body %q: %v", r.Status, r.Body, err)
	}
}

// Error is the {"error"} message of a 4xx/5xx answer.
func (r *Response) Error() string {
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(r.Body, &e)
	return e.Error
}

// Client is one browser's cookie jar against one or more servers (all of
// which share the jar: they are instances of one site).
type Client struct {
	HTTP *http.Client
	Base string
	// Header is added to every request (e.g. X-Forwarded-For).
	Header http.Header
}

// NewClient returns a client with its own cookie jar.
func NewClient(base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Base: base,
	}
}

// Do sends a request with a raw body and content type; a same-origin
// Sec-Fetch-Site marks it as coming from the app's own pages.
func (c *Client) Do(t testing.TB, method, path, contentType string, body []byte) *Response {
	t.Helper()
	req, err := http.NewRequest(method, c.Base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// JSON sends v as a JSON body.
func (c *Client) JSON(t testing.TB, method, path string, v any) *Response {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(t, method, path, "application/json", b)
}

// Form posts form fields.
func (c *Client) Form(t testing.TB, path string, v url.Values) *Response {
	t.Helper()
	return c.Do(t, "POST", path, "application/x-www-form-urlencoded", []byte(v.Encode()))
}

// Mail is a message in the development mailbox.
type Mail struct{ To, Subject, Body, Link string }

// Mails reads the development mailbox (newest first) through the store.
func (s *Server) Mails(t testing.TB) []Mail {
	t.Helper()
	ms, err := s.App.Store().DevMails(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Mail, 0, len(ms))
	for _, m := range ms {
		var v Mail
		if err := json.Unmarshal(m.Body, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// WaitMail waits (up to 15 s) for a mail to `to` whose subject contains
// subject and returns it.
func (s *Server) WaitMail(t testing.TB, to, subject string) Mail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.Mails(t) {
			if m.To == strings.ToLower(to) && strings.Contains(m.Subject, subject) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail %q to %s within 15 s; mailbox: %+v", subject, to, s.Mails(t))
	return Mail{}
}

// Count returns SELECT COUNT(*) FROM table.
func (s *Server) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := s.App.Store().DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Counts snapshots the row counts of every app table and River's jobs.
func (s *Server) Counts(t testing.TB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tb := range []string{"users", "sessions", "signups", "dev_mail", "river_job",
		"habits", "user_habits", "checkins", "groups", "group_members", "group_keys", "group_invitations",
		"group_goals", "group_checkins", "announcements", "user_announcements"} {
		m[tb] = s.Count(t, tb)
	}
	return m
}

// describe is a response as "status body", for failure messages.
func describe(r *Response) string {
	return fmt.Sprintf("%d %s", r.Status, strings.TrimSpace(string(r.Body)))
}
