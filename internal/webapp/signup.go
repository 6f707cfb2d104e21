package webapp

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/riverqueue/river"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/atrest"
)

// signupArgs is the job a registration request queues. Sealed is an
// at-rest value of the address: job rows are stored, retried and logged.
type signupArgs struct {
	Sealed string `json:"sealed"`
}

func (signupArgs) Kind() string { return "signup_mail" }

var signupAAD = atrest.AAD("river_job", "signup_mail", "args")

func (s *Server) enqueueSignup(ctx context.Context, tx *sql.Tx, email string) error {
	sealed, err := s.store.Keys().Encrypt([]byte(email), signupAAD)
	if err != nil {
		return err
	}
	if _, err := s.river.InsertTx(ctx, tx, signupArgs{Sealed: sealed}, &river.InsertOpts{MaxAttempts: 8}); err != nil {
		return fmt.Errorf("webapp: queue sign-up: %w", err)
	}
	return nil
}

type signupWorker struct {
	river.WorkerDefaults[signupArgs]
	s *Server
}

// Work decides, out of the request's sight, what the address gets: a
// pointer to login if it has an account, else a new sign-up link (which
// creates nothing but the link's own row). Each address gets at most
// signupMailLimit such mails an hour, whoever asks; the rest are dropped
// silently, so the limit is no oracle either.
func (w *signupWorker) Work(ctx context.Context, job *river.Job[signupArgs]) error {
	s := w.s
	b, err := s.store.Decrypt(job.Args.Sealed, signupAAD)
	if err != nil {
		return fmt.Errorf("signup: open job args: %w", err)
	}
	typed := string(b)
	email := strings.ToLower(typed)
	idx := s.emailIndex(email)
	now := s.cfg.Now()
	// A retry (the mail could not be queued) must not count twice.
	if job.Attempt == 1 {
		n, err := s.store.RateHit(ctx, "signupmail:"+idx[:32], signupMailWindow, now)
		if err != nil {
			return err
		}
		if n > signupMailLimit {
			s.log.Info("sign-up mail not sent: this address had enough this hour", "job", job.ID)
			return nil
		}
	}
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		exists, err := s.store.EmailIndexExists(ctx, tx, idx)
		if err != nil {
			return err
		}
		if exists {
			return s.enqueueMail(ctx, tx, mailMessage{To: email, Kind: mailAccountExists, Link: s.cfg.PublicURL + "/login"})
		}
		token := accounts.NewToken()
		if err := s.store.CreateSignup(ctx, tx, hashHex(token), idx, typed, now, now.Add(signupLinkLifetime)); err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, mailMessage{To: email, Kind: mailConfirm, Link: s.cfg.PublicURL + "/register/finish?token=" + token})
	})
}
