package webapp_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// announcementList is GET /api/announcements.
type announcementList struct {
	Announcements []struct {
		ID            string `json:"id"`
		EncryptedBody string `json:"encrypted_body"`
		CreatedAt     int64  `json:"created_at"`
	} `json:"announcements"`
}

func listAnnouncements(t *testing.T, c *apptest.Client) announcementList {
	t.Helper()
	r := c.Do(t, "GET", "/api/announcements", "", nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/announcements: %d %s", r.Status, r.Body)
	}
	var l announcementList
	r.JSON(t, &l)
	if l.Announcements == nil {
		t.Fatalf("GET /api/announcements: %s, want an announcements list", r.Body)
	}
	return l
}

// openAll opens every listed announcement with u's keys, newest first.
func openAll(t *testing.T, l announcementList, u *apptest.User) []string {
	t.Helper()
	var out []string
	for _, a := range l.Announcements {
		ct, err := b64.Decode(a.EncryptedBody)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) == 0 || ct[0] != sealkit.Cat3.Tag() {
			t.Fatalf("announcement %s is not a Cat-3 hybrid seal", a.ID)
		}
		p, err := sealkit.UnsealFromUser(ct, u.PublicKey, u.PrivateKey, u.PQSeed)
		if err != nil {
			t.Fatalf("%s cannot open announcement %s: %v", u.Email, a.ID, err)
		}
		out = append(out, string(p))
	}
	return out
}

// databaseBytes is everything the operator's database holds: SQLite's
// files as bytes, or a pg_dump of the data.
func databaseBytes(t *testing.T, db *apptest.DB) []byte {
	t.Helper()
	switch db.Backend {
	case "sqlite":
		var all []byte
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			b, err := os.ReadFile(db.Name + suffix)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	case "postgres":
		out, err := exec.Command("pg_dump", "--data-only", "--dbname", db.URL).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		return out
	}
	t.Fatalf("unknown backend %q", db.Backend)
	return nil
}

