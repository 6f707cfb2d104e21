// Package webapp is the reference app's server: accounts whose keys are
// made and used only in the browser. It serves the pages, the JS SDK and
// its wasm, and a JSON API that accepts and returns only ciphertext (and,
// in transit, the email address it mails and indexes).
//
// Every piece of state that must hold across instances — sessions,
// rate-limit events, jobs — is in the database (package store), so
// several instances can run behind one load balancer.
package webapp

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/secrets"
	"github.com/sealkit/sealkit/internal/store"
	sdk "github.com/sealkit/sealkit/js"
	"github.com/sealkit/sealkit/keydist"
)

// Config is everything a Server needs; zero values take the defaults noted.
type Config struct {
	// DatabaseURL: "postgres://…" or a SQLite path/URL (store.Open);
	// default store.DefaultURL.
	DatabaseURL string
	// KeysFile is the secrets file (sealkit keys); created when missing.
	KeysFile string
	// PublicURL is where browsers reach the app, for links in mail and to
	// decide Secure cookies and HSTS (https). Default http://localhost:8080.
	PublicURL string
	// DevMailbox stores outgoing mail (at-rest encrypted) and shows it, with
	// its live links, to anyone at /dev/mailbox instead of sending it (and
	// adds the page to the nav). For development only: off unless set, and
	// exactly one of DevMailbox and SMTPURL must be set.
	DevMailbox bool
	// SMTPURL is smtp://user:pass@host:port; MailFrom the sender address.
	SMTPURL, MailFrom string
	// ClientIPHeader, when set (e.g. "X-Forwarded-For"), names the header a
	// trusted proxy puts the client address in; its last entry is used.
	ClientIPHeader string
	// SaltLimit is the salt endpoint's requests per minute per IP (10).
	SaltLimit int
	// SaltMinDuration is the salt endpoint's shortest answer (100 ms).
	SaltMinDuration time.Duration
	// JobPollInterval is how often idle instances look for jobs (250 ms).
	JobPollInterval time.Duration
	// Assets holds the SDK files (layout of package js); default js.Files.
	Assets fs.FS
	Logger *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time
}

// Server is one app instance.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    *store.Store
	secrets  *secrets.Live
	river    *river.Client[*sql.Tx]
	mailer   Mailer
	pages    map[string]*template.Template
	preloads map[string][]string // page → modules its script imports (preload.go)
	// assetVersion names this build's set of page scripts, CSS and SDK
	// modules in their cached URLs (static.go).
	assetVersion string
	wasm         *wasmAsset
	handler      http.Handler
	secure       bool
	cancel       context.CancelFunc
	cspCount     atomic.Int64 // CSP violation reports received

	accounts *accounts.Manager  // sign-up, login, sessions (the kit's)
	auth     *accounts.Handlers // their JSON endpoints and the cookie
	hub      *keydist.Hub       // this instance's WebSocket pushes
}

//go:embed templates static
var appFiles embed.FS

