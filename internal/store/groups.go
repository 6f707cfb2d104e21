package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Roles of a group member.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// ConflictError is a write refused because the group is not in the state
// the caller assumed (another key version, a member no longer pending…).
// Its text is safe to show: it names the rule, never content.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

func conflict(format string, args ...any) error {
	return &ConflictError{fmt.Sprintf(format, args...)}
}

// ErrStaleVersion is the ConflictError of a write under a key version that
// is no longer (or not yet) the group's.
// ErrIDTaken is a create whose client-chosen id is already a row's: the
// browser picks the ids of habits, groups and goals, because it binds
// their encrypted fields to them (docs/PROTOCOL.md, "Ciphertext bound to
// its place").
var ErrIDTaken = &ConflictError{"id: already in use; pick another (32 random lower-case hex digits)"}

// idTaken maps a primary-key violation of a create to ErrIDTaken: two
// creates with one id at once both pass the check before the insert.
func idTaken(err error) error {
	if err != nil && (strings.Contains(err.Error(), "SQLSTATE 23505") || strings.Contains(err.Error(), "UNIQUE constraint failed")) {
		return ErrIDTaken
	}
	return err
}

var ErrStaleVersion = &ConflictError{"key_version: not the group's current key version; reload the group"}

// ErrRotationNeeded refuses content writes after a member left and before
// an admin rotated the key.
var ErrRotationNeeded = &ConflictError{"a member has left: an owner or admin must rotate the group key before anything new is written"}

// Membership is what the server knows of one user in one group.
type Membership struct {
	GroupID        string
	Role           string
	Keyed          bool // holds a key row for the current version
	KeyVersion     int64
	RotationNeeded bool
}

// IsAdmin reports an owner or an admin.
func (m *Membership) IsAdmin() bool { return m.Role == RoleOwner || m.Role == RoleAdmin }

// lockGroup reads the group's key version inside tx, locking the row on
// PostgreSQL (share: content writes; update: rotation) so a write cannot
// land under a version a concurrent rotation has just retired. SQLite's
// immediate transactions already serialise writers.
func (s *Store) lockGroup(ctx context.Context, tx *sql.Tx, groupID string, exclusive bool) (version int64, rotationNeeded bool, err error) {
	q := `SELECT key_version, rotation_needed FROM groups WHERE id = $1`
	if s.Dialect == Postgres {
		if exclusive {
			q += ` FOR UPDATE`
		} else {
			q += ` FOR SHARE`
		}
	}
	var rn int64
	err = tx.QueryRowContext(ctx, q, groupID).Scan(&version, &rn)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, ErrNotFound
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: read group: %w", err)
	}
	return version, rn != 0, nil
}

// Membership returns userID's membership of groupID, or ErrNotFound.
func (s *Store) Membership(ctx context.Context, q Querier, groupID, userID string) (*Membership, error) {
	m := Membership{GroupID: groupID}
	var rn, keyed int64
	err := q.QueryRowContext(ctx, `SELECT m.role, g.key_version, g.rotation_needed,
		(SELECT COUNT(*) FROM group_keys k WHERE k.group_id = g.id AND k.user_id = m.user_id AND k.key_version = g.key_version)
		FROM group_members m JOIN groups g ON g.id = m.group_id
		WHERE m.group_id = $1 AND m.user_id = $2`, groupID, userID).Scan(&m.Role, &m.KeyVersion, &rn, &keyed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: membership: %w", err)
	}
	m.RotationNeeded, m.Keyed = rn != 0, keyed > 0
	return &m, nil
}

// CreateGroup makes a group whose owner is ownerID, with key version 1
// sealed to the owner (encryptedKey) and its name under that key, and
// statement (base64), the owner's signed statement of version 1 (its
// fields checked by the caller). id is the client's choice ("" for a new
// one); ErrIDTaken if a group has it.
func (s *Store) CreateGroup(ctx context.Context, id, ownerID string, encryptedName, encryptedKey []byte, statement string, now int64) (string, error) {
	if id == "" {
		id = NewID()
	}
	name, err := s.seal("groups", "encrypted_name", id, encryptedName)
	if err != nil {
		return "", err
	}
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.idFree(ctx, tx, "groups", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO groups (id, encrypted_name, name_key_version, key_version, rotation_needed, created_at)
			VALUES ($1, $2, 1, 1, 0, $3)`, id, name, now); err != nil {
			return fmt.Errorf("store: create group: %w", idTaken(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (id, group_id, user_id, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
			NewID(), id, ownerID, RoleOwner, now); err != nil {
			return fmt.Errorf("store: create group: %w", err)
		}
		if err := s.insertKey(ctx, tx, id, ownerID, 1, encryptedKey, now); err != nil {
			return err
		}
		return s.insertStatement(ctx, tx, id, 1, statement, now)
	})
	return id, err
}

func (s *Store) insertKey(ctx context.Context, tx *sql.Tx, groupID, userID string, version int64, key []byte, now int64) error {
	id := NewID()
	v, err := s.seal("group_keys", "encrypted_key", id, key)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO group_keys (id, group_id, user_id, key_version, encrypted_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, groupID, userID, version, v, now); err != nil {
		return fmt.Errorf("store: store group key: %w", err)
	}
	return nil
}

// insertKeyIfAbsent stores key for userID unless a concurrent transaction
// stored one for that version first (the unique key decides, without an
// error); it reports whether this one was stored.
func (s *Store) insertKeyIfAbsent(ctx context.Context, tx *sql.Tx, groupID, userID string, version int64, key []byte, now int64) (bool, error) {
	id := NewID()
	v, err := s.seal("group_keys", "encrypted_key", id, key)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO group_keys (id, group_id, user_id, key_version, encrypted_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id, user_id, key_version) DO NOTHING`, id, groupID, userID, version, v, now)
	if err != nil {
		return false, fmt.Errorf("store: store group key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: store group key: %w", err)
	}
	return n == 1, nil
}

