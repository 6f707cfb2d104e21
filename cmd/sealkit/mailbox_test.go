package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// tryServe runs `sealkit serve` with args and env. It returns serve's
// error if serve gives up, or the URL if serve starts (stopped at the end
// of the test), so that a test can tell a refusal from a start.
func tryServe(t *testing.T, env map[string]string, args ...string) (url, logs string, err error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr apptest.LogBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s")
		}
	})
	re := regexp.MustCompile(`serving on (https?://\S+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], stderr.String(), nil
		}
		select {
		case err := <-done:
			done <- err // for the cleanup
			if err == nil {
				t.Fatalf("serve ended without an error and without serving:\n%s", stderr.String())
			}
			return "", stderr.String(), err
		default:
		}
	}
	t.Fatalf("serve neither started nor failed:\n%s", stderr.String())
	return "", "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestDevMailboxOnlyWhenAsked: the development mailbox shows every address
// and live confirmation link to anyone, so it is on only when asked for,
// and serve without any way to send mail refuses to start and says what to
// pass.
func TestDevMailboxOnlyWhenAsked(t *testing.T) {
	dbArgs := func() []string {
		return []string{"--addr", "127.0.0.1:0", "--database-url", apptest.NewDB(t, "sqlite").URL, "--keys-file", filepath.Join(t.TempDir(), "keys.json")}
	}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"no mail flags":             {nil, nil},
		"--dev-mailbox=false":       {nil, []string{"--dev-mailbox=false"}},
		"SEALKIT_DEV_MAILBOX=0":     {map[string]string{"SEALKIT_DEV_MAILBOX": "0"}, nil},
		"env on, flag says false":   {map[string]string{"SEALKIT_DEV_MAILBOX": "1"}, []string{"--dev-mailbox=false"}},
		"SEALKIT_DEV_MAILBOX=empty": {map[string]string{"SEALKIT_DEV_MAILBOX": ""}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			url, _, err := tryServe(t, c.env, append(dbArgs(), c.args...)...)
			if err == nil {
				status, _ := get(t, url+"/dev/mailbox")
				t.Fatalf("serve started without a way to send mail (GET /dev/mailbox: %d); want a refusal", status)
			}
			for _, want := range []string{"--smtp-url", "--dev-mailbox"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal %q does not say to pass %s", err, want)
				}
			}
		})
	}

	// Asked for, by flag or by environment: the page and the nav link.
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"--dev-mailbox":         {nil, []string{"--dev-mailbox"}},
		"SEALKIT_DEV_MAILBOX=1": {map[string]string{"SEALKIT_DEV_MAILBOX": "1"}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			url, _, err := tryServe(t, c.env, append(dbArgs(), c.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if status, _ := get(t, url+"/dev/mailbox"); status != 200 {
				t.Errorf("GET /dev/mailbox: %d", status)
			}
			if _, home := get(t, url+"/"); !strings.Contains(home, `href="/dev/mailbox"`) {
				t.Error("no mailbox link on the home page")
			}
		})
	}

	// Real mail: no page, no link.
	t.Run("--smtp-url", func(t *testing.T) {
		url, _, err := tryServe(t, nil, append(dbArgs(), "--smtp-url", "smtp://127.0.0.1:1", "--mail-from", "app@example.test")...)
		if err != nil {
			t.Fatal(err)
		}
		if status, _ := get(t, url+"/dev/mailbox"); status != 404 {
			t.Errorf("GET /dev/mailbox with SMTP: %d, want 404", status)
		}
		if _, home := get(t, url+"/"); strings.Contains(home, "/dev/mailbox") {
			t.Error("the home page links to /dev/mailbox although it is off")
		}
	})

	t.Run("both", func(t *testing.T) {
		_, _, err := tryServe(t, nil, append(dbArgs(), "--dev-mailbox", "--smtp-url", "smtp://127.0.0.1:1", "--mail-from", "app@example.test")...)
		if err == nil || !strings.Contains(err.Error(), "not both") {
			t.Errorf("--dev-mailbox with --smtp-url: %v, want a refusal", err)
		}
	})
	t.Run("bad env value", func(t *testing.T) {
		_, _, err := tryServe(t, map[string]string{"SEALKIT_DEV_MAILBOX": "yes please"}, dbArgs()...)
		if err == nil || !strings.Contains(err.Error(), "SEALKIT_DEV_MAILBOX") {
			t.Errorf("SEALKIT_DEV_MAILBOX=yes please: %v, want a refusal naming the variable", err)
		}
	})
}

// TestDevMailboxLoopbackOnly: the mailbox is refused on an address other
// people can reach — a non-loopback listen address or public URL — unless
// the operator opts in with --dev-mailbox-public, which then logs a
// warning.
func TestDevMailboxLoopbackOnly(t *testing.T) {
	dbArgs := func() []string {
		return []string{"--database-url", apptest.NewDB(t, "sqlite").URL, "--keys-file", filepath.Join(t.TempDir(), "keys.json"), "--dev-mailbox"}
	}
	for name, args := range map[string][]string{
		"all interfaces":     {"--addr", "0.0.0.0:0"},
		"empty host":         {"--addr", ":0"},
		"public URL":         {"--addr", "127.0.0.1:0", "--public-url", "https://app.example.com"},
		"public URL by IPv4": {"--addr", "127.0.0.1:0", "--public-url", "http://192.0.2.7:8080"},
	} {
		t.Run(name, func(t *testing.T) {
			url, _, err := tryServe(t, nil, append(dbArgs(), args...)...)
			if err == nil {
				t.Fatalf("serve %q started with the mailbox on at %s; want a refusal", args, url)
			}
			if !strings.Contains(err.Error(), "--dev-mailbox-public") || !strings.Contains(err.Error(), "loopback") {
				t.Errorf("refusal %q does not explain the way out", err)
			}
		})
	}
	for name, args := range map[string][]string{
		"localhost":            {"--addr", "localhost:0"},
		"IPv4 loopback":        {"--addr", "127.0.0.1:0", "--public-url", "http://localhost:8080"},
		"a .localhost name":    {"--addr", "127.0.0.1:0", "--public-url", "http://app.localhost:8080"},
		"IPv6 loopback public": {"--addr", "127.0.0.1:0", "--public-url", "http://[::1]:8080"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := tryServe(t, nil, append(dbArgs(), args...)...); err != nil {
				t.Errorf("serve %q: %v", args, err)
			}
		})
	}
	t.Run("opt-in", func(t *testing.T) {
		url, logs, err := tryServe(t, nil, append(dbArgs(), "--addr", "0.0.0.0:0", "--dev-mailbox-public")...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "/dev/mailbox") {
			t.Errorf("no warning about the public mailbox:\n%s", logs)
		}
		if status, _ := get(t, url+"/dev/mailbox"); status != 200 {
			t.Errorf("GET /dev/mailbox: %d", status)
		}
	})
}
