package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrHabitLimit is returned when a user already has the most habits allowed.
var ErrHabitLimit = errors.New("store: habit limit reached")

// Habit is a habit as one reader sees it (docs/PROTOCOL.md §6): the
// browser's ciphertexts (raw bytes, the at-rest layer removed), the
// reader's sealed copy of the habit key, and the plaintext metadata.
type Habit struct {
	ID                   string
	OwnerID              string
	EncryptedKey         []byte // the reader's user_habits copy
	EncryptedName        []byte
	EncryptedDescription []byte // nil when absent
	Colour               string
	Position             int64
	ArchivedAt           int64 // 0 while not archived
	CreatedAt, UpdatedAt int64
	// CheckinDays are the days of the newest check-ins (at most
	// HabitRecentDays), newest first; NoteDays those of them with a note.
	CheckinDays []string
	NoteDays    []string
	// Run is the number of consecutive days ending at the newest
	// check-in (0 without any): the dashboard's streak, which the
	// browser counts as current only if that day is the user's today or
	// yesterday (the server does not know the user's today).
	Run int
}

// HabitCheckin is one day's check-in of a habit.
type HabitCheckin struct {
	Day           string
	EncryptedNote []byte // nil when absent
	CreatedAt     int64
}

// HabitRecentDays is how many check-in days a habit carries in lists.
const HabitRecentDays = 7

// NewHabit is what a create stores: the habit row and its owner's join row.
type NewHabit struct {
	ID, KeyRowID         string
	OwnerID              string
	EncryptedKey         []byte
	EncryptedName        []byte
	EncryptedDescription []byte // nil: none
	Colour               string
	Now                  int64
}

// sealOrNull seals v, or gives NULL for an absent value.
func (s *Store) sealOrNull(table, column, id string, v []byte) (sql.NullString, error) {
	if v == nil {
		return sql.NullString{}, nil
	}
	sv, err := s.seal(table, column, id, v)
	return sql.NullString{String: sv, Valid: err == nil}, err
}

func (s *Store) openOrNull(table, column, id string, v sql.NullString) ([]byte, error) {
	if !v.Valid {
		return nil, nil
	}
	return s.open(table, column, id, v.String)
}

// CreateHabit stores a habit at the end of its owner's list (position
// max+1) with the owner's join row, unless the owner already has limit
// habits (ErrHabitLimit).
func (s *Store) CreateHabit(ctx context.Context, h *NewHabit, limit int) error {
	name, err := s.seal("habits", "encrypted_name", h.ID, h.EncryptedName)
	if err != nil {
		return err
	}
	desc, err := s.sealOrNull("habits", "encrypted_description", h.ID, h.EncryptedDescription)
	if err != nil {
		return err
	}
	key, err := s.seal("user_habits", "encrypted_key", h.KeyRowID, h.EncryptedKey)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		// Two creates at once must not share a position or both pass the
		// limit: PostgreSQL serialises them on the owner's row; SQLite's
		// immediate transactions already hold the only write lock.
		if s.Dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, h.OwnerID); err != nil {
				return fmt.Errorf("store: create habit: %w", err)
			}
		}
		var n int
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(position), -1) FROM habits WHERE owner_id = $1`, h.OwnerID).Scan(&n, &last)
		if err != nil {
			return fmt.Errorf("store: create habit: %w", err)
		}
		if n >= limit {
			return ErrHabitLimit
		}
		if err := s.idFree(ctx, tx, "habits", h.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO habits (id, owner_id, encrypted_name, encrypted_description, colour, position, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, h.ID, h.OwnerID, name, desc, h.Colour, last+1, h.Now)
		if err != nil {
			return fmt.Errorf("store: create habit: %w", idTaken(err))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO user_habits (id, user_id, habit_id, encrypted_key, created_at) VALUES ($1, $2, $3, $4, $5)`,
			h.KeyRowID, h.OwnerID, h.ID, key, h.Now)
		if err != nil {
			return fmt.Errorf("store: create habit: %w", err)
		}
		return nil
	})
}

// habitColumns read a habit through the reader's join row uh.
const habitColumns = `h.id, h.owner_id, h.encrypted_name, h.encrypted_description, h.colour, h.position,
	h.archived_at, h.created_at, h.updated_at, uh.id, uh.encrypted_key`

func (s *Store) scanHabit(row interface{ Scan(...any) error }) (*Habit, error) {
	var h Habit
	var name, key, keyRow string
	var desc sql.NullString
	var archived sql.NullInt64
	err := row.Scan(&h.ID, &h.OwnerID, &name, &desc, &h.Colour, &h.Position, &archived, &h.CreatedAt, &h.UpdatedAt, &keyRow, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read habit: %w", err)
	}
	h.ArchivedAt = archived.Int64
	if h.EncryptedName, err = s.open("habits", "encrypted_name", h.ID, name); err != nil {
		return nil, err
	}
	if h.EncryptedDescription, err = s.openOrNull("habits", "encrypted_description", h.ID, desc); err != nil {
		return nil, err
	}
	if h.EncryptedKey, err = s.open("user_habits", "encrypted_key", keyRow, key); err != nil {
		return nil, err
	}
	return &h, nil
}