// GroupKey is one version of the group key sealed to one member.
type GroupKey struct {
	Version      int64
	EncryptedKey []byte
}

// GroupSummary is a group as listed for one member.
type GroupSummary struct {
	ID             string
	Role           string
	KeyVersion     int64
	NameKeyVersion int64
	EncryptedName  []byte
	Keys           []GroupKey // the member's own copies, newest first
	MemberCount    int
	RotationNeeded bool
}

// Pending reports whether the member lacks the current key.
func (g *GroupSummary) Pending() bool {
	return !slices.ContainsFunc(g.Keys, func(k GroupKey) bool { return k.Version == g.KeyVersion })
}

// GroupsOf lists userID's groups, oldest first.
func (s *Store) GroupsOf(ctx context.Context, userID string) ([]*GroupSummary, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT g.id, m.role, g.key_version, g.name_key_version, g.encrypted_name, g.rotation_needed,
		(SELECT COUNT(*) FROM group_members c WHERE c.group_id = g.id)
		FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.created_at, g.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list groups: %w", err)
	}
	var out []*GroupSummary
	byID := map[string]*GroupSummary{}
	for rows.Next() {
		var g GroupSummary
		var name string
		var rn int64
		if err := rows.Scan(&g.ID, &g.Role, &g.KeyVersion, &g.NameKeyVersion, &name, &rn, &g.MemberCount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list groups: %w", err)
		}
		g.RotationNeeded = rn != 0
		if g.EncryptedName, err = s.open("groups", "encrypted_name", g.ID, name); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &g)
		byID[g.ID] = &g
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list groups: %w", err)
	}
	keys, err := s.keysOf(ctx, s.DB, userID, "")
	if err != nil {
		return nil, err
	}
	for gid, ks := range keys {
		if g := byID[gid]; g != nil {
			g.Keys = ks
		}
	}
	return out, nil
}

// keysOf returns userID's key copies by group (one group when groupID is
// set), newest version first.
func (s *Store) keysOf(ctx context.Context, q Querier, userID, groupID string) (map[string][]GroupKey, error) {
	query := `SELECT id, group_id, key_version, encrypted_key FROM group_keys WHERE user_id = $1`
	args := []any{userID}
	if groupID != "" {
		query += ` AND group_id = $2`
		args = append(args, groupID)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY key_version DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: group keys: %w", err)
	}
	defer rows.Close()
	out := map[string][]GroupKey{}
	for rows.Next() {
		var id, gid, v string
		var k GroupKey
		if err := rows.Scan(&id, &gid, &k.Version, &v); err != nil {
			return nil, fmt.Errorf("store: group keys: %w", err)
		}
		if k.EncryptedKey, err = s.open("group_keys", "encrypted_key", id, v); err != nil {
			return nil, err
		}
		out[gid] = append(out[gid], k)
	}
	return out, rows.Err()
}

// Member is one member of a group, with what an admin needs to seal a
// key to it.
type Member struct {
	ID, UserID, Role       string
	Pending                bool
	PublicKey, PQPublicKey string
	// IdentityBundle is the member's signed identity bundle, base64 ("" for
	// an account without one yet): what a page verifies before sealing.
	IdentityBundle  string
	EncryptedLabel  []byte // nil when none
	LabelKeyVersion int64
	CreatedAt       int64
}

// Invitation is an outstanding invitation to a group.
type Invitation struct {
	ID, GroupID    string
	EncryptedLabel []byte
	KeyVersion     int64
	CreatedAt      int64
}

// GroupCheckin is one member's check-in of a goal on a day.
type GroupCheckin struct {
	ID, UserID, Day string
	EncryptedNote   []byte
	KeyVersion      int64
	CreatedAt       int64
}

// Goal is a group goal with its check-ins (oldest first).
type Goal struct {
	ID, AuthorID   string
	EncryptedTitle []byte
	KeyVersion     int64
	CreatedAt      int64
	Checkins       []GroupCheckin
}

// GroupDetail is a group as its member sees it.
type GroupDetail struct {
	GroupSummary
	Members     []Member
	Invitations []Invitation // only for admins
	Goals       []Goal
	Stale       int      // ciphertexts under older key versions
	KeyChain    []string // signed key statements, base64, oldest first
}

