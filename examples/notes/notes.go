package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/keydist"
)

// schema: a note's body is the browser's ciphertext under the note's own
// random key; note_keys holds that key sealed to each reader who has a
// copy (the join row); note_shares names readers by the blind index of
// their address, so a share needs no account and becomes pending access
// when the address signs up. Ciphertext columns are sealed at rest too.
const schema = `CREATE TABLE IF NOT EXISTS notes (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS note_keys (
    note_id    TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed_key TEXT NOT NULL,
    PRIMARY KEY (note_id, user_id)
);
CREATE TABLE IF NOT EXISTS note_shares (
    note_id     TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    email_index TEXT NOT NULL,
    PRIMARY KEY (note_id, email_index)
);
CREATE INDEX IF NOT EXISTS note_shares_email ON note_shares (email_index)`

func createTables(ctx context.Context, db *sql.DB) error {
	for _, stmt := range strings.Split(schema, ";\n") {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// keyVersion: a note's key never changes here (no reader is ever removed).
const keyVersion = 1

type note struct {
	ID   string `json:"id"`
	Mine bool   `json:"mine"`
	Body []byte `json:"body"`
	// SealedKey is the note key sealed to the caller; null while the
	// owner's browser has not sealed it yet (pending).
	SealedKey []byte `json:"sealed_key"`
}

// notes are the notes the user owns or reads (or only note id), opened
// from their at-rest layer: what is left is the browser's ciphertext.
func (a *app) notes(ctx context.Context, user, id string) ([]note, error) {
	return query(ctx, a.db, func(r *sql.Rows, n *note) error {
		var owner, body string
		var sealed sql.NullString
		err := r.Scan(&n.ID, &owner, &body, &sealed)
		n.Mine = owner == user
		if err == nil {
			n.Body, err = a.atRest.Decrypt(body, atrest.AAD("notes", "body", n.ID))
		}
		if err == nil && sealed.Valid {
			n.SealedKey, err = a.atRest.Decrypt(sealed.String, atrest.AAD("note_keys", "sealed_key", n.ID+"/"+user))
		}
		return err
	}, `SELECT n.id, n.owner_id, n.body, k.sealed_key FROM notes n
		LEFT JOIN note_keys k ON k.note_id = n.id AND k.user_id = $1
		WHERE (n.owner_id = $1 OR n.id IN (SELECT s.note_id FROM note_shares s JOIN users u ON u.email_index = s.email_index WHERE u.id = $1))
		AND ($2 = '' OR n.id = $2) ORDER BY n.created_at DESC, n.id`, user, id)
}

func (a *app) listNotes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := a.notes(r.Context(), accounts.UserID(r.Context()), "")
		if err != nil {
			a.fail(w, "list notes", err)
			return
		}
		for _, n := range list {
			if n.SealedKey == nil {
				// A reader waits for a key: tell the owner's open pages,
				// which get the pending list with the event and seal.
				a.hub.Changed(r.Context(), n.ID, "waiting")
			}
		}
		accounts.WriteJSON(w, http.StatusOK, list)
	})
}

// getNote answers 404 alike for a note that does not exist and one the
// user may not read.
func (a *app) getNote() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, err := a.notes(r.Context(), accounts.UserID(r.Context()), r.PathValue("id"))
		switch {
		case err != nil:
			a.fail(w, "get note", err)
		case len(list) == 0:
			accounts.WriteError(w, http.StatusNotFound, "no such note")
		default:
			accounts.WriteJSON(w, http.StatusOK, list[0])
		}
	})
}

// createNote stores a note the browser encrypted under a new random key,
// with that key sealed to the owner, both under the at-rest layer too.
func (a *app) createNote() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Body      string `json:"body"`
			SealedKey string `json:"sealed_key"`
		}
		if !decode(w, r, &req) {
			return
		}
		var c fieldcheck.Checker
		body := c.Bytes("body", req.Body, 24+16+1, 32<<10) // secretbox: nonce, tag, text
		sealed := c.SealedKey("sealed_key", req.SealedKey)
		if !checked(w, &c) {
			return
		}
		ctx, id, user := r.Context(), rand.Text(), accounts.UserID(r.Context())
		body64, err1 := a.atRest.Encrypt(body, atrest.AAD("notes", "body", id))
		sealed64, err2 := a.atRest.Encrypt(sealed, atrest.AAD("note_keys", "sealed_key", id+"/"+user))
		tx, err := a.db.BeginTx(ctx, nil)
		if err = errors.Join(err1, err2, err); err == nil {
			defer tx.Rollback()
			_, err1 = tx.ExecContext(ctx, `INSERT INTO notes (id, owner_id, body, created_at) VALUES ($1, $2, $3, $4)`, id, user, body64, time.Now().Unix())
			_, err2 = tx.ExecContext(ctx, `INSERT INTO note_keys (note_id, user_id, sealed_key) VALUES ($1, $2, $3)`, id, user, sealed64)
			if err = errors.Join(err1, err2); err == nil {
				err = tx.Commit()
			}
		}
		if err != nil {
			a.fail(w, "create note", err)
			return
		}
		accounts.WriteJSON(w, http.StatusCreated, map[string]string{"id": id})
	})
}

