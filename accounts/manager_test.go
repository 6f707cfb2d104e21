package accounts_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
	"github.com/sealkit/sealkit/ratelimit"
)

var backends = []string{"sqlite", "postgres"}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	m     *accounts.Manager
	db    *sql.DB
	store *sqlstore.Store
	clock *clock
}

func randKey() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// newFixture is a Manager over a fresh database of backend, with the
// kit's tables, at-rest sealing and short floors.
func newFixture(t *testing.T, backend string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, apptest.NewDB(t, backend).URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lim := &ratelimit.Limiter{DB: st.DB}
	if err := lim.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	ss := sqlstore.New(st.DB, sqlstore.Options{Postgres: backend == "postgres", AtRest: ks})
	if err := ss.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	keys := accounts.Keys{BlindIndex: randKey(), FakeSalt: randKey(), Verifier: randKey()}
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	m, err := accounts.New(accounts.Config{
		Store: ss, Limiter: lim, Keys: func() accounts.Keys { return keys }, Now: clk.Now,
		Floors: accounts.Floors{Signup: time.Millisecond, Salt: time.Millisecond, LoginFail: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{m: m, db: st.DB, store: ss, clock: clk}
}

// registration is what the SDK's finishSignup posts for u.
func registration(u *apptest.User, token string) accounts.Registration {
	r := u.Register
	return accounts.Registration{Token: token, KeyHash: r["key_hash"], AuthKey: r["auth_key"], PublicKey: r["public_key"],
		EncryptedPrivateKey: r["encrypted_private_key"], PQPublicKey: r["pq_public_key"],
		EncryptedPQPrivateKey: r["encrypted_pq_private_key"], EncryptedUserKey: r["encrypted_user_key"], EncryptedEmail: r["encrypted_email"]}
}

// signUp runs the whole ceremony for u and returns the session token.
func (f *fixture) signUp(t *testing.T, u *apptest.User) string {
	t.Helper()
	ctx := context.Background()
	var queued string
	if err := f.m.BeginSignup(ctx, "client-1", u.Email, func(_ context.Context, e string) error { queued = e; return nil }); err != nil {
		t.Fatal(err)
	}
	mail, err := f.m.SignupMail(ctx, queued, true)
	if err != nil || mail.Kind != accounts.MailFinishSignup || !accounts.ValidToken(mail.Token) {
		t.Fatalf("sign-up mail: %+v %v", mail, err)
	}
	if got, err := f.m.SignupAddress(ctx, mail.Token); err != nil || got != u.Email {
		t.Fatalf("link address %q %v", got, err)
	}
	a, session, err := f.m.FinishSignup(ctx, registration(u, mail.Token))
	if err != nil {
		t.Fatal(err)
	}
	if uid, err := f.m.SessionUser(ctx, session); err != nil || uid != a.ID {
		t.Fatalf("new session: %q %v", uid, err)
	}
	return session
}

func newUser(t *testing.T) *apptest.User {
	return apptest.NewUser(t, "u"+b64.Encode(randKey())[:8]+"@example.test", "a long password")
}

// TestSignupAndLogin: the whole ceremony on both databases; the stored
// row holds the browser's keys (at rest sealed) and a peppered verifier.
func TestSignupAndLogin(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			f := newFixture(t, backend)
			ctx := context.Background()
			u := newUser(t)
			f.signUp(t, u)

			kh, err := f.m.Salt(ctx, "client-1", strings.ToUpper(u.Email))
			if err != nil || kh != sealkit.FormatKeyHash(u.Salt) {
				t.Fatalf("salt %q %v", kh, err)
			}
			a, session, err := f.m.Login(ctx, "client-1", u.Email, b64.Encode(u.AuthKey))
			if err != nil {
				t.Fatal(err)
			}
			if string(a.PublicKey) != string(u.PublicKey) || a.EmailIndex != f.m.EmailIndex(strings.ToLower(u.Email)) {
				t.Fatal("account row differs from what the browser sent")
			}
			var stored, verifier string
			if err := f.db.QueryRow(`SELECT encrypted_private_key, auth_hash FROM users WHERE id = $1`, a.ID).Scan(&stored, &verifier); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, "ar1.") || !strings.HasPrefix(verifier, accounts.VerifierPrefix) {
				t.Fatalf("stored key %.8s…, verifier %.4s…: want at-rest and peppered", stored, verifier)
			}
			if _, _, err := f.m.Login(ctx, "client-1", u.Email, b64.Encode(sealkit.GenerateKey())); !errors.Is(err, accounts.ErrWrongLogin) {
				t.Fatalf("wrong key: %v", err)
			}
			h, err := f.m.EndSession(ctx, session)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.m.SessionUser(ctx, session); !errors.Is(err, accounts.ErrNoSession) {
				t.Fatalf("ended session: %v", err)
			}
			if live, err := f.m.LiveSessions(ctx, []string{h}); err != nil || live[h] {
				t.Fatalf("ended session live: %v %v", live, err)
			}
		})
	}
}

