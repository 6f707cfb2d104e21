//go:build !js

package jstest

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/ratelimit"
)

// The v2 key cache (js/keycache.js writeKeyCache, readKeyCache,
// clearKeyCacheV2) in Chromium against the real accounts code: a
// Manager over sqlstore on a fresh SQLite file and its
// Handlers.CacheSecret, served with the pages under the strict CSP.

const (
	keyCacheV2DB   = "sealkit-keycache-v2"
	cacheSecretURL = "/api/auth/key-cache"
	// cacheLifetime is the test server's accounts.Config.KeyCacheLifetime.
	cacheLifetime = time.Hour
)

// cacheServer serves /sdk/ (js/), /t/ (testdata), the CSP report endpoint
// and:
//
//	POST /api/auth/key-cache  accounts.Handlers.CacheSecret (answers recorded)
//	POST /test/login {user}   Manager.NewSession for the user ("a" or "b") and the session cookie (Handlers.SetSession)
//	POST /test/logout         Handlers.EndSession: ends the session, clears the cookie
//	POST /test/drop           closes the connection without an answer (a network failure)
type cacheServer struct {
	*testServer
	m       *accounts.Manager
	h       *accounts.Handlers
	offset  atomic.Int64 // added to the server's clock, in nanoseconds
	users   map[string]string
	mu      sync.Mutex
	tokens  map[string]string // user → the last session token issued
	answers []int             // statuses of the key-cache endpoint, in order
}

func newCacheServer(t *testing.T) *cacheServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "accounts.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lim := &ratelimit.Limiter{DB: st.DB}
	if err := lim.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	ss := sqlstore.New(st.DB, sqlstore.Options{})
	if err := ss.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	keys := accounts.Keys{BlindIndex: randBytes(32), FakeSalt: randBytes(32), Verifier: randBytes(32)}
	s := &cacheServer{testServer: &testServer{}, users: map[string]string{}, tokens: map[string]string{}}
	m, err := accounts.New(accounts.Config{
		Store: ss, Limiter: lim, Keys: func() accounts.Keys { return keys },
		KeyCacheLifetime: cacheLifetime,
		Now:              func() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) },
	})
	if err != nil {
		t.Fatal(err)
	}
	s.m = m
	s.h = &accounts.Handlers{Manager: m}
	for _, u := range []string{"a", "b"} {
		id := hex.EncodeToString(randBytes(16))
		a := &accounts.Account{ID: id, EmailIndex: m.EmailIndex(u + "@example.test"), KeyHash: "kh", AuthSalt: "00", Verifier: "v2$00",
			PublicKey: randBytes(32), PQPublicKey: randBytes(1184), EncryptedPrivateKey: []byte("epk"),
			EncryptedPQPrivateKey: []byte("epq"), EncryptedUserKey: []byte("euk"), EncryptedEmail: []byte("eem"), CreatedAt: time.Now()}
		if err := ss.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		s.users[u] = id
	}

	mux := http.NewServeMux()
	mux.Handle("/sdk/dist/", staticDir("/sdk/dist/", filepath.Join(wasmBuild(t), "dist")))
	mux.Handle("/sdk/", staticDir("/sdk/", filepath.Join(repoRoot, "js")))
	mux.Handle("/t/", staticDir("/t/", "testdata"))
	mux.HandleFunc("/csp-report", s.collectReport)
	secret := s.h.CacheSecret()
	mux.Handle("POST "+cacheSecretURL, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		secret.ServeHTTP(rec, r)
		s.mu.Lock()
		s.answers = append(s.answers, rec.status)
		s.mu.Unlock()
	}))
	mux.HandleFunc("POST /test/login", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ User string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil || s.users[b.User] == "" {
			http.Error(w, "user must be a or b", http.StatusBadRequest)
			return
		}
		token, err := m.NewSession(r.Context(), s.users[b.User])
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		s.tokens[b.User] = token
		s.mu.Unlock()
		s.h.SetSession(w, r, token)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /test/logout", func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.h.EndSession(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /test/drop", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		conn.Close()
	})
	s.Server = httptest.NewServer(withCSP(mux))
	t.Cleanup(s.Close)
	return s
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// token is the last session token issued to user.
func (s *cacheServer) token(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[user]
}

// lastAnswer is the key-cache endpoint's last status (0: none yet), and
// how many it gave.
func (s *cacheServer) lastAnswer() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.answers) == 0 {
		return 0, 0
	}
	return s.answers[len(s.answers)-1], len(s.answers)
}

