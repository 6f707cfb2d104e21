package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/sealkit/sealkit/identity"
)

// Group key statements (docs/PROTOCOL.md §10.6). The server cannot verify
// a statement's signature in a way anyone should rely on (it serves the
// signer's bundle itself); it stores each as given, in version order, and
// refuses one that cannot be the next link — so that an honest page's
// chain never breaks by accident. Members' pages verify.

// KeyChain returns a group's signed statements (base64), oldest first.
func (s *Store) KeyChain(ctx context.Context, q Querier, groupID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT statement FROM group_key_statements WHERE group_id = $1 ORDER BY key_version`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: key chain: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var st string
		if err := rows.Scan(&st); err != nil {
			return nil, fmt.Errorf("store: key chain: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// insertStatement stores statement (base64 of a signed statement whose
// fields the caller checked) as version's, after checking that it links
// to the group's last statement: its Previous is that statement's hash,
// or zeros when the group has none. A statement that does not link is a
// ConflictError (the page reloads the chain and signs again).
func (s *Store) insertStatement(ctx context.Context, tx *sql.Tx, groupID string, version int64, statement string, now int64) error {
	raw, err := base64.StdEncoding.DecodeString(statement)
	if err != nil {
		return conflict("key_statement: not base64")
	}
	st, _, _, err := identity.DecodeStatement(raw)
	if err != nil {
		return conflict("key_statement: not a group key statement")
	}
	var last string
	err = tx.QueryRowContext(ctx, `SELECT statement FROM group_key_statements WHERE group_id = $1 ORDER BY key_version DESC LIMIT 1`, groupID).Scan(&last)
	want := make([]byte, identity.HashSize)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("store: key chain: %w", err)
	default:
		prev, err := base64.StdEncoding.DecodeString(last)
		if err != nil {
			return fmt.Errorf("store: key chain: a stored statement: %w", err)
		}
		want = identity.StatementHash(prev)
	}
	if !bytes.Equal(st.Previous, want) {
		return conflict("key_statement: previous is not the hash of the group's last key statement; reload the group")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO group_key_statements (group_id, key_version, statement, created_at) VALUES ($1, $2, $3, $4)`,
		groupID, version, statement, now); err != nil {
		if idTaken(err) == ErrIDTaken {
			return conflict("key_statement: this key version has a statement already")
		}
		return fmt.Errorf("store: key chain: %w", err)
	}
	return nil
}

// AddKeyStatement stores the statement of a group's current key version
// for a group that has none at all (made before statements existed):
// trust on first use by the owner's or admin's page that adds it. version
// must be current (ErrStaleVersion); a group with a chain already is a
// ConflictError.
func (s *Store) AddKeyStatement(ctx context.Context, groupID string, version int64, statement string, now int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		current, _, err := s.lockGroup(ctx, tx, groupID, true)
		if err != nil {
			return err
		}
		if version != current {
			return ErrStaleVersion
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM group_key_statements WHERE group_id = $1`, groupID).Scan(&n); err != nil {
			return fmt.Errorf("store: key chain: %w", err)
		}
		if n > 0 {
			return conflict("key_statement: the group's key versions are signed already")
		}
		return s.insertStatement(ctx, tx, groupID, version, statement, now)
	})
}
