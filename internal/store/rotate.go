package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/sealkit/sealkit/atrest"
)

// EncryptedColumn is a column whose values pass through the at-rest layer.
type EncryptedColumn struct{ Table, ID, Column string }

// EncryptedColumns lists every at-rest encrypted column; rotation walks
// them all. A migration that adds one must add it here (the store tests
// check that every column named encrypted_* or sealed is listed).
var EncryptedColumns = []EncryptedColumn{
	{"users", "id", "encrypted_private_key"},
	{"users", "id", "encrypted_pq_private_key"},
	{"users", "id", "encrypted_user_key"},
	{"users", "id", "encrypted_email"},
	{"users", "id", "encrypted_display_name"},
	{"users", "id", "encrypted_recovery_private_key"},
	{"users", "id", "encrypted_recovery_pq_private_key"},
	{"users", "id", "encrypted_signing_key"},
	{"users", "id", "encrypted_recovery_signing_key"},
	{"users", "id", "encrypted_contacts"},
	{"dev_mail", "id", "sealed"},
	{"signups", "token_hash", "sealed_email"},
	{"habits", "id", "encrypted_name"},
	{"habits", "id", "encrypted_description"},
	{"user_habits", "id", "encrypted_key"},
	{"checkins", "id", "encrypted_note"},
	{"groups", "id", "encrypted_name"},
	{"group_members", "id", "encrypted_label"},
	{"group_keys", "id", "encrypted_key"},
	{"group_invitations", "id", "encrypted_label"},
	{"group_goals", "id", "encrypted_title"},
	{"group_checkins", "id", "encrypted_note"},
	{"user_announcements", "id", "encrypted_body"},
	{"sessions", "id_hash", "encrypted_device"},
}

// ReencryptBatch re-encrypts up to limit values of col that are not under
// ks's primary key, and returns how many it rewrote and how many it saw.
// Each update is a compare-and-swap on the old value, so a concurrent
// write by the app (already under the new key) is never overwritten; such
// a row is simply skipped. Calling it until it sees nothing is resumable
// at any point: progress is the data itself.
func (s *Store) ReencryptBatch(ctx context.Context, ks *atrest.KeySet, col EncryptedColumn, limit int) (rewritten, seen int, err error) {
	prefix := "ar1." + strconv.FormatUint(uint64(ks.PrimaryID()), 10) + ".%"
	q := fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s IS NOT NULL AND %s NOT LIKE $1 ORDER BY %s LIMIT $2`,
		col.ID, col.Column, col.Table, col.Column, col.Column, col.ID)
	rows, err := s.DB.QueryContext(ctx, q, prefix, limit)
	if err != nil {
		return 0, 0, fmt.Errorf("store: rotate %s.%s: %w", col.Table, col.Column, err)
	}
	type pair struct{ id, value string }
	var batch []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.id, &p.value); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("store: rotate %s.%s: %w", col.Table, col.Column, err)
		}
		batch = append(batch, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("store: rotate %s.%s: %w", col.Table, col.Column, err)
	}
	upd := fmt.Sprintf(`UPDATE %s SET %s = $1 WHERE %s = $2 AND %s = $3`, col.Table, col.Column, col.ID, col.Column)
	for _, p := range batch {
		aad := atrest.AAD(col.Table, col.Column, p.id)
		plain, err := ks.Decrypt(p.value, aad)
		if err != nil {
			return rewritten, len(batch), fmt.Errorf("store: rotate %s.%s row %s: %w", col.Table, col.Column, p.id, err)
		}
		nv, err := ks.Encrypt(plain, aad)
		clear(plain)
		if err != nil {
			return rewritten, len(batch), err
		}
		res, err := s.DB.ExecContext(ctx, upd, nv, p.id, p.value)
		if err != nil {
			return rewritten, len(batch), fmt.Errorf("store: rotate %s.%s: %w", col.Table, col.Column, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			rewritten++
		}
	}
	return rewritten, len(batch), nil
}

// CountNotUnder returns how many values of col are not under key id.
func (s *Store) CountNotUnder(ctx context.Context, col EncryptedColumn, keyID uint32) (int, error) {
	prefix := "ar1." + strconv.FormatUint(uint64(keyID), 10) + ".%"
	var n int
	q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL AND %s NOT LIKE $1`, col.Table, col.Column, col.Column)
	if err := s.DB.QueryRowContext(ctx, q, prefix).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	return n, nil
}
