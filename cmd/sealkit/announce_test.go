package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/secrets"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// runEnv is runCmd with an environment and a standard input.
func runEnv(t *testing.T, env map[string]string, in string, args ...string) (string, string, error) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// openStore opens the app's database with the keys file, as the app does.
func openStore(t *testing.T, dbURL, keysFile string) *store.Store {
	t.Helper()
	sec, err := secrets.Load(keysFile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL, func() *atrest.KeySet { return sec.AtRest })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// opened is what a user's browser shows: its undismissed announcements,
// newest first, each opened with that user's keys.
func opened(t *testing.T, c *apptest.Client, u *apptest.User) []string {
	t.Helper()
	r := c.Do(t, "GET", "/api/announcements", "", nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/announcements: %d %s", r.Status, r.Body)
	}
	var list struct {
		Announcements []struct {
			ID            string `json:"id"`
			EncryptedBody string `json:"encrypted_body"`
		} `json:"announcements"`
	}
	r.JSON(t, &list)
	var out []string
	for _, a := range list.Announcements {
		ct, err := b64.Decode(a.EncryptedBody)
		if err != nil {
			t.Fatal(err)
		}
		p, err := sealkit.UnsealFromUser(ct, u.PublicKey, u.PrivateKey, u.PQSeed)
		if err != nil {
			t.Fatalf("%s cannot open announcement %s: %v", u.Email, a.ID, err)
		}
		out = append(out, string(p))
	}
	return out
}

// TestAnnounce: `sealkit announce` seals the text — from the arguments, a
// file or standard input — to every confirmed user and to nobody else;
// each opens it with their own keys; bad texts and invocations change
// nothing; neither the command's output nor the server's log holds it.
func TestAnnounce(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := apptest.NewDB(t, backend)
			keysFile := filepath.Join(t.TempDir(), "keys.json")
			if _, _, err := runCmd(t, "keys", "generate", "--keys-file", keysFile); err != nil {
				t.Fatal(err)
			}
			s := apptest.Start(t, db, &apptest.Options{KeysFile: keysFile})
			var users []*apptest.User
			var clients []*apptest.Client
			for i := range 3 {
				u := apptest.NewUser(t, fmt.Sprintf("ann%d@example.test", i), fmt.Sprintf("password-%d-announce", i))
				c := apptest.NewClient(s.URL)
				s.SignUp(t, c, u)
				if r := c.LogIn(t, u); r.Status != 200 {
					t.Fatalf("login: %d %s", r.Status, r.Body)
				}
				users, clients = append(users, u), append(clients, c)
			}
			// A sign-up never finished: no account, gets nothing.
			if r := apptest.NewClient(s.URL).JSON(t, "POST", "/api/auth/register", map[string]string{"email": "pending@example.test"}); r.Status != 202 {
				t.Fatalf("register: %d", r.Status)
			}
			st := openStore(t, db.URL, keysFile)

			first := "Maintenance window " + hex.EncodeToString(randBytes(6)) + ": Sunday 02:00–03:00 UTC."
			out, errOut, err := runCmd(t, "announce", "--database-url", db.URL, "--keys-file", keysFile, first)
			if err != nil || !strings.Contains(out, "to 3 confirmed users") {
				t.Fatalf("announce: %v\n%s%s", err, out, errOut)
			}
			for i, u := range users {
				if got := opened(t, clients[i], u); len(got) != 1 || got[0] != first {
					t.Fatalf("%s sees %q, want [%q]", u.Email, got, first)
				}
			}
			if n := countRows(t, st, "user_announcements"); n != 3 {
				t.Fatalf("%d copies stored, want 3 (one per confirmed user)", n)
			}

			// From a file (several paragraphs, white space trimmed), with
			// the flags from the environment.
			second := "Second " + hex.EncodeToString(randBytes(6)) + "\n\nwith a second paragraph."
			path := filepath.Join(t.TempDir(), "text.txt")
			if err := os.WriteFile(path, []byte("\n  "+second+"\n\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"DATABASE_URL": db.URL, "SEALKIT_KEYS_FILE": keysFile}
			if out, _, err := runEnv(t, env, "", "announce", "--file", path); err != nil || !strings.Contains(out, "to 3 confirmed users") {
				t.Fatalf("announce --file: %v %s", err, out)
			}
			// From standard input, both spellings.
			time.Sleep(2 * time.Millisecond)
			third := "Third " + hex.EncodeToString(randBytes(6))
			if out, _, err := runEnv(t, env, third+"\n", "announce", "-"); err != nil || !strings.Contains(out, "to 3 confirmed users") {
				t.Fatalf("announce -: %v %s", err, out)
			}
			time.Sleep(2 * time.Millisecond)
			fourth := "Fourth " + hex.EncodeToString(randBytes(6))
			if out, _, err := runEnv(t, env, fourth, "announce", "--file", "-"); err != nil || !strings.Contains(out, "to 3 confirmed users") {
				t.Fatalf("announce --file -: %v %s", err, out)
			}
			want := []string{fourth, third, second, first} // newest first
			for i, u := range users {
				got := opened(t, clients[i], u)
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Fatalf("%s sees %q, want %q", u.Email, got, want)
				}
			}

			// Refused, and nothing changes.
			before := countRows(t, st, "user_announcements")
			big := strings.Repeat("x", 16<<10+1)
			bigFile := filepath.Join(t.TempDir(), "big.txt")
			os.WriteFile(bigFile, []byte(big), 0o600)
			for _, c := range []struct {
				name, in, want string
				args           []string
			}{
				{"no text", "", "no text", nil},
				{"empty", "", "empty", []string{"   "}},
				{"empty stdin", " \n", "empty", []string{"-"}},
				{"too long", "", "at most 16384", []string{big}},
				{"too long file", "", "at most 16384", []string{"--file", bigFile}},
				{"too long stdin", big + big + big + big + big + big, "at most 16384", []string{"-"}},
				{"not UTF-8", "", "UTF-8", []string{"caf\xe9"}},
				{"file and args", "", "not both", []string{"--file", path, "text"}},
				{"missing file", "", "no such file", []string{"--file", filepath.Join(t.TempDir(), "nope")}},
			} {
				args := append([]string{"announce", "--database-url", db.URL, "--keys-file", keysFile}, c.args...)
				out, errOut, err := runEnv(t, nil, c.in, args...)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
				}
				if strings.Contains(out+errOut, "xxxxxxxx") || (err != nil && strings.Contains(err.Error(), "xxxxxxxx")) {
					t.Errorf("%s: the text is echoed", c.name)
				}
			}
			// A missing keys file is an error, not a new file (whose keys
			// could not read the database).
			noKeys := filepath.Join(t.TempDir(), "none.json")
			if _, _, err := runCmd(t, "announce", "--database-url", db.URL, "--keys-file", noKeys, "hello"); err == nil {
				t.Error("announce with a missing keys file: no error")
			}
			if _, err := os.Stat(noKeys); err == nil {
				t.Error("announce created a keys file")
			}
			if n := countRows(t, st, "user_announcements"); n != before {
				t.Fatalf("refused announcements stored %d copies", n-before)
			}

			// Exactly 16 KiB is fine, and opens in every browser.
			largest := strings.Repeat("y", 16<<10-6) + randomTail()
			if out, _, err := runEnv(t, env, largest, "announce", "-"); err != nil || !strings.Contains(out, "to 3 confirmed users") {
				t.Fatalf("announce of 16 KiB: %v %s", err, out)
			}
			for i, u := range users {
				if got := opened(t, clients[i], u); len(got) != 5 || got[0] != largest {
					t.Fatalf("%s does not see the 16 KiB announcement first", u.Email)
				}
			}

			// The texts are nowhere in the server's log.
			logs := s.Log.String()
			for _, text := range want {
				if strings.Contains(logs, strings.SplitN(text, "\n", 2)[0]) {
					t.Errorf("the server log holds %q", text)
				}
			}
		})
	}
}

