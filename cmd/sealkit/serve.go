package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
)

const defaultKeysFile = "sealkit-data/keys.json"

// envOr is the flag default from the environment, so that every flag can
// also be set as a variable (the names are in each flag's help).
func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// envBool is a boolean flag's default from the environment: unset or
// empty is def; anything but a boolean (1, true, 0, false, …) is an error,
// rather than silently the default.
func envBool(getenv func(string) string, name string, def bool) (bool, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want 1 or 0 (or true or false)", name, v)
	}
	return b, nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}

const serveUsage = `usage: sealkit serve [flags]

Runs the reference app. Every flag can also be set by the environment
variable named in its help. Mail needs one of --smtp-url (real mail) or
--dev-mailbox (development: mail kept for reading at /dev/mailbox, on
loopback addresses only).

flags:
`

// serve runs the reference app until ctx ends.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	devDefault, envErr := envBool(getenv, "SEALKIT_DEV_MAILBOX", false)
	publicDefault, envErr2 := envBool(getenv, "SEALKIT_DEV_MAILBOX_PUBLIC", false)
	addr := fs.String("addr", envOr(getenv, "SEALKIT_ADDR", "localhost:8080"), "`host:port` to listen on ($SEALKIT_ADDR)")
	dbURL := fs.String("database-url", envOr(getenv, "DATABASE_URL", store.DefaultURL), "`URL` of the database: "+store.URLForms+" ($DATABASE_URL)")
	keysFile := fs.String("keys-file", envOr(getenv, "SEALKIT_KEYS_FILE", defaultKeysFile), "`path` of the server secrets file (blind-index key, fake-salt key, at-rest keys), created if missing; every instance needs the same file ($SEALKIT_KEYS_FILE)")
	publicURL := fs.String("public-url", getenv("SEALKIT_PUBLIC_URL"), "`URL` browsers use to reach the app, for links in mail; https:// turns on Secure cookies and HSTS (default http://<addr>) ($SEALKIT_PUBLIC_URL)")
	smtpURL := fs.String("smtp-url", getenv("SEALKIT_SMTP_URL"), "send mail through this `smtp://user:password@host:port` server (needs --mail-from); serve needs this or --dev-mailbox ($SEALKIT_SMTP_URL)")
	mailFrom := fs.String("mail-from", getenv("SEALKIT_MAIL_FROM"), "sender `address` for SMTP mail ($SEALKIT_MAIL_FROM)")
	devMailbox := fs.Bool("dev-mailbox", devDefault, "development only: keep outgoing mail in the database and show it, with its live links, to anyone at /dev/mailbox instead of sending it; refused on a non-loopback listen address or public URL ($SEALKIT_DEV_MAILBOX=1)")
	devMailboxPublic := fs.Bool("dev-mailbox-public", publicDefault, "allow --dev-mailbox although the app listens on or is published at a non-loopback address: everyone who can reach it reads every mail ($SEALKIT_DEV_MAILBOX_PUBLIC=1)")
	ipHeader := fs.String("client-ip-header", getenv("SEALKIT_CLIENT_IP_HEADER"), "`header` a trusted reverse proxy puts the client address in, e.g. X-Forwarded-For; its last entry is used. Leave empty without such a proxy ($SEALKIT_CLIENT_IP_HEADER)")
	logFormat := fs.String("log-format", envOr(getenv, "SEALKIT_LOG_FORMAT", "text"), "`text` or json ($SEALKIT_LOG_FORMAT)")
	logLevel := fs.String("log-level", envOr(getenv, "SEALKIT_LOG_LEVEL", "info"), "`level`: debug, info, warn or error ($SEALKIT_LOG_LEVEL)")
	if err := parseFlags(fs, args, serveUsage, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	// A bad variable is an error only when its flag does not override it.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if envErr != nil && !given["dev-mailbox"] {
		return fmt.Errorf("serve: %w", envErr)
	}
	if envErr2 != nil && !given["dev-mailbox-public"] {
		return fmt.Errorf("serve: %w", envErr2)
	}
	// Checked before anything is created: the mailbox is never a silent
	// default, because it shows every address and live sign-up link.
	switch {
	case *devMailbox && *smtpURL != "":
		return errors.New("serve: --dev-mailbox and --smtp-url are both set (or SEALKIT_DEV_MAILBOX and SEALKIT_SMTP_URL): pass one, not both")
	case !*devMailbox && *smtpURL == "":
		return errors.New("serve: no way to send mail: pass --smtp-url smtp://user:password@host:port with --mail-from address for real mail, or --dev-mailbox (development only; `make run` passes it) to read mail at /dev/mailbox")
	}
	dialect, _, err := store.ParseURL(*dbURL)
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if *publicURL == "" {
		*publicURL = "http://" + publicHost(ln.Addr().String(), *addr)
	}
	if *devMailbox {
		if where := exposedAt(ln.Addr(), *addr, *publicURL); where != "" {
			if !*devMailboxPublic {
				return fmt.Errorf("serve: refusing --dev-mailbox because %s: anyone who reaches it could read every mail, with live sign-up links, at /dev/mailbox. Listen on a loopback address (--addr localhost:8080) with no --public-url, send real mail with --smtp-url, or add --dev-mailbox-public if only you can reach that address", where)
			}
			log.Warn("the development mailbox is public (--dev-mailbox-public): everyone who can reach /dev/mailbox reads every mail and its live links; use --smtp-url for anything but your own tests", "because", where)
		}
	}
	srv, err := webapp.New(ctx, webapp.Config{
		DatabaseURL: *dbURL, KeysFile: *keysFile, PublicURL: *publicURL,
		DevMailbox: *devMailbox, SMTPURL: *smtpURL, MailFrom: *mailFrom,
		ClientIPHeader: *ipHeader, Logger: log,
	})
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		srv.Close(context.Background())
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	where := "SQLite"
	if dialect == store.Postgres {
		where = "PostgreSQL"
	}
	log.Info("serving", "url", *publicURL, "listen", ln.Addr().String(), "database", where, "dev_mailbox", *devMailbox)
	fmt.Fprintf(stdout, "sealkit: serving on %s (database: %s", *publicURL, where)
	if *devMailbox {
		fmt.Fprintf(stdout, "; mail: %s/dev/mailbox", *publicURL)
	}
	fmt.Fprintln(stdout, ")")
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down", "cause", context.Cause(ctx))
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = hs.Shutdown(sctx)
		if cerr := srv.Close(sctx); cerr != nil {
			log.Warn("closing the database", "err", cerr)
		}
		if err != nil {
			return fmt.Errorf("serve: requests still running 10 s after the shutdown signal were cut off: %w", err)
		}
		log.Info("stopped")
		return nil
	}
	if cerr := srv.Close(context.Background()); cerr != nil {
		log.Warn("closing the database", "err", cerr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// exposedAt says why other machines may reach the app — it listens on a
// non-loopback address, or its public URL names a non-loopback host — or
// is "" when only this machine can.
func exposedAt(bound net.Addr, asked, publicURL string) string {
	// The bound address, not the asked one: a host name may resolve to
	// anything.
	if a, ok := bound.(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		if a.IP.IsUnspecified() {
			return fmt.Sprintf("--addr %s listens on every interface", asked)
		}
		return fmt.Sprintf("--addr %s listens on %s, not a loopback address", asked, a.IP)
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return "" // webapp.New refuses it with its own message
	}
	h := strings.ToLower(u.Hostname())
	if h == "localhost" || strings.HasSuffix(h, ".localhost") { // RFC 6761: always loopback
		return ""
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("the public URL is %s", publicURL)
}

// publicHost is the listen address as a browser would type it.
func publicHost(bound, asked string) string {
	host, port, err := net.SplitHostPort(bound)
	if err != nil {
		return bound
	}
	if h, _, err := net.SplitHostPort(asked); err == nil && h != "" && h != "::" && h != "0.0.0.0" {
		host = h
	} else if host == "::" || host == "0.0.0.0" {
		host = "localhost" // every interface includes loopback
	}
	return net.JoinHostPort(host, port)
}
