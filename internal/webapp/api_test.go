package webapp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

func eachBackend(t *testing.T, f func(t *testing.T, db *apptest.DB)) {
	for _, b := range apptest.Backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			f(t, apptest.NewDB(t, b))
		})
	}
}

// startTwo starts the app on db and, on PostgreSQL, a second instance on
// the same database and secrets (a push must cross LISTEN/NOTIFY); on
// SQLite, which one process owns, both are the same instance.
func startTwo(t *testing.T, db *apptest.DB) (a, b *apptest.Server) {
	t.Helper()
	a = apptest.Start(t, db, nil)
	if db.Backend != "postgres" {
		return a, a
	}
	return a, apptest.Start(t, db, &apptest.Options{KeysFile: a.KeysFile})
}

// TestAccountLifecycle walks the API as a browser would: register (the
// address, then the keys from the mailed link), log in, read and change the account, log out.
func TestAccountLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		c := apptest.NewClient(s.URL)
		u := apptest.NewUser(t, "Alice@Example.test", "correct horse battery")

		s.SignUp(t, c, u)
		// A used link is refused, and changes nothing.
		m := s.WaitMail(t, u.Email, apptest.SignupSubject)
		if r := apptest.NewClient(s.URL).FinishSignup(t, u, apptest.LinkToken(t, m.Link)); r.Status != 410 {
			t.Fatalf("second finish: %d %s", r.Status, r.Body)
		}

		wrong := *u
		wrong.AuthKey = bytes.Repeat([]byte{7}, 32)
		if r := c.LogIn(t, &wrong); r.Status != 401 {
			t.Fatalf("wrong key: %d %s", r.Status, r.Body)
		}
		if r := c.JSON(t, "GET", "/api/me", nil); r.Status != 401 {
			t.Fatalf("me before login: %d", r.Status)
		}
		r := c.LogIn(t, u)
		if r.Status != 200 {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		ck := r.Header.Get("Set-Cookie")
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("session cookie %q: want HttpOnly and SameSite", ck)
		}

		var me map[string]any
		c.Do(t, "GET", "/api/me", "", nil).JSON(t, &me)
		str := func(k string) []byte {
			v, _ := me[k].(string)
			b, err := b64.Decode(v)
			if err != nil {
				t.Fatalf("me.%s: %v", k, err)
			}
			return b
		}
		pk, err := sealkit.DecryptPrivateKey(str("encrypted_private_key"), u.SessionKey)
		if err != nil || !bytes.Equal(pk, u.PrivateKey) {
			t.Fatalf("private key does not unwrap: %v", err)
		}
		seed, err := sealkit.DecryptPrivateKey(str("encrypted_pq_private_key"), u.SessionKey)
		if err != nil || !bytes.Equal(seed, u.PQSeed) {
			t.Fatalf("pq key does not unwrap: %v", err)
		}
		ukText, err := sealkit.UnsealFromUser(str("encrypted_user_key"), u.PublicKey, pk, seed)
		if err != nil || string(ukText) != b64.Encode(u.UserKey) {
			t.Fatalf("user key does not unseal: %v", err)
		}
		email, err := sealkit.DecryptSecretbox(str("encrypted_email"), u.UserKey)
		if err != nil || string(email) != u.Email {
			t.Fatalf("email: %q %v", email, err)
		}
		if me["encrypted_display_name"] != "" || me["always_require_password"] != false || me["key_hash"] != sealkit.FormatKeyHash(u.Salt) {
			t.Fatalf("me: %v", me)
		}

		name, _ := sealkit.EncryptSecretbox([]byte("Alice A."), u.UserKey)
		if r := c.JSON(t, "PUT", "/api/me/profile", map[string]string{"encrypted_display_name": b64.Encode(name)}); r.Status != 204 {
			t.Fatalf("profile: %d %s", r.Status, r.Body)
		}
		if r := c.JSON(t, "PUT", "/api/me/settings", map[string]bool{"always_require_password": true}); r.Status != 204 {
			t.Fatalf("settings: %d %s", r.Status, r.Body)
		}
		c.Do(t, "GET", "/api/me", "", nil).JSON(t, &me)
		dn, err := sealkit.DecryptSecretbox(str("encrypted_display_name"), u.UserKey)
		if err != nil || string(dn) != "Alice A." || me["always_require_password"] != true {
			t.Fatalf("after updates: %q %v %v", dn, err, me["always_require_password"])
		}

		r = c.Form(t, "/logout", nil)
		if r.Status != 303 || r.Header.Get("Clear-Site-Data") != `"storage"` {
			t.Fatalf("logout: %d %v", r.Status, r.Header)
		}
		if r := c.JSON(t, "GET", "/api/me", nil); r.Status != 401 {
			t.Fatalf("me after logout: %d", r.Status)
		}
		if n := s.Count(t, "sessions"); n != 0 {
			t.Fatalf("%d sessions after logout", n)
		}
	})
}

