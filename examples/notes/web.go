package main

import (
	"embed"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
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

// checked answers 400 with the first field that broke a rule, if any.
func checked(w http.ResponseWriter, c *fieldcheck.Checker) bool {
	if err := c.Err(); err != nil {
		accounts.WriteError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}
