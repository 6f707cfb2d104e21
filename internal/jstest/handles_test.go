//go:build !js

package jstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/chromedp"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// TestBrowserHandlesXSS is the threat the handle API answers: a script
// injected into a page that unlocked with handles. The page (handles.js)
// unlocks in a pool of two workers — deriveLoginKeys → unlockUser →
// openKey → decryptText — and keeps its handles where an application
// would. The injected script (handles-xss.js, same origin, allowed by the
// CSP) knows nothing of the keys; it walks everything it can reach, sniffs
// the page's messages, and calls every function of every SDK module with
// every handle and input it found. This test, which derived the keys
// natively from the same password and seeds, searches all of that — and a
// heap snapshot of the page — for the session key, the X25519 private key,
// the hybrid seed and the resource key (base64, base64url, hex): none may
// be there. The handles still work (for the page, and for the injected
// script: it can use the keys while the session lasts, not take them).
//
// exportKey is the documented way out. The injected script skips it (and
// the calls that end the session) and says so; the test then calls it
// itself as the positive control: its answer is the resource key, and the
// next heap snapshot finds it — so the scans do find a key that is there.
func TestBrowserHandlesXSS(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	var ready struct{ Mode string }
	mustUnmarshal(t, b.open("handles.html"), &ready)
	if ready.Mode != "worker" {
		t.Fatalf("mode %q, want worker", ready.Mode)
	}

	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	password := "handles xss " + sealtext.GenerateSalt()
	salt := sealtext.GenerateSalt()
	sessionKey := must(sealtext.DeriveSessionKey(password, salt))
	kp, err := sealtext.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	hk, err := sealtext.GenerateHybridKeyPair(sealkit.Cat3)
	if err != nil {
		t.Fatal(err)
	}
	// An identity signing key (issue 15): opened by unlockUser with the
	// others, it must not reach the page either.
	signing, err := sealtext.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		t.Fatal(err)
	}
	resourceKey := sealtext.GenerateKey()
	rawResourceKey, _ := b64.DecodeString(resourceKey)
	me := map[string]any{
		"user_id":                  42,
		"key_hash":                 salt + "$argon2id",
		"public_key":               kp.PublicKey,
		"pq_public_key":            hk.PublicKey,
		"encrypted_private_key":    must(sealtext.EncryptPrivateKey(kp.PrivateKey, sessionKey)),
		"encrypted_pq_private_key": must(sealtext.EncryptPrivateKey(hk.SecretKey, sessionKey)),
		"identity_public_key":      signing.PublicKey,
		"encrypted_signing_key":    must(sealtext.EncryptPrivateKey(signing.SecretKey, sessionKey)),
	}
	sealed := must(sealtext.SealForUser(rawResourceKey, kp.PublicKey, hk.PublicKey))
	note := "a note for handles only " + sealtext.GenerateSalt()
	noteCt := must(sealtext.EncryptSecretboxString(note, resourceKey))
	rawSession, _ := b64.DecodeString(sessionKey)
	authKey, err := sealkit.DeriveAuthKey(rawSession)
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{
		"session key":          sessionKey,
		"X25519 private key":   kp.PrivateKey,
		"hybrid seed":          hk.SecretKey,
		"resource key":         resourceKey,
		"identity signing key": signing.SecretKey,
	}

	got := mustCall[struct {
		Note    string `json:"note"`
		AuthKey string `json:"authKey"`
	}](t, b, "unlock", password, me["key_hash"], me, sealed, noteCt)
	same(t, "the decrypted note", got.Note, note)
	same(t, "the auth key", got.AuthKey, b64.EncodeToString(authKey))

	// The injected script.
	start := time.Now()
	sum := mustCall[struct {
		Calls           int      `json:"calls"`
		Functions       []string `json:"functions"`
		Skipped         []string `json:"skipped"`
		Handles         []string `json:"handles"`
		Decrypted       string   `json:"decrypted"`
		SniffedMessages int      `json:"sniffedMessages"`
		Strings         int      `json:"strings"`
		Chunks          int      `json:"chunks"`
	}](t, b, "inject")
	t.Logf("injected script: %d calls of %d functions in %v, %d handles found, %d messages sniffed, %d distinct strings",
		sum.Calls, len(sum.Functions), time.Since(start).Round(time.Millisecond), len(sum.Handles), sum.SniffedMessages, sum.Strings)
	if strings.Join(sum.Skipped, ",") != "UserKeys#forget,exportKey,release,releaseAll,terminate" {
		t.Errorf("the injected script skipped %v, want exportKey and the calls that end the session", sum.Skipped)
	}
	if len(sum.Handles) < 3 || sum.Calls < 5000 || len(sum.Functions) < 40 || sum.SniffedMessages == 0 {
		t.Errorf("the injected script did too little to show anything: %+v", sum)
	}
	for _, want := range []string{"index.js unlockUser", "index.js openKey", "index.js decryptTexts", "index.js sealKey", "index.js call", "account.js KeyChain#findSessionKey", "account.js UserKeys#open", "account.js UserKeys#unlock", "share.js openResourceKey"} {
		if !strings.Contains(strings.Join(sum.Functions, "\n"), want) {
			t.Errorf("the injected script did not call %s", want)
		}
	}
	same(t, "decryptText by handle in the injected script", sum.Decrypted, note)

	var hay strings.Builder
	for i := range sum.Chunks {
		hay.WriteString(mustCall[string](t, b, "chunk", i))
	}
	haystack := hay.String()
	if !strings.Contains(haystack, note) || !strings.Contains(haystack, noteCt) {
		t.Fatalf("the haystack (%d bytes) lacks the note or its ciphertext: the injected script's collection is broken", len(haystack))
	}
	for what, secret := range secrets {
		if where := findSecret(haystack, secret); where != "" {
			t.Errorf("the injected script got the %s (%s)", what, where)
		}
	}

	// The page's handles still work.
	dn := mustCall[struct{ Note, Code string }](t, b, "decryptNote")
	same(t, "decryptText by handle after the injected script", dn.Note, note)

	// The page's whole JavaScript heap.
	heap := heapSnapshot(t, b)
	for what, secret := range secrets {
		if where := findSecret(heap, secret); where != "" {
			t.Errorf("the page's heap holds the %s (%s)", what, where)
		}
	}
	if !strings.Contains(heap, note) {
		t.Errorf("the heap snapshot (%d bytes) lacks the decrypted note: the snapshot is broken", len(heap))
	}

	// The positive control: exportKey is the way out, and then the key is
	// in the page.
	same(t, "exportKey", mustCall[string](t, b, "exportKey"), resourceKey)
	if findSecret(mustCall[string](t, b, "exportKey"), resourceKey) == "" {
		t.Error("findSecret does not find the resource key in exportKey's answer")
	}
	if where := findSecret(heapSnapshot(t, b), resourceKey); where == "" {
		t.Error("after exportKey, the heap snapshot does not show the resource key: the heap scan cannot see keys")
	}

	// Logout: the handles are gone.
	mustCall[bool](t, b, "logout")
	if dn := mustCall[struct{ Note, Code string }](t, b, "decryptNote"); dn.Code != "UNKNOWN_HANDLE" {
		t.Errorf("decryptText after releaseAll: %+v, want UNKNOWN_HANDLE", dn)
	}
	b.assertNoViolations()
}