// Habits lists every habit userID has a join row for, ordered by
// position, each with its recent check-in days and its run: two queries, whatever the
// number of habits.
func (s *Store) Habits(ctx context.Context, userID string) ([]*Habit, error) {
	// Sorted here, not by the database: an ORDER BY over rows this wide
	// (a sealed key is 1.6 KB at rest) copies them all into a sort, which
	// made the query 1.6× slower on SQLite (1.3× on PostgreSQL) at 1,000
	// habits.
	rows, err := s.DB.QueryContext(ctx, `SELECT `+habitColumns+` FROM user_habits uh JOIN habits h ON h.id = uh.habit_id
		WHERE uh.user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: habits: %w", err)
	}
	defer rows.Close()
	var out []*Habit
	byID := map[string]*Habit{}
	for rows.Next() {
		h, err := s.scanHabit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
		byID[h.ID] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: habits: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	slices.SortFunc(out, func(a, b *Habit) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), strings.Compare(a.ID, b.ID))
	})
	if err := s.recentCheckins(ctx, byID, `uh.user_id = $1`, userID); err != nil {
		return nil, err
	}
	return out, nil
}

// recentCheckins fills CheckinDays, NoteDays and Run of the habits in
// byID from the check-ins of the join rows matching filter (its
// arguments $1, $2…), in one query whatever the number of habits.
func (s *Store) recentCheckins(ctx context.Context, byID map[string]*Habit, filter string, args ...any) error {
	// One ordered scan of the (habit_id, day) index, counted here: at
	// 1,000 habits it took half the time of the window function
	// (ROW_NUMBER() … WHERE n <= 7) it replaces on SQLite and as long on
	// PostgreSQL, and the run needs the days in order anyway (the same
	// in SQL, with day arithmetic per dialect and two more window
	// functions, made the list 2–3× slower).
	rows, err := s.DB.QueryContext(ctx, `SELECT c.habit_id, c.day, CASE WHEN c.encrypted_note IS NULL THEN 0 ELSE 1 END
		FROM checkins c JOIN user_habits uh ON uh.habit_id = c.habit_id WHERE `+filter+`
		ORDER BY c.habit_id, c.day DESC`, args...)
	if err != nil {
		return fmt.Errorf("store: habit check-ins: %w", err)
	}
	defer rows.Close()
	var (
		h       *Habit
		id      string
		seen    int       // rows of this habit so far
		running bool      // the run from the newest day is unbroken so far
		prev    time.Time // the last day of the run so far
	)
	for rows.Next() {
		var hid, day string
		var noted int
		if err := rows.Scan(&hid, &day, &noted); err != nil {
			return fmt.Errorf("store: habit check-ins: %w", err)
		}
		if hid != id {
			id, h, seen, running = hid, byID[hid], 0, true
		}
		if h == nil {
			continue
		}
		seen++
		if seen <= HabitRecentDays {
			h.CheckinDays = append(h.CheckinDays, day)
			if noted != 0 {
				h.NoteDays = append(h.NoteDays, day)
			}
		}
		if running {
			d, err := time.Parse(time.DateOnly, day)
			if running = err == nil && (seen == 1 || d.Equal(prev.AddDate(0, 0, -1))); running {
				h.Run, prev = seen, d
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: habit check-ins: %w", err)
	}
	return nil
}

// Habit returns habitID as userID sees it, with its newest check-ins (at
// most limit); ErrNotFound unless userID has a join row for it.
func (s *Store) Habit(ctx context.Context, userID, habitID string, limit int) (*Habit, []HabitCheckin, error) {
	h, err := s.scanHabit(s.DB.QueryRowContext(ctx, `SELECT `+habitColumns+` FROM user_habits uh JOIN habits h ON h.id = uh.habit_id
		WHERE uh.user_id = $1 AND uh.habit_id = $2`, userID, habitID))
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.checkinsBefore(ctx, habitID, "", limit)
	if err != nil {
		return nil, nil, err
	}
	// The join row matches userID already (scanHabit): the filter only
	// narrows the query to this habit.
	if err := s.recentCheckins(ctx, map[string]*Habit{h.ID: h}, `uh.user_id = $1 AND c.habit_id = $2`, userID, habitID); err != nil {
		return nil, nil, err
	}
	return h, cs, nil
}

// checkinsBefore reads a habit's check-ins before a day ("": all), newest
// first, at most limit.
func (s *Store) checkinsBefore(ctx context.Context, habitID, before string, limit int) ([]HabitCheckin, error) {
	q := `SELECT id, day, encrypted_note, created_at FROM checkins WHERE habit_id = $1 ORDER BY day DESC LIMIT $2`
	args := []any{habitID, limit}
	if before != "" {
		q = `SELECT id, day, encrypted_note, created_at FROM checkins WHERE habit_id = $1 AND day < $3 ORDER BY day DESC LIMIT $2`
		args = append(args, before)
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: check-ins: %w", err)
	}
	defer rows.Close()
	cs := []HabitCheckin{}
	for rows.Next() {
		var id string
		var c HabitCheckin
		var note sql.NullString
		if err := rows.Scan(&id, &c.Day, &note, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: check-ins: %w", err)
		}
		if c.EncryptedNote, err = s.openOrNull("checkins", "encrypted_note", id, note); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: check-ins: %w", err)
	}
	return cs, nil
}

// HabitCheckins returns a page of habitID's check-ins before a day ("":
// from the newest), newest first, at most limit; ErrNotFound unless
// userID has a join row for the habit.
func (s *Store) HabitCheckins(ctx context.Context, userID, habitID, before string, limit int) ([]HabitCheckin, error) {
	if err := canReadHabit(ctx, s.DB, userID, habitID); err != nil {
		return nil, err
	}
	return s.checkinsBefore(ctx, habitID, before, limit)
}

// habitReadable is the condition "userID ($n) has a join row for habits.id".
func habitReadable(n int) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM user_habits uh WHERE uh.habit_id = habits.id AND uh.user_id = $%d)`, n)
}

