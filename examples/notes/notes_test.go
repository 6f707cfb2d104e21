package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
)

// The example may use the kit's public packages only: it is the proof that
// they suffice. Its own packages (and its tests) must import nothing under
// internal/; what the public packages import is their business.
func TestOnlyPublicPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(pkg, "github.com/sealkit/sealkit/examples/notes") {
			continue
		}
		seen++
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, "github.com/sealkit/sealkit/internal/") {
				t.Errorf("%s imports %s: the example must use public packages only", pkg, imp)
			}
		}
	}
	if seen == 0 {
		t.Fatalf("go list -deps listed no package of the example:\n%s", out)
	}
}

// logBuffer is the server's log output, kept for the canary scan.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type server struct {
	url, dir string
	log      *logBuffer
	stop     func()
}

// startServer runs the app as main does, on a free port and a fresh data
// directory, with the development mailbox.
func startServer(t *testing.T) *server {
	t.Helper()
	if _, err := os.Stat("../../js/dist/sealkit.wasm"); err != nil {
		t.Fatalf("the SDK's wasm is missing (%v): run `make wasm` first", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{dir: t.TempDir(), log: &logBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", s.dir, "-dev-mailbox"}, func(string) string { return "" }, io.Discard, s.log)
	}()
	s.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	t.Cleanup(s.stop)
	listening := regexp.MustCompile(`msg=listening url=(\S+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(s.log.String()); m != nil {
			s.url = m[1]
			return s
		}
	}
	t.Fatalf("the server did not start:\n%s", s.log.String())
	return nil
}

// mailLink waits for the newest sign-up link mailed to email.
func (s *server) mailLink(t *testing.T, email string) string {
	t.Helper()
	re := regexp.MustCompile(`<span class="to">` + regexp.QuoteMeta(email) + `</span>: Finish signing up\. [^<]*<a href="([^"]+)"`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(s.url + "/dev/mailbox")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if m := re.FindAllStringSubmatch(string(page), -1); m != nil {
			return m[len(m)-1][1]
		}
	}
	t.Fatalf("no sign-up mail for %s", email)
	return ""
}

// client is a user of the JSON API; the keys are made in Go the way the
// SDK makes them in the browser.
type client struct {
	t    *testing.T
	s    *server
	http *http.Client
	pk   []byte
	pq   []byte
}

func (c *client) do(method, path, body string, header ...string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.s.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (c *client) must(want int, method, path, body string) string {
	c.t.Helper()
	got, answer := c.do(method, path, body)
	if got != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, got, answer, want)
	}
	return answer
}

func signUp(t *testing.T, s *server, email string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, s: s, http: &http.Client{Jar: jar}}
	c.must(http.StatusAccepted, "POST", "/api/auth/register", `{"email":"`+email+`"}`)
	token := strings.TrimPrefix(s.mailLink(t, email), "/register/finish#token=")

	b64 := base64.StdEncoding.EncodeToString
	salt := sealkit.GenerateSalt()
	sessionKey, _ := sealkit.DeriveSessionKey("correct horse battery staple", salt)
	authKey, _ := sealkit.DeriveAuthKey(sessionKey)
	pk, sk, _ := sealkit.GenerateKeyPair()
	pq, seed, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	epk, _ := sealkit.EncryptPrivateKey(sk, sessionKey)
	epq, _ := sealkit.EncryptPrivateKey(seed, sessionKey)
	userKey := sealkit.GenerateKey()
	euk, _ := sealkit.SealForUser([]byte(b64(userKey)), pk, pq)
	eem, _ := sealkit.EncryptSecretbox([]byte(email), userKey)
	reg, _ := json.Marshal(accounts.Registration{Token: token, KeyHash: sealkit.FormatKeyHash(salt), AuthKey: b64(authKey),
		PublicKey: b64(pk), PQPublicKey: b64(pq), EncryptedPrivateKey: b64(epk), EncryptedPQPrivateKey: b64(epq),
		EncryptedUserKey: b64(euk), EncryptedEmail: b64(eem)})
	c.must(http.StatusCreated, "POST", "/api/auth/register/finish", string(reg))
	c.pk, c.pq = pk, pq
	return c
}

