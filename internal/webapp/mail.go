package webapp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/store"
)

// Mailer sends one message.
type Mailer interface {
	Send(ctx context.Context, m renderedMail) error
}

type mailKind string

const (
	mailConfirm        mailKind = "confirm"
	mailAccountExists  mailKind = "account_exists"
	mailAccountDeleted mailKind = "account_deleted"
)

// mailMessage is what a mail job carries — sealed, because it holds the
// address and possibly a token.
type mailMessage struct {
	To   string   `json:"to"`
	Kind mailKind `json:"kind"`
	Link string   `json:"link"`
}

type renderedMail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Link    string `json:"link"`
}

func (m mailMessage) render() (renderedMail, error) {
	switch m.Kind {
	case mailConfirm:
		return renderedMail{To: m.To, Subject: "Finish creating your sealkit account", Link: m.Link,
			Body: "Someone (hopefully you) asked to create a sealkit account with this address.\n\n" +
				"To choose your password and create the account, open:\n" + m.Link + "\n\n" +
				"The link works once, for 48 hours. If it was not you, ignore this mail: nothing has been created."}, nil
	case mailAccountExists:
		return renderedMail{To: m.To, Subject: "You already have a sealkit account", Link: m.Link,
			Body: "Someone (hopefully you) asked to create a sealkit account with this address, which already has one. Nothing was changed.\n\n" +
				"If it was you, log in instead:\n" + m.Link + "\n\n" +
				"Your password cannot be reset: it is the key to your encrypted data. If it was not you, ignore this mail."}, nil
	case mailAccountDeleted:
		return renderedMail{To: m.To, Subject: "Your sealkit account was deleted", Link: m.Link,
			Body: "Your sealkit account and everything in it were deleted, as asked with your password. Nothing of it can be recovered.\n\n" +
				"This address can register again:\n" + m.Link + "\n\n" +
				"If it was not you, someone knew your password: use a new one wherever you used it."}, nil
	}
	return renderedMail{}, fmt.Errorf("unknown mail kind %q", m.Kind)
}

// sendMailArgs is a River job. Sealed is an at-rest value of the JSON
// mailMessage: job rows are stored, retried and logged, so they must not
// hold the address or the token in the clear.
type sendMailArgs struct {
	Sealed string `json:"sealed"`
}

func (sendMailArgs) Kind() string { return "send_mail" }

var mailAAD = atrest.AAD("river_job", "send_mail", "args")

func (s *Server) enqueueMail(ctx context.Context, tx *sql.Tx, m mailMessage) error {
	b, _ := json.Marshal(m)
	sealed, err := s.store.Keys().Encrypt(b, mailAAD)
	clear(b)
	if err != nil {
		return err
	}
	_, err = s.river.InsertTx(ctx, tx, sendMailArgs{Sealed: sealed}, &river.InsertOpts{MaxAttempts: 8})
	if err != nil {
		return fmt.Errorf("webapp: queue mail: %w", err)
	}
	return nil
}

type sendMailWorker struct {
	river.WorkerDefaults[sendMailArgs]
	s *Server
}

func (w *sendMailWorker) Work(ctx context.Context, job *river.Job[sendMailArgs]) error {
	b, err := w.s.store.Decrypt(job.Args.Sealed, mailAAD)
	if err != nil {
		return river.JobCancel(fmt.Errorf("mail job %d: %w", job.ID, err))
	}
	var m mailMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return river.JobCancel(fmt.Errorf("mail job %d: bad message", job.ID))
	}
	rm, err := m.render()
	if err != nil {
		return river.JobCancel(err)
	}
	if err := w.s.mailer.Send(ctx, rm); err != nil {
		// The SMTP error could quote the address; log only that it failed.
		w.s.log.Warn("sending mail failed; will retry", "job", job.ID, "attempt", job.Attempt)
		return errors.New("sending mail failed")
	}
	w.s.log.Info("mail sent", "job", job.ID, "kind", string(m.Kind))
	return nil
}

// devMailbox keeps mail in the database (at-rest encrypted) for the
// /dev/mailbox page.
type devMailbox struct{ st *store.Store }

func (d devMailbox) Send(ctx context.Context, m renderedMail) error {
	b, _ := json.Marshal(m)
	defer clear(b)
	return d.st.PutDevMail(ctx, store.NewID(), b, time.Now())
}

type smtpMailer struct {
	addr, from string
	auth       smtp.Auth
}

func newSMTPMailer(rawURL, from string) (*smtpMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, errors.New("webapp: SMTP URL must look like smtp://user:password@host:587")
	}
	if from == "" {
		return nil, errors.New("webapp: an SMTP URL needs a sender address (--mail-from)")
	}
	m := &smtpMailer{addr: u.Host, from: from}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		m.addr = net.JoinHostPort(u.Host, "587")
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		m.auth = smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())
	}
	return m, nil
}

// Send uses net/smtp, which upgrades to TLS with STARTTLS when the server
// offers it (and PlainAuth refuses to send a password without TLS).
func (m *smtpMailer) Send(ctx context.Context, r renderedMail) error {
	if strings.ContainsAny(r.To, "\r\n") {
		return errors.New("bad recipient")
	}
	msg := "From: " + m.from + "\r\nTo: " + r.To + "\r\nSubject: " + r.Subject +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.ReplaceAll(r.Body, "\n", "\r\n") + "\r\n"
	return smtp.SendMail(m.addr, m.auth, m.from, []string{r.To}, []byte(msg))
}