// cachedKeys is a CachedKeys in base64, as the page passes it.
type cachedKeys struct {
	PrivateKey  string `json:"privateKey"`
	PQSeed      string `json:"pqSeed"`
	PublicKey   string `json:"publicKey"`
	PQPublicKey string `json:"pqPublicKey"`
}

func newCachedKeys() cachedKeys {
	enc := base64.StdEncoding.EncodeToString
	return cachedKeys{PrivateKey: enc(randBytes(32)), PQSeed: enc(randBytes(32)), PublicKey: enc(randBytes(32)), PQPublicKey: enc(randBytes(1184))}
}

// cacheState is the page's inspect(): the v2 database's records.
type cacheState struct {
	Exists       bool
	Entry        *json.RawMessage
	Memo         *memoRecord
	DeviceSecret *string
}

// memoRecord is the key cache's memo of opened resource keys (keycache.js
// writeKeyMemo).
type memoRecord struct {
	V     int    `json:"v"`
	Entry string `json:"entry"`
	IV    string `json:"iv"`
	CT    string `json:"ct"`
}

type cacheEntry struct {
	V       int    `json:"v"`
	ID      string `json:"id"`
	UserID  string `json:"userId"`
	Written int64  `json:"written"`
	IV      string `json:"iv"`
	CT      string `json:"ct"`
}

func (st cacheState) entry(t *testing.T) *cacheEntry {
	t.Helper()
	if st.Entry == nil || string(*st.Entry) == "null" {
		return nil
	}
	var fields map[string]json.RawMessage
	mustUnmarshal(t, *st.Entry, &fields)
	if names := slices.Sorted(maps.Keys(fields)); !slices.Equal(names, []string{"ct", "id", "iv", "userId", "v", "written"}) {
		t.Fatalf("stored entry has fields %v, want ct, id, iv, userId, v, written", names)
	}
	var e cacheEntry
	mustUnmarshal(t, *st.Entry, &e)
	return &e
}

// openCachePage opens keycache2.html in a new browser (profile dir, or a
// fresh one for "").
func openCachePage(t *testing.T, s *cacheServer, dir string) *browser {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	b := newBrowserIn(t, s, dir)
	var ready struct{ Supported bool }
	mustUnmarshal(t, b.open("keycache2.html"), &ready)
	if !ready.Supported {
		t.Fatal("keyCacheV2Supported() is false in Chromium on http://127.0.0.1 (a secure context)")
	}
	return b
}

func login(t *testing.T, b *browser, user string) {
	t.Helper()
	if st := mustCall[int](t, b, "login", user); st != http.StatusNoContent {
		t.Fatalf("POST /test/login: %d", st)
	}
}

// writeCache writes keys for user's id and checks the stored entry.
func writeCache(t *testing.T, s *cacheServer, b *browser, user string, keys cachedKeys) cacheState {
	t.Helper()
	if !mustCall[bool](t, b, "write", s.users[user], keys) {
		st, n := s.lastAnswer()
		t.Fatalf("writeKeyCache resolved false (key-cache endpoint: %d answers, last %d)", n, st)
	}
	st := mustCall[cacheState](t, b, "inspect")
	e := st.entry(t)
	switch {
	case e == nil:
		t.Fatal("writeKeyCache resolved true but stored no entry")
	case e.V != 2 || e.UserID != s.users[user]:
		t.Fatalf("entry v %d, userId %q; want 2, %q", e.V, e.UserID, s.users[user])
	case time.Since(time.Unix(e.Written, 0)).Abs() > time.Minute:
		t.Fatalf("entry written %d, now is %d", e.Written, time.Now().Unix())
	case st.DeviceSecret == nil || len(mustB64(t, *st.DeviceSecret)) != 32:
		t.Fatalf("no 32-byte device secret stored: %v", st.DeviceSecret)
	case len(mustB64(t, e.ID)) != 16 || len(mustB64(t, e.IV)) != 12:
		t.Fatalf("entry id/iv of the wrong size: %+v", e)
	}
	ct := mustB64(t, e.CT)
	for _, k := range []string{keys.PrivateKey, keys.PQSeed} {
		raw := mustB64(t, k)
		if bytes.Contains(ct, raw[:8]) || strings.Contains(string(*st.Entry), k[:12]) {
			t.Fatal("the stored entry contains private key bytes")
		}
	}
	if n := mustCall[int](t, b, "localStorageLength"); n != 0 {
		t.Fatalf("the v2 cache used localStorage (%d items)", n)
	}
	return st
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		t.Fatalf("not base64 (%d chars): %v", len(s), err)
	}
	return b
}

