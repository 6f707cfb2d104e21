package webapp_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// Sign-up is email first (docs/PROTOCOL.md §1): these tests are the
// attacks of issue 11 §1, made against the real server on both databases.

// mailsTo waits until the mailbox holds want mails to addr whose subject
// contains subject, and returns them (newest first). It also fails if more
// than want arrive within a short grace period.
func mailsTo(t *testing.T, s *apptest.Server, addr, subject string, want int) []apptest.Mail {
	t.Helper()
	find := func() []apptest.Mail {
		var out []apptest.Mail
		for _, m := range s.Mails(t) {
			if m.To == strings.ToLower(addr) && strings.Contains(m.Subject, subject) {
				out = append(out, m)
			}
		}
		return out
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(find()) < want {
		time.Sleep(50 * time.Millisecond)
	}
	waitJobsDone(t, s)
	got := find()
	if len(got) != want {
		t.Fatalf("%d mails %q to %s, want %d", len(got), subject, addr, want)
	}
	return got
}

// waitJobsDone waits until River has no job left to run (sign-up and mail
// jobs), so that a count of mails or rows is final.
func waitJobsDone(t *testing.T, s *apptest.Server) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := s.App.Store().DB.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending') AND kind <> 'cleanup'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("jobs still queued after 15 s")
}

// TestSignupCannotBeSquatted: an attacker who asks for a sign-up of the
// victim's address first can bind nothing: the victim, following every
// link in their mailbox in either order, ends up with their own keys, and
// the attacker's chosen keys open nothing.
func TestSignupCannotBeSquatted(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		for i, order := range []string{"attacker's link first", "victim's link first"} {
			addr := []string{"victim-a@example.test", "victim-b@example.test"}[i]
			attacker := apptest.NewUser(t, addr, "attacker-chosen-password")
			victim := apptest.NewUser(t, addr, "victims-own-password")
			ac, vc := apptest.NewClient(s.URL), apptest.NewClient(s.URL)

			// The old attack: the attacker's keys in the first request.
			if r := ac.JSON(t, "POST", "/api/auth/register", attacker.Register); r.Status != 400 {
				t.Fatalf("%s: registration with keys: %d %s, want 400", order, r.Status, r.Body)
			}
			if r := ac.JSON(t, "POST", "/api/auth/register", map[string]string{"email": addr}); r.Status != 202 {
				t.Fatalf("%s: attacker's registration: %d", order, r.Status)
			}
			mailsTo(t, s, addr, apptest.SignupSubject, 1)
			if r := vc.JSON(t, "POST", "/api/auth/register", map[string]string{"email": addr}); r.Status != 202 {
				t.Fatalf("%s: victim's registration: %d", order, r.Status)
			}
			links := mailsTo(t, s, addr, apptest.SignupSubject, 2) // newest first
			if n := countWhere(t, s, "users", "1=1"); n != i {
				t.Fatalf("%s: %d accounts before any link was followed, want %d", order, n, i)
			}
			first, second := links[1], links[0]
			if i == 1 {
				first, second = second, first
			}
			if r := vc.FinishSignup(t, victim, apptest.LinkToken(t, first.Link)); r.Status != 201 {
				t.Fatalf("%s: victim follows the first link: %d %s", order, r.Status, r.Body)
			}
			// Making the account ended the address's other links.
			if r := vc.FinishSignup(t, victim, apptest.LinkToken(t, second.Link)); r.Status != 410 {
				t.Fatalf("%s: victim follows the second link: %d %s, want 410", order, r.Status, r.Body)
			}
			if r := apptest.NewClient(s.URL).LogIn(t, victim); r.Status != 200 {
				t.Fatalf("%s: the victim cannot log in: %d %s", order, r.Status, r.Body)
			}
			if r := ac.JSON(t, "POST", "/api/auth/login", map[string]string{"email": addr, "auth_key": b64.Encode(attacker.AuthKey)}); r.Status != 401 {
				t.Fatalf("%s: the attacker's chosen key logs in: %d %s", order, r.Status, r.Body)
			}
			var pk string
			if err := s.App.Store().DB.QueryRow(`SELECT public_key FROM users WHERE public_key = $1`, b64.Encode(victim.PublicKey)).Scan(&pk); err != nil {
				t.Fatalf("%s: the account does not hold the victim's public key: %v", order, err)
			}
			if n := countWhere(t, s, "signups", "1=1"); n != 0 {
				t.Errorf("%s: %d sign-up links left after the account was made, want 0", order, n)
			}
		}
	})
}