// TestStrangerLearnsNothing: salt, sign-up and a failed login look alike
// for an address with an account, one without, and one with a sign-up in
// progress; only the mail differs.
func TestStrangerLearnsNothing(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	known, pending := newUser(t), newUser(t)
	f.signUp(t, known)
	if _, err := f.m.SignupMail(ctx, pending.Email, true); err != nil {
		t.Fatal(err)
	}
	unknown := "nobody@example.test"
	for _, email := range []string{known.Email, pending.Email, unknown} {
		kh, err := f.m.Salt(ctx, "c", email)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sealkit.ParseSaltFromKeyHash(kh); err != nil {
			t.Fatalf("%s: key_hash %q does not parse", email, kh)
		}
		if again, _ := f.m.Salt(ctx, "c2", email); again != kh {
			t.Fatal("the fake key_hash changes between requests")
		}
		if _, _, err := f.m.Login(ctx, "c3", email, b64.Encode(sealkit.GenerateKey())); !errors.Is(err, accounts.ErrWrongLogin) {
			t.Fatalf("%s: %v", email, err)
		}
		if err := f.m.BeginSignup(ctx, "c4", email, func(context.Context, string) error { return nil }); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
	}
	if kh, _ := f.m.Salt(ctx, "c", pending.Email); kh == sealkit.FormatKeyHash(pending.Salt) {
		t.Fatal("impossible: the browser has not chosen a salt yet")
	}
	if m, _ := f.m.SignupMail(ctx, known.Email, true); m.Kind != accounts.MailAlreadyRegistered || m.Token != "" {
		t.Fatalf("known address: %+v", m)
	}
}

// TestLinkOnceAndOnlyItsAddress: concurrent finishes of one link create
// one account; a used or expired link is ErrLinkGone; the account is for
// the link's address whatever the body says; a second link of the same
// address finds the account there (ErrAccountExists) and is consumed.
func TestLinkOnceAndOnlyItsAddress(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			f := newFixture(t, backend)
			ctx := context.Background()
			u := newUser(t)
			first, _ := f.m.SignupMail(ctx, u.Email, true)
			second, _ := f.m.SignupMail(ctx, u.Email, true)
			var wg sync.WaitGroup
			results := make(chan error, 10)
			for range 10 {
				wg.Go(func() {
					_, _, err := f.m.FinishSignup(ctx, registration(u, first.Token))
					results <- err
				})
			}
			wg.Wait()
			close(results)
			ok := 0
			for err := range results {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, accounts.ErrLinkGone):
					t.Fatalf("concurrent finish: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d accounts from one link", ok)
			}
			if _, _, err := f.m.FinishSignup(ctx, registration(u, second.Token)); !errors.Is(err, accounts.ErrLinkGone) {
				t.Fatalf("the address's other link: %v", err) // deleted with the first finish
			}
			var n int
			f.db.QueryRow(`SELECT COUNT(*) FROM signups`).Scan(&n)
			if n != 0 {
				t.Fatalf("%d links left", n)
			}

			// Expiry.
			v := newUser(t)
			link, _ := f.m.SignupMail(ctx, v.Email, true)
			f.clock.Advance(49 * time.Hour)
			if _, err := f.m.SignupAddress(ctx, link.Token); !errors.Is(err, accounts.ErrLinkGone) {
				t.Fatalf("expired link: %v", err)
			}
			if _, _, err := f.m.FinishSignup(ctx, registration(v, link.Token)); !errors.Is(err, accounts.ErrLinkGone) {
				t.Fatalf("expired link: %v", err)
			}
			if n, err := f.m.Cleanup(ctx); err != nil || n == 0 {
				t.Fatalf("cleanup: %d %v", n, err)
			}
		})
	}
}