// TestRegisterExistingEmail: asking to register an address that has an
// account gets the answer an unknown address gets, after the same floor,
// creates nothing, and mails the owner a pointer to login.
func TestRegisterExistingEmail(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		c := apptest.NewClient(s.URL)
		s.SignUp(t, c, apptest.NewUser(t, "bob@example.test", "pw-bob-0123456"))
		start := time.Now()
		first := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": "nobody-yet@example.test"})
		d1 := time.Since(start)
		start = time.Now()
		second := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": "BOB@example.test"})
		if d2 := time.Since(start); d1 < 250*time.Millisecond || d2 < 250*time.Millisecond {
			t.Fatalf("answers after %v / %v, want at least 250 ms each", d1, d2)
		}
		if first.Status != 202 || second.Status != first.Status || !bytes.Equal(first.Body, second.Body) {
			t.Fatalf("answers differ: %d %s / %d %s", first.Status, first.Body, second.Status, second.Body)
		}
		sameHeaders(t, first.Header, second.Header)
		m := s.WaitMail(t, "bob@example.test", "You already have a sealkit account")
		if !strings.HasSuffix(m.Link, "/login") {
			t.Errorf("the account-exists mail links to %q, want /login", m.Link)
		}
		if n := s.Count(t, "users"); n != 1 {
			t.Fatalf("%d users", n)
		}
	})
}

// sameHeaders compares two answers' headers, ignoring the per-response
// Date and CSP nonce.
func sameHeaders(t *testing.T, a, b http.Header) {
	t.Helper()
	norm := func(h http.Header) http.Header {
		h = h.Clone()
		h.Del("Date")
		if csp := h.Get("Content-Security-Policy"); csp != "" {
			i := strings.Index(csp, "'nonce-")
			j := strings.Index(csp[i:], "' ")
			h.Set("Content-Security-Policy", csp[:i]+csp[i+j:])
		}
		return h
	}
	na, nb := norm(a), norm(b)
	if len(na) != len(nb) {
		t.Fatalf("header sets differ:\n%v\n%v", na, nb)
	}
	for k, v := range na {
		if strings.Join(v, ",") != strings.Join(nb[k], ",") {
			t.Fatalf("header %s differs: %q vs %q", k, v, nb[k])
		}
	}
}

// TestSaltEndpoint: known and unknown addresses get answers of the same
// status, headers and length, each after at least 100 ms; the fake salt is
// deterministic and of the real shape.
func TestSaltEndpoint(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		c := apptest.NewClient(s.URL)
		u := apptest.NewUser(t, "carol@example.test", "pw-carol-0123")
		s.SignUp(t, c, u)

		ask := func(email string) (*apptest.Response, time.Duration) {
			start := time.Now()
			r := c.JSON(t, "POST", "/api/auth/salt", map[string]string{"email": email})
			return r, time.Since(start)
		}
		known, dk := ask("Carol@Example.test")
		unknown, du := ask("nobody@example.test")
		unknown2, _ := ask("NOBODY@example.test")
		if known.Status != 200 || unknown.Status != 200 {
			t.Fatalf("status %d / %d", known.Status, unknown.Status)
		}
		if dk < 100*time.Millisecond || du < 100*time.Millisecond {
			t.Fatalf("answers in %v / %v, want at least 100 ms", dk, du)
		}
		if len(known.Body) != len(unknown.Body) {
			t.Fatalf("body lengths %d / %d", len(known.Body), len(unknown.Body))
		}
		sameHeaders(t, known.Header, unknown.Header)
		var k, f, f2 struct {
			KeyHash string `json:"key_hash"`
		}
		known.JSON(t, &k)
		unknown.JSON(t, &f)
		unknown2.JSON(t, &f2)
		if k.KeyHash != sealkit.FormatKeyHash(u.Salt) {
			t.Fatalf("known key_hash %q", k.KeyHash)
		}
		if f.KeyHash != f2.KeyHash {
			t.Fatalf("fake salt is not deterministic: %q vs %q", f.KeyHash, f2.KeyHash)
		}
		saltB64, err := sealkit.ParseSaltFromKeyHash(f.KeyHash)
		salt, _ := b64.Decode(saltB64)
		if err != nil || len(salt) != 16 || f.KeyHash == k.KeyHash {
			t.Fatalf("fake key_hash %q: %v", f.KeyHash, err)
		}
	})
}

