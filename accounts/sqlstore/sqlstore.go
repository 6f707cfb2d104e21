// Package sqlstore is the accounts.Store of SQLite and PostgreSQL, through
// database/sql (modernc.org/sqlite, pgx's stdlib driver).
//
// Its tables are [Schema]'s: users, signups and sessions. An app may add
// columns of its own to users (with defaults) and its own tables that
// reference users(id); the store reads and writes only its columns.
//
// Guarantees (the accounts.Store contract):
//   - FinishSignup consumes a link once and creates at most one account
//     per address, however many calls race: the link is taken with
//     DELETE … RETURNING, the address's finishes are serialised (an
//     advisory lock on PostgreSQL; SQLite's single writer), and the
//     unique email index refuses a second row.
//   - Tokens are stored only as their hashes; a sign-up's address and
//     every encrypted_* column are sealed at rest when [Options.AtRest]
//     is set (package atrest, bound to table, column and row).
//   - A session's last use is written at most once a minute.
//   - A session's device label is the browser's ciphertext, sealed at
//     rest like the other encrypted_* columns (bound to the session's
//     hash).
//
// Assumptions: one SQL text serves both databases (TEXT, BIGINT, $n
// placeholders, which modernc.org/sqlite accepts); on SQLite the caller
// holds no transaction of its own on a single-connection pool while it
// calls (each method that needs one opens it).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/b64"
)

// Schema creates the store's tables if they do not exist. Apps with
// migrations of their own may copy it into one instead of calling
// CreateTables.
const Schema = `CREATE TABLE IF NOT EXISTS users (
    id                       TEXT PRIMARY KEY,
    email_index              TEXT NOT NULL UNIQUE,
    key_hash                 TEXT NOT NULL,
    auth_salt                TEXT NOT NULL,
    auth_hash                TEXT NOT NULL,
    public_key               TEXT NOT NULL,
    pq_public_key            TEXT NOT NULL,
    encrypted_private_key    TEXT NOT NULL,
    encrypted_pq_private_key TEXT NOT NULL,
    encrypted_user_key       TEXT NOT NULL,
    encrypted_email          TEXT NOT NULL,
    created_at               BIGINT NOT NULL,
    key_generation           BIGINT NOT NULL DEFAULT 0,
    recovery_salt            TEXT,
    recovery_hash            TEXT,
    encrypted_recovery_private_key    TEXT,
    encrypted_recovery_pq_private_key TEXT,
    identity_public_key               TEXT,
    identity_bundle                   TEXT,
    encrypted_signing_key             TEXT,
    encrypted_recovery_signing_key    TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL DEFAULT 0,
    encrypted_device TEXT
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS signups (
    token_hash   TEXT PRIMARY KEY,
    email_index  TEXT NOT NULL,
    sealed_email TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS signups_email_index ON signups (email_index);
CREATE INDEX IF NOT EXISTS signups_expires ON signups (expires_at)`

// AtRest seals column values; *atrest.KeySet is one.
type AtRest interface {
	Encrypt(plaintext, aad []byte) (string, error)
	Decrypt(value string, aad []byte) ([]byte, error)
}

// Options configure a Store.
type Options struct {
	// Postgres selects PostgreSQL's statements (default SQLite).
	Postgres bool
	// AtRest, when set, seals the encrypted_* columns and a sign-up's
	// address at rest; without it they are stored as base64. Set it in
	// production: the address is plaintext, and a database copy without
	// the secrets file then shows no ciphertext worth attacking.
	AtRest AtRest
}

// Store is the accounts.Store over db.
type Store struct {
	db *sql.DB
	o  Options
}

var _ accounts.Store = (*Store)(nil)

// New returns the Store of db.
func New(db *sql.DB, o Options) *Store { return &Store{db: db, o: o} }

// CreateTables runs Schema.
func (s *Store) CreateTables(ctx context.Context) error {
	for _, stmt := range strings.Split(Schema, ";\n") {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sqlstore: create tables: %w", err)
		}
	}
	return nil
}

func (s *Store) seal(table, column, id string, v []byte) (string, error) {
	if s.o.AtRest == nil {
		return b64.Encode(v), nil
	}
	out, err := s.o.AtRest.Encrypt(v, atrest.AAD(table, column, id))
	if err != nil {
		return "", fmt.Errorf("sqlstore: at-rest encrypt %s.%s: %w", table, column, err)
	}
	return out, nil
}