// TestSignupRevealsNothing: the first step, the salt endpoint and login
// answer alike for an address with an account, one without, and one with
// a sign-up in progress; only the mailbox tells them apart.
func TestSignupRevealsNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		existing := apptest.NewUser(t, "has-account@example.test", "existing-password")
		s.SignUp(t, apptest.NewClient(s.URL), existing)
		const pending, unknown = "pending@example.test", "nobody@example.test"

		salt := func(addr string) string {
			r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/salt", map[string]string{"email": addr})
			if r.Status != 200 {
				t.Fatalf("salt %s: %d", addr, r.Status)
			}
			return string(r.Body)
		}
		saltBefore := salt(pending)
		c := apptest.NewClient(s.URL)
		if r := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": pending}); r.Status != 202 {
			t.Fatal(r.Status)
		}
		mailsTo(t, s, pending, apptest.SignupSubject, 1)

		// A sign-up in progress changes nothing the salt endpoint shows.
		if got := salt(pending); got != saltBefore {
			t.Errorf("salt of an address with a sign-up in progress changed: %s -> %s", saltBefore, got)
		}
		// Login: any key for it answers as for an address with no account.
		guess := b64.Encode(bytes.Repeat([]byte{9}, 32))
		var logins [][]byte
		for _, addr := range []string{pending, unknown} {
			r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/login", map[string]string{"email": addr, "auth_key": guess})
			if r.Status != 401 {
				t.Errorf("login for %s: %d, want 401", addr, r.Status)
			}
			logins = append(logins, r.Body)
		}
		if !bytes.Equal(logins[0], logins[1]) {
			t.Errorf("login answers differ: %s vs %s", logins[0], logins[1])
		}

		// The first step answers byte for byte alike, headers included.
		jobs := countWhere(t, s, "river_job", "kind = 'signup_mail'")
		var answers []string
		for _, addr := range []string{existing.Email, unknown, pending} {
			r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/register", map[string]string{"email": addr})
			h := r.Header.Clone()
			h.Del("Date")
			h.Del("Content-Security-Policy") // its nonce is per response
			var b strings.Builder
			h.Write(&b)
			answers = append(answers, strconv.Itoa(r.Status)+"\n"+b.String()+string(r.Body))
		}
		for i := 1; i < len(answers); i++ {
			if answers[i] != answers[0] {
				t.Errorf("register answers differ:\n%s\nvs\n%s", answers[0], answers[i])
			}
		}
		// Each request did the same thing: queue one job.
		if n := countWhere(t, s, "river_job", "kind = 'signup_mail'"); n != jobs+3 {
			t.Errorf("%d sign-up jobs queued by 3 requests, want 3", n-jobs)
		}
		// The mailbox is where they differ: the account's owner is told
		// to log in; the others get a (new) link.
		exists := mailsTo(t, s, existing.Email, "already have", 1)[0]
		if !strings.HasSuffix(exists.Link, "/login") || !strings.Contains(exists.Body, "log in") {
			t.Errorf("account-exists mail: link %q, body %q", exists.Link, exists.Body)
		}
		mailsTo(t, s, unknown, apptest.SignupSubject, 1)
		mailsTo(t, s, pending, apptest.SignupSubject, 2)
		if n := countWhere(t, s, "users", "1=1"); n != 1 {
			t.Errorf("%d accounts, want 1: a sign-up request created one", n)
		}
	})
}

