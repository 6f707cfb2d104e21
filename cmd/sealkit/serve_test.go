package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/secrets"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// startServe runs `sealkit serve` with the development mailbox on a free
// port until the test ends and returns its URL and its log.
func startServe(t *testing.T, dbURL, keysFile string) (string, *apptest.LogBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr apptest.LogBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--dev-mailbox", "--database-url", dbURL, "--keys-file", keysFile},
			func(string) string { return "" }, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s")
		}
	})
	re := regexp.MustCompile(`serving on (http://\S+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], &stderr
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		default:
		}
	}
	t.Fatalf("serve did not start:\n%s", stderr.String())
	return "", nil
}

var signupLink = regexp.MustCompile(`/register/finish\?token=([A-Za-z0-9_-]{43})`)

// signUpFromMailbox finds the newest sign-up link for email on the
// development mailbox page and finishes the sign-up with u's keys on a
// client of its own (c stays logged out).
func signUpFromMailbox(t *testing.T, c *apptest.Client, u *apptest.User) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		page := string(c.Do(t, "GET", "/dev/mailbox", "", nil).Body)
		for _, art := range strings.Split(page, "<article") {
			if strings.Contains(art, u.Email) {
				if m := signupLink.FindStringSubmatch(art); m != nil {
					if r := apptest.NewClient(c.Base).FinishSignup(t, u, m[1]); r.Status != 201 {
						t.Fatalf("finish sign-up: %d %s", r.Status, r.Body)
					}
					return
				}
			}
		}
	}
	t.Fatalf("no sign-up mail for %s", u.Email)
}

// TestKeysRotateWhileServing: `sealkit keys rotate` while `sealkit serve`
// runs and a client keeps writing; afterwards every stored value is under
// the new key, and every account still opens in the "browser".
func TestKeysRotateWhileServing(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := apptest.NewDB(t, backend)
			keysFile := filepath.Join(t.TempDir(), "keys.json")
			if out, _, err := runCmd(t, "keys", "generate", "--keys-file", keysFile); err != nil || !strings.Contains(out, "at-rest key 1") {
				t.Fatalf("keys generate: %v %s", err, out)
			}
			if _, _, err := runCmd(t, "keys", "generate", "--keys-file", keysFile); err == nil || !strings.Contains(err.Error(), "not overwriting") {
				t.Fatalf("second keys generate: %v", err)
			}
			url, logs := startServe(t, db.URL, keysFile)

			var users []*apptest.User
			for i := range 12 {
				u := apptest.NewUser(t, fmt.Sprintf("rot%d@example.test", i), fmt.Sprintf("password-%d-rotation", i))
				c := apptest.NewClient(url)
				if r := c.JSON(t, "POST", "/api/auth/register", map[string]string{"email": u.Email}); r.Status != 202 {
					t.Fatalf("register: %d %s", r.Status, r.Body)
				}
				signUpFromMailbox(t, c, u)
				users = append(users, u)
			}

			// A writer that keeps changing user 0's display name meanwhile.
			writer := apptest.NewClient(url)
			if r := writer.LogIn(t, users[0]); r.Status != 200 {
				t.Fatalf("login: %d", r.Status)
			}
			stop := make(chan struct{})
			var writes, failures atomic.Int64
			var lastName atomic.Value
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("name %d", i)
					ct, _ := sealkit.EncryptSecretbox([]byte(name), users[0].UserKey)
					r := writer.JSON(t, "PUT", "/api/me/profile", map[string]string{"encrypted_display_name": b64.Encode(ct)})
					if r.Status != 204 {
						failures.Add(1)
					} else {
						lastName.Store(name)
					}
					writes.Add(1)
				}
			}()

			out, _, err := runCmd(t, "keys", "rotate", "--keys-file", keysFile, "--database-url", db.URL)
			if err != nil || !strings.Contains(out, "at-rest key 2 is now primary") {
				t.Fatalf("keys rotate: %v %s", err, out)
			}
			if out, _, _ := runCmd(t, "keys", "show", "--keys-file", keysFile); !strings.Contains(out, "keys [1 2], primary 2") {
				t.Fatalf("keys show: %s", out)
			}

			// Wait for the job, with the app's own view of the data.
			sec, err := secrets.Load(keysFile)
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(context.Background(), db.URL, func() *atrest.KeySet { return sec.AtRest })
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			left := func() int {
				n := 0
				for _, col := range store.EncryptedColumns {
					c, err := st.CountNotUnder(context.Background(), col, 2)
					if err != nil {
						t.Fatal(err)
					}
					n += c
				}
				return n
			}
			deadline := time.Now().Add(60 * time.Second)
			for left() != 0 {
				if time.Now().After(deadline) {
					t.Fatalf("%d values still under key 1 after 60 s; log:\n%s", left(), logs.String())
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond) // a few more writes under the new key
			close(stop)
			wg.Wait()
			if failures.Load() != 0 || writes.Load() < 3 {
				t.Fatalf("writes during rotation: %d, failed %d", writes.Load(), failures.Load())
			}
			if n := left(); n != 0 {
				t.Fatalf("%d values under key 1 after the writer stopped", n)
			}
			if !strings.Contains(logs.String(), "at-rest rotation done") {
				t.Fatalf("no rotation log line:\n%s", logs.String())
			}

			// Everything still opens: every row decrypts through the store,
			// and users log in and read their email in the "browser" (8 of
			// them: the salt endpoint allows 10 per minute from one IP);
			// user 0's name is the last one written.
			for i, u := range users {
				row, err := st.UserByEmailIndex(context.Background(), st.DB, hex.EncodeToString(sealkit.BlindIndexEmail(sec.BlindIndexKey, u.Email)))
				if err != nil {
					t.Fatalf("user %d row after rotation: %v", i, err)
				}
				if email, err := sealkit.DecryptSecretbox(row.EncryptedEmail, u.UserKey); err != nil || string(email) != u.Email {
					t.Fatalf("user %d stored email after rotation: %v", i, err)
				}
			}
			for i, u := range users[:8] {
				c := apptest.NewClient(url)
				if r := c.LogIn(t, u); r.Status != 200 {
					t.Fatalf("user %d login after rotation: %d %s", i, r.Status, r.Body)
				}
				var me map[string]string
				r := c.Do(t, "GET", "/api/me", "", nil)
				if r.Status != 200 {
					t.Fatalf("me: %d %s", r.Status, r.Body)
				}
				var raw map[string]any
				r.JSON(t, &raw)
				me = map[string]string{}
				for k, v := range raw {
					if s, ok := v.(string); ok {
						me[k] = s
					}
				}
				ct, _ := b64.Decode(me["encrypted_email"])
				if email, err := sealkit.DecryptSecretbox(ct, u.UserKey); err != nil || string(email) != u.Email {
					t.Fatalf("user %d email after rotation: %v", i, err)
				}
				if i == 0 {
					ct, _ := b64.Decode(me["encrypted_display_name"])
					name, err := sealkit.DecryptSecretbox(ct, u.UserKey)
					if err != nil || string(name) != lastName.Load().(string) {
						t.Fatalf("display name %q (%v), want %q", name, err, lastName.Load())
					}
				}
			}
		})
	}
}

// TestServeHelp: help is a success, on stdout, and names every flag, its
// variable, and the accepted database URLs.
func TestServeHelp(t *testing.T) {
	stdout, stderr, err := runCmd(t, "serve", "--help")
	if err != nil || stderr != "" {
		t.Fatalf("serve --help: %v, stderr %q", err, stderr)
	}
	for _, flag := range []string{"-addr", "-database-url", "-keys-file", "-public-url", "-smtp-url", "-dev-mailbox", "-dev-mailbox-public", "-client-ip-header", "$DATABASE_URL", "$SEALKIT_DEV_MAILBOX", "sqlite:path", "postgres://"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("serve --help does not explain %s:\n%s", flag, stdout)
		}
	}
}

// TestServeAssets: the wasm is served precompressed as application/wasm
// under a content-hashed URL with long caching.
func TestServeAssets(t *testing.T) {
	db := apptest.NewDB(t, "sqlite")
	url, _ := startServe(t, db.URL, filepath.Join(t.TempDir(), "keys.json"))
	res, err := http.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`data-wasm-url="(/static/sdk/dist/sealkit\.[0-9a-f]{12}\.wasm)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no hashed wasm URL on the home page (run make wasm first):\n%s", page)
	}
	for _, enc := range []string{"br", "gzip", ""} {
		req, _ := http.NewRequest("GET", url+string(m[1]), nil)
		req.Header.Set("Accept-Encoding", enc)
		tr := &http.Transport{DisableCompression: true}
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/wasm" ||
			res.Header.Get("Content-Encoding") != enc || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("Accept-Encoding %q: %d %v", enc, res.StatusCode, res.Header)
		}
		if enc == "" && !bytes.HasPrefix(body, []byte("\x00asm")) {
			t.Fatal("identity body is not wasm")
		}
	}
}
