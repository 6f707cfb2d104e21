package store

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// URLForms is the one-line list of the database URLs Open accepts, for
// flag help and error messages.
const URLForms = "postgres://user[:password]@host[:port]/db (or postgresql://…) for PostgreSQL; " +
	"sqlite:path, sqlite://path, file:path or a plain path for a SQLite file (relative paths from the working directory; sqlite:///abs and file:///abs are absolute)"

// scheme is an RFC 3986 scheme of two or more letters: a single letter
// before a colon is a Windows drive, not a scheme.
var scheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]+):`)

// keyValueDSN is the start of libpq's "host=… dbname=…" form, which would
// otherwise pass for a SQLite file name.
var keyValueDSN = regexp.MustCompile(`^\s*[a-z_]+\s*=`)

// ParseURL reads a database URL (URLForms) without touching anything: it
// returns the dialect and, for SQLite, the file's path (for PostgreSQL the
// URL itself, which pgx parses). Anything else is refused with a sentence
// saying what to write, never guessed at: an unknown scheme used to become
// a SQLite file named after the URL.
func ParseURL(dbURL string) (Dialect, string, error) {
	if dbURL == "" {
		dbURL = DefaultURL
	}
	m := scheme.FindStringSubmatch(dbURL)
	if m == nil {
		if keyValueDSN.MatchString(dbURL) {
			return "", "", fmt.Errorf("store: database URL %q looks like a PostgreSQL key=value string: write it as postgres://user@host/db", dbURL)
		}
		return sqlitePath(dbURL, dbURL)
	}
	rest := dbURL[len(m[0]):]
	switch strings.ToLower(m[1]) {
	case "postgres", "postgresql":
		if !strings.HasPrefix(rest, "//") {
			return "", "", fmt.Errorf("store: database URL %q: write PostgreSQL URLs as postgres://user@host/db", dbURL)
		}
		// pgx recognises only the lower-case schemes.
		return Postgres, strings.ToLower(m[1]) + ":" + rest, nil
	case "sqlite":
		// sqlite://path: everything after the slashes is the path, as in
		// golang-migrate and dbmate, so sqlite://app.db is relative and
		// sqlite:///srv/app.db absolute.
		return sqlitePath(dbURL, strings.TrimPrefix(rest, "//"))
	case "file":
		// SQLite's own URI form (RFC 8089): file:path, file:///abs or
		// file://localhost/abs, with %-escapes.
		if strings.HasPrefix(rest, "//") {
			host, p, _ := strings.Cut(rest[2:], "/")
			if host != "" && host != "localhost" {
				return "", "", fmt.Errorf("store: database URL %q names the host %q: a SQLite file must be local (file:///path)", dbURL, host)
			}
			rest = "/" + p
		}
		p, err := url.PathUnescape(strings.SplitN(rest, "?", 2)[0])
		if err != nil {
			return "", "", fmt.Errorf("store: database URL %q: %v", dbURL, err)
		}
		if i := strings.IndexByte(rest, '?'); i >= 0 {
			p += rest[i:]
		}
		return sqlitePath(dbURL, p)
	}
	return "", "", fmt.Errorf("store: unsupported database URL scheme %q: use postgres://user@host/db for PostgreSQL, or sqlite:path (or a plain path) for a SQLite file", m[1])
}

func sqlitePath(dbURL, p string) (Dialect, string, error) {
	if strings.Contains(p, "?") {
		return "", "", fmt.Errorf("store: database URL %q: SQLite URLs take no ?options (the app sets its own pragmas); write just sqlite:path", dbURL)
	}
	if p == "" {
		return "", "", errors.New("store: empty SQLite path in the database URL: write sqlite:path/to/file.db")
	}
	return SQLite, p, nil
}

// postgresConnectError turns pgx's connection failure into one sentence.
// pgx lists every attempt on lines of their own, and with the default
// sslmode=prefer it tries twice, so a refused connection read as the same
// error printed twice.
func postgresConnectError(err error) error {
	where := "PostgreSQL"
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Config != nil {
		where = fmt.Sprintf("PostgreSQL at %s (database %q, user %q)",
			net.JoinHostPort(ce.Config.Host, strconv.Itoa(int(ce.Config.Port))), ce.Config.Database, ce.Config.User)
	}
	var pgErr *pgconn.PgError
	var errno syscall.Errno
	var dnsErr *net.DNSError
	var opErr *net.OpError
	cause, next := "", "check that PostgreSQL is running there and accepts TCP connections, and that the database URL is right"
	switch {
	case errors.As(err, &pgErr): // the server answered: wrong database, user or password
		cause, next = pgErr.Message, "check the user, password and database name in the database URL"
	case errors.As(err, &dnsErr):
		cause, next = dnsErr.Error(), "check the host name in the database URL"
	case errors.As(err, &errno):
		cause = errno.Error()
	case errors.As(err, &opErr):
		cause = opErr.Err.Error()
	default:
		// Unknown shape: keep every distinct line, on one line.
		var seen []string
		for _, l := range strings.Split(err.Error(), "\n") {
			if l = strings.TrimSpace(l); l != "" && !slices.Contains(seen, l) {
				seen = append(seen, l)
			}
		}
		cause = strings.Join(seen, "; ")
	}
	return fmt.Errorf("store: cannot connect to %s: %s; %s", where, cause, next)
}
