package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryable: DeleteAccount runs its transaction again after exactly
// the aborts PostgreSQL asks to retry (through the store's %w wrapping),
// and never after another error.
func TestRetryable(t *testing.T) {
	for code, want := range map[string]bool{"40P01": true, "40001": true, "23505": false, "42P01": false} {
		err := fmt.Errorf("store: delete account: %w", &pgconn.PgError{Code: code})
		if got := retryable(err); got != want {
			t.Errorf("SQLSTATE %s: retryable %v, want %v", code, got, want)
		}
	}
	for _, err := range []error{nil, errors.New("deadlock detected"), ErrNotFound, &OwnedGroupsError{}} {
		if retryable(err) {
			t.Errorf("%v: retryable", err)
		}
	}
}
