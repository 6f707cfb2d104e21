package webapp_test

import (
	"io"
	"net/http"
	"path/filepath"
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
