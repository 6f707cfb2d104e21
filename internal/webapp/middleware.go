package webapp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/internal/store"
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

// clientIP is the peer address, or the last entry of the configured proxy
// header (the one the trusted proxy appended).
func (s *Server) clientIP(r *http.Request) string {
	if h := s.cfg.ClientIPHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipID is a keyed hash of the client's network: what logs and rate-limit
// buckets hold instead of the address. An IPv6 client is one /64 (one
// customer's subnet: anyone given IPv6 can use 2^64 addresses), an IPv4
// client one address (IPv4-mapped IPv6 counts as IPv4).
func (s *Server) ipID(r *http.Request) string {
	m := hmac.New(sha256.New, s.secrets.Current().IPHashKey)
	m.Write([]byte(clientNetwork(s.clientIP(r))))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// clientNetwork is the rate-limiting unit of an address: the /64 of an
// IPv6 address, an IPv4 address itself, or the text as is if it is no
// address (a Unix socket, say).
func clientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
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
// (a pointer to a struct). Stricter than encoding/json, whose matching of
// names ignores case and whose objects may repeat a key (the last wins):
// a body that two parsers could read differently is refused, so every
// field name must be spelt exactly as documented and appear once, at
// every depth, and `null` is not an object. On failure it has written the
// 4xx and returns false.
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
	if err := strictJSON(data, reflect.TypeOf(v)); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		var extra json.RawMessage
		if dec.Decode(&extra) == nil {
			err = errors.New("trailing data")
		}
	}
	if err != nil {
		// The decoder's message names a position or a field, never a
		// value, so it is safe to return; but keep it short and fixed.
		msg := errNotObject
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			msg = ute.Field + ": wrong type"
		} else if strings.HasPrefix(err.Error(), "json: unknown field ") {
			msg = "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
		}
		writeError(w, http.StatusBadRequest, msg)
		return false
	}
	return true
}

const errNotObject = "the body is not a JSON object of the expected fields"

// strictJSON walks data's tokens beside the Go type t that it will be
// decoded into and refuses a body that is not an object, an object key
// that repeats, and (for structs) a key that is not exactly a field's JSON
// name. Malformed JSON is left to the decoder's own error.
func strictJSON(data []byte, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return errors.New(errNotObject)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New(errNotObject)
	}
	if err := strictObject(dec, t); err != nil {
		if errors.Is(err, errMalformed) {
			return errors.New(errNotObject)
		}
		return err
	}
	return nil
}

var errMalformed = errors.New("malformed")

// strictValue checks the value whose first token is tok.
func strictValue(dec *json.Decoder, tok json.Token, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its type is the decoder's to check
	}
	switch d {
	case '{':
		return strictObject(dec, t)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return errMalformed
			}
			if err := strictValue(dec, tok, elem); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return errMalformed
		}
		return nil
	}
	return errMalformed
}

// strictObject checks an object's members after its '{' and reads its '}'.
func strictObject(dec *json.Decoder, t reflect.Type) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errMalformed
		}
		key, ok := tok.(string)
		if !ok {
			return errMalformed
		}
		name := key
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		if seen[key] {
			return fmt.Errorf("duplicate field %s", strconv.Quote(name))
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var known bool
			if ft, known = fields[key]; !known {
				return fmt.Errorf("unknown field %s", strconv.Quote(name))
			}
		}
		tok, err = dec.Token()
		if err != nil {
			return errMalformed
		}
		if err := strictValue(dec, tok, ft); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return errMalformed
	}
	return nil
}

// jsonFields maps a struct's exact JSON member names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				maps.Copy(m, jsonFields(f.Type))
				continue
			}
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// sessionCookie names the session cookie over plain http (development);
// behind https it is hostCookie: the __Host- prefix makes the browser
// refuse it unless it is Secure, for path / and without a Domain, so a
// sibling subdomain or a plain-http page cannot plant or overwrite it.
const (
	sessionCookie = "sealkit_session"
	hostCookie    = "__Host-sealkit_session"
)

// cookieName is the session cookie's name for this server.
func (s *Server) cookieName() string {
	if s.secure {
		return hostCookie
	}
	return sessionCookie
}

// sessionToken is the request's session cookie value, or "".
func (s *Server) sessionToken(r *http.Request) string {
	c, err := r.Cookie(s.cookieName())
	if err != nil || !accounts.ValidToken(c.Value) {
		return ""
	}
	return c.Value
}

// sessionTTL is how long a login lasts, so that a user can come back after
// closing the browser.
const sessionTTL = 30 * 24 * time.Hour

// currentUser is the user id of the request's session, or "".
func (s *Server) currentUser(r *http.Request) string {
	token := s.sessionToken(r)
	if token == "" {
		return ""
	}
	id, err := s.store.SessionUser(r.Context(), hashHex(token), s.cfg.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("session lookup failed", "err", err)
		}
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

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.cookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}
