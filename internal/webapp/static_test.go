package webapp_test

import (
	"net/http"
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
