package store

import (
	"context"
	"time"

	"github.com/sealkit/sealkit/ratelimit"
)

// The app's limits are the kit's package ratelimit over this database
// (its rate_counters table comes from migration 0004).

// Limiter is the kit's limiter over this database (with the real clock;
// package accounts drives it with its own).
func (s *Store) Limiter() *ratelimit.Limiter { return &ratelimit.Limiter{DB: s.DB} }

func (s *Store) limiter(now time.Time) *ratelimit.Limiter {
	return &ratelimit.Limiter{DB: s.DB, Now: func() time.Time { return now }}
}

// RateHit counts one event in bucket at now and returns the bucket's count
// over the sliding window (now-window, now], this event included
// (ratelimit.Limiter.Hit: atomic under concurrency, across instances).
func (s *Store) RateHit(ctx context.Context, bucket string, window time.Duration, now time.Time) (int, error) {
	return s.limiter(now).Hit(ctx, bucket, window)
}

// RateUndo takes back one event counted by RateHit at now (a login that
// was counted as a failure before its key was compared, and succeeded).
func (s *Store) RateUndo(ctx context.Context, bucket string, window time.Duration, now time.Time) error {
	return s.limiter(now).Undo(ctx, bucket, window)
}
