package webapp_test

// The canaries: distinctive random texts the journey (journey_test.go)
// types into the pages. Once it is done, none may appear in what the
// operator holds — the database (SQLite's files as bytes, or a pg_dump)
// and the server's log — nor in any URL, nor (except the address, which
// the protocol sends) in any request.
//
// To add one, in the journey step that types it:
//
//	title := j.canary("group goal title", "Canary Goal ")
//
// then type `title` into the page. j.canary makes the text (the prefix
// and random hex), and registers it with checkCanary, checkURLs and
// checkRequests; nothing else needs changing. The recovery key shown at
// sign-up is one (saveRecoveryKey); TestBrowserPasswordChange and
// TestBrowserRecovery run the same checks over their flows, with every
// old and new password and every recovery key as canaries.

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// canary is one registered plaintext of the journey.
type canary struct{ name, value string }

// canary returns a new distinctive text, prefix followed by random hex,
// registered under name as a canary.
func (j *journey) canary(name, prefix string) string {
	v := prefix + randomHex(6)
	j.canaries = append(j.canaries, canary{name, v})
	return v
}

// checkCanary is the "canary" subtest of TestBrowserJourney: after the
// journey, the address (as typed and lower-cased, and their base64), the
// display name, the password, the session key and every registered
// canary (as typed and in base64) are nowhere in what the operator holds
// — the database (SQLite's files as bytes, or a pg_dump) and the server's
// log. It first shows that the search finds what must be there (the
// stored key_hash, the user id in the log), so that a broken search
// cannot pass.
func (j *journey) checkCanary(t *testing.T) {
	sources := map[string][]byte{"the server log": []byte(j.s.Log.String())}
	var dbNames []string
	switch j.s.DB.Backend {
	case "sqlite":
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			p := j.s.DB.Name + suffix
			b, err := os.ReadFile(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			name := "the SQLite file " + p
			sources[name] = b
			dbNames = append(dbNames, name)
		}
	case "postgres":
		out, err := exec.Command("pg_dump", "--data-only", "--dbname", j.s.DB.URL).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				err = errors.Join(err, errors.New(string(ee.Stderr)))
			}
			t.Fatalf("pg_dump of %s: %v", j.s.DB.Name, err)
		}
		name := "pg_dump --data-only of " + j.s.DB.Name
		sources[name] = out
		dbNames = append(dbNames, name)
	default:
		t.Fatalf("unknown backend %q", j.s.DB.Backend)
	}
	if len(dbNames) == 0 {
		t.Fatalf("no database file of %s found", j.s.DB.Name)
	}

	// The search must find what is there in the clear.
	var db []byte
	for _, n := range dbNames {
		db = append(db, sources[n]...)
	}
	if !containsFold(db, j.keyHash) {
		t.Fatalf("the stored key_hash %q is not found in %s: the canary search is broken", j.keyHash, strings.Join(dbNames, ", "))
	}
	if !containsFold(sources["the server log"], j.userID) {
		t.Fatalf("the user id %s is not found in the server log: the canary search is broken", j.userID)
	}

	lower := strings.ToLower(j.email)
	canaries := map[string]string{
		"email":                          j.email,
		"lower-case email":               lower,
		"base64 of the email":            base64.StdEncoding.EncodeToString([]byte(j.email)),
		"base64 of the lower-case email": base64.StdEncoding.EncodeToString([]byte(lower)),
		"display name":                   j.name,
		"password":                       j.password,
		"session key (base64)":           base64.StdEncoding.EncodeToString(j.sessionKey),
	}
	for _, c := range j.canaries {
		canaries[c.name] = c.value
		canaries["base64 of the "+c.name] = base64.StdEncoding.EncodeToString([]byte(c.value))
	}
	if len(j.canaries) == 0 {
		t.Fatal("the journey registered no canary: it stopped early or its steps lost them")
	}
	for src, hay := range sources {
		for name, v := range canaries {
			if containsFold(hay, v) {
				t.Errorf("the %s (%q) is in %s", name, v, src)
			}
		}
	}
	total := 0
	for _, b := range sources {
		total += len(b)
	}
	t.Logf("searched %d bytes in %d sources for %d canaries", total, len(sources), len(canaries))
}

// containsFold reports whether hay contains needle, ignoring ASCII case.
func containsFold(hay []byte, needle string) bool {
	return bytes.Contains(bytes.ToLower(hay), bytes.ToLower([]byte(needle)))
}