// TestAnnounceManyUsers: thousands of confirmed users get their copy in
// one run, each sealed to their own keys.
func TestAnnounceManyUsers(t *testing.T) {
	const users = 2500
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := apptest.NewDB(t, backend)
			keysFile := filepath.Join(t.TempDir(), "keys.json")
			if _, _, err := runCmd(t, "keys", "generate", "--keys-file", keysFile); err != nil {
				t.Fatal(err)
			}
			st := openStore(t, db.URL, keysFile)
			ctx := context.Background()
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			// No users yet: nothing to seal to, nothing stored.
			if out, _, err := runCmd(t, "announce", "--database-url", db.URL, "--keys-file", keysFile, "nobody reads this"); err != nil ||
				!strings.Contains(out, "no confirmed users") || countRows(t, st, "announcements") != 0 {
				t.Fatalf("announce to nobody: %v %s", err, out)
			}
			// Accounts as the store sees them; three key pairs go round
			// (generating 2,500 hybrid pairs would only slow the test).
			type keys struct{ pk, sk, pq, seed []byte }
			var kps [3]keys
			for i := range kps {
				kps[i].pk, kps[i].sk, _ = sealkit.GenerateKeyPair()
				kps[i].pq, kps[i].seed, _ = sealkit.GenerateHybridKeyPair(sealkit.Cat3)
			}
			filler := bytes.Repeat([]byte{1}, 84)
			owner := map[string]int{}
			for i := range users {
				id := hex.EncodeToString(randBytes(16))
				k := kps[i%len(kps)]
				a := &accounts.Account{
					ID: id, EmailIndex: hex.EncodeToString(randBytes(32)), KeyHash: "x$argon2id",
					AuthSalt: "00", Verifier: "00", PublicKey: k.pk, PQPublicKey: k.pq,
					EncryptedPrivateKey: filler, EncryptedPQPrivateKey: filler, EncryptedUserKey: filler, EncryptedEmail: filler,
					CreatedAt: time.Unix(1, 0),
				}
				if err := st.Accounts.CreateAccount(ctx, a); err != nil {
					t.Fatal(err)
				}
				owner[id] = i % len(kps)
			}
			text := "To everyone " + hex.EncodeToString(randBytes(6))
			start := time.Now()
			out, _, err := runCmd(t, "announce", "--database-url", db.URL, "--keys-file", keysFile, text)
			if err != nil || !strings.Contains(out, fmt.Sprintf("to %d confirmed users", users)) {
				t.Fatalf("announce: %v %s", err, out)
			}
			t.Logf("sealed to %d users in %v", users, time.Since(start).Round(time.Millisecond))
			if n := countRows(t, st, "user_announcements"); n != users {
				t.Fatalf("%d copies, want %d", n, users)
			}
			// A sample of users, each opening only with their key pair.
			checked := 0
			for id, k := range owner {
				list, err := st.Announcements(ctx, id, 10)
				if err != nil || len(list) != 1 {
					t.Fatalf("user %s: %d copies, %v", id, len(list), err)
				}
				p, err := sealkit.UnsealFromUser(list[0].EncryptedBody, kps[k].pk, kps[k].sk, kps[k].seed)
				if err != nil || string(p) != text {
					t.Fatalf("user %s: %q %v", id, p, err)
				}
				o := kps[(k+1)%len(kps)]
				if _, err := sealkit.UnsealFromUser(list[0].EncryptedBody, o.pk, o.sk, o.seed); err == nil {
					t.Fatalf("user %s's copy opens with another key pair", id)
				}
				if checked++; checked == 20 {
					break
				}
			}
		})
	}
}

// randomTail is 6 random hex digits.
func randomTail() string { return hex.EncodeToString(randBytes(3)) }

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestAnnounceHelp(t *testing.T) {
	stdout, stderr, err := runCmd(t, "announce", "--help")
	if err != nil || stderr != "" {
		t.Fatalf("announce --help: %v, stderr %q", err, stderr)
	}
	for _, s := range []string{"-database-url", "-keys-file", "-file", "$DATABASE_URL", "$SEALKIT_KEYS_FILE", "NOT zero-knowledge", "16 KiB"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("announce --help does not mention %s:\n%s", s, stdout)
		}
	}
	if out, _, _ := runCmd(t, "help"); !strings.Contains(out, "announce") {
		t.Error("sealkit help does not list announce")
	}
}
