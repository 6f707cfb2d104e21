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
	// HasRecovery: the account has a recovery key (its wraps are not read here).
	HasRecovery bool
	CreatedAt   int64
	// IdentityBundle is the signed identity bundle, base64 as the browser
	// sent it ("" until it sets one); EncryptedSigningKey its signing key
	// wrapped under the session key.
	IdentityBundle      string
	IdentityPublicKey   string // base64, "" without an identity key
	EncryptedSigningKey []byte
	// EncryptedContacts is the browser's ciphertext of its contacts (pins,
	// verified marks), nil when unset; ContactsVersion counts its writes.
	EncryptedContacts []byte
	ContactsVersion   int64
}

// seal wraps a ciphertext column value for row id of table.
func (s *Store) seal(table, column, id string, plain []byte) (string, error) {
	v, err := s.keys().Encrypt(plain, atrest.AAD(table, column, id))
	if err != nil {
		return "", fmt.Errorf("store: at-rest encrypt %s.%s: %w", table, column, err)
	}
	return v, nil
}

// Encrypt seals plaintext at rest under the current key set: with
// Decrypt, the at-rest layer the kit's account store (accounts/sqlstore)
// uses for the account tables.
func (s *Store) Encrypt(plaintext, aad []byte) (string, error) {
	return s.keys().Encrypt(plaintext, aad)
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

const userColumns = `id, email_index, key_hash, auth_salt, auth_hash, public_key, pq_public_key,
	encrypted_private_key, encrypted_pq_private_key, encrypted_user_key, encrypted_email, encrypted_display_name,
	always_require_password, created_at, recovery_hash, identity_bundle, identity_public_key, encrypted_signing_key, encrypted_contacts, contacts_version`

func (s *Store) scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var epk, epq, euk, eem string
	var edn sql.NullString
	var arp int64
	var rh, ib, ipk, esk, ec sql.NullString
	err := row.Scan(&u.ID, &u.EmailIndex, &u.KeyHash, &u.AuthSalt, &u.AuthHash, &u.PublicKey, &u.PQPublicKey,
		&epk, &epq, &euk, &eem, &edn, &arp, &u.CreatedAt, &rh, &ib, &ipk, &esk, &ec, &u.ContactsVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read user: %w", err)
	}
	u.AlwaysRequirePassword = arp != 0
	u.HasRecovery = rh.String != ""
	u.IdentityBundle, u.IdentityPublicKey = ib.String, ipk.String
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
		{"encrypted_signing_key", esk.String, &u.EncryptedSigningKey},
		{"encrypted_contacts", ec.String, &u.EncryptedContacts},
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

// SetDisplayName stores the browser's ciphertext of the display name.
func (s *Store) SetDisplayName(ctx context.Context, userID string, ciphertext []byte) error {
	v, err := s.seal("users", "encrypted_display_name", userID, ciphertext)
	if err != nil {
		return err
	}
	return s.updateOne(ctx, `UPDATE users SET encrypted_display_name = $1 WHERE id = $2`, v, userID)
}

// ErrStale: a compare-and-swap named a version that is no longer current.
var ErrStale = errors.New("store: changed meanwhile")

// SetContacts stores the browser's ciphertext of the user's contacts if
// their version is still version, and makes it version+1 (returned).
// ErrStale when another write came first; ErrNotFound without the user.
// The server cannot read or forge the contents; it can only refuse a
// write or serve an older ciphertext (a rollback, which the browser
// cannot tell from a write it did not make — PROTOCOL.md §10.3).
func (s *Store) SetContacts(ctx context.Context, userID string, version int64, ciphertext []byte) (int64, error) {
	v, err := s.seal("users", "encrypted_contacts", userID, ciphertext)
	if err != nil {
		return 0, err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE users SET encrypted_contacts = $1, contacts_version = contacts_version + 1
		WHERE id = $2 AND contacts_version = $3`, v, userID, version)
	if err != nil {
		return 0, fmt.Errorf("store: contacts: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return version + 1, nil
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: contacts: %w", err)
	}
	if n == 0 {
		return 0, ErrNotFound
	}
	return 0, ErrStale
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

// SessionIdle is how long a session may go unused before it ends, however
// long its absolute lifetime (accounts.Config.SessionIdle): a forgotten
// login on a shared computer does not stay valid for the whole 30 days.
const SessionIdle = 7 * 24 * time.Hour

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

// UpgradeVerifiers rewrites every users.auth_hash that does not start with
// prefix to upgrade(old), each as a compare-and-swap on the old value, so
// that instances starting together (or a login racing it) cannot lose an
// update. It returns how many rows it rewrote.
func (s *Store) UpgradeVerifiers(ctx context.Context, prefix string, upgrade func(old string) (string, error)) (int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, auth_hash FROM users WHERE auth_hash NOT LIKE $1`, prefix+"%")
	if err != nil {
		return 0, fmt.Errorf("store: upgrade verifiers: %w", err)
	}
	type row struct{ id, hash string }
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.hash); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: upgrade verifiers: %w", err)
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: upgrade verifiers: %w", err)
	}
	n := 0
	for _, r := range todo {
		v, err := upgrade(r.hash)
		if err != nil {
			return n, err
		}
		res, err := s.DB.ExecContext(ctx, `UPDATE users SET auth_hash = $1 WHERE id = $2 AND auth_hash = $3`, v, r.id, r.hash)
		if err != nil {
			return n, fmt.Errorf("store: upgrade verifiers: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			n++
		}
	}
	return n, nil
}
