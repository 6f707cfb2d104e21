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

// Work mails what accounts.Manager.SignupMail decides, out of the
// request's sight: a pointer to login for an address with an account,
// else a new sign-up link; nothing when the address had its mails this
// hour (silently, so the limit is no oracle either). A retry (the mail
// could not be queued) is not counted twice.
func (w *signupWorker) Work(ctx context.Context, job *river.Job[signupArgs]) error {
	s := w.s
	b, err := s.store.Decrypt(job.Args.Sealed, signupAAD)
	if err != nil {
		return fmt.Errorf("signup: open job args: %w", err)
	}
	m, err := s.accounts.SignupMail(ctx, string(b), job.Attempt == 1)
	if err != nil {
		return err
	}
	to := strings.ToLower(m.To)
	switch m.Kind {
	case accounts.MailAlreadyRegistered:
		return s.store.InTx(ctx, func(tx *sql.Tx) error {
			return s.enqueueMail(ctx, tx, mailMessage{To: to, Kind: mailAccountExists, Link: s.cfg.PublicURL + "/login"})
		})
	case accounts.MailFinishSignup:
		return s.store.InTx(ctx, func(tx *sql.Tx) error {
			return s.enqueueMail(ctx, tx, mailMessage{To: to, Kind: mailConfirm, Link: s.cfg.PublicURL + "/register/finish?token=" + m.Token})
		})
	}
	s.log.Info("sign-up mail not sent: this address had enough this hour", "job", job.ID)
	return nil
}
