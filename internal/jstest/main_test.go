//go:build !js

package jstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// repoRoot is the module root, seen from this package's directory (go test
// runs a package's tests in its source directory).
const repoRoot = "../.."

// buildDir holds this test binary's wasm build:
//
//	buildDir/sdk/crypto.js, ... copies of js/*.js for the Node peer (see wasmBuild)
//	buildDir/sdk/dist/sealkit.wasm
//	buildDir/sdk/dist/wasm_exec.js
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildTime time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// goTool returns the go command that runs this test, or the one on PATH.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err == nil {
		return filepath.Join(strings.TrimSpace(string(out)), "bin", "go")
	}
	return "go"
}

// wasmBuild builds ./cmd/sealkit-wasm for js/wasm with the flags of scripts/wasm.sh
// does, once per test binary, and returns the directory standing for js/:
// its dist/ holds the fresh sealkit.wasm and the matching wasm_exec.js. The
// repository's js/dist (from `make wasm`, possibly stale or absent) is never
// used. The browser tests serve the repository's js/ and take only dist/
// from here; Node imports a module by path, so for it the top-level files of
// js/ are copied next to dist/ as well (crypto.js imports ./dist/wasm_exec.js
// and loads ./dist/sealkit.wasm relative to itself).
func wasmBuild(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		buildDir, buildErr = os.MkdirTemp("", "sealkit-jstest-")
		if buildErr != nil {
			return
		}
		buildErr = buildInto(filepath.Join(buildDir, "sdk"))
		buildTime = time.Since(start)
	})
	if buildErr != nil {
		t.Fatalf("building the wasm module: %v", buildErr)
	}
	return filepath.Join(buildDir, "sdk")
}

func buildInto(sdk string) error {
	dist := filepath.Join(sdk, "dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	goCmd := goTool()
	build := exec.Command(goCmd, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=",
		"-o", filepath.Join(dist, "sealkit.wasm"), "./cmd/sealkit-wasm")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("GOOS=js GOARCH=wasm go build ./cmd/sealkit-wasm: %v\n%s", err, out)
	}
	goroot, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	if err := copyFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), filepath.Join(dist, "wasm_exec.js")); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(repoRoot, "js"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".mjs") || name == "package.json") {
			if err := copyFile(filepath.Join(repoRoot, "js", name), filepath.Join(sdk, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