// New opens the database (migrating it), loads or creates the secrets
// file and builds the handler. Call Start to run background work.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8080"
	}
	pu, err := url.Parse(cfg.PublicURL)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, fmt.Errorf("webapp: public URL %q: want http(s)://host[:port]", cfg.PublicURL)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.KeysFile == "" {
		return nil, errors.New("webapp: no keys file")
	}
	if cfg.SaltLimit == 0 {
		cfg.SaltLimit = 10
	}
	if cfg.SaltMinDuration == 0 {
		cfg.SaltMinDuration = 100 * time.Millisecond
	}
	if cfg.JobPollInterval == 0 {
		cfg.JobPollInterval = 250 * time.Millisecond
	}
	if cfg.Assets == nil {
		cfg.Assets = sdk.Files
	}
	s := &Server{cfg: cfg, log: cfg.Logger, secure: pu.Scheme == "https"}

	sec, created, err := secrets.LoadOrCreate(cfg.KeysFile)
	if err != nil {
		return nil, err
	}
	if created {
		s.log.Warn("created a new secrets file; back it up: without it no stored data can be read", "path", cfg.KeysFile)
	}
	s.secrets = secrets.NewLive(cfg.KeysFile, sec)

	s.store, err = store.Open(ctx, cfg.DatabaseURL, func() *atrest.KeySet { return s.secrets.Current().AtRest })
	if err != nil {
		return nil, err
	}
	s.store.Reload = s.secrets.Reload
	if err := s.store.Migrate(ctx); err != nil {
		s.store.Close()
		return nil, err
	}
	if err := s.newAccounts(); err != nil {
		s.store.Close()
		return nil, err
	}
	// Verifiers written before the pepper existed get it now, in place.
	if n, err := s.store.UpgradeVerifiers(ctx, accounts.VerifierPrefix, s.accountKeys().UpgradeVerifier); err != nil {
		s.store.Close()
		return nil, err
	} else if n > 0 {
		s.log.Info("login verifiers now depend on the server secret", "upgraded", n)
	}

	switch {
	case cfg.DevMailbox && cfg.SMTPURL != "":
		// Picking one would silently drop the other: real mail never sent,
		// or the mailbox page missing.
		s.store.Close()
		return nil, errors.New("webapp: both the development mailbox and an SMTP URL are set: pick one")
	case cfg.DevMailbox:
		s.mailer = devMailbox{s.store}
		// sealkit serve refuses this unless told; other callers get a
		// warning at least.
		if h := pu.Hostname(); h != "localhost" && !strings.HasSuffix(h, ".localhost") && !net.ParseIP(h).IsLoopback() {
			s.log.Warn("the development mailbox is on at a non-loopback address: anyone who can reach /dev/mailbox reads every mail sent, with its live links; use an SMTP server", "public_url", cfg.PublicURL)
		}
	case cfg.SMTPURL != "":
		m, err := newSMTPMailer(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			s.store.Close()
			return nil, err
		}
		s.mailer = m
	default:
		s.store.Close()
		return nil, errors.New("webapp: no way to send mail: set an SMTP URL or turn on the development mailbox")
	}

	if s.hub, err = s.newPushHub(); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.river, err = s.newRiver(); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		s.store.Close()
		return nil, err
	}
	appScripts, _ := fs.Sub(appFiles, "static/app")
	if s.preloads, err = modulePreloads(pageNames, appScripts, cfg.Assets); err != nil {
		s.store.Close()
		return nil, err
	}
	appStatic, _ := fs.Sub(appFiles, "static")
	if s.assetVersion, err = assetVersion(appStatic, cfg.Assets); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.wasm, err = loadWasm(cfg.Assets); err != nil {
		s.log.Warn("the browser crypto module is missing: run `make wasm` before `sealkit serve`", "err", err)
	}
	s.handler = s.routes()
	return s, nil
}

// Start runs the job workers and the secrets-file watcher until ctx ends
// or Close.
func (s *Server) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(ctx)
	go s.secrets.Watch(ctx, 2*time.Second, func(err error) {
		s.log.Error("cannot re-read the secrets file; keeping the keys in memory", "err", err)
	})
	if err := s.river.Start(ctx); err != nil {
		return fmt.Errorf("webapp: start jobs: %w", err)
	}
	go s.runPushes(ctx)
	return nil
}

// CSPViolations is how many CSP reports this instance has received.
func (s *Server) CSPViolations() int64 { return s.cspCount.Load() }

// Handler is the app's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Store is the app's database (tests and operator commands use it).
func (s *Server) Store() *store.Store { return s.store }

// Close stops the workers (waiting for running jobs up to ctx) and closes
// the database.
func (s *Server) Close(ctx context.Context) error {
	s.hub.Shutdown()
	if s.cancel != nil {
		if err := s.river.Stop(ctx); err != nil {
			s.log.Warn("jobs did not stop cleanly", "err", err)
		}
		s.cancel()
	}
	return s.store.Close()
}

// hashHex is what the database keeps of session cookies and mail tokens
// (accounts.TokenHash).
func hashHex(token string) string { return accounts.TokenHash(token) }
