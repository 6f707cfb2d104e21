package store

import (
	"context"
	"time"
)

// Cleanup deletes ended sessions (expired or idle), expired sign-up
// links and rate counters that no longer count. It returns the number of
// rows removed.
func (s *Store) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	total, err := s.Accounts.Cleanup(ctx, now, SessionIdle)
	if err != nil {
		return total, err
	}
	n, err := s.limiter(now).Cleanup(ctx)
	return total + n, err
}
