package ratelimit_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
	"github.com/sealkit/sealkit/ratelimit"
)

// openDB is a fresh database of each backend the kit supports, with the
// counter table.
func openDB(t *testing.T, backend string) *sql.DB {
	t.Helper()
	st, err := store.Open(context.Background(), apptest.NewDB(t, backend).URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := (&ratelimit.Limiter{DB: st.DB}).CreateTable(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st.DB
}

// TestSlidingWindow: the count over a sliding window is the current fixed
// window's plus the previous one's, weighted by the overlap and rounded
// up; Undo takes one back; another bucket is another count; Cleanup
// deletes what no longer counts.
func TestSlidingWindow(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			const w = time.Minute
			var now atomic.Int64
			l := &ratelimit.Limiter{DB: openDB(t, backend), Now: func() time.Time { return time.UnixMilli(now.Load()) }}
			t0 := int64(1_800_000_000_000) - 1_800_000_000_000%w.Milliseconds() // a window start
			at := func(d time.Duration) { now.Store(t0 + d.Milliseconds()) }
			hit := func(bucket string) int {
				n, err := l.Hit(ctx, bucket, w)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for i := 1; i <= 10; i++ {
				at(time.Duration(i) * time.Second)
				if n := hit("b"); n != i {
					t.Fatalf("hit %d counted %d", i, n)
				}
			}
			if n := hit("other"); n != 1 {
				t.Errorf("another bucket counted %d, want 1", n)
			}
			at(w + w/4) // a quarter into the next window: 3/4 of the previous counts
			if n := hit("b"); n != 1+8 {
				t.Errorf("after the boundary: %d, want 9 (1 + ceil(10 × 0.75))", n)
			}
			if err := l.Undo(ctx, "b", w); err != nil {
				t.Fatal(err)
			}
			at(w + w/2)
			if n := hit("b"); n != 1+5 {
				t.Errorf("half into the window after an undo: %d, want 6", n)
			}
			at(3 * w)
			if n := hit("b"); n != 1 {
				t.Errorf("two windows later: %d, want 1", n)
			}
			if ok, err := l.Allow(ctx, "b", 1, w); err != nil || ok {
				t.Errorf("Allow over the limit: %v %v", ok, err)
			}
			at(10 * w)
			if n, err := l.Cleanup(ctx); err != nil || n != 4 {
				t.Errorf("Cleanup removed %d rows (%v), want the 4 old windows", n, err)
			}
		})
	}
}

// TestExactlyTheLimit: 60 events at once against a limit of 5 allow
// exactly 5, on each database.
func TestExactlyTheLimit(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			db := openDB(t, backend)
			l := &ratelimit.Limiter{DB: db}
			var (
				wg      sync.WaitGroup
				allowed atomic.Int32
				failed  atomic.Int32
			)
			start := make(chan struct{})
			for range 60 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					ok, err := l.Allow(context.Background(), "login:client:account", 5, 15*time.Minute)
					if err != nil {
						failed.Add(1)
					}
					if ok {
						allowed.Add(1)
					}
				}()
			}
			close(start)
			wg.Wait()
			if failed.Load() != 0 || allowed.Load() != 5 {
				t.Errorf("60 concurrent events: %d allowed, %d errors; want exactly 5 and none", allowed.Load(), failed.Load())
			}
		})
	}
}
