package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
)

// The account glue around package accounts: the page a sign-up link
// opens, logout, the socket, and the sign-up mail.

// signupAddress tells the page a mailed link opens which address the link
// is for. The token travels in the link's fragment and then in this body,
// never in a URL the server sees or logs.
func (a *app) signupAddress() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Token string `json:"token"`
		}
		if !decode(w, r, &req) {
			return
		}
		email, err := a.accounts.SignupAddress(r.Context(), req.Token)
		var fe *fieldcheck.Error
		switch {
		case errors.As(err, &fe):
			accounts.WriteError(w, http.StatusBadRequest, "this link is not valid; start again on the registration page")
		case errors.Is(err, accounts.ErrLinkGone):
			accounts.WriteError(w, http.StatusGone, err.Error())
		case err != nil:
			a.fail(w, "sign-up address", err)
		default:
			accounts.WriteJSON(w, http.StatusOK, map[string]string{"email": email})
		}
	})
}

// logout ends the session and its sockets; the page's script has emptied
// the browser's key storage first, and Clear-Site-Data makes sure.
func (a *app) logout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hash, err := a.auth.EndSession(w, r)
		if err != nil {
			a.log.Error("logout failed", "err", err)
		}
		if hash != "" {
			a.hub.EndSession(r.Context(), hash)
		}
		w.Header().Set("Clear-Site-Data", `"storage"`)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

// socket hands the signed-in page to the hub, by the hash of its session
// token (the hub never sees the token).
func (a *app) socket() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.hub.Serve(w, r, accounts.UserID(r.Context()), accounts.TokenHash(a.auth.Token(r)))
	})
}

// outbox is the development mail server: mail kept in memory, shown at
// /dev/mailbox. A real app hands mail to its provider.
type outbox struct {
	mu   sync.Mutex
	mail []mail
}

type mail struct{ To, Subject, Text, Link string }

func (o *outbox) send(m mail) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mail = append(o.mail, m)
}

// queueSignup is BeginSignup's queue. Here the job is a goroutine; a real
// app queues it in a job queue such as River (as the reference app does),
// so that it survives a restart, with the address sealed in its arguments.
// Either way the request returns before the job runs, so its answer and
// timing are the same for every address.
func (a *app) queueSignup(ctx context.Context) func(context.Context, string) error {
	return func(_ context.Context, email string) error {
		go func() {
			m, err := a.accounts.SignupMail(ctx, email, true)
			switch {
			case err != nil:
				a.log.Error("sign-up mail failed", "err", err)
			case m.Kind == accounts.MailFinishSignup:
				// The token goes in the fragment: browsers do not send it.
				a.mail.send(mail{To: m.To, Subject: "Finish signing up", Text: "Choose your password:", Link: "/register/finish#token=" + m.Token})
			case m.Kind == accounts.MailAlreadyRegistered:
				a.mail.send(mail{To: m.To, Subject: "You already have an account", Text: "Log in instead:", Link: "/login"})
			}
		}()
		return nil
	}
}

// mailbox shows the outbox, to loopback clients only: it holds sign-up
// links.
func (a *app) mailbox() http.Handler {
	page := a.page("mailbox", func(*http.Request) any {
		a.mail.mu.Lock()
		defer a.mail.mu.Unlock()
		return append([]mail(nil), a.mail.mail...)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			http.NotFound(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}
