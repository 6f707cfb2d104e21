package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Announcements (docs/PROTOCOL.md §9) are written by the operator, so they
// are not zero-knowledge: the store keeps, per confirmed user, the text
// sealed to that user's public keys (made by the caller's seal function),
// inside the at-rest layer like every other encrypted_* column.

// Recipient is a confirmed account an announcement is sealed to.
type Recipient struct {
	UserID      string
	PublicKey   string // base64, as registered
	PQPublicKey string // base64, as registered
}

// UserAnnouncement is one user's copy of an announcement.
type UserAnnouncement struct {
	ID            string // the copy's id (user_announcements.id), what the API shows
	EncryptedBody []byte // sealed to the user; the store has removed the at-rest layer
	CreatedAt     int64  // unix milliseconds
}

// announceBatch is how many users are read, sealed and inserted at a time.
const announceBatch = 100

// CreateAnnouncement stores a new announcement with one copy for every
// confirmed user, made by seal, and returns the announcement's id and how
// many copies it stored. It runs in one transaction: every confirmed
// account gets its copy or, on any error (ctx included), none does. With
// no confirmed user it stores nothing and returns "", 0, nil.
//
// Users are read in batches of announceBatch (by id) and each batch is
// sealed on all CPUs before it is inserted, so memory stays bounded
// whatever the number of users. seal is called from several goroutines at
// once and must be safe for that; its error aborts everything.
//
// On SQLite the transaction holds the database's write lock while it
// seals (about 0.2 ms per user and core for a hybrid seal, so a second or
// two for ten thousand users); the server's writes wait meanwhile.
func (s *Store) CreateAnnouncement(ctx context.Context, now time.Time, seal func(Recipient) ([]byte, error)) (id string, n int, err error) {
	id = NewID()
	at := now.UnixMilli()
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO announcements (id, created_at) VALUES ($1, $2)`, id, at); err != nil {
			return fmt.Errorf("store: create announcement: %w", err)
		}
		after := ""
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			batch, err := announcementRecipients(ctx, tx, after, announceBatch)
			if err != nil {
				return err
			}
			if len(batch) == 0 && n == 0 {
				return errNoRecipients // roll back: no announcement without readers
			}
			if len(batch) == 0 {
				return nil
			}
			bodies, err := sealAll(batch, seal)
			if err != nil {
				return err
			}
			if err := s.insertCopies(ctx, tx, id, at, batch, bodies); err != nil {
				return err
			}
			n += len(batch)
			after = batch[len(batch)-1].UserID
		}
	})
	if errors.Is(err, errNoRecipients) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	return id, n, nil
}

var errNoRecipients = errors.New("store: no confirmed users")

// announcementRecipients is the next users after the id after (every
// account is confirmed: one is created only from a proven address).
func announcementRecipients(ctx context.Context, q Querier, after string, limit int) ([]Recipient, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, public_key, pq_public_key FROM users
		WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: announcement recipients: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.PublicKey, &r.PQPublicKey); err != nil {
			return nil, fmt.Errorf("store: announcement recipients: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: announcement recipients: %w", err)
	}
	return out, nil
}

// sealAll runs seal for every recipient on up to GOMAXPROCS goroutines and
// returns the results in order, or the first error.
func sealAll(rs []Recipient, seal func(Recipient) ([]byte, error)) ([][]byte, error) {
	out := make([][]byte, len(rs))
	errs := make([]error, len(rs))
	workers := min(runtime.GOMAXPROCS(0), len(rs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = seal(rs[i])
			}
		})
	}
	for i := range rs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			// The error is the seal function's (a key problem); it names
			// the account, never the text.
			return nil, fmt.Errorf("store: sealing the announcement to user %s: %w", rs[i].UserID, err)
		}
	}
	return out, nil
}

// insertCopies inserts one batch of copies in one statement.
func (s *Store) insertCopies(ctx context.Context, tx *sql.Tx, announcementID string, at int64, rs []Recipient, bodies [][]byte) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO user_announcements (id, announcement_id, user_id, encrypted_body, created_at) VALUES `)
	args := make([]any, 0, 5*len(rs))
	for i, r := range rs {
		rowID := NewID()
		v, err := s.seal("user_announcements", "encrypted_body", rowID, bodies[i])
		if err != nil {
			return err
		}
		if i > 0 {
			q.WriteString(", ")
		}
		p := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", p+1, p+2, p+3, p+4, p+5)
		args = append(args, rowID, announcementID, r.UserID, v, at)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: store announcement copies: %w", err)
	}
	return nil
}

// Announcements returns the user's copies that are not dismissed, newest
// first, at most limit.
func (s *Store) Announcements(ctx context.Context, userID string, limit int) ([]UserAnnouncement, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, encrypted_body, created_at FROM user_announcements
		WHERE user_id = $1 AND dismissed_at IS NULL ORDER BY created_at DESC, id LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: announcements: %w", err)
	}
	defer rows.Close()
	type raw struct {
		id, body string
		at       int64
	}
	var rs []raw
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.id, &r.body, &r.at); err != nil {
			return nil, fmt.Errorf("store: announcements: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: announcements: %w", err)
	}
	rows.Close()
	out := make([]UserAnnouncement, 0, len(rs))
	for _, r := range rs {
		p, err := s.open("user_announcements", "encrypted_body", r.id, r.body)
		if err != nil {
			return nil, err
		}
		out = append(out, UserAnnouncement{ID: r.id, EncryptedBody: p, CreatedAt: r.at})
	}
	return out, nil
}

// DismissAnnouncement marks the user's copy id dismissed (again: no
// change). ErrNotFound when the user has no copy of that id — another
// user's copy included.
func (s *Store) DismissAnnouncement(ctx context.Context, userID, id string, now time.Time) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE user_announcements SET dismissed_at = COALESCE(dismissed_at, $1)
		WHERE id = $2 AND user_id = $3`, now.UnixMilli(), id, userID)
	if err != nil {
		return fmt.Errorf("store: dismiss announcement: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotFound
	}
	return nil
}