// share gives an address access to a note. It stores only the address's
// blind index and answers the same whether the address has an account or
// not: nothing here looks accounts up. The owner's browser seals the key
// once the address is a user's (Pending, Deliver).
func (a *app) share() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Email string `json:"email"`
		}
		if !decode(w, r, &req) {
			return
		}
		var c fieldcheck.Checker
		email := c.Email(req.Email) // lower-cased, as the blind index wants
		if !checked(w, &c) {
			return
		}
		ctx, id := r.Context(), r.PathValue("id")
		var n int
		err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notes WHERE id = $1 AND owner_id = $2`, id, accounts.UserID(ctx)).Scan(&n)
		if err == nil && n == 0 {
			accounts.WriteError(w, http.StatusNotFound, "no such note")
			return
		}
		if err == nil {
			_, err = a.db.ExecContext(ctx, `INSERT INTO note_shares (note_id, email_index) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
				id, a.accounts.EmailIndex(email))
		}
		if err != nil {
			a.fail(w, "share", err)
			return
		}
		a.hub.Changed(ctx, id, "shared")
		w.WriteHeader(http.StatusNoContent)
	})
}

// The hub's view of the notes (keydist.Resources): the owner holds the key
// and is told who is pending; readers are told when their copy arrives.

func (a *app) Audience(ctx context.Context, id string) (int64, []keydist.Member, error) {
	members, err := query(ctx, a.db, func(r *sql.Rows, m *keydist.Member) error { return r.Scan(&m.UserID, &m.Holder) },
		`SELECT owner_id, TRUE FROM notes WHERE id = $1 UNION ALL
		SELECT u.id, FALSE FROM note_shares s JOIN users u ON u.email_index = s.email_index JOIN notes n ON n.id = s.note_id
		WHERE s.note_id = $1 AND u.id <> n.owner_id`, id)
	if err == nil && len(members) == 0 {
		err = keydist.ErrNotFound
	}
	return keyVersion, members, err
}

// Pending lists the readers without a copy of the key, with their public
// keys (public: the owner's browser seals to them).
func (a *app) Pending(ctx context.Context, id string, version int64) ([]keydist.Pending, error) {
	return query(ctx, a.db, func(r *sql.Rows, p *keydist.Pending) error { return r.Scan(&p.UserID, &p.PublicKey, &p.PQPublicKey) },
		`SELECT u.id, u.public_key, u.pq_public_key FROM note_shares s
		JOIN users u ON u.email_index = s.email_index JOIN notes n ON n.id = s.note_id
		LEFT JOIN note_keys k ON k.note_id = s.note_id AND k.user_id = u.id
		WHERE s.note_id = $1 AND u.id <> n.owner_id AND k.user_id IS NULL AND $2 = $3`, id, version, keyVersion)
}

// Held: an owner holds the key of each of their notes.
func (a *app) Held(ctx context.Context, user string) ([]keydist.Held, error) {
	return query(ctx, a.db, func(r *sql.Rows, h *keydist.Held) error { h.KeyVersion = keyVersion; return r.Scan(&h.ResourceID) },
		`SELECT id FROM notes WHERE owner_id = $1`, user)
}

// query runs a query and scans every row; the rows are closed before it
// returns (one SQLite connection: nothing else can run while they are open).
func query[T any](ctx context.Context, db *sql.DB, scan func(*sql.Rows, *T) error, q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []T{} // JSON [] rather than null
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// Deliver stores a copy the owner's browser sealed, for a reader who has
// none. One statement checks and inserts, so two copies for one reader
// cannot both land. A sender who is not the owner is told the note does not
// exist, as is anyone for a note they cannot see.
func (a *app) Deliver(ctx context.Context, sender string, c keydist.Copy) error {
	var owner string
	err := a.db.QueryRowContext(ctx, `SELECT owner_id FROM notes WHERE id = $1`, c.ResourceID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != sender) {
		return keydist.ErrNotFound
	} else if err != nil {
		return err
	}
	if c.KeyVersion != keyVersion {
		return &keydist.Refused{Msg: "key_version: not the note's key version"}
	}
	k, err := a.atRest.Encrypt(c.SealedKey, atrest.AAD("note_keys", "sealed_key", c.ResourceID+"/"+c.UserID))
	if err != nil {
		return err
	}
	res, err := a.db.ExecContext(ctx, `INSERT INTO note_keys (note_id, user_id, sealed_key)
		SELECT s.note_id, u.id, $3 FROM note_shares s JOIN users u ON u.email_index = s.email_index
		WHERE s.note_id = $1 AND u.id = $2 AND u.id <> $4 ON CONFLICT DO NOTHING`, c.ResourceID, c.UserID, k, owner)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &keydist.Refused{Msg: "user_id: not waiting for this note's key"}
	}
	return nil
}