// Group returns the group as member userID sees it (invitations only when
// withInvitations: those not expired at now, declined or not).
func (s *Store) Group(ctx context.Context, groupID, userID string, withInvitations bool, now int64) (*GroupDetail, error) {
	d := &GroupDetail{}
	var name string
	var rn int64
	err := s.DB.QueryRowContext(ctx, `SELECT g.id, m.role, g.key_version, g.name_key_version, g.encrypted_name, g.rotation_needed
		FROM group_members m JOIN groups g ON g.id = m.group_id WHERE g.id = $1 AND m.user_id = $2`, groupID, userID).
		Scan(&d.ID, &d.Role, &d.KeyVersion, &d.NameKeyVersion, &name, &rn)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read group: %w", err)
	}
	d.RotationNeeded = rn != 0
	if d.EncryptedName, err = s.open("groups", "encrypted_name", d.ID, name); err != nil {
		return nil, err
	}
	keys, err := s.keysOf(ctx, s.DB, userID, groupID)
	if err != nil {
		return nil, err
	}
	d.Keys = keys[groupID]
	if d.Members, err = s.members(ctx, s.DB, groupID, d.KeyVersion); err != nil {
		return nil, err
	}
	d.MemberCount = len(d.Members)
	if withInvitations {
		if d.Invitations, err = s.groupInvitations(ctx, groupID, now); err != nil {
			return nil, err
		}
	}
	if d.Goals, err = s.goals(ctx, groupID); err != nil {
		return nil, err
	}
	if d.Stale, err = s.staleCount(ctx, s.DB, groupID, d.KeyVersion); err != nil {
		return nil, err
	}
	if d.KeyChain, err = s.KeyChain(ctx, s.DB, groupID); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) members(ctx context.Context, q Querier, groupID string, version int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.user_id, m.role, u.public_key, u.pq_public_key, COALESCE(u.identity_bundle, ''), m.encrypted_label, m.label_key_version, m.created_at,
		(SELECT COUNT(*) FROM group_keys k WHERE k.group_id = m.group_id AND k.user_id = m.user_id AND k.key_version = $2)
		FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 ORDER BY m.created_at, m.id`, groupID, version)
	if err != nil {
		return nil, fmt.Errorf("store: group members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var label sql.NullString
		var lv sql.NullInt64
		var keyed int64
		if err := rows.Scan(&m.ID, &m.UserID, &m.Role, &m.PublicKey, &m.PQPublicKey, &m.IdentityBundle, &label, &lv, &m.CreatedAt, &keyed); err != nil {
			return nil, fmt.Errorf("store: group members: %w", err)
		}
		m.Pending, m.LabelKeyVersion = keyed == 0, lv.Int64
		if label.Valid {
			if m.EncryptedLabel, err = s.open("group_members", "encrypted_label", m.ID, label.String); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// groupInvitations lists the group's invitations for its admins: every one
// not expired at now, whether or not the invitee declined it, so that the
// list does not tell an account (which can decline) from no account.
func (s *Store) groupInvitations(ctx context.Context, groupID string, now int64) ([]Invitation, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, encrypted_label, key_version, created_at FROM group_invitations
		WHERE group_id = $1 AND created_at > $2 ORDER BY created_at, id`, groupID, invitationCutoff(now))
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv := Invitation{GroupID: groupID}
		var label string
		if err := rows.Scan(&inv.ID, &label, &inv.KeyVersion, &inv.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: invitations: %w", err)
		}
		if inv.EncryptedLabel, err = s.open("group_invitations", "encrypted_label", inv.ID, label); err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

func (s *Store) goals(ctx context.Context, groupID string) ([]Goal, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, COALESCE(author_id, ''), encrypted_title, key_version, created_at
		FROM group_goals WHERE group_id = $1 ORDER BY created_at, id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: goals: %w", err)
	}
	var out []Goal
	index := map[string]int{}
	for rows.Next() {
		var g Goal
		var title string
		if err := rows.Scan(&g.ID, &g.AuthorID, &title, &g.KeyVersion, &g.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: goals: %w", err)
		}
		if g.EncryptedTitle, err = s.open("group_goals", "encrypted_title", g.ID, title); err != nil {
			rows.Close()
			return nil, err
		}
		index[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: goals: %w", err)
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, goal_id, user_id, day, encrypted_note, key_version, created_at
		FROM group_checkins WHERE group_id = $1 ORDER BY day, created_at, id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: group check-ins: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c GroupCheckin
		var goal, note string
		if err := rows.Scan(&c.ID, &goal, &c.UserID, &c.Day, &note, &c.KeyVersion, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: group check-ins: %w", err)
		}
		if c.EncryptedNote, err = s.open("group_checkins", "encrypted_note", c.ID, note); err != nil {
			return nil, err
		}
		if i, ok := index[goal]; ok {
			out[i].Checkins = append(out[i].Checkins, c)
		}
	}
	return out, rows.Err()
}

