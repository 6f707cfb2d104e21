// Package ratelimit counts events per bucket in a SQL database shared by
// every instance of an app, so that a limit — failed logins per client,
// salt lookups per minute, sign-up mails per address — holds across
// instances and under concurrency.
//
// Guarantees:
//   - Checking and counting are one atomic step: each event increments one
//     counter row with a single INSERT … ON CONFLICT … DO UPDATE …
//     RETURNING, whose result is distinct for every concurrent caller. Of N
//     simultaneous events against a limit L, exactly L are allowed. (A
//     count followed by an insert in two statements let 38–53 of 60
//     concurrent requests through a limit of 5 on PostgreSQL.)
//   - The window slides: the count is the current fixed window's plus the
//     previous window's weighted by how much of it the sliding window still
//     covers, rounded up, so a window boundary never admits a double burst.
//   - Storage is one row per bucket and window, however many events.
//
// Assumptions: the database is SQLite (3.35 or later) or PostgreSQL,
// reached through database/sql, with the table of [Limiter.CreateTable]
// (or an equivalent migration); buckets are opaque strings the app makes
// from keyed hashes (never an address or an IP in the clear); the caller
// does not hold a transaction on a single-connection pool (SQLite) while
// it calls, since each call runs its own.
package ratelimit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Table is the counter table's definition, as [Limiter.CreateTable] runs
// it. Apps with their own migrations may use it there instead.
const Table = `CREATE TABLE IF NOT EXISTS rate_counters (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
)`

// Limiter counts events in DB's rate_counters table. The zero value is not
// usable: set DB. It is safe for concurrent use.
type Limiter struct {
	DB *sql.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// CreateTable creates the counter table and its cleanup index if they do
// not exist.
func (l *Limiter) CreateTable(ctx context.Context) error {
	for _, q := range []string{Table, `CREATE INDEX IF NOT EXISTS rate_counters_expires ON rate_counters (expires_at)`} {
		if _, err := l.DB.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("ratelimit: create table: %w", err)
		}
	}
	return nil
}

// Allow counts one event in bucket and reports whether the bucket is
// within limit events per window, this one included. An event over the
// limit is counted too, so hammering a full bucket keeps it full.
func (l *Limiter) Allow(ctx context.Context, bucket string, limit int, window time.Duration) (bool, error) {
	n, err := l.Hit(ctx, bucket, window)
	return err == nil && n <= limit, err
}

// Hit counts one event in bucket and returns the bucket's count over the
// sliding window, this event included.
func (l *Limiter) Hit(ctx context.Context, bucket string, window time.Duration) (int, error) {
	return l.add(ctx, bucket, window, l.now(), 1)
}

// Undo takes back one event counted by Hit, e.g. a login attempt that was
// counted as a failure before its key was compared and then succeeded.
func (l *Limiter) Undo(ctx context.Context, bucket string, window time.Duration) error {
	_, err := l.add(ctx, bucket, window, l.now(), -1)
	return err
}

// Cleanup deletes the counters that no longer count (older than two of
// their windows) and returns how many.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	res, err := l.DB.ExecContext(ctx, `DELETE FROM rate_counters WHERE expires_at <= $1`, l.now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("ratelimit: cleanup: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (l *Limiter) add(ctx context.Context, bucket string, window time.Duration, now time.Time, delta int) (int, error) {
	w := window.Milliseconds()
	if w <= 0 {
		return 0, errors.New("ratelimit: the window must be at least a millisecond")
	}
	t := now.UnixMilli()
	start := t - t%w
	var cur, prev int64
	tx, err := l.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("ratelimit: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `INSERT INTO rate_counters (bucket, window_start, count, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + excluded.count
		RETURNING count`, bucket, start, delta, start+2*w).Scan(&cur); err != nil {
		return 0, fmt.Errorf("ratelimit: %w", err)
	}
	err = tx.QueryRowContext(ctx, `SELECT count FROM rate_counters WHERE bucket = $1 AND window_start = $2`, bucket, start-w).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("ratelimit: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("ratelimit: %w", err)
	}
	overlap := 1 - float64(t-start)/float64(w)
	return int(cur) + int(math.Ceil(float64(prev)*overlap)), nil
}
