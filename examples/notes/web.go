package main

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
)

//go:embed static templates
var appFiles embed.FS

// csp allows this origin's scripts, styles and sockets only: no inline
// script or style, so injected markup cannot run. 'wasm-unsafe-eval' lets
// the SDK compile its WebAssembly; nothing else is evaluated.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Unwrap lets the WebSocket upgrade reach the connection (hijack).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs the route's pattern, never the URL: ids, queries and
// fragments stay out of the log.
func (a *app) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, sw := time.Now(), &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		a.log.Info("request", "route", r.Pattern, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

// files serves an embedded directory's files, never a listing.
func files(fsys fs.FS) http.Handler {
	server := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, ".") || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		server.ServeHTTP(w, r)
	})
}

// page renders templates/<name>.html in the layout.
func (a *app) page(name string, data func(*http.Request) any) http.Handler {
	t := template.Must(template.ParseFS(appFiles, "templates/layout.html", "templates/"+name+".html"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d any
		if data != nil {
			d = data(r)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := t.ExecuteTemplate(w, "layout", map[string]any{"Page": name, "Data": d}); err != nil {
			a.log.Error("page failed", "page", name, "err", err)
		}
	})
}

// me is what the browser needs to open the user's keys: public keys and
// the private keys wrapped under the session key, which the server cannot.
func (a *app) me() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var index string
		err := a.db.QueryRowContext(r.Context(), `SELECT email_index FROM users WHERE id = $1`, accounts.UserID(r.Context())).Scan(&index)
		var acct *accounts.Account
		if err == nil {
			acct, err = a.store.Account(r.Context(), index)
		}
		if err != nil {
			a.fail(w, "me", err)
			return
		}
		accounts.WriteJSON(w, http.StatusOK, map[string]any{
			"user_id": acct.ID, "key_hash": acct.KeyHash,
			"public_key": acct.PublicKey, "pq_public_key": acct.PQPublicKey,
			"encrypted_private_key": acct.EncryptedPrivateKey, "encrypted_pq_private_key": acct.EncryptedPQPrivateKey,
			"encrypted_user_key": acct.EncryptedUserKey,
		})
	})
}

// fail answers 503 for a failure of the server's own, and logs what failed
// (errors of the kit's packages and the database name no content).
func (a *app) fail(w http.ResponseWriter, what string, err error) {
	a.log.Error(what+" failed", "err", err)
	accounts.WriteError(w, http.StatusServiceUnavailable, "something went wrong; try again shortly")
}

// decode reads a JSON body strictly; a bad one is answered 400 with the
// rule it broke (fieldcheck's errors never quote the value).
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, accounts.MaxBody))
	if err == nil {
		err = fieldcheck.DecodeJSON(body, v)
	}
	if err != nil {
		accounts.WriteError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

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