func (s *Store) open(table, column, id, v string) ([]byte, error) {
	var out []byte
	var err error
	if s.o.AtRest == nil {
		out, err = b64.Decode(v)
	} else {
		out, err = s.o.AtRest.Decrypt(v, atrest.AAD(table, column, id))
	}
	if err != nil {
		// Names the column and row, never content.
		return nil, fmt.Errorf("sqlstore: open %s.%s of row %s: %w", table, column, id, err)
	}
	return out, nil
}

// KeyHash implements accounts.Store.
func (s *Store) KeyHash(ctx context.Context, emailIndex string) (string, error) {
	var kh string
	err := s.db.QueryRowContext(ctx, `SELECT key_hash FROM users WHERE email_index = $1`, emailIndex).Scan(&kh)
	if errors.Is(err, sql.ErrNoRows) {
		return "", accounts.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sqlstore: key hash: %w", err)
	}
	return kh, nil
}

// Account implements accounts.Store.
func (s *Store) Account(ctx context.Context, emailIndex string) (*accounts.Account, error) {
	return s.account(ctx, `email_index`, emailIndex)
}

// AccountByID implements accounts.Store.
func (s *Store) AccountByID(ctx context.Context, id string) (*accounts.Account, error) {
	return s.account(ctx, `id`, id)
}

func (s *Store) account(ctx context.Context, column, value string) (*accounts.Account, error) {
	var a accounts.Account
	var pk, pq string
	var enc [4]string
	var created int64
	var rec [5]sql.NullString
	var ident [3]sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, email_index, key_hash, auth_salt, auth_hash, public_key, pq_public_key,
		encrypted_private_key, encrypted_pq_private_key, encrypted_user_key, encrypted_email, created_at, key_generation,
		recovery_salt, recovery_hash, encrypted_recovery_private_key, encrypted_recovery_pq_private_key, encrypted_recovery_signing_key,
		identity_public_key, encrypted_signing_key, identity_bundle
		FROM users WHERE `+column+` = $1`, value).Scan(&a.ID, &a.EmailIndex, &a.KeyHash, &a.AuthSalt, &a.Verifier,
		&pk, &pq, &enc[0], &enc[1], &enc[2], &enc[3], &created, &a.KeyGeneration, &rec[0], &rec[1], &rec[2], &rec[3], &rec[4],
		&ident[0], &ident[1], &ident[2])
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accounts.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: account: %w", err)
	}
	if a.PublicKey, err = b64.Decode(pk); err != nil {
		return nil, fmt.Errorf("sqlstore: users.public_key of row %s: %w", a.ID, err)
	}
	if a.PQPublicKey, err = b64.Decode(pq); err != nil {
		return nil, fmt.Errorf("sqlstore: users.pq_public_key of row %s: %w", a.ID, err)
	}
	outs := []*[]byte{&a.EncryptedPrivateKey, &a.EncryptedPQPrivateKey, &a.EncryptedUserKey, &a.EncryptedEmail}
	for i, col := range encryptedColumns {
		if *outs[i], err = s.open("users", col, a.ID, enc[i]); err != nil {
			return nil, err
		}
	}
	a.CreatedAt = time.Unix(created, 0)
	if rec[1].String != "" {
		r := &accounts.Recovery{Salt: rec[0].String, Verifier: rec[1].String}
		if r.EncryptedPrivateKey, err = s.open("users", recoveryColumns[0], a.ID, rec[2].String); err != nil {
			return nil, err
		}
		if r.EncryptedPQPrivateKey, err = s.open("users", recoveryColumns[1], a.ID, rec[3].String); err != nil {
			return nil, err
		}
		if rec[4].Valid {
			if r.EncryptedSigningKey, err = s.open("users", recoveryColumns[2], a.ID, rec[4].String); err != nil {
				return nil, err
			}
		}
		a.Recovery = r
	}
	if (ident[0].Valid && ident[1].Valid) || ident[2].Valid {
		i := &accounts.Identity{}
		if ident[0].Valid && ident[1].Valid {
			if i.PublicKey, err = b64.Decode(ident[0].String); err != nil {
				return nil, fmt.Errorf("sqlstore: users.identity_public_key of row %s: %w", a.ID, err)
			}
			if i.EncryptedSigningKey, err = s.open("users", "encrypted_signing_key", a.ID, ident[1].String); err != nil {
				return nil, err
			}
		}
		if ident[2].Valid {
			if i.SignedBundle, err = b64.Decode(ident[2].String); err != nil {
				return nil, fmt.Errorf("sqlstore: users.identity_bundle of row %s: %w", a.ID, err)
			}
		}
		a.Identity = i
	}
	return &a, nil
}

var recoveryColumns = []string{"encrypted_recovery_private_key", "encrypted_recovery_pq_private_key", "encrypted_recovery_signing_key"}

// recoveryValues are the five recovery columns of r as stored (all NULL
// for nil; the signing key's NULL without one).
func (s *Store) recoveryValues(id string, r *accounts.Recovery) ([]any, error) {
	if r == nil {
		return []any{nil, nil, nil, nil, nil}, nil
	}
	var esk any
	if r.EncryptedSigningKey != nil {
		v, err := s.seal("users", recoveryColumns[2], id, r.EncryptedSigningKey)
		if err != nil {
			return nil, err
		}
		esk = v
	}
	epk, err := s.seal("users", recoveryColumns[0], id, r.EncryptedPrivateKey)
	if err != nil {
		return nil, err
	}
	epq, err := s.seal("users", recoveryColumns[1], id, r.EncryptedPQPrivateKey)
	if err != nil {
		return nil, err
	}
	return []any{r.Salt, r.Verifier, epk, epq, esk}, nil
}

var encryptedColumns = []string{"encrypted_private_key", "encrypted_pq_private_key", "encrypted_user_key", "encrypted_email"}

// AccountExists implements accounts.Store.
func (s *Store) AccountExists(ctx context.Context, emailIndex string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_index = $1`, emailIndex).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlstore: account exists: %w", err)
	}
	return n > 0, nil
}