// newNote stores a note as the browser does and returns its id.
func (c *client) newNote(text string) string {
	c.t.Helper()
	key := sealkit.GenerateKey()
	body, _ := sealkit.EncryptSecretbox([]byte(text), key)
	sealed, _ := sealkit.SealForUser(key, c.pk, c.pq)
	req, _ := json.Marshal(map[string]string{"body": base64.StdEncoding.EncodeToString(body),
		"sealed_key": base64.StdEncoding.EncodeToString(sealed)})
	var answer struct{ ID string }
	json.Unmarshal([]byte(c.must(http.StatusCreated, "POST", "/api/notes", string(req))), &answer)
	return answer.ID
}

// Another user can neither read nor share a note; bad input is a clear
// 4xx; a share to an address without an account answers like one to a
// user.
func TestAPI(t *testing.T) {
	s := startServer(t)
	ada, bob := signUp(t, s, "ada@example.test"), signUp(t, s, "bob@example.test")
	id := ada.newNote("ada's note")

	bob.must(http.StatusNotFound, "GET", "/api/notes/"+id, "")
	bob.must(http.StatusNotFound, "POST", "/api/notes/"+id+"/shares", `{"email":"bob@example.test"}`)
	if list := bob.must(http.StatusOK, "GET", "/api/notes", ""); list != "[]\n" {
		t.Errorf("bob lists %s, want no notes", list)
	}

	known := ada.must(http.StatusNoContent, "POST", "/api/notes/"+id+"/shares", `{"email":"bob@example.test"}`)
	unknown := ada.must(http.StatusNoContent, "POST", "/api/notes/"+id+"/shares", `{"email":"nobody@example.test"}`)
	if known != unknown {
		t.Errorf("a share to a user answers %q, to an unknown address %q", known, unknown)
	}
	// Shared but not yet sealed to bob: pending, without a key.
	if got := bob.must(http.StatusOK, "GET", "/api/notes/"+id, ""); !strings.Contains(got, `"sealed_key":null`) {
		t.Errorf("bob's pending note: %s", got)
	}

	text := base64.StdEncoding.EncodeToString([]byte("a plaintext note that a careless client forgot to encrypt"))
	anonymous := &client{t: t, s: s, http: http.DefaultClient}
	for _, tc := range []struct {
		c            *client
		method, path string
		body         string
		want         int
		header       []string
	}{
		{ada, "POST", "/api/notes", `not json`, 400, nil},
		{ada, "POST", "/api/notes", `{}`, 400, nil},
		{ada, "POST", "/api/notes", `{"body":"` + text + `","sealed_key":"AAAA"}`, 400, nil},
		{ada, "POST", "/api/notes", `{"body":"AAAA","sealed_key":"AAAA","extra":1}`, 400, nil},
		{ada, "POST", "/api/notes", `{"body":"` + strings.Repeat("A", 70000) + `"}`, 400, nil},
		{ada, "POST", "/api/notes/" + id + "/shares", `{"email":"not an address"}`, 400, nil},
		{ada, "POST", "/api/notes/" + id + "/shares", `{"email":["x"]}`, 400, nil},
		{ada, "POST", "/api/notes/nonexistent/shares", `{"email":"bob@example.test"}`, 404, nil},
		{ada, "GET", "/api/notes/%00%ff", "", 404, nil},
		{ada, "DELETE", "/api/notes", "", 405, nil},
		{ada, "POST", "/api/notes", `{}`, 403, []string{"Sec-Fetch-Site", "cross-site"}},
		{anonymous, "POST", "/api/auth/register/address", `{"token":"short"}`, 400, nil},
		{anonymous, "POST", "/api/auth/register/address", `{"token":"` + accounts.NewToken() + `"}`, 410, nil},
		{anonymous, "GET", "/api/notes", "", 401, nil},
		{anonymous, "GET", "/api/ws", "", 401, nil},
	} {
		if got, answer := tc.c.do(tc.method, tc.path, tc.body, tc.header...); got != tc.want {
			t.Errorf("%s %s %.40q: %d %s, want %d", tc.method, tc.path, tc.body, got, answer, tc.want)
		}
	}
	if strings.Contains(s.log.String(), "status=5") {
		t.Errorf("a request failed with 5xx:\n%s", s.log.String())
	}
}