// TestSaltRateLimit: the 11th request in a minute from one IP gets 429,
// also when the requests alternate between two instances sharing one
// database (the count lives in the database).
func TestSaltRateLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		a := apptest.Start(t, db, nil)
		b := apptest.Start(t, db, &apptest.Options{KeysFile: a.KeysFile})
		clients := []*apptest.Client{apptest.NewClient(a.URL), apptest.NewClient(b.URL)}
		for i := 1; i <= 11; i++ {
			r := clients[i%2].JSON(t, "POST", "/api/auth/salt", map[string]string{"email": "x@example.test"})
			want := 200
			if i == 11 {
				want = 429
			}
			if r.Status != want {
				t.Fatalf("request %d (instance %d): %d %s, want %d", i, i%2, r.Status, r.Body, want)
			}
			if i == 11 && (r.Header.Get("Retry-After") == "" || r.Error() == "") {
				t.Fatalf("429 without Retry-After or message: %v %s", r.Header, r.Body)
			}
		}
		// The logs hold only a hash of the IP.
		for _, s := range []*apptest.Server{a, b} {
			if strings.Contains(s.Log.String(), "127.0.0.1") && strings.Contains(s.Log.String(), "ip=127.0.0.1") {
				t.Fatal("a log line holds the client IP in the clear")
			}
		}
	})
}

// TestFailedLoginLimits: failures are limited per IP+account and per IP,
// but a victim on another IP can still log in.
func TestFailedLoginLimits(t *testing.T) {
	db := apptest.NewDB(t, "sqlite")
	s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) {
		c.ClientIPHeader = "X-Forwarded-For"
		c.SaltLimit = 1000
	}})
	victim := apptest.NewUser(t, "dave@example.test", "pw-dave-012345")
	s.SignUp(t, apptest.NewClient(s.URL), victim)
	attacker := apptest.NewClient(s.URL)
	attacker.Header = http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	wrong := *victim
	wrong.AuthKey = bytes.Repeat([]byte{1}, 32)
	for i := 1; i <= 6; i++ {
		r := attacker.LogIn(t, &wrong)
		if want := map[bool]int{true: 429, false: 401}[i == 6]; r.Status != want {
			t.Fatalf("failure %d: %d %s, want %d", i, r.Status, r.Body, want)
		}
	}
	// Even the right key is refused from the attacker's IP for now...
	if r := attacker.LogIn(t, victim); r.Status != 429 {
		t.Fatalf("attacker IP with right key: %d", r.Status)
	}
	// ...but not from the victim's.
	owner := apptest.NewClient(s.URL)
	owner.Header = http.Header{"X-Forwarded-For": {"198.51.100.7"}}
	if r := owner.LogIn(t, victim); r.Status != 200 {
		t.Fatalf("victim locked out: %d %s", r.Status, r.Body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoginFailuresAlike: a wrong key for a registered address and any key
// for an unregistered one get the same answer, after at least 100 ms.
func TestLoginFailuresAlike(t *testing.T) {
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	c := apptest.NewClient(s.URL)
	u := apptest.NewUser(t, "frank@example.test", "pw-frank-012345")
	s.SignUp(t, c, u)
	try := func(email string) (*apptest.Response, time.Duration) {
		start := time.Now()
		r := c.JSON(t, "POST", "/api/auth/login", map[string]string{"email": email, "auth_key": b64.Encode(bytes.Repeat([]byte{9}, 32))})
		return r, time.Since(start)
	}
	known, dk := try(u.Email)
	unknown, du := try("nobody@example.test")
	if known.Status != 401 || unknown.Status != 401 || !bytes.Equal(known.Body, unknown.Body) {
		t.Fatalf("answers differ: %d %s / %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	sameHeaders(t, known.Header, unknown.Header)
	if dk < 100*time.Millisecond || du < 100*time.Millisecond {
		t.Fatalf("failures answered in %v / %v, want at least 100 ms", dk, du)
	}
}
