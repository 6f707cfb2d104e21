package main

import (
	"io/fs"
	"net/http"

	"github.com/sealkit/sealkit/js"
)

// routes is every route of the app. Methods are part of the patterns, so a
// wrong method gets 405 from the mux.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	req := a.auth.Require // a live session, its user in the context

	// Pages: templates without data; each page's script asks the API.
	for path, name := range map[string]string{"/{$}": "home", "/register": "register",
		"/register/finish": "finish", "/login": "login", "/notes": "notes"} {
		mux.Handle("GET "+path, a.page(name, nil))
	}
	mux.Handle("POST /logout", a.logout())
	if a.devMailbox {
		mux.Handle("GET /dev/mailbox", a.mailbox())
	}

	// Accounts: the kit's endpoints (package accounts), which the SDK's
	// account.js calls, and the address of a sign-up link.
	mux.Handle("POST /api/auth/register", a.auth.Register())
	mux.Handle("POST /api/auth/register/finish", a.auth.FinishSignup())
	mux.Handle("POST /api/auth/register/address", a.signupAddress())
	mux.Handle("POST /api/auth/salt", a.auth.Salt())
	mux.Handle("POST /api/auth/login", a.auth.Login())
	// The server's half of the SDK's key cache (UserKeys): a secret for the
	// live session only, so that a cache outlives neither logout nor the
	// session. CacheSecret checks the session itself: no Require.
	mux.Handle("POST /api/auth/key-cache", a.auth.CacheSecret())
	mux.Handle("GET /api/me", req(a.auth.Keys())) // the wrapped key bundle

	// Notes, and the socket of pending access (package keydist).
	mux.Handle("GET /api/notes", req(a.listNotes()))
	mux.Handle("POST /api/notes", req(a.createNote()))
	mux.Handle("GET /api/notes/{id}", req(a.getNote()))
	mux.Handle("POST /api/notes/{id}/shares", req(a.share()))
	mux.Handle("GET /api/ws", req(a.socket()))

	// The SDK's modules and wasm (package js), and the app's script.
	mux.Handle("GET /static/sdk/", http.StripPrefix("/static/sdk/", files(js.Files)))
	static, _ := fs.Sub(appFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", files(static)))

	return a.logRequests(securityHeaders(http.NewCrossOriginProtection().Handler(mux)))
}