// TestSignupLinks: links expire after 48 hours, the cleanup deletes them,
// a used or expired link shows a clear page, and anyone can start again.
func TestSignupLinks(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		clk := newClock()
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.Now = clk.Now }})
		u := apptest.NewUser(t, "Late.Comer@Example.test", "late-comer-password")
		c := apptest.NewClient(s.URL)
		if r := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": u.Email}); r.Status != 202 {
			t.Fatal(r.Status)
		}
		link := mailsTo(t, s, u.Email, apptest.SignupSubject, 1)[0].Link
		token := apptest.LinkToken(t, link)
		page := c.Do(t, "GET", "/register/finish?token="+token, "", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), "Late.Comer@Example.test") {
			t.Fatalf("finishing page: %d; want 200 showing the address as typed", page.Status)
		}
		if page.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("finishing page is cacheable: %q", page.Header.Get("Cache-Control"))
		}

		clk.Advance(48*time.Hour + time.Minute)
		if r := c.Do(t, "GET", "/register/finish?token="+token, "", nil); r.Status != 410 || !strings.Contains(string(r.Body), "expired") {
			t.Errorf("expired link page: %d", r.Status)
		}
		if r := c.FinishSignup(t, u, token); r.Status != 410 {
			t.Errorf("finishing with an expired link: %d %s, want 410", r.Status, r.Body)
		}
		if _, err := s.App.Store().Cleanup(context.Background(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, s, "signups", "1=1"); n != 0 {
			t.Errorf("%d expired sign-up links left after cleanup", n)
		}
		if n := countWhere(t, s, "users", "1=1"); n != 0 {
			t.Errorf("%d accounts from an expired link", n)
		}
		// Start again.
		s.SignUp(t, c, u)
		if r := c.LogIn(t, u); r.Status != 200 {
			t.Fatalf("login after starting again: %d %s", r.Status, r.Body)
		}
	})
}

// TestSignupMailLimit: one address gets at most 3 sign-up mails an hour,
// whoever asks; the answers do not change when the limit drops a mail.
func TestSignupMailLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		const addr = "flooded@example.test"
		var first *apptest.Response
		for i := 0; i < 8; i++ {
			r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/register", map[string]string{"email": addr})
			if first == nil {
				first = r
			}
			if r.Status != first.Status || !bytes.Equal(r.Body, first.Body) {
				t.Fatalf("request %d answered %d %s, the first %d %s", i, r.Status, r.Body, first.Status, first.Body)
			}
		}
		mailsTo(t, s, addr, apptest.SignupSubject, 3)
		if n := countWhere(t, s, "signups", "1=1"); n != 3 {
			t.Errorf("%d sign-up links stored, want 3", n)
		}
		if strings.Contains(s.Log.String(), addr) {
			t.Error("the log names the address")
		}
	})
}

// TestSignupFinishRaces: one link followed 10 times at once, and two links
// of one address at once, create one account; the others get 409/410,
// never a 5xx or an ERROR line.
func TestSignupFinishRaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		for _, links := range []int{1, 2} {
			addr := []string{"", "race-one@example.test", "race-two@example.test"}[links]
			for i := 0; i < links; i++ {
				if r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/register", map[string]string{"email": addr}); r.Status != 202 {
					t.Fatal(r.Status)
				}
				mailsTo(t, s, addr, apptest.SignupSubject, i+1)
			}
			mails := mailsTo(t, s, addr, apptest.SignupSubject, links)
			users := make([]*apptest.User, 10)
			bodies := make([][]byte, 10)
			for i := range users {
				users[i] = apptest.NewUser(t, addr, "race-password-"+randomHex(4))
				body := map[string]string{"token": apptest.LinkToken(t, mails[i%links].Link)}
				for k, v := range users[i].Register {
					if k != "email" {
						body[k] = v
					}
				}
				bodies[i] = mustJSON(t, body)
			}
			statuses := concurrently(t, 10, func(i int) (*http.Request, error) {
				req, err := http.NewRequest("POST", s.URL+"/api/auth/register/finish", bytes.NewReader(bodies[i]))
				if err == nil {
					req.Header.Set("Content-Type", "application/json")
				}
				return req, err
			})
			if statuses[201] != 1 || statuses[201]+statuses[409]+statuses[410] != 10 {
				t.Errorf("%d link(s) followed 10 times at once: %v, want one 201 and the rest 409/410", links, statuses)
			}
			if n := countWhere(t, s, "users", "email_index <> ''"); n != links {
				t.Errorf("%d accounts after %d races, want %d", n, links, links)
			}
		}
		if strings.Contains(s.Log.String(), "level=ERROR") {
			t.Errorf("ERROR logged:\n%s", s.Log.String())
		}
	})
}

