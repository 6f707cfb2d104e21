package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

func openURL(t *testing.T, dbURL string) (*store.Store, error) {
	t.Helper()
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbURL, func() *atrest.KeySet { return ks })
	if err == nil {
		t.Cleanup(func() { st.Close() })
	}
	return st, err
}

// entries lists what is in dir, so that a refused URL can be shown to
// have created nothing.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestOpenURLForms: every documented form of a database URL opens the
// database it names, relative paths against the working directory.
func TestOpenURLForms(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ url, file string }{
		{"sqlite:a.db", "a.db"},
		{"sqlite:sub/b.db", "sub/b.db"},
		{"sqlite://c.db", "c.db"}, // everything after // is the path: relative
		{"sqlite://" + dir + "/d.db", "d.db"},
		{"file:e.db", "e.db"},
		{"file://" + dir + "/f.db", "f.db"},
		{"file://localhost" + dir + "/g.db", "g.db"},
		{"h.db", "h.db"},
		{dir + "/i.db", "i.db"},
		{"./dir.with:colon/j.db", "dir.with:colon/j.db"},
	} {
		st, err := openURL(t, c.url)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if st.Dialect != store.SQLite {
			t.Errorf("%s: dialect %s", c.url, st.Dialect)
		}
		if _, err := os.Stat(filepath.Join(dir, c.file)); err != nil {
			t.Errorf("%s: want the SQLite file %s: %v (made: %q)", c.url, c.file, err, entries(t, dir))
		}
	}
	admin := apptest.PostgresAdminURL()
	for _, u := range []string{admin, "postgresql://" + strings.TrimPrefix(admin, "postgres://")} {
		st, err := openURL(t, u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if st.Dialect != store.Postgres {
			t.Errorf("%s: dialect %s", u, st.Dialect)
		}
	}
}

// TestOpenRefusesUnknownURLs: a URL the app does not understand is refused
// with a sentence naming what to write, and creates no file (it used to
// become a SQLite file named after the URL).
func TestOpenRefusesUnknownURLs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ url, want string }{
		{"mysql://x", `unsupported database URL scheme "mysql": use postgres://`},
		{"MySQL://root@db/app", `unsupported database URL scheme "MySQL"`},
		{"sqlite3://x.db", `unsupported database URL scheme "sqlite3"`},
		{"postgres:app", "postgres://user@host/db"},
		{"host=localhost dbname=app", "postgres://user@host/db"},
		{"sqlite:", "empty SQLite path"},
		{"sqlite://", "empty SQLite path"},
		{"sqlite:a.db?mode=ro", "no ?options"},
		{"file://db.example.com/a.db", "host"},
	} {
		_, err := openURL(t, c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.url, err, c.want)
		}
	}
	if e := entries(t, dir); len(e) != 0 {
		t.Errorf("refused URLs created %q", e)
	}
}

// TestSQLiteFileModes: the database holds every account's (at-rest
// encrypted) data, so only its owner may read it: the directory is
// created 0700, the file and its -wal/-shm 0600. Close checkpoints, so
// the -wal/-shm files are gone afterwards and the .db file alone is a
// complete copy.
func TestSQLiteFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	db := filepath.Join(dir, "app.db")
	st, err := openURL(t, "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("directory mode %v, want 0700", m)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		if m := mode(p); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), m)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{db + "-wal", db + "-shm"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after Close: %v, want it gone", filepath.Base(p), err)
		}
	}
}

// TestPostgresConnectError: an unreachable PostgreSQL is one sentence that
// names the server and the cause once (pgx lists every attempt, and
// tries twice with sslmode=prefer).
func TestPostgresConnectError(t *testing.T) {
	_, err := openURL(t, "postgres://postgres@127.0.0.1:1/x")
	if err == nil {
		t.Fatal("no error from a PostgreSQL at port 1")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Count(msg, "connection refused") != 1 || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("want one line naming 127.0.0.1:1 and the cause once, got:\n%s", msg)
	}
}