// TestAnnouncements: an announcement reaches every confirmed user — and
// only them — sealed to each one's keys; the list is per user, newest
// first; dismissing is per user, and another user's id (or an unknown or
// malformed one) is 404 and changes nothing; the text is in neither the
// database nor the log.
func TestAnnouncements(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		st := s.App.Store()
		ctx := context.Background()
		alice, bob := apptest.NewUser(t, "alice@example.test", "alice-password-1"), apptest.NewUser(t, "bob@example.test", "bob-password-22")
		ca, cb := apptest.NewClient(s.URL), apptest.NewClient(s.URL)
		for _, x := range []struct {
			c *apptest.Client
			u *apptest.User
		}{{ca, alice}, {cb, bob}} {
			s.SignUp(t, x.c, x.u)
			if r := x.c.LogIn(t, x.u); r.Status != 200 {
				t.Fatalf("login: %d %s", r.Status, r.Body)
			}
		}
		// carol asks for a sign-up link and never follows it: no account.
		if r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/register", map[string]string{"email": "carol@example.test"}); r.Status != 202 {
			t.Fatalf("register: %d", r.Status)
		}

		anon := apptest.NewClient(s.URL)
		if r := anon.Do(t, "GET", "/api/announcements", "", nil); r.Status != 401 {
			t.Fatalf("anonymous GET: %d", r.Status)
		}
		if l := listAnnouncements(t, ca); len(l.Announcements) != 0 {
			t.Fatalf("before any announcement: %+v", l)
		}

		first := "Canary-announcement-" + randomHex(8) + ": the service moves on Sunday."
		second := "Second-canary-" + randomHex(8) + "\nwith a second line."
		now := time.Now()
		_, n, err := webapp.Announce(ctx, st, first, now)
		if err != nil || n != 2 {
			t.Fatalf("Announce: %d users, %v; want 2 (the confirmed ones)", n, err)
		}
		if _, n, err := webapp.Announce(ctx, st, "  "+second+"\n", now.Add(time.Second)); err != nil || n != 2 {
			t.Fatalf("second Announce: %d, %v", n, err)
		}
		if _, _, err := webapp.Announce(ctx, st, " \n ", now); err == nil {
			t.Fatal("an empty announcement was accepted")
		}
		if _, _, err := webapp.Announce(ctx, st, strings.Repeat("é", webapp.MaxAnnouncementBytes/2+1), now); err == nil {
			t.Fatal("an announcement over 16 KiB was accepted")
		}
		if n := s.Count(t, "user_announcements"); n != 4 {
			t.Fatalf("%d copies stored, want 4 (2 announcements × 2 confirmed users)", n)
		}

		la, lb := listAnnouncements(t, ca), listAnnouncements(t, cb)
		want := []string{second, first}
		for _, x := range []struct {
			l announcementList
			u *apptest.User
		}{{la, alice}, {lb, bob}} {
			if got := openAll(t, x.l, x.u); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("%s sees %q, want %q (newest first)", x.u.Email, got, want)
			}
		}
		if la.Announcements[0].CreatedAt != now.Add(time.Second).Unix() || la.Announcements[1].CreatedAt != now.Unix() {
			t.Errorf("created_at %d, %d; want unix seconds %d, %d", la.Announcements[0].CreatedAt, la.Announcements[1].CreatedAt, now.Unix()+1, now.Unix())
		}
		// Each copy opens with its own user's keys only.
		ct, _ := b64.Decode(la.Announcements[0].EncryptedBody)
		if _, err := sealkit.UnsealFromUser(ct, bob.PublicKey, bob.PrivateKey, bob.PQSeed); err == nil {
			t.Fatal("alice's copy opens with bob's keys")
		}
		if la.Announcements[0].ID == lb.Announcements[0].ID {
			t.Fatal("alice and bob see the same id: ids must name one user's copy")
		}

		// Another user's id, an unknown one, a malformed one: 404, no change.
		aliceFirst := la.Announcements[1].ID
		for _, id := range []string{aliceFirst, strings.Repeat("0", 32), "not-an-id", strings.ToUpper(lb.Announcements[0].ID)} {
			if r := cb.Do(t, "DELETE", "/api/announcements/"+id, "", nil); r.Status != 404 {
				t.Errorf("bob dismissing %q: %d %s, want 404", id, r.Status, r.Body)
			}
		}
		if got := openAll(t, listAnnouncements(t, ca), alice); len(got) != 2 {
			t.Fatalf("after bob's attempts alice sees %d announcements", len(got))
		}
		if got := openAll(t, listAnnouncements(t, cb), bob); len(got) != 2 {
			t.Fatalf("after bob's attempts bob sees %d announcements", len(got))
		}
		if r := anon.Do(t, "DELETE", "/api/announcements/"+aliceFirst, "", nil); r.Status != 401 {
			t.Fatalf("anonymous DELETE: %d", r.Status)
		}
		if r := crossOrigin(t, ca, "DELETE", "/api/announcements/"+aliceFirst, "", nil, "https://evil.example"); r.Status != 403 {
			t.Fatalf("cross-origin DELETE: %d", r.Status)
		}

		// Alice dismisses her copy of the first: gone for her (twice is
		// fine), still there for bob.
		for range 2 {
			if r := ca.Do(t, "DELETE", "/api/announcements/"+aliceFirst, "", nil); r.Status != 204 {
				t.Fatalf("dismiss: %d %s", r.Status, r.Body)
			}
		}
		if got := openAll(t, listAnnouncements(t, ca), alice); len(got) != 1 || got[0] != second {
			t.Fatalf("after dismissing, alice sees %q", got)
		}
		if got := openAll(t, listAnnouncements(t, cb), bob); len(got) != 2 {
			t.Fatalf("after alice dismissed hers, bob sees %q", got)
		}

		// Stored sealed and at-rest encrypted: no plaintext in the database
		// or the log. The search finds what is there (an id), so a broken
		// search cannot pass.
		var body string
		if err := st.DB.QueryRow(`SELECT encrypted_body FROM user_announcements WHERE id = $1`, aliceFirst).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(body, "ar1.") {
			t.Fatalf("encrypted_body is not an at-rest value: %.20q", body)
		}
		dump := databaseBytes(t, db)
		if !bytes.Contains(dump, []byte(aliceFirst)) {
			t.Fatal("the search of the database does not find a stored id: it is broken")
		}
		logs := s.Log.String()
		if !strings.Contains(logs, "/api/announcements") {
			t.Fatal("the search of the log does not find the announcement requests: it is broken")
		}
		for _, text := range []string{"Canary-announcement-", "Second-canary-", first, second} {
			if containsFold(dump, text) {
				t.Errorf("the database holds %q", text)
			}
			if strings.Contains(logs, text) {
				t.Errorf("the log holds %q", text)
			}
		}
	})
}