// CreateSignup implements accounts.Store.
func (s *Store) CreateSignup(ctx context.Context, su accounts.Signup) error {
	v, err := s.seal("signups", "sealed_email", su.TokenHash, []byte(su.Email))
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO signups (token_hash, email_index, sealed_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		su.TokenHash, su.EmailIndex, v, su.Created.Unix(), su.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("sqlstore: create signup: %w", err)
	}
	return nil
}

// SignupEmail implements accounts.Store.
func (s *Store) SignupEmail(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT sealed_email FROM signups WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.Unix()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", accounts.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sqlstore: signup: %w", err)
	}
	p, err := s.open("signups", "sealed_email", tokenHash, v)
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// FinishSignup implements accounts.Store.
func (s *Store) FinishSignup(ctx context.Context, tokenHash string, now time.Time, a *accounts.Account, sess accounts.Session) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return s.finish(ctx, tx, tokenHash, now, a, sess) })
	if errors.Is(err, accounts.ErrAccountExists) {
		// The failed transaction rolled back; the link is used all the same.
		if _, derr := s.db.ExecContext(ctx, `DELETE FROM signups WHERE token_hash = $1`, tokenHash); derr != nil {
			return fmt.Errorf("sqlstore: finish signup: %w", derr)
		}
	}
	return err
}

