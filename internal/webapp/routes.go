package webapp

import "net/http"

// routes is every route of the app, in one place. Methods are part of the
// patterns, so a wrong method gets 405 from the mux.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Pages.
	mux.Handle("GET /{$}", s.page("home", "sealkit", nil))
	mux.Handle("GET /register", s.page("register", "Register", nil))
	mux.Handle("GET /login", s.page("login", "Log in", s.loginFlash))
	mux.Handle("GET /confirm", s.page("confirm", "Confirm your address", s.confirmData))
	mux.Handle("POST /confirm", s.confirm())
	mux.Handle("GET /unlock", s.requirePage(s.page("unlock", "Unlock", s.unlockData)))
	mux.Handle("GET /profile", s.requirePage(s.page("profile", "Profile", nil)))
	mux.Handle("GET /settings", s.requirePage(s.page("settings", "Settings", nil)))
	mux.Handle("POST /logout", s.logout())
	if s.cfg.DevMailbox {
		mux.Handle("GET /dev/mailbox", s.page("mailbox", "Mailbox (development)", s.mailboxData))
	}

	// JSON API.
	mux.Handle("POST /api/auth/register", s.jsonBody(s.register()))
	mux.Handle("POST /api/auth/salt", s.jsonBody(s.salt()))
	mux.Handle("POST /api/auth/login", s.jsonBody(s.login()))
	mux.Handle("GET /api/me", s.requireAPI(s.me()))
	mux.Handle("PUT /api/me/profile", s.requireAPI(s.jsonBody(s.putProfile())))
	mux.Handle("PUT /api/me/settings", s.requireAPI(s.jsonBody(s.putSettings())))
	mux.Handle("POST /api/csp-report", s.cspReport())

	// Assets.
	mux.Handle("GET /static/sdk/dist/{file}", s.sdkDist())
	mux.Handle("GET /static/sdk/{file}", s.sdkModule())
	mux.Handle("GET /static/", s.appStatic())
	mux.Handle("GET /healthz", healthz())

	return s.recoverPanics(s.logRequests(s.securityHeaders(s.crossOrigin(mux))))
}