// TestAccountExistsConsumesLink: a link mailed before the address got an
// account (by another link) answers ErrAccountExists once, then is gone.
func TestAccountExistsConsumesLink(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	old, _ := f.m.SignupMail(ctx, u.Email, true)
	// Re-insert the old link after the account exists (another instance
	// mailed it just before the first finish).
	f.signUp(t, u)
	if err := f.store.CreateSignup(ctx, accounts.Signup{TokenHash: accounts.TokenHash(old.Token), EmailIndex: f.m.EmailIndex(u.Email),
		Email: u.Email, Created: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.m.FinishSignup(ctx, registration(u, old.Token)); !errors.Is(err, accounts.ErrAccountExists) {
		t.Fatalf("got %v", err)
	}
	if _, _, err := f.m.FinishSignup(ctx, registration(u, old.Token)); !errors.Is(err, accounts.ErrLinkGone) {
		t.Fatalf("second try: %v", err)
	}
}

// TestLimits: salt per client; failed logins per client+account (a
// success takes its count back); sign-up mails per address, silently.
func TestLimits(t *testing.T) {
	f := newFixture(t, "postgres")
	ctx := context.Background()
	u := newUser(t)
	f.signUp(t, u)
	var le *accounts.LimitError
	for i := range 11 {
		_, err := f.m.Salt(ctx, "salty", u.Email)
		if (i < 10) != (err == nil) || (i == 10 && !errors.As(err, &le)) {
			t.Fatalf("salt %d: %v", i, err)
		}
	}
	wrong := b64.Encode(sealkit.GenerateKey())
	for i := range 4 {
		if _, _, err := f.m.Login(ctx, "guesser", u.Email, wrong); !errors.Is(err, accounts.ErrWrongLogin) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	for range 3 { // successes do not use up the limit
		if _, _, err := f.m.Login(ctx, "guesser", u.Email, b64.Encode(u.AuthKey)); err != nil {
			t.Fatal(err)
		}
	}
	f.m.Login(ctx, "guesser", u.Email, wrong)
	if _, _, err := f.m.Login(ctx, "guesser", u.Email, b64.Encode(u.AuthKey)); !errors.As(err, &le) || le.RetryAfter != 15*time.Minute {
		t.Fatalf("sixth attempt: %v", err)
	}
	if _, _, err := f.m.Login(ctx, "elsewhere", u.Email, b64.Encode(u.AuthKey)); err != nil {
		t.Fatalf("the owner from another client: %v", err)
	}
	v := newUser(t)
	kinds := map[accounts.MailKind]int{}
	for range 5 {
		m, err := f.m.SignupMail(ctx, v.Email, true)
		if err != nil {
			t.Fatal(err)
		}
		kinds[m.Kind]++
	}
	if kinds[accounts.MailFinishSignup] != 3 || kinds[accounts.MailNone] != 2 {
		t.Fatalf("mails: %v", kinds)
	}
}

// TestSessionsIdleAndExpire: a session ends after its lifetime and when
// unused for SessionIdle; use keeps it alive; LiveSessions does not.
func TestSessionsIdleAndExpire(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	session := f.signUp(t, u)
	h := accounts.TokenHash(session)
	for range 3 { // used every 6 days: alive past 7 days idle
		f.clock.Advance(6 * 24 * time.Hour)
		if _, err := f.m.SessionUser(ctx, session); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(6 * 24 * time.Hour) // checked, not used
	if live, _ := f.m.LiveSessions(ctx, []string{h}); !live[h] {
		t.Fatal("session not live")
	}
	f.clock.Advance(2 * 24 * time.Hour)
	if live, _ := f.m.LiveSessions(ctx, []string{h}); live[h] {
		t.Fatal("idle session still live: LiveSessions counted as a use")
	}
	if _, err := f.m.SessionUser(ctx, session); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatalf("idle: %v", err)
	}
	// The absolute lifetime (30 days), however often used.
	_, other, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey))
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		f.clock.Advance(6 * 24 * time.Hour)
		if _, err := f.m.SessionUser(ctx, other); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(6*24*time.Hour + time.Second)
	if _, err := f.m.SessionUser(ctx, other); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatalf("after 30 days: %v", err)
	}
	if _, err := f.m.SessionUser(ctx, "not a token"); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatal(err)
	}
}