func (s *Store) finish(ctx context.Context, tx *sql.Tx, tokenHash string, now time.Time, a *accounts.Account, sess accounts.Session) error {
	var index string
	err := tx.QueryRowContext(ctx, `SELECT email_index FROM signups WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now.Unix()).Scan(&index)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("sqlstore: finish signup: %w", err)
	}
	if s.o.Postgres {
		// Serialise the finishes of one address before touching any row,
		// so that the check below and the insert cannot interleave with
		// another link's (the unique index would refuse the second insert,
		// but as an error that aborts the transaction), and two links'
		// transactions never wait on each other's rows.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 42))`, index); err != nil {
			return fmt.Errorf("sqlstore: finish signup: %w", err)
		}
	}
	err = tx.QueryRowContext(ctx, `DELETE FROM signups WHERE token_hash = $1 AND expires_at > $2 RETURNING email_index`,
		tokenHash, now.Unix()).Scan(&index)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.ErrNotFound // used meanwhile
	}
	if err != nil {
		return fmt.Errorf("sqlstore: finish signup: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_index = $1`, index).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: finish signup: %w", err)
	}
	if n > 0 {
		return accounts.ErrAccountExists
	}
	a.EmailIndex = index
	if err := s.insertAccount(ctx, tx, a); err != nil {
		return err
	}
	if err := createSession(ctx, tx, sess); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signups WHERE email_index = $1`, index); err != nil {
		return fmt.Errorf("sqlstore: finish signup: %w", err)
	}
	return nil
}

// CreateAccount inserts a without a sign-up link: for imports, operator
// tools and tests, never for a request (an account must be created only
// from a proven address: FinishSignup). ErrAccountExists if the email
// index is taken.
func (s *Store) CreateAccount(ctx context.Context, a *accounts.Account) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_index = $1`, a.EmailIndex).Scan(&n); err != nil {
			return fmt.Errorf("sqlstore: create account: %w", err)
		}
		if n > 0 {
			return accounts.ErrAccountExists
		}
		return s.insertAccount(ctx, tx, a)
	})
}

func (s *Store) insertAccount(ctx context.Context, tx *sql.Tx, a *accounts.Account) error {
	var sealed [4]string
	for i, v := range [][]byte{a.EncryptedPrivateKey, a.EncryptedPQPrivateKey, a.EncryptedUserKey, a.EncryptedEmail} {
		var err error
		if sealed[i], err = s.seal("users", encryptedColumns[i], a.ID, v); err != nil {
			return err
		}
	}
	rec, err := s.recoveryValues(a.ID, a.Recovery)
	if err != nil {
		return err
	}
	var ipk, esk any
	if a.HasIdentityKey() {
		ipk = b64.Encode(a.Identity.PublicKey)
		if esk, err = s.seal("users", "encrypted_signing_key", a.ID, a.Identity.EncryptedSigningKey); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, email_index, key_hash, auth_salt, auth_hash, public_key, pq_public_key,
		encrypted_private_key, encrypted_pq_private_key, encrypted_user_key, encrypted_email, created_at,
		recovery_salt, recovery_hash, encrypted_recovery_private_key, encrypted_recovery_pq_private_key, encrypted_recovery_signing_key,
		identity_public_key, encrypted_signing_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		append(append([]any{a.ID, a.EmailIndex, a.KeyHash, a.AuthSalt, a.Verifier, b64.Encode(a.PublicKey), b64.Encode(a.PQPublicKey),
			sealed[0], sealed[1], sealed[2], sealed[3], a.CreatedAt.Unix()}, rec...), ipk, esk)...)
	if err != nil {
		return fmt.Errorf("sqlstore: create account: %w", err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func createSession(ctx context.Context, q execer, sess accounts.Session) error {
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen) VALUES ($1, $2, $3, $4, $3)`,
		sess.Hash, sess.UserID, sess.Created.Unix(), sess.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("sqlstore: create session: %w", err)
	}
	return nil
}

// CreateSession implements accounts.Store.
func (s *Store) CreateSession(ctx context.Context, sess accounts.Session) error {
	return createSession(ctx, s.db, sess)
}

// touchEvery bounds the writes a busy session causes: last_seen moves
// forward at most once a minute, far finer than any idle limit.
const touchEvery = time.Minute

// SessionUser implements accounts.Store.
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time, idle time.Duration) (string, error) {
	var userID string
	var lastSeen int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id, last_seen FROM sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen > $3`,
		hash, now.Unix(), now.Add(-idle).Unix()).Scan(&userID, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return "", accounts.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sqlstore: session: %w", err)
	}
	if now.Unix()-lastSeen >= int64(touchEvery.Seconds()) {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1`, now.Unix(), hash); err != nil {
			return "", fmt.Errorf("sqlstore: session: %w", err)
		}
	}
	return userID, nil
}

// LiveSessions implements accounts.Store.
func (s *Store) LiveSessions(ctx context.Context, hashes []string, now time.Time, idle time.Duration) (map[string]bool, error) {
	live := map[string]bool{}
	for len(hashes) > 0 {
		batch := hashes[:min(len(hashes), 500)]
		hashes = hashes[len(batch):]
		args := []any{now.Unix(), now.Add(-idle).Unix()}
		marks := make([]string, len(batch))
		for i, h := range batch {
			args = append(args, h)
			marks[i] = fmt.Sprintf("$%d", i+3)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id_hash FROM sessions WHERE expires_at > $1 AND last_seen > $2 AND id_hash IN (`+
			strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: live sessions: %w", err)
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: live sessions: %w", err)
			}
			live[h] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("sqlstore: live sessions: %w", err)
		}
	}
	return live, nil
}

