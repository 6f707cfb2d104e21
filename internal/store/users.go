package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sealkit/sealkit/atrest"
)

// Querier is what both *sql.DB and *sql.Tx offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a transaction, committing if it returns nil. On SQLite
// the pool has one connection: fn must use tx, never s.DB.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// User is an account. The Encrypted* fields are the browser's ciphertext
// (raw bytes); the store adds and removes the at-rest layer.
type User struct {
	ID                    string
	EmailIndex            string // hex blind index
	KeyHash               string
	AuthSalt              string // hex
	AuthHash              string // hex
	PublicKey             string // base64
	PQPublicKey           string // base64
	EncryptedPrivateKey   []byte
	EncryptedPQPrivateKey []byte
	EncryptedUserKey      []byte
	EncryptedEmail        []byte
	EncryptedDisplayName  []byte // nil when unset
	AlwaysRequirePassword bool
	ConfirmedAt           int64 // unix seconds; 0 while unconfirmed
	CreatedAt             int64
}

// seal wraps a ciphertext column value for row id of table.
func (s *Store) seal(table, column, id string, plain []byte) (string, error) {
	v, err := s.keys().Encrypt(plain, atrest.AAD(table, column, id))
	if err != nil {
		return "", fmt.Errorf("store: at-rest encrypt %s.%s: %w", table, column, err)
	}
	return v, nil
}

// Decrypt opens an at-rest value under the current key set, re-reading
// the key set once (Reload) when the value names a key it lacks.
func (s *Store) Decrypt(value string, aad []byte) ([]byte, error) {
	p, err := s.keys().Decrypt(value, aad)
	if errors.Is(err, atrest.ErrUnknownKey) && s.Reload != nil && s.Reload() == nil {
		p, err = s.keys().Decrypt(value, aad)
	}
	return p, err
}

func (s *Store) open(table, column, id, value string) ([]byte, error) {
	p, err := s.Decrypt(value, atrest.AAD(table, column, id))
	if err != nil {
		// The error names the column and the key id problem, never content.
		return nil, fmt.Errorf("store: at-rest decrypt %s.%s of row %s: %w", table, column, id, err)
	}
	return p, nil
}

// CreateUser inserts u. A duplicate email index returns ErrDuplicate.
func (s *Store) CreateUser(ctx context.Context, q Querier, u *User) error {
	cols := map[string][]byte{
		"encrypted_private_key":    u.EncryptedPrivateKey,
		"encrypted_pq_private_key": u.EncryptedPQPrivateKey,
		"encrypted_user_key":       u.EncryptedUserKey,
		"encrypted_email":          u.EncryptedEmail,
	}
	sealed := map[string]string{}
	for c, v := range cols {
		sv, err := s.seal("users", c, u.ID, v)
		if err != nil {
			return err
		}
		sealed[c] = sv
	}
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, email_index, key_hash, auth_salt, auth_hash, public_key, pq_public_key,
		encrypted_private_key, encrypted_pq_private_key, encrypted_user_key, encrypted_email, always_require_password, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12)`,
		u.ID, u.EmailIndex, u.KeyHash, u.AuthSalt, u.AuthHash, u.PublicKey, u.PQPublicKey,
		sealed["encrypted_private_key"], sealed["encrypted_pq_private_key"], sealed["encrypted_user_key"], sealed["encrypted_email"], u.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

const userColumns = `id, email_index, key_hash, auth_salt, auth_hash, public_key, pq_public_key,
	encrypted_private_key, encrypted_pq_private_key, encrypted_user_key, encrypted_email, encrypted_display_name,
	always_require_password, confirmed_at, created_at`

func (s *Store) scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var epk, epq, euk, eem string
	var edn sql.NullString
	var arp int64
	var conf sql.NullInt64
	err := row.Scan(&u.ID, &u.EmailIndex, &u.KeyHash, &u.AuthSalt, &u.AuthHash, &u.PublicKey, &u.PQPublicKey,
		&epk, &epq, &euk, &eem, &edn, &arp, &conf, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read user: %w", err)
	}
	u.AlwaysRequirePassword = arp != 0
	u.ConfirmedAt = conf.Int64
	for _, c := range []struct {
		col string
		in  string
		out *[]byte
	}{
		{"encrypted_private_key", epk, &u.EncryptedPrivateKey},
		{"encrypted_pq_private_key", epq, &u.EncryptedPQPrivateKey},
		{"encrypted_user_key", euk, &u.EncryptedUserKey},
		{"encrypted_email", eem, &u.EncryptedEmail},
		{"encrypted_display_name", edn.String, &u.EncryptedDisplayName},
	} {
		if c.in == "" {
			continue
		}
		p, err := s.open("users", c.col, u.ID, c.in)
		if err != nil {
			return nil, err
		}
		*c.out = p
	}
	return &u, nil
}

// UserByEmailIndex finds the account with that blind index.
func (s *Store) UserByEmailIndex(ctx context.Context, q Querier, index string) (*User, error) {
	return s.scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_index = $1`, index))
}