// MemberIDs returns the user ids of a group's members.
func (s *Store) MemberIDs(ctx context.Context, groupID string) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT user_id FROM group_members WHERE group_id = $1`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: group members: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: group members: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DeleteGroup deletes a group and everything in it.
func (s *Store) DeleteGroup(ctx context.Context, groupID string) error {
	return s.updateOne(ctx, `DELETE FROM groups WHERE id = $1`, groupID)
}

// InvitationLifetime is how long an invitation lasts, answered or not.
// Until then its admins list it (a declined one exactly like one nobody
// answered); after it nobody sees it and the cleanup deletes it.
const InvitationLifetime = 14 * 24 * time.Hour

// invitationCutoff is the created_at at or before which an invitation has
// expired at now (unix seconds).
func invitationCutoff(now int64) int64 { return now - int64(InvitationLifetime/time.Second) }

// Invite records an invitation of the address whose blind index is
// emailIndex and calls enqueue with its id inside the same transaction
// (the caller queues the job that tells the invitee, if there is one).
// It does the same work for any address and never reads users: whether
// the address has an account, is a member already or was invited before
// changes nothing the caller can observe. An invitation of the address
// that is still outstanding — answered or not — is kept as it is (and
// enqueue gets its id); an expired one is replaced. Concurrent calls for
// one address store one row.
func (s *Store) Invite(ctx context.Context, groupID, emailIndex string, label []byte, version int64, invitedBy string, now int64,
	enqueue func(tx *sql.Tx, invitationID string) error) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		current, _, err := s.lockGroup(ctx, tx, groupID, false)
		if err != nil {
			return err
		}
		if version != current {
			return ErrStaleVersion
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_invitations WHERE group_id = $1 AND email_index = $2 AND created_at <= $3`,
			groupID, emailIndex, invitationCutoff(now)); err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		id := NewID()
		sl, err := s.seal("group_invitations", "encrypted_label", id, label)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_invitations (id, group_id, email_index, encrypted_label, key_version, invited_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (group_id, email_index) DO NOTHING`,
			id, groupID, emailIndex, sl, version, invitedBy, now); err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM group_invitations WHERE group_id = $1 AND email_index = $2`,
			groupID, emailIndex).Scan(&id); err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		return enqueue(tx, id)
	})
}

// CancelInvitation deletes an invitation of groupID (declined or not).
func (s *Store) CancelInvitation(ctx context.Context, groupID, invitationID string) error {
	return s.updateOne(ctx, `DELETE FROM group_invitations WHERE id = $1 AND group_id = $2`, invitationID, groupID)
}

// InvitationsFor lists the invitations addressed to emailIndex that its
// owner, userID, may still answer at now: not declined, not expired, to
// a group it is not a member of.
func (s *Store) InvitationsFor(ctx context.Context, emailIndex, userID string, now int64) ([]Invitation, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT i.id, i.group_id, i.created_at FROM group_invitations i
		WHERE i.email_index = $1 AND i.declined_at IS NULL AND i.created_at > $2
		AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = i.group_id AND m.user_id = $3)
		ORDER BY i.created_at, i.id`, emailIndex, invitationCutoff(now), userID)
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		if err := rows.Scan(&inv.ID, &inv.GroupID, &inv.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: invitations: %w", err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// InvitationInvitee returns the group of an invitation that is neither
// declined nor expired at now, and the id of the account its address
// belongs to; ErrNotFound when there is no such invitation or no such
// account. Only the invitation job calls it, after the inviter has had
// its answer.
func (s *Store) InvitationInvitee(ctx context.Context, invitationID string, now int64) (groupID, userID string, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT i.group_id, u.id FROM group_invitations i JOIN users u ON u.email_index = i.email_index
		WHERE i.id = $1 AND i.declined_at IS NULL AND i.created_at > $2`, invitationID, invitationCutoff(now)).Scan(&groupID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("store: invitee: %w", err)
	}
	return groupID, userID, nil
}

// AcceptInvitation makes the invitee (userID, whose blind index is
// emailIndex) a pending member; its label moves to the member row. It
// returns the group id. A declined or expired invitation is ErrNotFound.
// Accepting twice at once, or an invitation to a group the user is in
// already, leaves one membership.
func (s *Store) AcceptInvitation(ctx context.Context, invitationID, userID, emailIndex string, now int64) (string, error) {
	var groupID string
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var label string
		var lv int64
		err := tx.QueryRowContext(ctx, `SELECT group_id, encrypted_label, key_version FROM group_invitations
			WHERE id = $1 AND email_index = $2 AND declined_at IS NULL AND created_at > $3`,
			invitationID, emailIndex, invitationCutoff(now)).Scan(&groupID, &label, &lv)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: accept invitation: %w", err)
		}
		plain, err := s.open("group_invitations", "encrypted_label", invitationID, label)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_invitations WHERE id = $1`, invitationID); err != nil {
			return fmt.Errorf("store: accept invitation: %w", err)
		}
		id := NewID()
		sl, err := s.seal("group_members", "encrypted_label", id, plain)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_members (id, group_id, user_id, role, encrypted_label, label_key_version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (group_id, user_id) DO NOTHING`, id, groupID, userID, RoleMember, sl, lv, now); err != nil {
			return fmt.Errorf("store: accept invitation: %w", err)
		}
		return nil
	})
	return groupID, err
}