// DeleteSession implements accounts.Store.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// UserSessions implements accounts.Store.
func (s *Store) UserSessions(ctx context.Context, userID string, now time.Time, idle time.Duration) ([]accounts.SessionInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id_hash, created_at, last_seen, encrypted_device FROM sessions
		WHERE user_id = $1 AND expires_at > $2 AND last_seen > $3 ORDER BY created_at, id_hash`,
		userID, now.Unix(), now.Add(-idle).Unix())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: user sessions: %w", err)
	}
	type row struct {
		info   accounts.SessionInfo
		device sql.NullString
	}
	var found []row
	for rows.Next() {
		var r row
		var created, seen int64
		if err := rows.Scan(&r.info.Hash, &created, &seen, &r.device); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: user sessions: %w", err)
		}
		r.info.Created, r.info.LastSeen = time.Unix(created, 0), time.Unix(seen, 0)
		found = append(found, r)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("sqlstore: user sessions: %w", err)
	}
	out := make([]accounts.SessionInfo, len(found))
	for i, r := range found {
		out[i] = r.info
		if r.device.Valid {
			if out[i].Device, err = s.open("sessions", "encrypted_device", r.info.Hash, r.device.String); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// SetSessionDevice implements accounts.Store.
func (s *Store) SetSessionDevice(ctx context.Context, hash string, device []byte) error {
	v, err := s.seal("sessions", "encrypted_device", hash, device)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET encrypted_device = $1 WHERE id_hash = $2`, v, hash)
	if err != nil {
		return fmt.Errorf("sqlstore: set session device: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return accounts.ErrNotFound
	}
	return nil
}

// DeleteUserSessions implements accounts.Store.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except string) ([]string, error) {
	return DeleteUserSessionsTx(ctx, s.db, userID, except)
}

// DeleteUserSessionsTx is DeleteUserSessions inside the caller's
// transaction (an app deleting an account with everything else in it).
func DeleteUserSessionsTx(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, userID, except string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2 RETURNING id_hash`, userID, except)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: delete user sessions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("sqlstore: delete user sessions: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: delete user sessions: %w", err)
	}
	return out, nil
}

// SwapKeys implements accounts.Store. The update names the generation it
// read, so of two concurrent swaps (or a replayed one) only the first
// changes anything; the sessions change in the same transaction.
func (s *Store) SwapKeys(ctx context.Context, id string, generation int64, k accounts.KeySwap) ([]string, error) {
	epk, err := s.seal("users", "encrypted_private_key", id, k.EncryptedPrivateKey)
	if err != nil {
		return nil, err
	}
	epq, err := s.seal("users", "encrypted_pq_private_key", id, k.EncryptedPQPrivateKey)
	if err != nil {
		return nil, err
	}
	set, args := `key_hash = $3, auth_salt = $4, auth_hash = $5, encrypted_private_key = $6, encrypted_pq_private_key = $7`,
		[]any{id, generation, k.KeyHash, k.AuthSalt, k.Verifier, epk, epq}
	if k.Recovery != nil {
		rec, err := s.recoveryValues(id, k.Recovery)
		if err != nil {
			return nil, err
		}
		set += `, recovery_salt = $8, recovery_hash = $9, encrypted_recovery_private_key = $10, encrypted_recovery_pq_private_key = $11,
			encrypted_recovery_signing_key = $12`
		args = append(args, rec...)
	}
	if k.EncryptedSigningKey != nil {
		esk, err := s.seal("users", "encrypted_signing_key", id, k.EncryptedSigningKey)
		if err != nil {
			return nil, err
		}
		args = append(args, esk)
		set += fmt.Sprintf(`, encrypted_signing_key = $%d`, len(args))
	}
	if k.DropIdentityKey {
		// (PostgreSQL refuses a column assigned twice: the recovery wrap is
		// NULL through k.Recovery when it is set.)
		set += `, identity_public_key = NULL, encrypted_signing_key = NULL`
		if k.Recovery == nil {
			set += `, encrypted_recovery_signing_key = NULL`
		}
	}
	var ended []string
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.casGeneration(ctx, tx, `UPDATE users SET `+set+`, key_generation = key_generation + 1
			WHERE id = $1 AND key_generation = $2`, args...); err != nil {
			return err
		}
		if k.EndSessions {
			rows, err := tx.QueryContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2 RETURNING id_hash`, id, k.Keep)
			if err != nil {
				return fmt.Errorf("sqlstore: end sessions: %w", err)
			}
			for rows.Next() {
				var h string
				if err := rows.Scan(&h); err != nil {
					rows.Close()
					return fmt.Errorf("sqlstore: end sessions: %w", err)
				}
				ended = append(ended, h)
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("sqlstore: end sessions: %w", err)
			}
		}
		if k.NewSession != nil {
			return createSession(ctx, tx, *k.NewSession)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ended, nil
}

