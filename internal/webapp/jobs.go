package webapp

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/sealkit/sealkit/internal/store"
)

// RotateArgs is the job `sealkit keys rotate` queues: re-encrypt every
// at-rest value under key KeyID (or a newer primary).
type RotateArgs struct {
	KeyID uint32 `json:"key_id"`
}

func (RotateArgs) Kind() string { return "atrest_rotate" }

type cleanupArgs struct{}

func (cleanupArgs) Kind() string { return "cleanup" }

func (s *Server) newRiver() (*river.Client[*sql.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &sendMailWorker{s: s})
	river.AddWorker(workers, &rotateWorker{s: s})
	river.AddWorker(workers, &cleanupWorker{s: s})
	river.AddWorker(workers, &invitationWorker{s: s})
	river.AddWorker(workers, &signupWorker{s: s})
	c, err := river.NewClient(s.store.RiverDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		FetchPollInterval: s.cfg.JobPollInterval,
		FetchCooldown:     min(s.cfg.JobPollInterval, 100*time.Millisecond),
		JobTimeout:        10 * time.Minute,
		Logger:            s.log.With("component", "river"),
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return cleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("webapp: jobs: %w", err)
	}
	return c, nil
}

// NewInsertClient is a River client that only inserts jobs, for operator
// commands (sealkit keys rotate) that run beside the servers.
func NewInsertClient(st *store.Store) (*river.Client[*sql.Tx], error) {
	return river.NewClient(st.RiverDriver(), &river.Config{})
}

type cleanupWorker struct {
	river.WorkerDefaults[cleanupArgs]
	s *Server
}

func (w *cleanupWorker) Work(ctx context.Context, job *river.Job[cleanupArgs]) error {
	w.s.deleteExpiredInvitations(ctx)
	n, err := w.s.store.Cleanup(ctx, w.s.cfg.Now())
	if err != nil {
		return err
	}
	w.s.log.Info("cleanup", "rows", n)
	return nil
}

type rotateWorker struct {
	river.WorkerDefaults[RotateArgs]
	s *Server
}

const rotateBatch = 200

// Work re-encrypts in batches until a full pass finds nothing left under
// an old key. It is safe while the app serves (each row is a
// compare-and-swap) and resumable: a retry starts over, and rows already
// done are no longer selected.
func (w *rotateWorker) Work(ctx context.Context, job *river.Job[RotateArgs]) error {
	if err := w.s.secrets.Reload(); err != nil {
		return fmt.Errorf("rotate: re-read secrets: %w", err)
	}
	ks := w.s.store.Keys()
	if ks.PrimaryID() < job.Args.KeyID {
		// This instance's secrets file does not have the key yet (another
		// machine rotated); River retries with backoff.
		return fmt.Errorf("rotate: key %d is not in this instance's key set yet (primary %d)", job.Args.KeyID, ks.PrimaryID())
	}
	total := 0
	for pass := 0; ; pass++ {
		rewrittenThisPass := 0
		for _, col := range store.EncryptedColumns {
			for {
				n, seen, err := w.s.store.ReencryptBatch(ctx, ks, col, rotateBatch)
				if err != nil {
					return err
				}
				rewrittenThisPass += n
				total += n
				if seen < rotateBatch {
					break
				}
				if n == 0 {
					break // every row in the batch was changed under us; next pass
				}
			}
		}
		left := 0
		for _, col := range store.EncryptedColumns {
			c, err := w.s.store.CountNotUnder(ctx, col, ks.PrimaryID())
			if err != nil {
				return err
			}
			left += c
		}
		w.s.log.Info("at-rest rotation pass", "key", ks.PrimaryID(), "pass", pass, "rewritten", rewrittenThisPass, "left", left)
		if left == 0 {
			w.s.log.Info("at-rest rotation done", "key", ks.PrimaryID(), "rewritten", total)
			return nil
		}
		if pass >= 5 {
			return fmt.Errorf("rotate: %d values still under old keys after %d passes", left, pass+1)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
