package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the built binary: exit codes, signals and the working
// directory are the process's, which run() alone cannot show.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// sealkitBinary builds ./cmd/sealkit once per test run.
func sealkitBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "sealkit-bin-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "sealkit")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/sealkit: %v", buildErr)
	}
	return binPath
}

// runBinary runs the binary in dir to completion and returns its exit code.
// Every command run so is expected to end by itself; one that starts
// serving instead is killed (after a minute, so that a slow machine is not
// mistaken for a hang) and fails the test.
func runBinary(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sealkitBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("sealkit %s did not end by itself:\n%s%s", strings.Join(args, " "), o.String(), e.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// cleanEnv is the test's environment without the app's own variables, so
// that a developer's DATABASE_URL cannot change what a test means.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "SEALKIT_") {
			env = append(env, kv)
		}
	}
	return env
}

// TestSIGTERMShutsDownCleanly: SIGTERM (what systemd, Docker and
// Kubernetes send) stops the server as Ctrl-C does: it drains, checkpoints
// SQLite and exits 0, leaving no -wal/-shm files.
func TestSIGTERMShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(sealkitBinary(t), "serve", "--addr", "127.0.0.1:0", "--dev-mailbox")
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := bufio.NewScanner(out)
	var url string
	for lines.Scan() {
		if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
			break
		}
	}
	if url == "" {
		cmd.Wait()
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, out)
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/healthz: %d", res.StatusCode)
	}
	db := filepath.Join(dir, "sealkit-data", "sealkit.db")
	if _, err := os.Stat(db + "-wal"); err != nil {
		t.Fatalf("a running server in WAL mode should have %s: %v", db+"-wal", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve still running 60 s after SIGTERM:\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("serve after SIGTERM: %v (want exit 0)\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", stderr.String())
	}
	for _, p := range []string{db + "-wal", db + "-shm"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after SIGTERM: %v, want it gone (checkpointed)", filepath.Base(p), err)
		}
	}
}

// TestHelpAndVersion: asking for help or the version is a success: exit
// 0, the text on stdout, nothing on stderr.
func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "usage: sealkit <command>"},
		{[]string{"-h"}, "usage: sealkit <command>"},
		{[]string{"help"}, "usage: sealkit <command>"},
		{[]string{"serve", "--help"}, "-database-url"},
		{[]string{"serve", "-h"}, "-dev-mailbox"},
		{[]string{"keys", "--help"}, "usage: sealkit keys"},
		{[]string{"keys", "rotate", "-h"}, "-database-url"},
		{[]string{"announce", "-h"}, "NOT zero-knowledge"},
		{[]string{"keygen", "-h"}, "-level"},
		{[]string{"selftest", "-h"}, "usage: sealkit selftest"},
		{[]string{"--version"}, "sealkit "},
		{[]string{"-version"}, "sealkit "},
		{[]string{"version"}, "sealkit "},
	} {
		stdout, stderr, code := runBinary(t, dir, c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) || stderr != "" {
			t.Errorf("sealkit %s: exit %d, stdout %q, stderr %q; want exit 0 and %q on stdout", strings.Join(c.args, " "), code, stdout, stderr, c.want)
		}
	}
	if e := entries(dir); len(e) != 0 {
		t.Errorf("help and version made files: %q", e)
	}
	// A wrong flag is still an error, on stderr.
	if stdout, stderr, code := runBinary(t, dir, "serve", "--no-such-flag"); code != 2 || stdout != "" || !strings.Contains(stderr, "no-such-flag") {
		t.Errorf("serve --no-such-flag: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func entries(dir string) []string {
	var out []string
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// TestKeysGenerateFreshDirectory: the first command of a new deployment
// works in an empty directory: it makes sealkit-data/ (0700) itself.
func TestKeysGenerateFreshDirectory(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runBinary(t, dir, "keys", "generate")
	if code != 0 || !strings.Contains(stdout, "wrote sealkit-data/keys.json") {
		t.Fatalf("keys generate in an empty directory: exit %d\n%s%s", code, stdout, stderr)
	}
	for p, want := range map[string]os.FileMode{"sealkit-data": 0o700, "sealkit-data/keys.json": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	if _, stderr, code := runBinary(t, dir, "keys", "show"); code != 0 {
		t.Errorf("keys show after generate: exit %d %s", code, stderr)
	}
}

// TestConnectErrorOnce: an unreachable database is reported once, as one
// line that says what to check, and the process exits non-zero.
func TestConnectErrorOnce(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runBinary(t, dir, "serve", "--addr", "127.0.0.1:0", "--dev-mailbox", "--database-url", "postgres://postgres@127.0.0.1:1/x")
	if code == 0 {
		t.Fatalf("serve with an unreachable PostgreSQL exited 0:\n%s", stdout)
	}
	var errLines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(l, "time=") { // log lines
			errLines = append(errLines, l)
		}
	}
	if len(errLines) != 1 || strings.Count(stderr, "connection refused") != 1 || !strings.Contains(errLines[0], "127.0.0.1:1") {
		t.Errorf("want one error line naming 127.0.0.1:1 and the cause once, got:\n%s", stderr)
	}
}

// TestUnknownDatabaseScheme: --database-url mysql://… is refused with a
// sentence, instead of becoming a SQLite file named "mysql:/…".
func TestUnknownDatabaseScheme(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runBinary(t, dir, "serve", "--addr", "127.0.0.1:0", "--dev-mailbox", "--keys-file", "k.json", "--database-url", "mysql://x")
	if code == 0 || !strings.Contains(stderr, `unsupported database URL scheme "mysql": use postgres://`) {
		t.Errorf("serve --database-url mysql://x: exit %d\n%s", code, stderr)
	}
	for _, e := range entries(dir) {
		if strings.HasPrefix(e, "mysql") {
			t.Errorf("made %q", e)
		}
	}
}
