package webapp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
)

type ctxKey int

const (
	nonceKey ctxKey = iota
	userKey
)

// maxBody bounds every JSON body. The largest legitimate one, a
// registration, is about 4 KiB of base64.
const maxBody = 64 << 10

// cspPolicy is the seed's policy; the nonce is per response. report-uri
// lets the tests (and operators) see violations.
const cspPolicy = "default-src 'self'; script-src 'self' 'nonce-%s' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; report-uri /api/csp-report"

func nonceFrom(ctx context.Context) string { v, _ := ctx.Value(nonceKey).(string); return v }

// userFrom is the signed-in user's id, set by requireAPI/requirePage.
func userFrom(ctx context.Context) string { v, _ := ctx.Value(userKey).(string); return v }

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [18]byte
		rand.Read(b[:])
		nonce := base64.StdEncoding.EncodeToString(b[:])
		h := w.Header()
		h.Set("Content-Security-Policy", strings.Replace(cspPolicy, "%s", nonce, 1))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), nonceKey, nonce)))
	})
}

// crossOrigin refuses cross-origin state-changing requests (Go's
// CrossOriginProtection: Sec-Fetch-Site, then Origin against Host). CSP
// reports are exempt: browsers send them without a same-origin marker and
// they change nothing.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /api/csp-report")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return cop.Handler(next)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: method, path (never the query,
// which may hold a mail token), status, size, duration and a keyed hash of
// the client IP.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "ms", time.Since(start).Milliseconds(), "ip", s.ipID(r))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				// The panic value is not logged: it could hold request data.
				s.log.Error("handler panicked", "path", r.URL.Path)
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// ipID is a keyed hash of the client's network (accounts.Clients): what
// logs and rate-limit buckets hold instead of the address.
func (s *Server) ipID(r *http.Request) string {
	return accounts.Clients{Key: s.secrets.Current().IPHashKey, TrustedHeader: s.cfg.ClientIPHeader}.ID(r)
}

// jsonBody admits only application/json bodies of at most maxBody bytes.
func (s *Server) jsonBody(next http.Handler) http.Handler { return s.jsonBodyUpTo(maxBody, next) }

// jsonBodyUpTo is jsonBody with another limit, for the few routes whose
// bodies carry many keys or ciphertexts at once (rotation, re-encryption).
func (s *Server) jsonBodyUpTo(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "the body must be application/json")
			return
		}
		if r.ContentLength > limit {
			writeError(w, http.StatusRequestEntityTooLarge, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func tooLarge(limit int64) string {
	if limit >= 1<<20 {
		return fmt.Sprintf("the body is larger than %d MiB", limit>>20)
	}
	return fmt.Sprintf("the body is larger than %d KiB", limit>>10)
}

// decodeJSON reads exactly one JSON object with only known fields into v
// (fieldcheck.DecodeJSON: exact names, no repeats, at every depth). On
// failure it has written the 4xx and returns false.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, tooLarge(mbe.Limit))
			return false
		}
		writeError(w, http.StatusBadRequest, "the body could not be read")
		return false
	}
	if err := fieldcheck.DecodeJSON(data, v); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// writeJSON and writeError are the kit's (accounts.WriteJSON/WriteError),
// so the app's answers and the account endpoints' have one shape.
func writeJSON(w http.ResponseWriter, status int, v any) { accounts.WriteJSON(w, status, v) }

func writeError(w http.ResponseWriter, status int, msg string) { accounts.WriteError(w, status, msg) }

func healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// sessionToken is the request's session cookie value, or "".
func (s *Server) sessionToken(r *http.Request) string { return s.auth.Token(r) }

// currentUser is the user id of the request's session, or "".
func (s *Server) currentUser(r *http.Request) string {
	id, err := s.auth.User(r)
	if err != nil {
		s.log.Error("session lookup failed", "err", err)
		return ""
	}
	return id
}

func (s *Server) requireAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.currentUser(r)
		if id == "" {
			writeError(w, http.StatusUnauthorized, "log in first")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, id)))
	})
}

func (s *Server) requirePage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.currentUser(r)
		if id == "" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, id)))
	})
}
