package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrAccountExists is returned when an account would be created for an
// email index that already has one.
var ErrAccountExists = errors.New("store: the address already has an account")

// CreateSignup records that a sign-up link was mailed: the hash of its
// token, the address's blind index and the address itself (at-rest
// sealed, for the finishing page). It changes nothing that the salt
// endpoint, login or invitations read.
func (s *Store) CreateSignup(ctx context.Context, q Querier, tokenHash, emailIndex, email string, now, expires time.Time) error {
	v, err := s.seal("signups", "sealed_email", tokenHash, []byte(email))
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO signups (token_hash, email_index, sealed_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		tokenHash, emailIndex, v, now.Unix(), expires.Unix())
	if err != nil {
		return fmt.Errorf("store: create signup: %w", err)
	}
	return nil
}

// SignupEmail returns the address of an unexpired sign-up token.
func (s *Store) SignupEmail(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var v string
	err := s.DB.QueryRowContext(ctx, `SELECT sealed_email FROM signups WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.Unix()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: signup: %w", err)
	}
	p, err := s.open("signups", "sealed_email", tokenHash, v)
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// FinishSignup consumes an unexpired sign-up token and creates u for its
// address, confirmed, in tx: u.EmailIndex is taken from the token, never
// from the caller. Every other pending sign-up of the address goes too.
// ErrNotFound for an unknown, used or expired token; ErrAccountExists when
// the address got an account meanwhile (the token is consumed either way).
// Two concurrent calls with one token, or with two tokens of one address,
// create at most one account: the DELETE … RETURNING takes the token once,
// and the unique email index refuses a second row.
func (s *Store) FinishSignup(ctx context.Context, tx *sql.Tx, tokenHash string, now time.Time, u *User) error {
	var index string
	err := tx.QueryRowContext(ctx, `SELECT email_index FROM signups WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.Unix()).Scan(&index)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: finish signup: %w", err)
	}
	if s.Dialect == Postgres {
		// Serialise the sign-ups of one address before touching any row,
		// so that the check below and the insert cannot interleave with
		// another token's (the unique index would refuse the second
		// insert, but as an error that aborts the transaction), and two
		// tokens' transactions never wait on each other's rows.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 42))`, index); err != nil {
			return fmt.Errorf("store: finish signup: %w", err)
		}
	}
	err = tx.QueryRowContext(ctx, `DELETE FROM signups WHERE token_hash = $1 AND expires_at > $2 RETURNING email_index`,
		tokenHash, now.Unix()).Scan(&index)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound // used meanwhile
	}
	if err != nil {
		return fmt.Errorf("store: finish signup: %w", err)
	}
	u.EmailIndex = index
	exists, err := s.EmailIndexExists(ctx, tx, index)
	if err != nil {
		return err
	}
	if exists {
		return ErrAccountExists
	}
	if err := s.CreateUser(ctx, tx, u); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signups WHERE email_index = $1`, index); err != nil {
		return fmt.Errorf("store: finish signup: %w", err)
	}
	return nil
}

// Cleanup deletes ended sessions (expired or idle), expired sign-up
// links and rate counters that no longer count. It returns the number of
// rows removed.
func (s *Store) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2`, []any{now.Unix(), now.Add(-SessionIdle).Unix()}},
		{`DELETE FROM signups WHERE expires_at <= $1`, []any{now.Unix()}},
	} {
		res, err := s.DB.ExecContext(ctx, q.sql, q.args...)
		if err != nil {
			return total, fmt.Errorf("store: cleanup: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	n, err := s.limiter(now).Cleanup(ctx)
	return total + n, err
}
