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

func envBool(getenv func(string) string, name string, def bool) bool {
	if v, err := strconv.ParseBool(getenv(name)); err == nil {
		return v
	}
	return def
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

// serve runs the reference app until ctx ends.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: sealkit serve [flags]\n\nRuns the reference app. Every flag can also be set by the environment variable named in its help.\n\n")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", envOr(getenv, "SEALKIT_ADDR", "localhost:8080"), "`host:port` to listen on ($SEALKIT_ADDR)")
	dbURL := fs.String("database-url", envOr(getenv, "DATABASE_URL", store.DefaultURL), "`URL` of the database: postgres://… for PostgreSQL, or sqlite:path for an embedded SQLite file ($DATABASE_URL)")
	keysFile := fs.String("keys-file", envOr(getenv, "SEALKIT_KEYS_FILE", defaultKeysFile), "`path` of the server secrets file (blind-index key, fake-salt key, at-rest keys), created if missing; every instance needs the same file ($SEALKIT_KEYS_FILE)")
	publicURL := fs.String("public-url", getenv("SEALKIT_PUBLIC_URL"), "`URL` browsers use to reach the app, for links in mail; https:// turns on Secure cookies and HSTS (default http://<addr>) ($SEALKIT_PUBLIC_URL)")
	smtpURL := fs.String("smtp-url", getenv("SEALKIT_SMTP_URL"), "send mail through this `smtp://user:password@host:port` server instead of the development mailbox ($SEALKIT_SMTP_URL)")
	mailFrom := fs.String("mail-from", getenv("SEALKIT_MAIL_FROM"), "sender `address` for SMTP mail ($SEALKIT_MAIL_FROM)")
	devMailbox := fs.Bool("dev-mailbox", envBool(getenv, "SEALKIT_DEV_MAILBOX", false), "keep outgoing mail in the database and show it at /dev/mailbox (on by default when no -smtp-url is given) ($SEALKIT_DEV_MAILBOX)")
	ipHeader := fs.String("client-ip-header", getenv("SEALKIT_CLIENT_IP_HEADER"), "`header` a trusted reverse proxy puts the client address in, e.g. X-Forwarded-For; its last entry is used. Leave empty without such a proxy ($SEALKIT_CLIENT_IP_HEADER)")
	logFormat := fs.String("log-format", envOr(getenv, "SEALKIT_LOG_FORMAT", "text"), "`text` or json ($SEALKIT_LOG_FORMAT)")
	logLevel := fs.String("log-level", envOr(getenv, "SEALKIT_LOG_LEVEL", "info"), "`level`: debug, info, warn or error ($SEALKIT_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	if *smtpURL == "" {
		*devMailbox = true
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if *publicURL == "" {
		*publicURL = "http://" + publicHost(ln.Addr().String(), *addr)
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
	if strings.HasPrefix(*dbURL, "postgres") {
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
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = hs.Shutdown(sctx)
		srv.Close(sctx)
		return err
	}
	srv.Close(context.Background())
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// publicHost is the listen address as a browser would type it.
func publicHost(bound, asked string) string {
	host, port, err := net.SplitHostPort(bound)
	if err != nil {
		return bound
	}
	if h, _, err := net.SplitHostPort(asked); err == nil && h != "" {
		host = h
	} else if host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
