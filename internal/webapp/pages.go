package webapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

var pageNames = []string{"home", "register", "login", "recover", "finish", "unlock", "profile", "settings", "devices", "deleteaccount", "mailbox", "error", "habits", "habit", "groups", "group"}

func parsePages() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, p := range pageNames {
		t, err := template.ParseFS(appFiles, "templates/layout.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("webapp: template %s: %w", p, err)
		}
		out[p] = t
	}
	return out, nil
}

// mailView is one message on the development mailbox page.
type mailView struct{ To, Subject, Body, Link, SentAt string }

// pageData is what every template gets.
type pageData struct {
	Title, Nonce, Page, WasmURL string
	// Static is where the page's CSS and scripts are linked from (static.go);
	// Preloads, the modules its script imports, under Static (preload.go).
	Static                    string
	Preloads                  []string
	SignedIn                  bool
	Flash, Token, Next, Error string
	Email                     string // the finishing page's address
	Mails                     []mailView
	DevMailbox                bool
	// WasmMissing: the server has no sealkit.wasm to serve (built without
	// `make wasm`); the layout tells common.js, which says so instead of
	// fetching a module that cannot be there.
	WasmMissing bool
	// Heading is the error page's title line; empty means the generic one.
	Heading string
}

// page renders a template; fill, when set, adds page-specific data (and
// may answer itself, returning false).
func (s *Server) page(name, title string, fill func(w http.ResponseWriter, r *http.Request, d *pageData) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := &pageData{Title: title, Page: name}
		if fill != nil && !fill(w, r, d) {
			return
		}
		s.render(w, r, http.StatusOK, d)
	})
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, d *pageData) {
	d.Nonce = nonceFrom(r.Context())
	d.WasmURL = s.wasmURL()
	d.Static = s.staticRoot()
	d.Preloads = s.preloads[d.Page]
	d.WasmMissing = s.wasm == nil
	d.DevMailbox = s.cfg.DevMailbox
	if userFrom(r.Context()) != "" {
		d.SignedIn = true
	} else if d.Page != "error" {
		d.SignedIn = s.currentUser(r) != ""
	}
	var buf bytes.Buffer
	if err := s.pages[d.Page].ExecuteTemplate(&buf, "layout", d); err != nil {
		s.log.Error("template failed", "page", d.Page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, &pageData{Title: "Error", Page: "error", Error: msg})
}

func (s *Server) unlockData(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	d.Next = localPath(r.URL.Query().Get("next"))
	return true
}

// localPath returns p if it is a path on this site, else "/habits": the
// dashboard is where a signed-in user starts (login lands there too).
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		u.Scheme != "" || u.Host != "" || strings.ContainsAny(p, "\r\n\\") {
		return "/habits"
	}
	return p
}

// notFound answers what no other route of mux matches; it is registered
// as the catch-all "/" (any method). ServeMux prefers the most specific
// pattern, so only requests that would otherwise get the mux's own
// plain-text 404 or 405 reach it. A path that another method serves keeps
// its 405 (the catch-all would hide it from the mux, so this asks the mux
// itself); under /api/ the answer is JSON, like every API error; anything
// else gets the app's error page, in the layout and under the CSP nonce.
func (s *Server) notFound(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			if api {
				writeError(w, http.StatusMethodNotAllowed, "method not allowed")
				return
			}
			s.render(w, r, http.StatusMethodNotAllowed, &pageData{Title: "Error", Page: "error",
				Error: "This address does not take a " + r.Method + " request."})
			return
		}
		if api {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		// render does not look the session up for the error page (a failing
		// store must not fail it again); a stray link is not such a failure,
		// and a signed-in user should keep the signed-in navigation.
		s.render(w, r, http.StatusNotFound, &pageData{Title: "Page not found", Page: "error",
			Heading: "Page not found", SignedIn: s.currentUser(r) != "",
			Error: "There is no page at this address. The link may be mistyped, or the page gone."})
	})
}

// allowedMethods lists the methods for which mux has a route other than
// the catch-all for r's path: what the mux's own 405 would have named.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	// In the mux's own order (sorted), so the Allow header reads the same.
	for _, m := range []string{http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodPatch, http.MethodPost, http.MethodPut} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

func (s *Server) mailboxData(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	mails, err := s.store.DevMails(r.Context(), 50)
	if err != nil {
		s.log.Error("mailbox failed", "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "The mailbox cannot be read.")
		return false
	}
	for _, m := range mails {
		var msg renderedMail
		if json.Unmarshal(m.Body, &msg) != nil {
			continue
		}
		d.Mails = append(d.Mails, mailView{To: msg.To, Subject: msg.Subject, Body: msg.Body, Link: msg.Link,
			SentAt: time.UnixMilli(m.CreatedAt).UTC().Format("2006-01-02 15:04:05 MST")})
	}
	return true
}

func stripQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}