// UserByID finds the account with that id.
func (s *Store) UserByID(ctx context.Context, q Querier, id string) (*User, error) {
	return s.scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// EmailIndexExists reports whether an account has that blind index,
// without reading (or decrypting) the row.
func (s *Store) EmailIndexExists(ctx context.Context, q Querier, index string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_index = $1`, index).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	return n > 0, nil
}

// KeyHashByEmailIndex returns the key_hash of the account with that index.
func (s *Store) KeyHashByEmailIndex(ctx context.Context, index string) (string, error) {
	var kh string
	err := s.DB.QueryRowContext(ctx, `SELECT key_hash FROM users WHERE email_index = $1`, index).Scan(&kh)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	return kh, nil
}

// SetDisplayName stores the browser's ciphertext of the display name.
func (s *Store) SetDisplayName(ctx context.Context, userID string, ciphertext []byte) error {
	v, err := s.seal("users", "encrypted_display_name", userID, ciphertext)
	if err != nil {
		return err
	}
	return s.updateOne(ctx, `UPDATE users SET encrypted_display_name = $1 WHERE id = $2`, v, userID)
}

// SetAlwaysRequirePassword stores the setting.
func (s *Store) SetAlwaysRequirePassword(ctx context.Context, userID string, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return s.updateOne(ctx, `UPDATE users SET always_require_password = $1 WHERE id = $2`, v, userID)
}

func (s *Store) updateOne(ctx context.Context, query string, args ...any) error {
	res, err := s.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotFound
	}
	return nil
}

// CreateEmailToken stores the hash of a confirmation token.
func (s *Store) CreateEmailToken(ctx context.Context, q Querier, tokenHash, userID, purpose string, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, purpose, expires.Unix())
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// ConfirmEmail consumes an unexpired "confirm" token and marks its user
// confirmed. ErrNotFound for an unknown, used or expired token.
func (s *Store) ConfirmEmail(ctx context.Context, tokenHash string, now time.Time) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `DELETE FROM email_tokens WHERE token_hash = $1 AND purpose = 'confirm' AND expires_at > $2 RETURNING user_id`,
			tokenHash, now.Unix()).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: confirm: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL`, now.Unix(), userID)
		if err != nil {
			return fmt.Errorf("store: confirm: %w", err)
		}
		return nil
	})
}

// CreateSession stores a session by the hash of its cookie value.
func (s *Store) CreateSession(ctx context.Context, idHash, userID string, now, expires time.Time) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		idHash, userID, now.Unix(), expires.Unix())
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionUser returns the user id of an unexpired session.
func (s *Store) SessionUser(ctx context.Context, idHash string, now time.Time) (string, error) {
	var userID string
	err := s.DB.QueryRowContext(ctx, `SELECT user_id FROM sessions WHERE id_hash = $1 AND expires_at > $2`, idHash, now.Unix()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: session: %w", err)
	}
	return userID, nil
}

// DeleteSession removes a session (logout).
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// RateHit records one event in bucket at now and returns how many events
// the bucket has in (now-window, now], this one included. Counting in the
// database makes the limit hold across every app instance; a sliding
// window (not fixed minutes) means no burst of 2× the limit at a boundary.
func (s *Store) RateHit(ctx context.Context, bucket string, window time.Duration, now time.Time) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_events (bucket, at) VALUES ($1, $2)`, bucket, now.UnixMilli()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_events WHERE bucket = $1 AND at > $2`,
			bucket, now.Add(-window).UnixMilli()).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: rate limit: %w", err)
	}
	return n, nil
}

// RateCount returns the events in bucket in (now-window, now] without
// recording one.
func (s *Store) RateCount(ctx context.Context, bucket string, window time.Duration, now time.Time) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM rate_events WHERE bucket = $1 AND at > $2`,
		bucket, now.Add(-window).UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: rate limit: %w", err)
	}
	return n, nil
}

// RateRecord records one event without counting.
func (s *Store) RateRecord(ctx context.Context, bucket string, now time.Time) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO rate_events (bucket, at) VALUES ($1, $2)`, bucket, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: rate limit: %w", err)
	}
	return nil
}

// Cleanup deletes expired sessions and tokens and rate events older than
// keep. It returns the number of rows removed.
func (s *Store) Cleanup(ctx context.Context, now time.Time, keep time.Duration) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{`DELETE FROM sessions WHERE expires_at <= $1`, now.Unix()},
		{`DELETE FROM email_tokens WHERE expires_at <= $1`, now.Unix()},
		{`DELETE FROM rate_events WHERE at <= $1`, now.Add(-keep).UnixMilli()},
	} {
		res, err := s.DB.ExecContext(ctx, q.sql, q.arg)
		if err != nil {
			return total, fmt.Errorf("store: cleanup: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// DevMail is one message in the development mailbox, decrypted.
type DevMail struct {
	ID        string
	CreatedAt int64
	Body      []byte // JSON of the message (the mailer's format)
}

// PutDevMail stores a message in the development mailbox, at-rest encrypted.
func (s *Store) PutDevMail(ctx context.Context, id string, body []byte, now time.Time) error {
	v, err := s.seal("dev_mail", "sealed", id, body)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO dev_mail (id, created_at, sealed) VALUES ($1, $2, $3)`, id, now.UnixMilli(), v)
	if err != nil {
		return fmt.Errorf("store: dev mail: %w", err)
	}
	return nil
}

// DevMails returns the newest limit messages, newest first.
func (s *Store) DevMails(ctx context.Context, limit int) ([]DevMail, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, created_at, sealed FROM dev_mail ORDER BY created_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev mail: %w", err)
	}
	defer rows.Close()
	type raw struct {
		id     string
		at     int64
		sealed string
	}
	var rs []raw
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.id, &r.at, &r.sealed); err != nil {
			return nil, fmt.Errorf("store: dev mail: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dev mail: %w", err)
	}
	rows.Close()
	out := make([]DevMail, 0, len(rs))
	for _, r := range rs {
		p, err := s.open("dev_mail", "sealed", r.id, r.sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, DevMail{ID: r.id, CreatedAt: r.at, Body: p})
	}
	return out, nil
}