// DeclineInvitation marks an invitation addressed to emailIndex declined.
// The row stays until it expires, so that its admins see no difference;
// its invitee no longer sees it. A declined or expired one is ErrNotFound.
func (s *Store) DeclineInvitation(ctx context.Context, invitationID, emailIndex string, now int64) error {
	return s.updateOne(ctx, `UPDATE group_invitations SET declined_at = $1
		WHERE id = $2 AND email_index = $3 AND declined_at IS NULL AND created_at > $4`,
		now, invitationID, emailIndex, invitationCutoff(now))
}

// DeleteExpiredInvitations deletes the invitations expired at now (the
// cleanup job) and returns how many.
func (s *Store) DeleteExpiredInvitations(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM group_invitations WHERE created_at <= $1`, invitationCutoff(now.Unix()))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired invitations: %w", err)
	}
	return res.RowsAffected()
}

// SetRole makes a member (not the owner) an admin or a member.
func (s *Store) SetRole(ctx context.Context, groupID, userID, role string) error {
	return s.updateOne(ctx, `UPDATE group_members SET role = $1 WHERE group_id = $2 AND user_id = $3 AND role <> 'owner'`, role, groupID, userID)
}

// Rotation is a new group key: version From+1 sealed to every member who
// holds version From (Keys by user id), optionally removing one member.
type Rotation struct {
	GroupID string
	Actor   *Membership // who rotates: an owner or admin holding the key
	Remove  string      // user id to remove first, or ""
	From    int64
	Keys    map[string][]byte
	// Statement is the actor's signed statement of version From+1
	// (base64; its fields checked by the caller), linked to the last one.
	Statement string
	Now       int64
}

// Rotate applies r in one transaction and returns the new version and how
// many ciphertexts are now under older versions. A removal follows the
// role rules (an owner removes anyone but itself, an admin only members).
func (s *Store) Rotate(ctx context.Context, r *Rotation) (version int64, stale int, err error) {
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		current, _, err := s.lockGroup(ctx, tx, r.GroupID, true)
		if err != nil {
			return err
		}
		if r.From != current {
			return ErrStaleVersion
		}
		if r.Remove != "" {
			var role string
			err := tx.QueryRowContext(ctx, `SELECT role FROM group_members WHERE group_id = $1 AND user_id = $2`, r.GroupID, r.Remove).Scan(&role)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("store: remove member: %w", err)
			}
			switch {
			case role == RoleOwner:
				return conflict("the owner cannot be removed; delete the group instead")
			case role == RoleAdmin && r.Actor.Role != RoleOwner:
				return &ForbiddenError{"only the owner may remove an admin"}
			}
			if err := s.dropMember(ctx, tx, r.GroupID, r.Remove); err != nil {
				return err
			}
		}
		holders, err := s.keyHolders(ctx, tx, r.GroupID, current)
		if err != nil {
			return err
		}
		var missing, extra []string
		for _, id := range holders {
			if _, ok := r.Keys[id]; !ok {
				missing = append(missing, id)
			}
		}
		for id := range r.Keys {
			if !slices.Contains(holders, id) {
				extra = append(extra, id)
			}
		}
		if len(missing) > 0 || len(extra) > 0 {
			slices.Sort(extra)
			return conflict("keys: must hold the new key for exactly the members who hold the current one (missing %d: %s; not such a member %d: %s)",
				len(missing), strings.Join(missing, ","), len(extra), strings.Join(extra, ","))
		}
		version = current + 1
		for _, id := range holders {
			if err := s.insertKey(ctx, tx, r.GroupID, id, version, r.Keys[id], r.Now); err != nil {
				return err
			}
		}
		if err := s.insertStatement(ctx, tx, r.GroupID, version, r.Statement, r.Now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET key_version = $1, rotation_needed = 0 WHERE id = $2`, version, r.GroupID); err != nil {
			return fmt.Errorf("store: rotate: %w", err)
		}
		stale, err = s.staleCount(ctx, tx, r.GroupID, version)
		if err != nil {
			return err
		}
		if stale == 0 {
			return s.dropOldKeys(ctx, tx, r.GroupID, version)
		}
		return nil
	})
	return version, stale, err
}

// ForbiddenError is a request the caller's role does not allow.
type ForbiddenError struct{ Msg string }

func (e *ForbiddenError) Error() string { return e.Msg }

func (s *Store) dropMember(ctx context.Context, tx *sql.Tx, groupID, userID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_keys WHERE group_id = $1 AND user_id = $2`, groupID, userID); err != nil {
		return fmt.Errorf("store: remove member: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE group_id = $1 AND user_id = $2`, groupID, userID); err != nil {
		return fmt.Errorf("store: remove member: %w", err)
	}
	return nil
}