// TestBadRegistration: each field is checked and named; nothing is
// created and the link still works.
func TestBadRegistration(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	link, _ := f.m.SignupMail(ctx, u.Email, true)
	for field, mutate := range map[string]func(*accounts.Registration){
		"token":      func(r *accounts.Registration) { r.Token = "short" },
		"key_hash":   func(r *accounts.Registration) { r.KeyHash = "x" },
		"auth_key":   func(r *accounts.Registration) { r.AuthKey = b64.Encode(make([]byte, 31)) },
		"public_key": func(r *accounts.Registration) { r.PublicKey = "!!" },
		"encrypted_private_key": func(r *accounts.Registration) {
			r.EncryptedPrivateKey = b64.Encode([]byte(strings.Repeat("plain text ", 8))[:84])
		},
		"pq_public_key": func(r *accounts.Registration) { r.PQPublicKey = r.PublicKey },
		"encrypted_email": func(r *accounts.Registration) {
			r.EncryptedEmail = b64.Encode([]byte("someone@example.test and more text"))
		},
	} {
		r := registration(u, link.Token)
		mutate(&r)
		_, _, err := f.m.FinishSignup(ctx, r)
		var fe *fieldcheck.Error
		if !errors.As(err, &fe) || fe.Field != field {
			t.Fatalf("%s: %v", field, err)
		}
	}
	if _, _, err := f.m.FinishSignup(ctx, registration(u, link.Token)); err != nil {
		t.Fatalf("the link after refused attempts: %v", err)
	}
}

// TestHandlers: the endpoints' statuses, the cookie's attributes, strict
// bodies; a thief of the cookie name alone gets nothing.
func TestHandlers(t *testing.T) {
	f := newFixture(t, "sqlite")
	u := newUser(t)
	var queued []string
	h := &accounts.Handlers{Manager: f.m, ClientID: func(*http.Request) string { return "c" }, Secure: true, Cookie: "app",
		QueueSignup: func(_ context.Context, e string) error { queued = append(queued, e); return nil }}
	mux := http.NewServeMux()
	mux.Handle("POST /api/auth/register", h.Register())
	mux.Handle("POST /api/auth/register/finish", h.FinishSignup())
	mux.Handle("POST /api/auth/salt", h.Salt())
	mux.Handle("POST /api/auth/login", h.Login())
	mux.Handle("GET /me", h.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accounts.WriteJSON(w, 200, map[string]string{"user": accounts.UserID(r.Context())})
	})))
	mux.Handle("GET /keys", h.Require(h.Keys()))
	do := func(path, ctype, body string, cookie *http.Cookie) *httptest.ResponseRecorder {
		method := "POST"
		if path == "/me" || path == "/keys" {
			method = "GET"
		}
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	j := "application/json"
	if w := do("/api/auth/register", j, `{"email":"`+u.Email+`"}`, nil); w.Code != 202 || len(queued) != 1 {
		t.Fatalf("register: %d %s", w.Code, w.Body)
	}
	for _, c := range []struct {
		ctype, body string
		code        int
	}{
		{"text/plain", `{"email":"a@b.test"}`, 415},
		{j, `{"email":"a@b.test","email":"c@d.test"}`, 400},
		{j, `{"Email":"a@b.test"}`, 400},
		{j, `{"email":"a@b.test","x":1}`, 400},
		{j, `{"email":"not an address"}`, 400},
		{j, `[]`, 400},
		{j, `{"email":"` + strings.Repeat("a", 70000) + `"}`, 413},
	} {
		if w := do("/api/auth/salt", c.ctype, c.body, nil); w.Code != c.code || !strings.Contains(w.Body.String(), `"error"`) {
			t.Fatalf("%.40s: %d %s", c.body, w.Code, w.Body)
		}
	}
	mail, _ := f.m.SignupMail(context.Background(), queued[0], true)
	reg := registration(u, mail.Token)
	body := `{"token":"` + reg.Token + `","key_hash":"` + reg.KeyHash + `","auth_key":"` + reg.AuthKey + `","public_key":"` + reg.PublicKey +
		`","encrypted_private_key":"` + reg.EncryptedPrivateKey + `","pq_public_key":"` + reg.PQPublicKey + `","encrypted_pq_private_key":"` +
		reg.EncryptedPQPrivateKey + `","encrypted_user_key":"` + reg.EncryptedUserKey + `","encrypted_email":"` + reg.EncryptedEmail + `"}`
	w := do("/api/auth/register/finish", j, body, nil)
	if w.Code != 201 {
		t.Fatalf("finish: %d %s", w.Code, w.Body)
	}
	ck := w.Result().Cookies()
	if len(ck) != 1 || ck[0].Name != "__Host-app" || !ck[0].Secure || !ck[0].HttpOnly || ck[0].Path != "/" || ck[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v", ck)
	}
	if w := do("/me", j, "", ck[0]); w.Code != 200 {
		t.Fatalf("me: %d", w.Code)
	}
	if w := do("/keys", j, "", ck[0]); w.Code != 200 || !strings.Contains(w.Body.String(), `"encrypted_private_key":"`+reg.EncryptedPrivateKey+`"`) {
		t.Fatalf("keys: %d %s", w.Code, w.Body)
	}
	if w := do("/api/auth/register/finish", j, body, nil); w.Code != 410 {
		t.Fatalf("finish again: %d", w.Code)
	}
	if w := do("/api/auth/login", j, `{"email":"`+u.Email+`","auth_key":"`+b64.Encode(sealkit.GenerateKey())+`"}`, nil); w.Code != 401 {
		t.Fatalf("wrong login: %d", w.Code)
	}
	if w := do("/me", j, "", &http.Cookie{Name: "__Host-app", Value: accounts.NewToken()}); w.Code != 401 {
		t.Fatalf("made-up cookie: %d", w.Code)
	}
}

