package webapp_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestKeyCacheSecret: POST /api/auth/key-cache gives the server's half of
// the browser's key cache (accounts.Handlers.CacheSecret) to a live
// session only: stable per session and write time, different for another
// session, refused without a session, after logout, and for a cache
// written 15 days ago; bad bodies are 400.
func TestKeyCacheSecret(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		u := apptest.NewUser(t, "cache@example.test", "correct horse battery")
		a, b := apptest.NewClient(s.URL), apptest.NewClient(s.URL)
		s.SignUp(t, a, u)
		for _, c := range []*apptest.Client{a, b} {
			if r := c.LogIn(t, u); r.Status != 200 {
				t.Fatalf("login: %d %s", r.Status, r.Body)
			}
		}
		now := time.Now().Unix()
		secret := func(c *apptest.Client, written int64, want int) string {
			t.Helper()
			r := c.JSON(t, "POST", "/api/auth/key-cache", map[string]int64{"written": written})
			if r.Status != want {
				t.Fatalf("written %d: %d %s, want %d", written, r.Status, r.Body, want)
			}
			if want != 200 {
				return ""
			}
			var v struct{ Secret string }
			r.JSON(t, &v)
			if raw, err := base64.StdEncoding.DecodeString(v.Secret); err != nil || len(raw) != 32 {
				t.Fatalf("secret %q: %v", v.Secret, err)
			}
			return v.Secret
		}
		sa := secret(a, now, 200)
		if secret(a, now, 200) != sa {
			t.Fatal("not stable for one session and write time")
		}
		if secret(b, now, 200) == sa {
			t.Fatal("two sessions of one user share the secret")
		}
		secret(a, now-15*24*3600, 410)
		secret(apptest.NewClient(s.URL), now, 401)
		for _, body := range []string{`{}`, `{"written":-1}`, `{"written":"1"}`, `{"written":1,"x":1}`} {
			if r := a.Do(t, "POST", "/api/auth/key-cache", "application/json", []byte(body)); r.Status != 400 {
				t.Fatalf("%s: %d", body, r.Status)
			}
		}
		if r := a.Form(t, "/logout", nil); r.Status != 303 {
			t.Fatalf("logout: %d", r.Status)
		}
		secret(a, now, 401)
	})
}
