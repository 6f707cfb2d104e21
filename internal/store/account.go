package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sealkit/sealkit/accounts/sqlstore"
)

// OwnedGroupsError refuses an account's deletion while it owns groups:
// the owner hands each over or deletes it first, so that nothing of other
// members goes with the account by surprise.
type OwnedGroupsError struct{ GroupIDs []string }

func (e *OwnedGroupsError) Error() string {
	return fmt.Sprintf("you own %d group(s); delete them first, then delete your account", len(e.GroupIDs))
}

// AccountDeletion is what DeleteAccount removed that the app follows up
// after the commit.
type AccountDeletion struct {
	Sessions []string // session hashes: their sockets close on every instance
	Groups   []string // groups the user was a member of: their pages reload
}

// DeleteAccount deletes the account userID (whose address has the blind
// index emailIndex) and everything of it, in one transaction, and calls
// inTx inside it (the app queues the last mail there). Refused with
// *OwnedGroupsError while the user owns a group. Gone: the user row (so
// the address can register again), sessions, sign-up links of the
// address, habits with their check-ins and key copies, announcement
// copies, group memberships with every key copy (each group the user held
// a key of is marked rotation_needed, as when a member leaves), the
// user's group check-ins, invitations to the address or sent by the user
// with their queued jobs, and the rate counters keyed to the user or the
// address. Goals the user wrote stay with their group (author cleared):
// they are the group's content. ErrNotFound if the account is gone.
func (s *Store) DeleteAccount(ctx context.Context, userID, emailIndex string, inTx func(tx *sql.Tx) error) (*AccountDeletion, error) {
	var out AccountDeletion
	// On PostgreSQL the deletion can deadlock with one of the user's own
	// requests (accepting an invitation takes the group row, then the
	// user row's key share; this takes the user row, then the group
	// rows): PostgreSQL then aborts one of the two, and the whole
	// transaction, which has changed nothing, is simply run again.
	var err error
	for attempt := 1; ; attempt++ {
		err = s.deleteAccountTx(ctx, userID, emailIndex, inTx, &out)
		if err == nil || attempt == 3 || !retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// retryable reports whether err aborted a PostgreSQL transaction that
// may simply be run again: a deadlock (40P01) or a serialization failure
// (40001).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

func (s *Store) deleteAccountTx(ctx context.Context, userID, emailIndex string, inTx func(tx *sql.Tx) error, outp *AccountDeletion) error {
	var out AccountDeletion
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		out = AccountDeletion{}
		// The user row first, on PostgreSQL locked: a group the user
		// creates meanwhile (its member row needs the user row) waits, so
		// the ownership check below cannot be overtaken. SQLite's
		// immediate transaction serialises everything anyway.
		lock := `SELECT id FROM users WHERE id = $1`
		if s.Dialect == Postgres {
			lock += ` FOR UPDATE`
		}
		var id string
		if err := tx.QueryRowContext(ctx, lock, userID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		owned, err := column(ctx, tx, `SELECT group_id FROM group_members WHERE user_id = $1 AND role = 'owner' ORDER BY group_id`, userID)
		if err != nil {
			return err
		}
		if len(owned) > 0 {
			return &OwnedGroupsError{GroupIDs: owned}
		}
		groups, err := column(ctx, tx, `SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id`, userID)
		if err != nil {
			return err
		}
		for _, gid := range groups {
			if err := s.leave(ctx, tx, gid, userID); err != nil {
				return err
			}
		}
		out.Groups = groups
		invitations, err := column(ctx, tx, `DELETE FROM group_invitations WHERE invited_by = $1 OR email_index = $2 RETURNING id`, userID, emailIndex)
		if err != nil {
			return err
		}
		if err := s.deleteInvitationJobs(ctx, tx, invitations); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM group_checkins WHERE user_id = $1`,
			`UPDATE group_goals SET author_id = NULL WHERE author_id = $1`,
			`DELETE FROM group_keys WHERE user_id = $1`,
			`DELETE FROM checkins WHERE habit_id IN (SELECT id FROM habits WHERE owner_id = $1)`,
			`DELETE FROM user_habits WHERE user_id = $1 OR habit_id IN (SELECT id FROM habits WHERE owner_id = $1)`,
			`DELETE FROM habits WHERE owner_id = $1`,
			`DELETE FROM user_announcements WHERE user_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("store: delete account: %w", err)
			}
		}
		if len(emailIndex) < 32 {
			return fmt.Errorf("store: delete account: malformed email index")
		}
		// The counters keyed to the user (the app's invitations) and to the
		// address (accounts.Manager's login failures and sign-up mails end
		// in the first 32 hex of its blind index).
		if _, err := tx.ExecContext(ctx, `DELETE FROM rate_counters WHERE bucket = $1 OR bucket = $2 OR bucket LIKE $3`,
			"invite:"+userID, "signupmail:"+emailIndex[:32], "loginfail:%:"+emailIndex[:32]); err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signups WHERE email_index = $1`, emailIndex); err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		if out.Sessions, err = sqlstore.DeleteUserSessionsTx(ctx, tx, userID, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, userID); err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		return inTx(tx)
	})
	if err == nil {
		*outp = out
	}
	return err
}

// deleteInvitationJobs deletes the queued jobs that carry one of the
// invitation ids (invitationArgs in the app), whatever their state but
// running (a running one finds its invitation gone and does nothing).
func (s *Store) deleteInvitationJobs(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	q := `SELECT id, args FROM river_job WHERE kind = 'group_invitation' AND state <> 'running'`
	if s.Dialect == SQLite { // River keeps SQLite's binary JSONB
		q = `SELECT id, json(args) FROM river_job WHERE kind = 'group_invitation' AND state <> 'running'`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("store: invitation jobs: %w", err)
	}
	var drop []int64
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("store: invitation jobs: %w", err)
		}
		var args struct {
			InvitationID string `json:"invitation_id"`
		}
		if json.Unmarshal(raw, &args) == nil && want[args.InvitationID] {
			drop = append(drop, id)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("store: invitation jobs: %w", err)
	}
	for _, id := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM river_job WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: invitation jobs: %w", err)
		}
	}
	return nil
}

// column runs a query of one text column and returns its values.
func column(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return out, nil
}

// HandOver makes targetID, a member holding the group's current key, the
// owner of groupID in place of ownerID, who stays as an admin: the
// smallest sound hand-over (an owner about to delete their account hands
// the group on instead of deleting it). Refused (*ConflictError) when the
// target is pending (an owner must be able to share the key) or the
// caller is no longer the owner; ErrNotFound when the target is not a
// member.
func (s *Store) HandOver(ctx context.Context, groupID, ownerID, targetID string) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, _, err := s.lockGroup(ctx, tx, groupID, true); err != nil {
			return err
		}
		m, err := s.Membership(ctx, tx, groupID, targetID)
		if err != nil {
			return err
		}
		if !m.Keyed {
			return conflict("this member does not have the group key yet; share it with them first")
		}
		res, err := tx.ExecContext(ctx, `UPDATE group_members SET role = 'admin' WHERE group_id = $1 AND user_id = $2 AND role = 'owner'`, groupID, ownerID)
		if err != nil {
			return fmt.Errorf("store: hand over: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict("you are not the group's owner (any more)")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_members SET role = 'owner' WHERE group_id = $1 AND user_id = $2`, groupID, targetID); err != nil {
			return fmt.Errorf("store: hand over: %w", err)
		}
		return nil
	})
}