// TestHandlersUnconfigured: a Handlers without ClientID or QueueSignup
// answers (one site-wide client; sign-up off with 503), never panics.
func TestHandlersUnconfigured(t *testing.T) {
	f := newFixture(t, "sqlite")
	h := &accounts.Handlers{Manager: f.m}
	for path, handler := range map[string]http.Handler{"/register": h.Register(), "/salt": h.Salt()} {
		r := httptest.NewRequest("POST", path, strings.NewReader(`{"email":"a@b.test"}`))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		want := 200
		if path == "/register" {
			want = 503
		}
		if w.Code != want {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
	}
}

// TestCacheSecret: the key cache's server half is per session and per
// write time, given only to a live session, and refused once the cache
// is older than KeyCacheLifetime.
func TestCacheSecret(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	s1 := f.signUp(t, u)
	_, s2, _ := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey))
	written := f.clock.Now()
	a, err := f.m.CacheSecret(ctx, s1, written)
	if err != nil || len(a) != 32 {
		t.Fatalf("%x %v", a, err)
	}
	if again, _ := f.m.CacheSecret(ctx, s1, written); string(again) != string(a) {
		t.Fatal("not stable for one session and write time")
	}
	if b, _ := f.m.CacheSecret(ctx, s2, written); string(b) == string(a) {
		t.Fatal("two sessions share a cache secret")
	}
	if c, _ := f.m.CacheSecret(ctx, s1, written.Add(-time.Second)); string(c) == string(a) {
		t.Fatal("the write time is not bound")
	}
	if _, err := f.m.CacheSecret(ctx, s1, written.Add(time.Hour)); !errors.Is(err, accounts.ErrCacheExpired) {
		t.Fatalf("future write time: %v", err)
	}
	f.clock.Advance(6 * 24 * time.Hour)
	f.m.SessionUser(ctx, s1) // keep it from going idle
	f.clock.Advance(6 * 24 * time.Hour)
	if _, err := f.m.CacheSecret(ctx, s1, written); err != nil {
		t.Fatalf("12 days: %v", err)
	}
	f.clock.Advance(3 * 24 * time.Hour)
	if _, err := f.m.CacheSecret(ctx, s1, written); !errors.Is(err, accounts.ErrCacheExpired) {
		t.Fatalf("15 days: %v", err)
	}
	// The endpoint's Date header is the Manager's clock, the one a write
	// time is judged by, so that a browser whose clock is ahead can retry
	// at the server's time (keycache.js does on a 410 at write time).
	h := &accounts.Handlers{Manager: f.m, Cookie: "app"}
	r := httptest.NewRequest("POST", "/api/auth/key-cache", strings.NewReader(fmt.Sprintf(`{"written":%d}`, time.Now().Unix())))
	r.Header.Set("Content-Type", "application/json")
	r.AddCookie(&http.Cookie{Name: "app", Value: s1})
	w := httptest.NewRecorder()
	h.CacheSecret().ServeHTTP(w, r)
	if w.Code != http.StatusGone || w.Header().Get("Date") != f.clock.Now().UTC().Format(http.TimeFormat) {
		t.Fatalf("a write time on this machine's clock, the Manager's clock in 2027: %d, Date %q, want 410 and %q",
			w.Code, w.Header().Get("Date"), f.clock.Now().UTC().Format(http.TimeFormat))
	}
	f.m.EndSession(ctx, s1)
	if _, err := f.m.CacheSecret(ctx, s1, f.clock.Now()); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatalf("ended session: %v", err)
	}
}