func (s *Store) dropOldKeys(ctx context.Context, tx *sql.Tx, groupID string, version int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_keys WHERE group_id = $1 AND key_version < $2`, groupID, version); err != nil {
		return fmt.Errorf("store: delete old keys: %w", err)
	}
	return nil
}

// keyHolders lists the members holding version of the group key.
func (s *Store) keyHolders(ctx context.Context, q Querier, groupID string, version int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT k.user_id FROM group_keys k JOIN group_members m ON m.group_id = k.group_id AND m.user_id = k.user_id
		WHERE k.group_id = $1 AND k.key_version = $2 ORDER BY k.user_id`, groupID, version)
	if err != nil {
		return nil, fmt.Errorf("store: key holders: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: key holders: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Leave removes userID (not the owner) from the group. If it held any
// key, the group is marked rotation_needed.
func (s *Store) Leave(ctx context.Context, groupID, userID string) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return s.leave(ctx, tx, groupID, userID) })
}

// leave is Leave inside tx (also an account's deletion, group by group).
func (s *Store) leave(ctx context.Context, tx *sql.Tx, groupID, userID string) error {
	if _, _, err := s.lockGroup(ctx, tx, groupID, true); err != nil {
		return err
	}
	var role string
	var keys int
	err := tx.QueryRowContext(ctx, `SELECT role, (SELECT COUNT(*) FROM group_keys k WHERE k.group_id = m.group_id AND k.user_id = m.user_id)
		FROM group_members m WHERE m.group_id = $1 AND m.user_id = $2`, groupID, userID).Scan(&role, &keys)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: leave: %w", err)
	}
	if role == RoleOwner {
		return conflict("the owner cannot leave; delete the group instead")
	}
	if err := s.dropMember(ctx, tx, groupID, userID); err != nil {
		return err
	}
	if keys > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE groups SET rotation_needed = 1 WHERE id = $1`, groupID); err != nil {
			return fmt.Errorf("store: leave: %w", err)
		}
	}
	return nil
}

// PendingMember is a member without the current key, with its public keys
// and signed identity bundle ("" for none).
type PendingMember struct{ UserID, PublicKey, PQPublicKey, IdentityBundle string }

// Pending lists the members of groupID without a key of version.
func (s *Store) Pending(ctx context.Context, groupID string, version int64) ([]PendingMember, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT m.user_id, u.public_key, u.pq_public_key, COALESCE(u.identity_bundle, '') FROM group_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id = $1 AND NOT EXISTS (SELECT 1 FROM group_keys k WHERE k.group_id = m.group_id AND k.user_id = m.user_id AND k.key_version = $2)
		ORDER BY m.created_at, m.user_id`, groupID, version)
	if err != nil {
		return nil, fmt.Errorf("store: pending members: %w", err)
	}
	defer rows.Close()
	out := []PendingMember{}
	for rows.Next() {
		var p PendingMember
		if err := rows.Scan(&p.UserID, &p.PublicKey, &p.PQPublicKey, &p.IdentityBundle); err != nil {
			return nil, fmt.Errorf("store: pending members: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// KeyedAdmin is a group in which a user is an owner/admin holding the
// current key.
type KeyedAdmin struct {
	GroupID    string
	KeyVersion int64
}

// AdminGroups lists the groups userID administers with the current key.
func (s *Store) AdminGroups(ctx context.Context, userID string) ([]KeyedAdmin, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT g.id, g.key_version FROM group_members m JOIN groups g ON g.id = m.group_id
		WHERE m.user_id = $1 AND m.role IN ('owner', 'admin')
		AND EXISTS (SELECT 1 FROM group_keys k WHERE k.group_id = g.id AND k.user_id = m.user_id AND k.key_version = g.key_version)
		ORDER BY g.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: admin groups: %w", err)
	}
	defer rows.Close()
	var out []KeyedAdmin
	for rows.Next() {
		var a KeyedAdmin
		if err := rows.Scan(&a.GroupID, &a.KeyVersion); err != nil {
			return nil, fmt.Errorf("store: admin groups: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DistributeKey stores the current group key sealed to a pending member,
// sent by an owner/admin holding it. Every rule of docs/PROTOCOL.md §7.2
// is checked inside the transaction; a refusal is a ConflictError,
// ForbiddenError or ErrNotFound and changes nothing.
func (s *Store) DistributeKey(ctx context.Context, groupID, senderID, targetID string, version int64, key []byte, now int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		m, err := s.Membership(ctx, tx, groupID, senderID)
		if err != nil { // ErrNotFound for a non-member, as for an unknown group
			return err
		}
		if !m.IsAdmin() {
			return &ForbiddenError{"only the group's owner and admins may distribute its key"}
		}
		current, _, err := s.lockGroup(ctx, tx, groupID, false)
		if err != nil {
			return err
		}
		if version != current {
			return ErrStaleVersion
		}
		if !m.Keyed {
			return &ForbiddenError{"you do not hold the group's current key"}
		}
		t, err := s.Membership(ctx, tx, groupID, targetID)
		if errors.Is(err, ErrNotFound) {
			return conflict("user_id: not a member of this group")
		}
		if err != nil {
			return err
		}
		if t.Keyed {
			return errNotPending
		}
		// Two admins may send the key at once; the first stored wins and
		// the other is told, as if it had come second.
		stored, err := s.insertKeyIfAbsent(ctx, tx, groupID, targetID, version, key, now)
		if err == nil && !stored {
			err = errNotPending
		}
		return err
	})
}

var errNotPending = &ConflictError{"user_id: this member is not pending: it already holds the current key"}

// CreateGoal adds a goal under version of the group key.
//
// id is the client's choice ("" for a new one); ErrIDTaken if a goal has it.
func (s *Store) CreateGoal(ctx context.Context, id, groupID, authorID string, title []byte, version, now int64) (string, error) {
	if id == "" {
		id = NewID()
	}
	err := s.contentWrite(ctx, groupID, version, func(tx *sql.Tx) error {
		v, err := s.seal("group_goals", "encrypted_title", id, title)
		if err != nil {
			return err
		}
		if err := s.idFree(ctx, tx, "group_goals", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_goals (id, group_id, author_id, encrypted_title, key_version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, groupID, authorID, v, version, now); err != nil {
			return fmt.Errorf("store: create goal: %w", idTaken(err))
		}
		return nil
	})
	return id, err
}

// idFree is ErrIDTaken when table has a row with this id (a client-chosen
// id, checked before the insert so that the answer is a 409, not an
// error of the driver).
func (s *Store) idFree(ctx context.Context, tx *sql.Tx, table, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
		return fmt.Errorf("store: id check: %w", err)
	}
	if n > 0 {
		return ErrIDTaken
	}
	return nil
}

// contentWrite runs fn while holding the group row, after checking that
// version is current and no rotation is due.
func (s *Store) contentWrite(ctx context.Context, groupID string, version int64, fn func(tx *sql.Tx) error) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		current, rn, err := s.lockGroup(ctx, tx, groupID, false)
		if err != nil {
			return err
		}
		if version != current {
			return ErrStaleVersion
		}
		if rn {
			return ErrRotationNeeded
		}
		return fn(tx)
	})
}

// GoalAuthor returns a goal's author id ("" when the author is gone).
func (s *Store) GoalAuthor(ctx context.Context, groupID, goalID string) (string, error) {
	var a sql.NullString
	err := s.DB.QueryRowContext(ctx, `SELECT author_id FROM group_goals WHERE id = $1 AND group_id = $2`, goalID, groupID).Scan(&a)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: read goal: %w", err)
	}
	return a.String, nil
}

