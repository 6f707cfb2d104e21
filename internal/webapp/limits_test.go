package webapp_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// The rate limits are the only control on online guessing, so they must
// hold under real concurrency (issue 11 §3): N requests released together
// against a limit L admit exactly L, on both databases.

// behindProxy starts a server that takes the client address from
// X-Forwarded-For, so one test can be many clients.
func behindProxy(t *testing.T, db *apptest.DB, more func(*webapp.Config)) *apptest.Server {
	return apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) {
		c.ClientIPHeader = "X-Forwarded-For"
		if more != nil {
			more(c)
		}
	}})
}

func jsonReq(s *apptest.Server, path, ip string, body []byte) func(int) (*http.Request, error) {
	return func(int) (*http.Request, error) {
		req, err := http.NewRequest("POST", s.URL+path, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			if ip != "" {
				req.Header.Set("X-Forwarded-For", ip)
			}
		}
		return req, err
	}
}

// TestLoginLimitUnderConcurrency: 60 wrong keys at once for one account
// from one address: exactly 5 are compared (401), the rest refused (429);
// the owner still logs in from elsewhere; and successful logins do not
// use the limit up.
func TestLoginLimitUnderConcurrency(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := behindProxy(t, db, nil)
		u := apptest.NewUser(t, "target@example.test", "target-password")
		s.SignUp(t, apptest.NewClient(s.URL), u)

		// Successes give their count back: 8 good logins in a row pass a
		// limit of 5 failures.
		for i := 0; i < 8; i++ {
			r := apptest.NewClient(s.URL)
			r.Header = http.Header{"X-Forwarded-For": {"192.0.2.50"}}
			if res := r.JSON(t, "POST", "/api/auth/login", map[string]string{"email": u.Email, "auth_key": b64.Encode(u.AuthKey)}); res.Status != 200 {
				t.Fatalf("good login %d: %d %s", i, res.Status, res.Body)
			}
		}

		wrong := mustJSON(t, map[string]string{"email": u.Email, "auth_key": b64.Encode(bytes.Repeat([]byte{1}, 32))})
		got := concurrently(t, 60, jsonReq(s, "/api/auth/login", "192.0.2.1", wrong))
		if got[401] != 5 || got[429] != 55 {
			t.Errorf("60 concurrent wrong keys: %v, want exactly 5×401 and 55×429", got)
		}
		// The right key from the same address is refused too (the limit
		// is on the address and account pair), from another it works.
		right := mustJSON(t, map[string]string{"email": u.Email, "auth_key": b64.Encode(u.AuthKey)})
		if got := concurrently(t, 1, jsonReq(s, "/api/auth/login", "192.0.2.1", right)); got[429] != 1 {
			t.Errorf("right key from the limited address: %v, want 429", got)
		}
		if got := concurrently(t, 1, jsonReq(s, "/api/auth/login", "192.0.2.2", right)); got[200] != 1 {
			t.Errorf("right key from another address: %v, want 200", got)
		}
	})
}

// TestLoginIPLimitUnderConcurrency: 100 wrong keys at once for 100
// different addresses from one client: exactly 30 are compared.
func TestLoginIPLimitUnderConcurrency(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := behindProxy(t, db, nil)
		got := concurrently(t, 100, func(i int) (*http.Request, error) {
			body := mustJSON(t, map[string]string{"email": fmt.Sprintf("spray-%d@example.test", i), "auth_key": b64.Encode(bytes.Repeat([]byte{2}, 32))})
			return jsonReq(s, "/api/auth/login", "198.51.100.7", body)(i)
		})
		if got[401] != 30 || got[429] != 70 {
			t.Errorf("100 concurrent wrong keys for 100 addresses: %v, want exactly 30×401 and 70×429", got)
		}
	})
}

// TestSaltLimitUnderConcurrency: 40 salt requests at once from one client
// admit exactly the limit (10 a minute); an IPv6 client is its /64, so
// rotating the low 64 bits does not help, while another /64 is another
// client.
func TestSaltLimitUnderConcurrency(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := behindProxy(t, db, nil)
		body := mustJSON(t, map[string]string{"email": "someone@example.test"})
		if got := concurrently(t, 40, jsonReq(s, "/api/auth/salt", "203.0.113.9", body)); got[200] != 10 || got[429] != 30 {
			t.Errorf("40 concurrent salt requests: %v, want exactly 10×200 and 30×429", got)
		}
		got := concurrently(t, 40, func(i int) (*http.Request, error) {
			return jsonReq(s, "/api/auth/salt", fmt.Sprintf("2001:db8:7:1:%x::%x", i, i+1), body)(i)
		})
		if got[200] != 10 || got[429] != 30 {
			t.Errorf("40 salt requests from 40 addresses of one IPv6 /64: %v, want exactly 10×200", got)
		}
		if got := concurrently(t, 1, jsonReq(s, "/api/auth/salt", "2001:db8:7:2::1", body)); got[200] != 1 {
			t.Errorf("another /64: %v, want 200", got)
		}
		if got := concurrently(t, 1, jsonReq(s, "/api/auth/salt", "::ffff:203.0.113.9", body)); got[429] != 1 {
			t.Errorf("the limited IPv4 client written as IPv4-mapped IPv6: %v, want 429", got)
		}
	})
}

