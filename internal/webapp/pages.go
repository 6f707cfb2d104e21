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

var pageNames = []string{"home", "register", "login", "confirm", "unlock", "profile", "settings", "mailbox", "error", "habits", "habit", "groups", "group"}

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
	SignedIn                    bool
	Flash, Token, Next, Error   string
	Mails                       []mailView
	DevMailbox                  bool
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

func (s *Server) loginFlash(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	if r.URL.Query().Get("confirmed") == "1" {
		d.Flash = "Your address is confirmed. Log in."
	}
	return true
}

func (s *Server) confirmData(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	d.Token = r.URL.Query().Get("token")
	if len(d.Token) != 43 {
		s.renderError(w, r, http.StatusBadRequest, "This confirmation link is not valid.")
		return false
	}
	return true
}

func (s *Server) unlockData(w http.ResponseWriter, r *http.Request, d *pageData) bool {
	d.Next = localPath(r.URL.Query().Get("next"))
	return true
}

// localPath returns p if it is a path on this site, else "/profile".
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		u.Scheme != "" || u.Host != "" || strings.ContainsAny(p, "\r\n\\") {
		return "/profile"
	}
	return p
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
