package sealkit

import (
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// testOnly reports whether a package must never be linked into a shipped
// binary: the standard library's testing packages — crypto/mlkem/mlkemtest
// among them, whose derandomised encapsulation makes ML-KEM's shared
// secret predictable to whoever picks the coins — and this module's test
// support packages (hybridtest, apptest, jstest: a last element ending in
// "test").
func testOnly(pkg string) bool {
	if pkg == "testing" || strings.HasPrefix(pkg, "testing/") || pkg == "crypto/mlkem/mlkemtest" {
		return true
	}
	if rest, ok := strings.CutPrefix(pkg, "github.com/sealkit/sealkit/"); ok {
		return strings.HasSuffix(rest[strings.LastIndex(rest, "/")+1:], "test")
	}
	return false
}

// TestNoTestOnlyPackagesInBinaries lists the dependencies of the two
// binaries sealkit ships — the server (cmd/sealkit) and the browser module
// (cmd/sealkit-wasm, built for js/wasm) — and fails if one is test-only.
func TestNoTestOnlyPackagesInBinaries(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs the go command; the native run checks both targets")
	}
	goCmd, err := exec.LookPath("go") // go test puts its own go first in PATH
	if err != nil {
		t.Fatalf("go command not found: %v", err)
	}
	for _, b := range []struct {
		pkg          string
		goos, goarch string
	}{
		{"./cmd/sealkit", runtime.GOOS, runtime.GOARCH},
		{"./cmd/sealkit-wasm", "js", "wasm"},
	} {
		t.Run(b.pkg+"@"+b.goos+"/"+b.goarch, func(t *testing.T) {
			cmd := exec.Command(goCmd, "list", "-deps", "-f", "{{.ImportPath}}", b.pkg)
			cmd.Env = append(os.Environ(), "GOOS="+b.goos, "GOARCH="+b.goarch, "GOFLAGS=")
			out, err := cmd.Output()
			if err != nil {
				stderr := ""
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("go list -deps %s: %v\n%s", b.pkg, err, stderr)
			}
			deps := strings.Fields(string(out))
			// The list must be the real one: the core is in it.
			if !slices.Contains(deps, "github.com/sealkit/sealkit/internal/hybrid") {
				t.Fatalf("go list -deps %s does not list internal/hybrid: %q", b.pkg, deps)
			}
			for _, d := range deps {
				if testOnly(d) {
					t.Errorf("%s (%s/%s) links the test-only package %s", b.pkg, b.goos, b.goarch, d)
				}
			}
		})
	}
}

// TestTestOnly pins the rule, so that a change to it cannot make the test
// above pass vacuously.
func TestTestOnly(t *testing.T) {
	for pkg, want := range map[string]bool{
		"crypto/mlkem/mlkemtest": true,
		"testing":                true,
		"testing/fstest":         true,
		"github.com/sealkit/sealkit/internal/hybrid/hybridtest": true,
		"github.com/sealkit/sealkit/internal/webapp/apptest":    true,
		"github.com/sealkit/sealkit/internal/jstest":            true,
		"crypto/mlkem": false,
		"github.com/sealkit/sealkit/internal/hybrid":         false,
		"github.com/sealkit/sealkit":                         false,
		"github.com/riverqueue/river/rivershared/testsignal": false,
		"internal/testlog":                                   false,
	} {
		if got := testOnly(pkg); got != want {
			t.Errorf("testOnly(%q) = %v, want %v", pkg, got, want)
		}
	}
}

// TestBrowserBuildLeavesOutEd448AndP521 pins internal/sign's build tags:
// the browser module links neither circl's Ed448 nor crypto/ecdsa (with
// its math/big and encoding/asn1 work), which would not fit its size
// budget, while the native server has both.
func TestBrowserBuildLeavesOutEd448AndP521(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs the go command; the native run checks both targets")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go command not found: %v", err)
	}
	big := []string{"github.com/cloudflare/circl/sign/ed448", "crypto/ecdsa", "encoding/asn1"}
	for _, b := range []struct {
		goos, goarch string
		want         bool
	}{{"js", "wasm", false}, {runtime.GOOS, runtime.GOARCH, true}} {
		cmd := exec.Command(goCmd, "list", "-deps", "-f", "{{.ImportPath}}", "./internal/sign")
		cmd.Env = append(os.Environ(), "GOOS="+b.goos, "GOARCH="+b.goarch, "GOFLAGS=")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps ./internal/sign (%s/%s): %v", b.goos, b.goarch, err)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, "crypto/mldsa") {
			t.Fatalf("%s/%s: internal/sign does not list crypto/mldsa: the list is not the real one", b.goos, b.goarch)
		}
		for _, p := range big {
			if got := slices.Contains(deps, p); got != b.want {
				t.Errorf("%s/%s: internal/sign links %s = %v, want %v", b.goos, b.goarch, p, got, b.want)
			}
		}
	}
}