// TestCSPReportLimit: CSP reports are limited per client and each field
// reaches the log cut short, so 200 reports of 16 KB cannot fill the log
// with text of an attacker's choosing.
func TestCSPReportLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := behindProxy(t, db, nil)
		before := len(s.Log.String())
		junk := strings.Repeat("J", 4000)
		report := mustJSON(t, map[string]any{"csp-report": map[string]string{
			"document-uri": "http://x/" + junk, "violated-directive": junk, "effective-directive": junk, "blocked-uri": "http://y/" + junk,
		}})
		got := concurrently(t, 200, func(i int) (*http.Request, error) {
			req, err := http.NewRequest("POST", s.URL+"/api/csp-report", bytes.NewReader(report))
			if err == nil {
				req.Header.Set("Content-Type", "application/csp-report")
				req.Header.Set("X-Forwarded-For", "192.0.2.99")
			}
			return req, err
		})
		if got[204] != 30 || got[429] != 170 {
			t.Errorf("200 concurrent CSP reports: %v, want exactly 30×204", got)
		}
		logged := s.Log.String()[before:]
		if strings.Contains(logged, strings.Repeat("J", 201)) {
			t.Error("a CSP report field reached the log longer than 200 bytes")
		}
		if len(logged) > 30*2000 {
			t.Errorf("200 reports added %d bytes to the log", len(logged))
		}
		if s.App.CSPViolations() != 30 {
			t.Errorf("%d violations counted, want 30", s.App.CSPViolations())
		}
	})
}

// TestSessionIdleTimeout: a session unused for 7 days ends, however long
// its absolute lifetime; one in use goes on.
func TestSessionIdleTimeout(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clk := newClock()
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clk.Now }})
		u := apptest.NewUser(t, "idle@example.test", "idle-password-1")
		c := apptest.NewClient(s.URL)
		s.SignUp(t, c, u)
		if r := c.LogIn(t, u); r.Status != 200 {
			t.Fatal(r.Status)
		}
		for i := 0; i < 3; i++ { // 18 days in use, 6 days apart
			clk.Advance(6 * 24 * time.Hour)
			if r := c.Do(t, "GET", "/api/me", "", nil); r.Status != 200 {
				t.Fatalf("after %d days with use every 6 days: %d", 6*(i+1), r.Status)
			}
		}
		clk.Advance(7*24*time.Hour + time.Minute)
		if r := c.Do(t, "GET", "/api/me", "", nil); r.Status != 401 {
			t.Fatalf("after 7 idle days: %d, want 401", r.Status)
		}
		if r := c.Do(t, "GET", "/habits", "", nil); r.Status != 303 {
			t.Fatalf("page after 7 idle days: %d, want a redirect to /login", r.Status)
		}
		if _, err := s.App.Store().Cleanup(t.Context(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, s, "sessions", "1=1"); n != 0 {
			t.Errorf("%d idle sessions left after cleanup", n)
		}
	})
}

// TestHostCookieUnderHTTPS: behind an https public URL the session cookie
// is __Host- prefixed (Secure, Path=/, no Domain), and a cookie without
// the prefix is not a session there.
func TestHostCookieUnderHTTPS(t *testing.T) {
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), &apptest.Options{Config: func(c *webapp.Config) {
		c.PublicURL = "https://sealkit.example"
	}})
	u := apptest.NewUser(t, "secure@example.test", "secure-password-1")
	s.SignUp(t, apptest.NewClient(s.URL), u)
	r := apptest.NewClient(s.URL).LogIn(t, u)
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	set := r.Header.Get("Set-Cookie")
	token, _, _ := strings.Cut(strings.TrimPrefix(set, "__Host-sealkit_session="), ";")
	if !strings.HasPrefix(set, "__Host-sealkit_session=") || !strings.Contains(set, "; Secure") ||
		!strings.Contains(set, "Path=/;") || strings.Contains(strings.ToLower(set), "domain=") {
		t.Fatalf("session cookie %q: want __Host-, Secure, Path=/ and no Domain", set)
	}
	me := func(cookie string) int {
		req, _ := http.NewRequest("GET", s.URL+"/api/me", nil)
		req.Header.Set("Cookie", cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := me("__Host-sealkit_session=" + token); st != 200 {
		t.Errorf("with the __Host- cookie: %d", st)
	}
	if st := me("sealkit_session=" + token); st != 401 {
		t.Errorf("with the unprefixed cookie on an https site: %d, want 401", st)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("CSP %q lacks form-action 'self'", csp)
	}
}
