// Package store is the reference app's database: one schema and one set of
// migrations for embedded SQLite (modernc.org/sqlite, pure Go) and
// PostgreSQL (pgx through database/sql), chosen by the database URL.
//
// Everything that must hold across app instances lives here: accounts,
// sessions, rate-limit events, the development mailbox and (through River)
// background jobs. Ciphertext columns pass through the at-rest layer
// (package atrest) on their way in and out, so callers see the browser's
// ciphertext and the database sees it encrypted once more.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultURL is the database of a fresh checkout: a SQLite file in
// ./sealkit-data, created on first use.
const DefaultURL = "sqlite:sealkit-data/sealkit.db"

// ErrNotFound is returned by lookups that match no row.
var ErrNotFound = errors.New("store: not found")

// Store is an open database. Safe for concurrent use.
type Store struct {
	DB      *sql.DB
	Dialect Dialect
	keys    func() *atrest.KeySet
	// Reload, when set, is called once when a value names a key id the
	// current key set lacks: another process may have rotated the keys.
	Reload func() error
	// Accounts is the kit's account store (users, signups, sessions) over
	// the same database and at-rest layer; package accounts runs sign-up,
	// login and sessions on it.
	Accounts *sqlstore.Store
}

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at dbURL (one of URLForms; see ParseURL)
// and returns a Store whose ciphertext columns are encrypted under keys()
// at rest. It does not migrate; call Migrate. A new SQLite file is created
// mode 0600 (its -wal and -shm files inherit that) in a directory created
// 0700: the file holds every account, and only the server should read it.
func Open(ctx context.Context, dbURL string, keys func() *atrest.KeySet) (*Store, error) {
	dialect, target, err := ParseURL(dbURL)
	if err != nil {
		return nil, err
	}
	s := &Store{keys: keys, Dialect: dialect}
	switch dialect {
	case Postgres:
		s.DB, err = sql.Open("pgx", target)
		if err != nil {
			return nil, fmt.Errorf("store: database URL: %w", err)
		}
		s.DB.SetMaxOpenConns(20)
		s.DB.SetConnMaxIdleTime(5 * time.Minute)
	case SQLite:
		path := target
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create the SQLite directory: %w", err)
			}
		}
		// SQLite would create the file 0644; an existing file keeps the
		// mode its owner gave it.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: open the SQLite file: %w", err)
		}
		f.Close()
		// WAL lets `sealkit keys rotate` (another process) insert its job
		// while the server reads; immediate transactions take the write
		// lock up front instead of failing half-way with SQLITE_BUSY.
		dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		if s.DB, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
		// SQLite has one writer; River's SQLite driver asks for a single
		// connection so its concurrent internals queue instead of failing
		// with SQLITE_BUSY. Code must therefore never use s.DB while it
		// holds a transaction.
		s.DB.SetMaxOpenConns(1)
	}
	if err := s.DB.PingContext(ctx); err != nil {
		s.DB.Close()
		if dialect == Postgres {
			return nil, postgresConnectError(err)
		}
		return nil, fmt.Errorf("store: open the SQLite file %s: %w", target, err)
	}
	s.Accounts = sqlstore.New(s.DB, sqlstore.Options{Postgres: dialect == Postgres, AtRest: s})
	return s, nil
}

// NewID is a new random row id: 32 lower-case hex digits, the format of
// every id the app makes (webapp checks ids in paths against it).
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Close closes the pool. On SQLite it first checkpoints the write-ahead
// log into the database file and truncates it, so that the .db file alone
// is complete (a backup may copy just it) even when another process still
// holds the database open and SQLite cannot delete the -wal file.
func (s *Store) Close() error {
	if s.Dialect == SQLite {
		// Bounded: a connection stuck in a transaction must not keep the
		// process from exiting; the checkpoint then happens on next open.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := s.DB.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		cancel()
		if cerr := s.DB.Close(); cerr != nil {
			return cerr
		}
		if err != nil {
			return fmt.Errorf("store: checkpoint the SQLite log on close (it is replayed on the next start): %w", err)
		}
		return nil
	}
	return s.DB.Close()
}

// Keys returns the current at-rest key set.
func (s *Store) Keys() *atrest.KeySet { return s.keys() }

// RiverDriver is the River driver for this database.
func (s *Store) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if s.Dialect == Postgres {
		return riverdatabasesql.New(s.DB)
	}
	return riversqlite.New(s.DB)
}

// Migrate brings the app's schema and River's up to date. Several
// instances may start at once: on PostgreSQL an advisory lock serialises
// them, on SQLite the immediate transaction does.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer tx.Rollback()
	if s.Dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7381142390)`); err != nil {
			return fmt.Errorf("store: migrate lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS sealkit_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM sealkit_migrations`)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("store: migrate: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s: bad name", base)
		}
		if applied[v] {
			continue
		}
		body, _ := migrations.ReadFile(name)
		for _, stmt := range splitSQL(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migration %s: %w", base, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sealkit_migrations (version, applied_at) VALUES ($1, $2)`, v, time.Now().Unix()); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	m, err := rivermigrate.New(s.RiverDriver(), nil)
	if err != nil {
		return fmt.Errorf("store: river migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: river migrate: %w", err)
	}
	return nil
}

// splitSQL splits a migration into statements at semicolons that end a
// line, dropping "--" comment lines. The migrations hold no string
// literals with semicolons, so nothing smarter is needed.
func splitSQL(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