// readCache reads as user and returns the keys (nil: null).
func readCache(t *testing.T, s *cacheServer, b *browser, user string) *cachedKeys {
	t.Helper()
	return mustCall[*cachedKeys](t, b, "read", s.users[user])
}

// wantGone checks that a read found nothing, that the endpoint's last
// answer was status (0: no request made) and that the entry is deleted.
func wantGone(t *testing.T, s *cacheServer, b *browser, user string, status int, why string) {
	t.Helper()
	_, before := s.lastAnswer()
	if got := readCache(t, s, b, user); got != nil {
		t.Fatalf("%s: readKeyCache returned the keys", why)
	}
	last, after := s.lastAnswer()
	switch {
	case status == 0 && after != before:
		t.Errorf("%s: readKeyCache asked the server (answer %d); the entry alone should have settled it", why, last)
	case status != 0 && (after != before+1 || last != status):
		t.Errorf("%s: the key-cache endpoint answered %d (%d requests); want one answer %d", why, last, after-before, status)
	}
	if e := mustCall[cacheState](t, b, "inspect").entry(t); e != nil {
		t.Errorf("%s: the entry is still stored after a refused read", why)
	}
}

// TestBrowserKeyCacheV2 checks the v2 key cache in Chromium: it round-trips
// across a reload and in a dedicated worker; every way of ending the
// session or the entry's life makes it useless (and deletes it); a network
// failure keeps it; and a copy of the browser profile opens nothing once
// the session has ended, and holds no private key bytes in the clear.
func TestBrowserKeyCacheV2(t *testing.T) {
	t.Parallel()
	chromiumPath(t)

	t.Run("round-trip", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		keys := newCachedKeys()
		if mustCall[bool](t, b, "write", s.users["a"], keys) {
			t.Fatal("writeKeyCache without a session resolved true")
		}
		if st, _ := s.lastAnswer(); st != http.StatusUnauthorized {
			t.Fatalf("key-cache endpoint without a session: %d, want 401", st)
		}
		if got := readCache(t, s, b, "a"); got != nil {
			t.Fatal("a fresh profile has cached keys")
		}
		login(t, b, "a")
		writeCache(t, s, b, "a", keys)
		b.assertNoViolations()
		b.reload("keycache2.html")
		if got := readCache(t, s, b, "a"); got == nil || *got != keys {
			t.Fatalf("after a reload readKeyCache returned %v, want the written keys", got)
		}
		w := mustCall[struct {
			Supported, HasLocalStorage bool
			Keys                       *cachedKeys
			Error                      string
		}](t, b, "readInWorker", s.users["a"])
		switch {
		case w.Error != "":
			t.Fatalf("in a worker: %s", w.Error)
		case !w.Supported || w.HasLocalStorage:
			t.Fatalf("in a worker: supported %v, localStorage %v", w.Supported, w.HasLocalStorage)
		case w.Keys == nil || *w.Keys != keys:
			t.Fatalf("in a worker readKeyCache returned %v, want the written keys", w.Keys)
		}
		b.assertNoViolations()
	})

	// The handle API's way in and out of the cache: the keys go from the
	// worker to IndexedDB and back to a new handle after a reload; under
	// another session (even the same user's) the worker opens nothing.
	t.Run("handles", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		login(t, b, "a")
		if !mustCall[bool](t, b, "cacheByHandle", s.users["a"]) {
			st, n := s.lastAnswer()
			t.Fatalf("cacheUser resolved false (key-cache endpoint: %d answers, last %d)", n, st)
		}
		b.reload("keycache2.html")
		if got := mustCall[*string](t, b, "openByHandle", s.users["a"]); got == nil || *got != "a note under a cached key" {
			t.Fatalf("after a reload openCachedUser and the key gave %v", got)
		}
		login(t, b, "a") // a new session: the cache is bound to the one that wrote it
		b.reload("keycache2.html")
		if got := mustCall[*string](t, b, "openByHandle", s.users["a"]); got != nil {
			t.Fatal("a later session of the same user opened the cache: it must be bound to the session that wrote it")
		}
		b.assertNoViolations()
	})

	t.Run("logout", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		keys := newCachedKeys()
		login(t, b, "a")
		writeCache(t, s, b, "a", keys)
		// The server's refusal alone (the app forgot to clear): 401, deleted.
		if st := mustCall[int](t, b, "logout"); st != http.StatusNoContent {
			t.Fatalf("logout: %d", st)
		}
		wantGone(t, s, b, "a", http.StatusUnauthorized, "after logout")
		if st := mustCall[cacheState](t, b, "inspect"); st.DeviceSecret != nil {
			t.Error("after a 401 the device secret is still stored; the whole cache should be cleared")
		}
		// The client's clear on logout: the database goes.
		login(t, b, "a")
		writeCache(t, s, b, "a", keys)
		mustCall[bool](t, b, "clear")
		if dbs := mustCall[[]string](t, b, "databases"); slices.Contains(dbs, keyCacheV2DB) {
			t.Errorf("IndexedDB %q still listed after clearKeyCacheV2: %v", keyCacheV2DB, dbs)
		}
		if st := mustCall[cacheState](t, b, "inspect"); st.Exists {
			t.Errorf("after clearKeyCacheV2 the database holds %+v", st)
		}
		wantGone(t, s, b, "a", 0, "after clearKeyCacheV2")
		b.assertNoViolations()
	})

	t.Run("revoked-elsewhere", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		login(t, b, "a")
		writeCache(t, s, b, "a", newCachedKeys())
		if readCache(t, s, b, "a") == nil {
			t.Fatal("positive control: readKeyCache found nothing while the session is live")
		}
		// Another device (or a password change) ends this session.
		if _, err := s.m.EndSession(context.Background(), s.token("a")); err != nil {
			t.Fatal(err)
		}
		wantGone(t, s, b, "a", http.StatusUnauthorized, "after the session was ended elsewhere")
		b.assertNoViolations()
	})

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		login(t, b, "a")
		writeCache(t, s, b, "a", newCachedKeys())
		s.offset.Store(int64(cacheLifetime - 5*time.Minute))
		if readCache(t, s, b, "a") == nil {
			t.Fatal("positive control: readKeyCache found nothing within the lifetime")
		}
		s.offset.Store(int64(cacheLifetime + 5*time.Minute))
		wantGone(t, s, b, "a", http.StatusGone, "after the lifetime")
		b.assertNoViolations()
	})

	t.Run("other-user", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		login(t, b, "a")
		keys := newCachedKeys()
		writeCache(t, s, b, "a", keys)
		// Another user id: refused on the entry alone, deleted.
		wantGone(t, s, b, "b", 0, "read as another user")
		// Another user's session on this browser cannot open a's entry
		// even when asked for a's id: its secret is another session's.
		writeCache(t, s, b, "a", keys)
		login(t, b, "b")
		wantGone(t, s, b, "a", http.StatusOK, "a's entry under b's session")
		b.assertNoViolations()
	})

	t.Run("network-failure", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		b := openCachePage(t, s, "")
		login(t, b, "a")
		keys := newCachedKeys()
		writeCache(t, s, b, "a", keys)
		if got := mustCall[*cachedKeys](t, b, "read", s.users["a"], "/test/drop"); got != nil {
			t.Fatal("readKeyCache returned keys without the server's secret")
		}
		if mustCall[cacheState](t, b, "inspect").entry(t) == nil {
			t.Fatal("a network failure deleted the entry; it should be kept for the next try")
		}
		if got := readCache(t, s, b, "a"); got == nil || *got != keys {
			t.Fatalf("after the network came back readKeyCache returned %v", got)
		}
		b.assertNoViolations()
	})

	// The memo of opened resource keys: written by the workers after an
	// openTexts batch, in the documented format under the entry's two
	// secrets, used after a reload instead of opening the seals (a forged
	// memo, made with both secrets, decides what a seal opens to), and
	// gone with the session like the entry.
	t.Run("memo", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		profile := t.TempDir()
		b := openCachePage(t, s, profile)
		login(t, b, "a")
		if !mustCall[bool](t, b, "cacheByHandle", s.users["a"]) {
			t.Fatal("cacheUser resolved false")
		}
		b.reload("keycache2.html")
		type item struct {
			Sealed      string   `json:"sealed"`
			Ciphertexts []string `json:"ciphertexts"`
		}
		first := mustCall[*struct {
			Texts []string
			Items []item
		}](t, b, "memoByHandle", s.users["a"])
		if first == nil {
			t.Fatal("openCachedUser found nothing after cacheUser")
		}
		want := []string{"memo note 0", "memo note 1", "memo note 2", "memo note 3", "memo note 4", "memo note 5"}
		if !slices.Equal(first.Texts, want) {
			t.Fatalf("openTexts gave %q", first.Texts)
		}
		st := mustCall[cacheState](t, b, "inspect")
		e := st.entry(t)
		if st.Memo == nil || e == nil {
			t.Fatal("no memo stored after the batch (both workers write theirs)")
		}
		if st.Memo.Entry != e.ID {
			t.Fatalf("the memo names entry %q, the entry is %q", st.Memo.Entry, e.ID)
		}
		device := mustB64(t, *st.DeviceSecret)
		ctx := context.Background()
		server, err := s.m.CacheSecret(ctx, s.token("a"), time.Unix(e.Written, 0))
		if err != nil {
			t.Fatal(err)
		}
		pairs, err := openMemoRecord(st.Memo, device, server, e.UserID)
		if err != nil {
			t.Fatalf("Go could not open the memo as documented: %v", err)
		}
		if len(pairs) != 6*64 {
			t.Fatalf("the memo holds %d bytes, want 6 pairs (both workers' halves merged)", len(pairs))
		}
		keyOf := map[[32]byte][]byte{}
		for p := pairs; len(p) >= 64; p = p[64:] {
			keyOf[[32]byte(p[:32])] = p[32:64]
		}
		for i, it := range first.Items {
			k := keyOf[sha256.Sum256([]byte(it.Sealed))]
			ct, _ := base64.StdEncoding.DecodeString(it.Ciphertexts[0])
			if pt, err := sealkit.DecryptSecretbox(ct, k); err != nil || string(pt) != want[i] {
				t.Fatalf("the memo's key for seal %d does not open its note: %v", i, err)
			}
		}
		for _, bad := range [][2][]byte{{device, make([]byte, 32)}, {make([]byte, 32), server}} {
			if _, err := openMemoRecord(st.Memo, bad[0], bad[1], e.UserID); err == nil {
				t.Fatal("the memo opened with one secret alone")
			}
		}

		b.reload("keycache2.html")
		if got := mustCall[[]string](t, b, "memoReopen", s.users["a"]); !slices.Equal(got, want) {
			t.Fatalf("after a reload the memo's keys gave %q", got)
		}
		// Forged with both secrets: seal 0 → seal 1's key. The page's next
		// batch takes it (its note does not open), so the memo is used.
		forged := slices.Clone(pairs)
		for p := forged; len(p) >= 64; p = p[64:] {
			if [32]byte(p[:32]) == sha256.Sum256([]byte(first.Items[0].Sealed)) {
				copy(p[32:64], keyOf[sha256.Sum256([]byte(first.Items[1].Sealed))])
			}
		}
		mustCall[bool](t, b, "putMemo", sealMemoRecord(t, e.ID, forged, device, server, e.UserID))
		b.reload("keycache2.html")
		got := mustCall[[]string](t, b, "memoReopen", s.users["a"])
		if got[0] != "error DECRYPTION" || !slices.Equal(got[1:], want[1:]) {
			t.Fatalf("with a memo mapping seal 0 to another key the batch gave %q; want seal 0 to fail (the memo decides)", got)
		}
		b.assertNoViolations()
		b.close()

		// The session ends: a copy of the profile opens neither the entry
		// nor the memo, and the whole cache goes.
		dead := t.TempDir()
		copyDir(t, profile, dead)
		if _, err := s.m.EndSession(ctx, s.token("a")); err != nil {
			t.Fatal(err)
		}
		d := openCachePage(t, s, dead)
		if st := mustCall[cacheState](t, d, "inspect"); st.Memo == nil {
			t.Fatal("control: the copied profile holds no memo")
		}
		if got := mustCall[*[]string](t, d, "memoReopen", s.users["a"]); got != nil {
			t.Fatalf("a copied profile opened the memo after the session ended: %q", *got)
		}
		if st := mustCall[cacheState](t, d, "inspect"); st.Memo != nil || st.DeviceSecret != nil {
			t.Error("after the refusal the memo or the device secret is still stored")
		}
		d.assertNoViolations()
	})

	t.Run("copied-profile", func(t *testing.T) {
		t.Parallel()
		s := newCacheServer(t)
		profile := t.TempDir()
		b := openCachePage(t, s, profile)
		login(t, b, "a")
		keys := newCachedKeys()
		st := writeCache(t, s, b, "a", keys)
		if got := readCache(t, s, b, "a"); got == nil || *got != keys {
			t.Fatalf("positive control: readKeyCache in the writing browser returned %v", got)
		}
		b.assertNoViolations()
		b.close()

		live, dead := t.TempDir(), t.TempDir()
		copyDir(t, profile, live)
		copyDir(t, profile, dead)

		// Control: the copy is complete — the session cookie, the device
		// secret and the entry — so while the session lives it opens.
		c := openCachePage(t, s, live)
		if got := readCache(t, s, c, "a"); got == nil || *got != keys {
			t.Fatalf("control: a copy of the profile taken and used while the session is live did not open the cache (%v); "+
				"the copy is incomplete, so the test below would prove nothing", got)
		}
		c.close()

		// The entry opens in Go, independently of the SDK, with the device
		// secret and the live session's server secret (so the documented
		// format is the one written), and with neither alone.
		ctx := context.Background()
		e := st.entry(t)
		device := mustB64(t, *st.DeviceSecret)
		server, err := s.m.CacheSecret(ctx, s.token("a"), time.Unix(e.Written, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := openCacheEntry(e, device, server); err != nil || got != keys {
			t.Fatalf("Go could not open the entry with both secrets: %v", err)
		}
		for name, pair := range map[string][2][]byte{"device secret alone": {device, make([]byte, 32)}, "server secret alone": {make([]byte, 32), server}} {
			if _, err := openCacheEntry(e, pair[0], pair[1]); err == nil {
				t.Fatalf("the entry opened with the %s", name)
			}
		}

		// The session ends (logout elsewhere, revocation, expiry).
		if _, err := s.m.EndSession(ctx, s.token("a")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.m.CacheSecret(ctx, s.token("a"), time.Unix(e.Written, 0)); !errors.Is(err, accounts.ErrNoSession) {
			t.Fatalf("CacheSecret for the ended session: %v, want ErrNoSession", err)
		}

		// The copy holds no private key bytes in the clear; the grep does
		// see what IndexedDB stores (the device secret, the entry's ct).
		found := grepDir(t, dead, map[string][]byte{
			"device secret (control)": mustB64(t, *st.DeviceSecret),
			"entry ct text (control)": []byte(e.CT),
		})
		for _, what := range []string{"device secret (control)", "entry ct text (control)"} {
			if len(found[what]) == 0 {
				t.Fatalf("control: the %s is not found in the copied profile, so the grep cannot see IndexedDB values", what)
			}
		}
		needles := map[string][]byte{}
		for name, k := range map[string]string{"privateKey": keys.PrivateKey, "pqSeed": keys.PQSeed} {
			maps.Copy(needles, keyForms(name, mustB64(t, k)))
		}
		for what, files := range grepDir(t, dead, needles) {
			t.Errorf("the copied profile contains %s in %v", what, files)
		}

		d := openCachePage(t, s, dead)
		if st := mustCall[cacheState](t, d, "inspect"); st.entry(t) == nil || st.DeviceSecret == nil {
			t.Fatalf("the copy holds no entry or device secret (%+v)", st)
		}
		wantGone(t, s, d, "a", http.StatusUnauthorized, "a copied profile after the session ended")
		d.assertNoViolations()
	})
}

// openCacheEntry opens a v2 entry as docs/PROTOCOL.md §4 describes it:
// AES-256-GCM under HKDF-SHA256(device ‖ server, salt = id bytes, info
// "sealkit keycache v2"), additional data the JSON array
// ["sealkit keycache v2", v, id, userId, written], plaintext four
// length-prefixed (2 bytes, big-endian) fields.
func openCacheEntry(e *cacheEntry, device, server []byte) (cachedKeys, error) {
	id, err := base64.StdEncoding.DecodeString(e.ID)
	if err != nil {
		return cachedKeys{}, err
	}
	iv, _ := base64.StdEncoding.DecodeString(e.IV)
	ct, _ := base64.StdEncoding.DecodeString(e.CT)
	key, err := hkdf.Key(sha256.New, slices.Concat(device, server), id, "sealkit keycache v2", 32)
	if err != nil {
		return cachedKeys{}, err
	}
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	aad, _ := json.Marshal([]any{"sealkit keycache v2", e.V, e.ID, e.UserID, e.Written})
	pt, err := gcm.Open(nil, iv, ct, aad)
	if err != nil {
		return cachedKeys{}, err
	}
	var fields []string
	for len(pt) >= 2 {
		n := int(binary.BigEndian.Uint16(pt))
		if len(pt) < 2+n {
			return cachedKeys{}, errors.New("truncated field")
		}
		fields = append(fields, base64.StdEncoding.EncodeToString(pt[2:2+n]))
		pt = pt[2+n:]
	}
	if len(fields) != 4 || len(pt) != 0 {
		return cachedKeys{}, fmt.Errorf("%d fields, %d bytes left", len(fields), len(pt))
	}
	return cachedKeys{PrivateKey: fields[0], PQSeed: fields[1], PublicKey: fields[2], PQPublicKey: fields[3]}, nil
}

// openMemoRecord opens a memo record as js/keycache.js documents it:
// AES-256-GCM under HKDF-SHA256(device ‖ server, salt = the entry id's
// bytes, info "sealkit keycache v2 memo"), additional data the JSON array
// ["sealkit keycache v2 memo", 2, entry id, userId]; the plaintext is
// 64-byte pairs (SHA-256 of a seal's base64 text ‖ its key).
func openMemoRecord(m *memoRecord, device, server []byte, userID string) ([]byte, error) {
	gcm, err := memoAEAD(m.Entry, device, server)
	if err != nil {
		return nil, err
	}
	iv, _ := base64.StdEncoding.DecodeString(m.IV)
	ct, _ := base64.StdEncoding.DecodeString(m.CT)
	aad, _ := json.Marshal([]any{"sealkit keycache v2 memo", 2, m.Entry, userID})
	return gcm.Open(nil, iv, ct, aad)
}

func sealMemoRecord(t *testing.T, entryID string, pairs, device, server []byte, userID string) memoRecord {
	t.Helper()
	gcm, err := memoAEAD(entryID, device, server)
	if err != nil {
		t.Fatal(err)
	}
	iv := randBytes(12)
	aad, _ := json.Marshal([]any{"sealkit keycache v2 memo", 2, entryID, userID})
	return memoRecord{V: 2, Entry: entryID, IV: base64.StdEncoding.EncodeToString(iv),
		CT: base64.StdEncoding.EncodeToString(gcm.Seal(nil, iv, pairs, aad))}
}

func memoAEAD(entryID string, device, server []byte) (cipher.AEAD, error) {
	id, err := base64.StdEncoding.DecodeString(entryID)
	if err != nil {
		return nil, err
	}
	key, err := hkdf.Key(sha256.New, slices.Concat(device, server), id, "sealkit keycache v2 memo", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// keyForms are the ways a key's bytes could sit in a file: raw, hex
// (both cases), and base64 (standard and URL alphabets) at each of the
// three alignments a longer base64 text could start them at.
func keyForms(name string, raw []byte) map[string][]byte {
	f := map[string][]byte{
		name + " raw":       raw,
		name + " hex":       []byte(hex.EncodeToString(raw)),
		name + " HEX":       []byte(strings.ToUpper(hex.EncodeToString(raw))),
		name + " base64":    []byte(base64.StdEncoding.EncodeToString(raw)),
		name + " base64url": []byte(base64.RawURLEncoding.EncodeToString(raw)),
	}
	for off := range 3 {
		part := raw[off : off+27] // 27 bytes: 36 characters, no padding
		f[name+" base64 part "+string(rune('0'+off))] = []byte(base64.StdEncoding.EncodeToString(part))
		f[name+" base64url part "+string(rune('0'+off))] = []byte(base64.URLEncoding.EncodeToString(part))
	}
	return f
}

// grepDir returns, for each needle found, the files under dir holding it.
func grepDir(t *testing.T, dir string, needles map[string][]byte) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for what, n := range needles {
			if bytes.Contains(data, n) {
				rel, _ := filepath.Rel(dir, p)
				found[what] = append(found[what], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("only %d files under %s: not a browser profile", files, dir)
	}
	return found
}

// copyDir copies the regular files and directories under src to dst (the
// lock symlinks of a running browser are left out; it has exited).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copying the profile: %v", err)
	}
}