// UpdateHabit replaces the name, the description (nil: none) and the
// colour; ErrNotFound unless userID has a join row for the habit.
func (s *Store) UpdateHabit(ctx context.Context, userID, habitID string, name, desc []byte, colour string, now int64) error {
	sn, err := s.seal("habits", "encrypted_name", habitID, name)
	if err != nil {
		return err
	}
	sd, err := s.sealOrNull("habits", "encrypted_description", habitID, desc)
	if err != nil {
		return err
	}
	return s.updateOne(ctx, `UPDATE habits SET encrypted_name = $1, encrypted_description = $2, colour = $3, updated_at = $4
		WHERE id = $5 AND `+habitReadable(6), sn, sd, colour, now, habitID, userID)
}

// SetHabitArchived archives (keeping the first archived_at) or restores a
// habit; ErrNotFound unless userID has a join row for it.
func (s *Store) SetHabitArchived(ctx context.Context, userID, habitID string, archived bool, now int64) error {
	if archived {
		return s.updateOne(ctx, `UPDATE habits SET archived_at = COALESCE(archived_at, $1), updated_at = $1
			WHERE id = $2 AND `+habitReadable(3), now, habitID, userID)
	}
	return s.updateOne(ctx, `UPDATE habits SET archived_at = NULL, updated_at = $1 WHERE id = $2 AND `+habitReadable(3), now, habitID, userID)
}

// DeleteHabit deletes a habit with its join rows and check-ins (foreign
// keys cascade); ErrNotFound unless userID has a join row for it.
func (s *Store) DeleteHabit(ctx context.Context, userID, habitID string) error {
	return s.updateOne(ctx, `DELETE FROM habits WHERE id = $1 AND `+habitReadable(2), habitID, userID)
}

// canReadHabit reports ErrNotFound unless userID has a join row for habitID.
func canReadHabit(ctx context.Context, q Querier, userID, habitID string) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_habits WHERE user_id = $1 AND habit_id = $2`, userID, habitID).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// PutHabitCheckin creates or replaces the check-in of day (note nil: none);
// ErrNotFound unless userID has a join row for the habit.
func (s *Store) PutHabitCheckin(ctx context.Context, userID, habitID, day string, note []byte, id string, now int64) error {
	sn, err := s.sealOrNull("checkins", "encrypted_note", id, note)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := canReadHabit(ctx, tx, userID, habitID); err != nil {
			return err
		}
		// A replacement takes the new row id too: the note is sealed for
		// that id (the at-rest AAD), and nothing refers to check-in ids.
		_, err := tx.ExecContext(ctx, `INSERT INTO checkins (id, habit_id, day, encrypted_note, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (habit_id, day) DO UPDATE SET id = excluded.id, encrypted_note = excluded.encrypted_note, created_at = excluded.created_at`,
			id, habitID, day, sn, now)
		if err != nil {
			return fmt.Errorf("store: check in: %w", err)
		}
		return nil
	})
}

// ErrNoHabitCheckin is DeleteHabitCheckin's answer for a readable habit without a
// check-in that day.
var ErrNoHabitCheckin = errors.New("store: no check-in that day")

// DeleteHabitCheckin deletes the check-in of day: ErrNotFound unless userID
// has a join row for the habit, ErrNoHabitCheckin when there was none.
func (s *Store) DeleteHabitCheckin(ctx context.Context, userID, habitID, day string) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := canReadHabit(ctx, tx, userID, habitID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM checkins WHERE habit_id = $1 AND day = $2`, habitID, day)
		if err != nil {
			return fmt.Errorf("store: delete check-in: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoHabitCheckin
		}
		return nil
	})
}