// DeleteGoal deletes a goal of groupID and its check-ins.
func (s *Store) DeleteGoal(ctx context.Context, groupID, goalID string) error {
	return s.updateOne(ctx, `DELETE FROM group_goals WHERE id = $1 AND group_id = $2`, goalID, groupID)
}

// PutGroupCheckin creates or replaces userID's check-in of a goal on day.
// Identical requests at once all succeed and leave one row: the insert
// yields to a row another transaction stored, whose note is then replaced.
func (s *Store) PutGroupCheckin(ctx context.Context, groupID, goalID, userID, day string, note []byte, version, now int64) error {
	return s.contentWrite(ctx, groupID, version, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM group_goals WHERE id = $1 AND group_id = $2`, goalID, groupID).Scan(&n); err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		if n == 0 {
			return ErrNotFound
		}
		id := NewID()
		v, err := s.seal("group_checkins", "encrypted_note", id, note)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO group_checkins (id, group_id, goal_id, user_id, day, encrypted_note, key_version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (goal_id, user_id, day) DO NOTHING`, id, groupID, goalID, userID, day, v, version, now)
		if err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		if inserted, err := res.RowsAffected(); err != nil || inserted == 1 {
			return err
		}
		// The day's check-in exists: replace its note, sealed for its row.
		err = tx.QueryRowContext(ctx, `SELECT id FROM group_checkins WHERE goal_id = $1 AND user_id = $2 AND day = $3`, goalID, userID, day).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound // deleted with its goal meanwhile
		}
		if err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		if v, err = s.seal("group_checkins", "encrypted_note", id, note); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_checkins SET encrypted_note = $1, key_version = $2 WHERE id = $3`, v, version, id); err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		return nil
	})
}

// groupContent is every group ciphertext column and the version column
// beside it: what rotation re-encrypts.
var groupContent = []struct{ Kind, Table, GroupCol, Column, VersionCol string }{
	{"group", "groups", "id", "encrypted_name", "name_key_version"},
	{"member", "group_members", "group_id", "encrypted_label", "label_key_version"},
	{"invitation", "group_invitations", "group_id", "encrypted_label", "key_version"},
	{"goal", "group_goals", "group_id", "encrypted_title", "key_version"},
	{"checkin", "group_checkins", "group_id", "encrypted_note", "key_version"},
}

// StaleItem is a ciphertext under an older version of the group key. A
// check-in carries its goal, author and day too: the browser binds the
// note to them (docs/PROTOCOL.md, "Ciphertext bound to its place") and
// needs them to re-encrypt it at the same place under the new version.
type StaleItem struct {
	Kind, ID   string
	KeyVersion int64
	Ciphertext []byte

	GoalID, UserID, Day string // kind "checkin" only
}

func (s *Store) staleCount(ctx context.Context, q Querier, groupID string, version int64) (int, error) {
	total := 0
	for _, c := range groupContent {
		var n int
		err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s = $1 AND %s IS NOT NULL AND %s < $2`,
			c.Table, c.GroupCol, c.Column, c.VersionCol), groupID, version).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("store: count stale %s: %w", c.Kind, err)
		}
		total += n
	}
	return total, nil
}