// SetRecovery implements accounts.Store.
func (s *Store) SetRecovery(ctx context.Context, id string, generation int64, r accounts.Recovery) error {
	rec, err := s.recoveryValues(id, &r)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.casGeneration(ctx, tx, `UPDATE users SET recovery_salt = $3, recovery_hash = $4, encrypted_recovery_private_key = $5,
			encrypted_recovery_pq_private_key = $6, encrypted_recovery_signing_key = $7 WHERE id = $1 AND key_generation = $2`,
			append([]any{id, generation}, rec...)...)
	})
}

// SetIdentity implements accounts.Store. The bundle is public and stored
// as base64; the signing key's wraps get the at-rest layer.
func (s *Store) SetIdentity(ctx context.Context, id string, generation int64, i accounts.Identity, recoveryWrap []byte) error {
	esk, err := s.seal("users", "encrypted_signing_key", id, i.EncryptedSigningKey)
	if err != nil {
		return err
	}
	var resk any
	if recoveryWrap != nil {
		v, err := s.seal("users", recoveryColumns[2], id, recoveryWrap)
		if err != nil {
			return err
		}
		resk = v
	}
	var bundle any
	if i.SignedBundle != nil {
		bundle = b64.Encode(i.SignedBundle)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.casGeneration(ctx, tx, `UPDATE users SET identity_public_key = $3, encrypted_signing_key = $4,
			encrypted_recovery_signing_key = $5, identity_bundle = $6 WHERE id = $1 AND key_generation = $2`,
			id, generation, b64.Encode(i.PublicKey), esk, resk, bundle)
	})
}

// SetBundle implements accounts.Store: a compare-and-swap on the identity
// key and the bundle it read.
func (s *Store) SetBundle(ctx context.Context, id string, identityKey, old, bundle []byte) error {
	oldB64 := ""
	if old != nil {
		oldB64 = b64.Encode(old)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.casGeneration(ctx, tx, `UPDATE users SET identity_bundle = $3
			WHERE id = $1 AND identity_public_key = $2 AND COALESCE(identity_bundle, '') = $4`,
			id, b64.Encode(identityKey), b64.Encode(bundle), oldB64)
	})
}

// casGeneration runs an update whose $1 is the account id and $2 the
// generation it expects: ErrNotFound without the account, ErrStale when
// its generation moved on.
func (s *Store) casGeneration(ctx context.Context, tx *sql.Tx, update string, args ...any) error {
	res, err := tx.ExecContext(ctx, update, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: update keys: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, args[0]).Scan(&n); err != nil {
		return fmt.Errorf("sqlstore: update keys: %w", err)
	}
	if n == 0 {
		return accounts.ErrNotFound
	}
	return accounts.ErrStale
}

// Cleanup implements accounts.Store.
func (s *Store) Cleanup(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2`, []any{now.Unix(), now.Add(-idle).Unix()}},
		{`DELETE FROM signups WHERE expires_at <= $1`, []any{now.Unix()}},
	} {
		res, err := s.db.ExecContext(ctx, q.sql, q.args...)
		if err != nil {
			return total, fmt.Errorf("sqlstore: cleanup: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}