// TestAnnouncementCascades: copies go with their user and with their
// announcement.
func TestAnnouncementCascades(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		st := s.App.Store()
		ctx := context.Background()
		u := apptest.NewUser(t, "dave@example.test", "dave-password-4")
		s.SignUp(t, apptest.NewClient(s.URL), u)
		id, _, err := webapp.Announce(ctx, st, "Goes away with its user", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB.Exec(`DELETE FROM users`); err != nil {
			t.Fatal(err)
		}
		if n := s.Count(t, "user_announcements"); n != 0 {
			t.Fatalf("%d copies left after deleting the user", n)
		}
		if _, err := st.DB.Exec(`DELETE FROM announcements WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		if n := s.Count(t, "announcements"); n != 0 {
			t.Fatalf("%d announcements left", n)
		}
	})
}

// TestBrowserAnnouncement: a logged-in user sees the announcement opened
// in the browser on the home page, labelled as written by the operator
// (not zero-knowledge), as text (no markup); one that cannot be opened
// shows its own error beside it; Dismiss removes it for good.
func TestBrowserAnnouncement(t *testing.T) {
	chromiumPath(t)
	s := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	st := s.App.Store()
	ctx := context.Background()
	u := apptest.NewUser(t, "Reader-"+randomHex(4)+"@example.test", "reader-password-"+randomHex(4))
	s.SignUp(t, apptest.NewClient(s.URL), u)

	text := "Planned maintenance " + randomHex(6) + "\n<b>not markup</b>\n\nSecond paragraph."
	if _, n, err := webapp.Announce(ctx, st, text, time.Now().Add(-time.Minute)); err != nil || n != 1 {
		t.Fatalf("Announce: %d %v", n, err)
	}
	// A newer copy sealed to keys that are not the user's: it cannot be opened.
	opk, _, _ := sealkit.GenerateKeyPair()
	opq, _, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	if _, _, err := st.CreateAnnouncement(ctx, time.Now(), func(store.Recipient) ([]byte, error) {
		return sealkit.SealForUser([]byte("for someone else"), opk, opq)
	}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, s.URL)
	a := b.newTab("a")
	a.open(t, "/login", "/login")
	a.typeInto(t, "login-email", u.Email)
	a.typeInto(t, "login-password", u.Password)
	submitLogIn(t, a)

	a.open(t, "/", "/")
	a.waitShown(t, "announcements")
	if n := mustEval[int](t, a, `document.querySelectorAll("#announcements .announcement").length`); n != 2 {
		t.Fatalf("%d announcements shown, want 2\n%s", n, a.describe())
	}
	// Newest first: the one that cannot be opened, with its error.
	if got := mustEval[string](t, a, `document.querySelector("#announcements .announcement:first-of-type .error").textContent`); !strings.Contains(got, "could not be opened") {
		t.Errorf("the unopenable announcement shows %q", got)
	}
	good := `document.querySelector("#announcements .announcement:not(.announcement-failed)")`
	if got := mustEval[string](t, a, good+`.querySelector(".announcement-body").innerText`); strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
		t.Errorf("the announcement shows %q, want %q", got, text)
	}
	if n := mustEval[int](t, a, good+`.querySelectorAll(".announcement-body b").length`); n != 0 {
		t.Error("the announcement's text was rendered as markup")
	}
	label := mustEval[string](t, a, good+`.querySelector(".announcement-label").textContent`)
	if !strings.Contains(label, "From the operator") || !strings.Contains(label, "not end-to-end encrypted") {
		t.Errorf("label %q does not say the operator wrote it and it is not end-to-end encrypted", label)
	}
	if !mustEval[bool](t, a, `document.getElementById("home-habits").getAttribute("href") === "/habits" && document.getElementById("home-groups").getAttribute("href") === "/groups"`) {
		t.Error("the signed-in home page does not link to /habits and /groups")
	}

	// Dismiss both; after a reload nothing is shown.
	a.do(t, "clicking Dismiss", chromedp.Click(chromedp.CSS(`#announcements .announcement-dismiss`)))
	a.waitJS(t, "one announcement left", `document.querySelectorAll("#announcements .announcement").length === 1`)
	if a.text(t, "announcements", "hidden") != "false" {
		t.Fatal("the announcements were hidden with one left")
	}
	a.do(t, "clicking Dismiss", chromedp.Click(chromedp.CSS(`#announcements .announcement-dismiss`)))
	a.waitJS(t, "the announcements to be hidden", `document.getElementById("announcements").hidden`)
	a.reload(t, "/")
	if !mustEval[bool](t, a, `document.getElementById("announcements").hidden`) {
		t.Fatal("dismissed announcements are shown again after a reload")
	}
	if n := s.Count(t, "user_announcements"); n != 2 {
		t.Fatalf("%d copies stored, want both kept (dismissed)", n)
	}

	// Signed out, the home page has no announcements and runs no crypto.
	a.clickTo(t, "logout-submit", "/")
	if mustEval[bool](t, a, `document.getElementById("announcements") !== null`) {
		t.Error("the signed-out home page has an announcements section")
	}
	if v := b.Violations(); len(v) > 0 {
		t.Errorf("CSP violations:\n  %s", strings.Join(v, "\n  "))
	}
	if ex := b.Exceptions(); len(ex) > 0 {
		t.Errorf("uncaught exceptions:\n  %s", strings.Join(ex, "\n  "))
	}
}