// TestVerifierNeedsServerSecret: what the database keeps of an auth key
// cannot be checked without the secrets file (issue 11 §7), and verifiers
// stored before that are upgraded in place, with no user action.
func TestVerifierNeedsServerSecret(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		u := apptest.NewUser(t, "pepper@example.test", "pepper-password")
		s.SignUp(t, apptest.NewClient(s.URL), u)
		var id, saltHex, stored string
		if err := s.App.Store().DB.QueryRow(`SELECT id, auth_salt, auth_hash FROM users`).Scan(&id, &saltHex, &stored); err != nil {
			t.Fatal(err)
		}
		salt, _ := hex.DecodeString(saltHex)
		m := hmac.New(sha256.New, salt)
		m.Write(u.AuthKey)
		inner := m.Sum(nil)
		// The database thief knows the salt and the stored value; with the
		// right key in hand (as a successful guess would give) the old
		// formula matched. Now it must not.
		if stored == hex.EncodeToString(inner) || strings.Contains(stored, hex.EncodeToString(inner)) {
			t.Fatal("auth_hash is HMAC(auth_salt, auth_key): the database alone lets a guess be checked")
		}
		if !strings.HasPrefix(stored, "v2$") {
			t.Fatalf("auth_hash %q lacks the v2$ prefix", stored)
		}

		// A row from before the pepper: the legacy form, upgraded when an
		// instance starts, and the login works before and after.
		if _, err := s.App.Store().DB.Exec(`UPDATE users SET auth_hash = $1 WHERE id = $2`, hex.EncodeToString(inner), id); err != nil {
			t.Fatal(err)
		}
		if r := apptest.NewClient(s.URL).LogIn(t, u); r.Status != 200 {
			t.Fatalf("login with a legacy verifier: %d %s", r.Status, r.Body)
		}
		s.Close() // the first instance's listener; its store stays open
		s2 := apptest.Start(t, db, &apptest.Options{KeysFile: s.KeysFile})
		var upgraded string
		if err := s2.App.Store().DB.QueryRow(`SELECT auth_hash FROM users WHERE id = $1`, id).Scan(&upgraded); err != nil {
			t.Fatal(err)
		}
		if upgraded != stored {
			t.Errorf("after a restart the legacy verifier is %q, want the peppered %q", upgraded, stored)
		}
		if r := apptest.NewClient(s2.URL).LogIn(t, u); r.Status != 200 {
			t.Fatalf("login after the upgrade: %d %s", r.Status, r.Body)
		}
		if strings.Contains(s2.Log.String(), stored) || strings.Contains(s2.Log.String(), hex.EncodeToString(inner)) {
			t.Error("the log holds a verifier")
		}
	})
}

// clock is a test clock for Config.Now that only moves when told.
type clock struct{ offset atomic.Int64 }

func newClock() *clock { return &clock{} }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
func countWhere(t *testing.T, s *apptest.Server, table, where string) int {
	t.Helper()
	var n int
	if err := s.App.Store().DB.QueryRow("SELECT COUNT(*) FROM " + table + " WHERE " + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// concurrently sends n requests made by mk, all released at once, and
// counts the answers by status (a transport error fails the test).
func concurrently(t *testing.T, n int, mk func(i int) (*http.Request, error)) map[int]int {
	t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		req, err := mk(i)
		if err != nil {
			t.Fatal(err)
		}
		if req.Header.Get("Sec-Fetch-Site") == "" {
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		reqs[i] = req
	}
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		errs     []error
	)
	start := make(chan struct{})
	for _, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := client.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[res.StatusCode]++
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d requests failed: %v", len(errs), n, errs[0])
	}
	return maps.Clone(statuses)
}