// StaleItems returns up to limit ciphertexts under versions older than
// version, and how many there are in all.
func (s *Store) StaleItems(ctx context.Context, groupID string, version int64, limit int) ([]StaleItem, int, error) {
	var out []StaleItem
	for _, c := range groupContent {
		if len(out) >= limit {
			break
		}
		extra := ""
		if c.Kind == "checkin" {
			extra = ", goal_id, user_id, day"
		}
		rows, err := s.DB.QueryContext(ctx, fmt.Sprintf(`SELECT id, %s, %s%s FROM %s WHERE %s = $1 AND %s IS NOT NULL AND %s < $2 ORDER BY id LIMIT $3`,
			c.Column, c.VersionCol, extra, c.Table, c.GroupCol, c.Column, c.VersionCol), groupID, version, limit-len(out))
		if err != nil {
			return nil, 0, fmt.Errorf("store: stale %s: %w", c.Kind, err)
		}
		for rows.Next() {
			it := StaleItem{Kind: c.Kind}
			var v string
			dest := []any{&it.ID, &v, &it.KeyVersion}
			if c.Kind == "checkin" {
				dest = append(dest, &it.GoalID, &it.UserID, &it.Day)
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("store: stale %s: %w", c.Kind, err)
			}
			if it.Ciphertext, err = s.open(c.Table, c.Column, it.ID, v); err != nil {
				rows.Close()
				return nil, 0, err
			}
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("store: stale %s: %w", c.Kind, err)
		}
	}
	n, err := s.staleCount(ctx, s.DB, groupID, version)
	return out, n, err
}

// Reencrypted is a ciphertext moved from version From to the current one.
type Reencrypted struct {
	Kind, ID   string
	From       int64
	Ciphertext []byte
}

// ApplyReencrypted stores re-encrypted items under version, each only if
// the row is still under From (a compare-and-swap: a concurrent re-encryption
// or edit wins and the item is skipped). When nothing under an older
// version remains, the older key copies are deleted. It returns how many
// rows it updated and how many stale ones remain.
func (s *Store) ApplyReencrypted(ctx context.Context, groupID string, version int64, items []Reencrypted) (updated, stale int, err error) {
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		current, _, err := s.lockGroup(ctx, tx, groupID, true)
		if err != nil {
			return err
		}
		if version != current {
			return ErrStaleVersion
		}
		for _, it := range items {
			i := slices.IndexFunc(groupContent, func(c struct{ Kind, Table, GroupCol, Column, VersionCol string }) bool { return c.Kind == it.Kind })
			if i < 0 || it.From >= version {
				return conflict("items: kind or from_version out of range")
			}
			c := groupContent[i]
			v, err := s.seal(c.Table, c.Column, it.ID, it.Ciphertext)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = $1, %s = $2 WHERE id = $3 AND %s = $4 AND %s = $5`,
				c.Table, c.Column, c.VersionCol, c.GroupCol, c.VersionCol), v, version, it.ID, groupID, it.From)
			if err != nil {
				return fmt.Errorf("store: re-encrypt %s: %w", c.Kind, err)
			}
			n, _ := res.RowsAffected()
			updated += int(n)
		}
		if stale, err = s.staleCount(ctx, tx, groupID, version); err != nil {
			return err
		}
		if stale == 0 {
			return s.dropOldKeys(ctx, tx, groupID, version)
		}
		return nil
	})
	return updated, stale, err
}

// ContentKinds lists the kinds of group ciphertext rotation handles.
func ContentKinds() []string {
	out := make([]string, len(groupContent))
	for i, c := range groupContent {
		out[i] = c.Kind
	}
	return out
}

// MemberState is a member's role and whether it holds the current key.
type MemberState struct {
	UserID, Role string
	Keyed        bool
}

// MemberStates returns the group's current key version and its members'
// roles and key state (what pushes are routed by).
func (s *Store) MemberStates(ctx context.Context, groupID string) (int64, []MemberState, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT g.key_version, m.user_id, m.role,
		EXISTS (SELECT 1 FROM group_keys k WHERE k.group_id = g.id AND k.user_id = m.user_id AND k.key_version = g.key_version)
		FROM groups g JOIN group_members m ON m.group_id = g.id WHERE g.id = $1`, groupID)
	if err != nil {
		return 0, nil, fmt.Errorf("store: member states: %w", err)
	}
	defer rows.Close()
	var version int64
	var out []MemberState
	for rows.Next() {
		var st MemberState
		if err := rows.Scan(&version, &st.UserID, &st.Role, &st.Keyed); err != nil {
			return 0, nil, fmt.Errorf("store: member states: %w", err)
		}
		out = append(out, st)
	}
	return version, out, rows.Err()
}
