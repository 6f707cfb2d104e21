package webapp_test

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestStaticDirectoryNotFound: a directory under /static/ is not an asset:
// it answers 404 like a missing file, and is no server error (it used to
// log "asset read failed" at ERROR level, an alert for nothing).
func TestStaticDirectoryNotFound(t *testing.T) {
	srv := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	for _, path := range []string{"/static/app/", "/static/app", "/static/app/common.js/", "/static/nope.js"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	// A real asset still loads, so the 404s above are not a broken route.
	if res, err := http.Get(srv.URL + "/static/app/common.js"); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /static/app/common.js: %v %v", err, res)
	} else {
		res.Body.Close()
	}
	if logs := srv.Log.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("a 404 logged an error:\n%s", logs)
	}
}

// TestVersionedStatic: the layout links the page's script, CSS and
// module graph under /static/v/<version>/, cached for a year, and every
// one of them is served there with the bytes of its unversioned URL; the
// SDK's modules come from the same tree (relative imports); another
// version gets today's files revalidated, not a year's cache; nothing
// outside the assets is reachable through it.
func TestVersionedStatic(t *testing.T) {
	srv := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}
	_, page := get("/login")
	m := regexp.MustCompile(`src="(/static/v/([0-9a-f]{12})/)app/login\.js"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the login page links no versioned script:\n%s", page)
	}
	root, version := m[1], m[2]
	links := regexp.MustCompile(`(?:href|src)="(/static/v/[^"]+)"`).FindAllStringSubmatch(page, -1)
	var modules int
	for _, l := range links {
		if strings.HasSuffix(l[1], ".js") {
			modules++
		}
	}
	// login.js, common.js, keys.js and the SDK's index.js, account.js, …
	if modules < 5 || !strings.Contains(page, `<link rel="modulepreload" nonce="`) || !strings.Contains(page, root+"sdk/index.js") {
		t.Fatalf("the login page preloads %d modules, want its whole graph:\n%s", modules, page)
	}
	for _, l := range append(links, []string{"", root + "sdk/worker.js"}, []string{"", root + "sdk/dist/wasm_exec.js"}) {
		res, body := get(l[1])
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: %d, Cache-Control %q", l[1], res.StatusCode, res.Header.Get("Cache-Control"))
			continue
		}
		plain := strings.Replace(strings.TrimPrefix(l[1], root), "sdk/", "/static/sdk/", 1)
		if !strings.HasPrefix(plain, "/") {
			plain = "/static/" + plain
		}
		if res2, body2 := get(plain); res2.StatusCode != 200 || body2 != body || res2.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s differs from GET %s (%d, Cache-Control %q)", plain, l[1], res2.StatusCode, res2.Header.Get("Cache-Control"))
		}
	}
	other := "000000000000"
	if version == other {
		other = "111111111111"
	}
	if res, _ := get("/static/v/" + other + "/app/login.js"); res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("another version: %d, Cache-Control %q; want today's file, revalidated", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	for _, path := range []string{
		root + "app/", root + "app", root + "sdk/dist/sealkit.wasm", root + "sdk/dist/", root + "sdk/package.json",
		root + "sdk/test/shim.mjs", root + "templates/layout.html",
		root + "nope.js", "/static/v/" + version,
	} {
		if res, _ := get(path); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}

// The page scripts are all on the SDK's handle API (issue 13): their keys
// are handles, the bytes stay in the crypto worker(s); TestPagesHoldNoKeyBytes
// reads every one of them.

// keyByteUses are calls and names of the base64 key API that a page on the
// handle API must not use: opening the private keys or the session key
// into the page, or any call that takes a key as a string.
var keyByteUses = []string{
	"openPrivateKeys", "privateKey", "pqSecretKey", "sessionKey(", "userKey(",
	"sdk.decrypt(", "sdk.encrypt(", "sdk.unseal(", "sdk.unsealBytes(", "sdk.generateKey(",
	`sdk.call("unsealFromUser"`, `sdk.call("sealForUser"`, `sdk.call("decryptSecretbox"`, `sdk.call("encryptSecretbox"`,
	"openResourceKey", "newResourceKey", "exportKey(",
	// The string session-key flows: KeyChain kept the session key in
	// sessionStorage; login and finishSignup return it to the page.
	"KeyChain", "handOverLoginKey", "importSessionKey", "deriveSessionKey", "sealkit.session-key", "sealkit.login-key",
	"login(", "finishSignup(", "openAccountKeys", "openUserKey", "getCachedKeys", "cacheKeys(",
}

// TestPagesHoldNoKeyBytes reads every page script (static/app/*.js) as
// the server serves it (the embedded file) and fails on any key-byte API
// use.
func TestPagesHoldNoKeyBytes(t *testing.T) {
	srv := apptest.Start(t, apptest.NewDB(t, "sqlite"), nil)
	pages, err := filepath.Glob("static/app/*.js")
	if err != nil || len(pages) < 15 {
		t.Fatalf("static/app/*.js: %d scripts, %v; want every page script", len(pages), err)
	}
	for _, page := range pages {
		page = filepath.Base(page)
		res, err := http.Get(srv.URL + "/static/app/" + page)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /static/app/%s: %d %v", page, res.StatusCode, err)
		}
		for _, bad := range keyByteUses {
			if strings.Contains(string(body), bad) {
				t.Errorf("%s uses %q: a page on the handle API holds no key bytes", page, bad)
			}
		}
	}
}
