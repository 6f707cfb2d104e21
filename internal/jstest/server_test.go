//go:build !js

package jstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cspPolicy is the policy every response carries: the strict policy a
// deployment of the SDK is meant to run under (no unsafe-eval, no inline
// script; WebAssembly compilation only), plus a report-uri so that
// violations in workers, and those before a page's listener exists, reach
// the test too.
const (
	cspPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'"
	cspHeader = cspPolicy + "; report-uri /csp-report"
)

// testServer serves, over HTTP on 127.0.0.1 (a secure context, so Web
// Crypto and IndexedDB work as on https):
//
//	/sdk/dist/  the wasm build of this test binary (wasmBuild)
//	/sdk/       the repository's js/ directory
//	/vectors/   the repository's testdata/vectors
//	/t/         this package's testdata: the pages and their scripts
//	/csp-report the CSP report endpoint (POST)
type testServer struct {
	*httptest.Server
	mu      sync.Mutex
	reports []cspReport
}

// cspReport is the part of a report-uri report the tests look at.
type cspReport struct {
	DocumentURI        string `json:"document-uri"`
	EffectiveDirective string `json:"effective-directive"`
	ViolatedDirective  string `json:"violated-directive"`
	BlockedURI         string `json:"blocked-uri"`
	SourceFile         string `json:"source-file"`
	LineNumber         int    `json:"line-number"`
	ScriptSample       string `json:"script-sample"`
	Disposition        string `json:"disposition"`
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	sdk := wasmBuild(t)
	s := &testServer{}
	mux := http.NewServeMux()
	mux.Handle("/sdk/dist/", staticDir("/sdk/dist/", filepath.Join(sdk, "dist")))
	mux.Handle("/sdk/", staticDir("/sdk/", filepath.Join(repoRoot, "js")))
	mux.Handle("/vectors/", staticDir("/vectors/", filepath.Join(repoRoot, "testdata", "vectors")))
	mux.Handle("/t/", staticDir("/t/", "testdata"))
	mux.HandleFunc("/csp-report", s.collectReport)
	s.Server = httptest.NewServer(withCSP(mux))
	t.Cleanup(s.Close)
	return s
}

// withCSP puts the policy on every response, errors and reports included.
func withCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", cspHeader)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
}

// staticDir serves the regular files directly in or below dir for URLs
// under prefix, with explicit content types (never a directory listing).
func staticDir(prefix, dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rel := strings.TrimPrefix(path.Clean(r.URL.Path), path.Clean(prefix))
		if rel == "" || strings.Contains(rel, "..") {
			http.NotFound(w, r)
			return
		}
		name := filepath.Join(dir, filepath.FromSlash(rel))
		f, err := os.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		ct, ok := contentTypes[path.Ext(rel)]
		if !ok {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})
}

func (s *testServer) collectReport(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var wrapped struct {
		Report cspReport `json:"csp-report"`
	}
	rep := cspReport{DocumentURI: "unparsable report: " + string(body)}
	if json.Unmarshal(body, &wrapped) == nil && wrapped.Report != (cspReport{}) {
		rep = wrapped.Report
	}
	s.mu.Lock()
	s.reports = append(s.reports, rep)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// cspReports returns the reports received so far.
func (s *testServer) cspReports() []cspReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]cspReport(nil), s.reports...)
}