// findSecret reports where a base64 secret occurs in s: as base64 (also
// with JSON's escaped slashes), base64url or hex; "" if nowhere.
func findSecret(s, secretB64 string) string {
	raw, err := b64.DecodeString(secretB64)
	if err != nil {
		panic(err)
	}
	forms := map[string]string{
		"base64":         secretB64,
		"base64, JSON":   strings.ReplaceAll(secretB64, "/", `\/`),
		"base64url":      base64.RawURLEncoding.EncodeToString(raw),
		"hex":            hex.EncodeToString(raw),
		"hex, uppercase": strings.ToUpper(hex.EncodeToString(raw)),
	}
	for form, needle := range forms {
		if strings.Contains(s, needle) {
			return form
		}
	}
	// The first 16 bytes' base64 (a key cut or re-encoded at an offset).
	if strings.Contains(s, b64.EncodeToString(raw[:15])[:20]) {
		return "base64 of its first bytes"
	}
	return ""
}

// heapSnapshot takes a heap snapshot of the page (its main thread's V8
// heap; not the workers') and returns its JSON.
func heapSnapshot(t *testing.T, b *browser) string {
	t.Helper()
	var mu sync.Mutex
	var buf bytes.Buffer
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	// Chunks arrive as events before the command's reply (one loop reads
	// both, in order).
	if err := chromedp.Listen(lctx, func(ev any) {
		if c, ok := ev.(*heapprofiler.EventAddHeapSnapshotChunk); ok {
			mu.Lock()
			buf.WriteString(c.Chunk)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	var err error
	for _, step := range []func() error{
		func() error { _, err := chromedp.Call(ctx, heapprofiler.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, heapprofiler.TakeHeapSnapshot, heapprofiler.TakeHeapSnapshotParams{})
			return err
		},
		func() error { _, err := chromedp.Call(ctx, heapprofiler.Disable, cdp.Empty{}); return err },
	} {
		if err = step(); err != nil {
			t.Fatalf("heap snapshot: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if buf.Len() < 1<<16 || !bytes.Contains(buf.Bytes(), []byte(`"strings"`)) {
		t.Fatalf("heap snapshot of %d bytes without strings", buf.Len())
	}
	return buf.String()
}
