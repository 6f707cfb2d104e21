//go:build !js

package jstest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowserVectors runs every entry of every shared vector file through
// the SDK's worker in Chromium (vectors.js; the page fetches the files from
// the server) and requires each one to be run and to pass.
func TestBrowserVectors(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)

	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "vectors", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	var names []string
	want := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Vectors []json.RawMessage `json:"vectors"`
		}
		if err := json.Unmarshal(data, &file); err != nil || len(file.Vectors) == 0 {
			t.Fatalf("%s: %d vectors, %v", f, len(file.Vectors), err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		names = append(names, name)
		want[name] = len(file.Vectors)
	}

	var ready struct{ Mode string }
	mustUnmarshal(t, b.open("vectors.html"), &ready)
	if ready.Mode != "worker" {
		t.Fatalf("loadCrypto() resolved to mode %q, want \"worker\"", ready.Mode)
	}
	results := mustCall[[]struct {
		File   string `json:"file"`
		Desc   string `json:"desc"`
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	}](t, b, "runVectors", names)

	got := map[string]int{}
	for _, r := range results {
		got[r.File]++
		if !r.OK {
			t.Errorf("%s: %q: %s", r.File, r.Desc, r.Detail)
		}
	}
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: %d vectors run, the file has %d", n, got[n], want[n])
		}
	}
	t.Logf("%d vectors from %d files passed through the SDK worker", len(results), len(names))
	b.assertNoViolations()
}
