// Command notes is sealkit's small example app: encrypted notes, each under
// its own random key, shareable by email address. It is built only from
// the kit's public packages and the JS SDK, and docs/GUIDE.md quotes it.
//
//	go run ./examples/notes -dev-mailbox
//
// The server stores and routes ciphertext only: every key is made and used
// in the browser (static/app.js).
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/broadcast"
	"github.com/sealkit/sealkit/keydist"
	"github.com/sealkit/sealkit/ratelimit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "notes:", err)
		os.Exit(1)
	}
}

// app is the server: its database, the kit's parts and the pages.
type app struct {
	db         *sql.DB
	atRest     *atrest.KeySet
	accounts   *accounts.Manager
	auth       *accounts.Handlers
	hub        *keydist.Hub
	mail       *outbox
	devMailbox bool
	log        *slog.Logger
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("notes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	dataDir := fs.String("data", "./notes-data", "directory of the database and the secrets file")
	devMailbox := fs.Bool("dev-mailbox", false, "show sent mail at /dev/mailbox (to loopback clients only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	sec, err := loadSecrets(filepath.Join(*dataDir, "secrets.json"))
	if err != nil {
		return err
	}

	// SQLite allows one writer: one connection serialises every query, so
	// no statement may run while another's rows are still open.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(*dataDir, "notes.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	store := sqlstore.New(db, sqlstore.Options{AtRest: sec.AtRest})
	limiter := &ratelimit.Limiter{DB: db}
	if err := errors.Join(store.CreateTables(ctx), limiter.CreateTable(ctx), createTables(ctx, db)); err != nil {
		return err
	}
	keys := accounts.Keys{BlindIndex: sec.BlindIndex, FakeSalt: sec.FakeSalt, Verifier: sec.Verifier}
	manager, err := accounts.New(accounts.Config{Store: store, Limiter: limiter, Keys: func() accounts.Keys { return keys }})
	if err != nil {
		return err
	}

	a := &app{db: db, atRest: sec.AtRest, accounts: manager, mail: &outbox{}, devMailbox: *devMailbox, log: log}
	a.auth = &accounts.Handlers{
		Manager:     manager,
		ClientID:    accounts.Clients{Key: sec.ClientID}.ID,
		QueueSignup: a.queueSignup(ctx),
		Cookie:      "notes_session",
		Secure:      getenv("NOTES_HTTPS") == "1", // behind a TLS proxy: __Host- cookie
		Log:         log,
	}
	a.hub, err = keydist.New(keydist.Config{
		Broadcaster: broadcast.NewLocal(64), // broadcast/pgnotify for several instances
		Resources:   a,
		Sessions:    manager,
		Resource:    "note",
		Log:         log,
	})
	if err != nil {
		return err
	}
	go a.hub.Run(ctx)
	go a.cleanup(ctx)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.routes(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		a.hub.Shutdown() // WebSockets are hijacked: Shutdown does not wait for them
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Info("listening", "url", "http://"+ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// cleanup deletes ended sessions, used links and old rate counters hourly.
func (a *app) cleanup(ctx context.Context) {
	for t := time.NewTicker(time.Hour); ; {
		if _, err := a.accounts.Cleanup(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("cleanup failed", "err", err)
		}
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// secrets are the server's keys. They live in a file of their own, never in
// the database, so that a copy of the database alone cannot map blind
// indexes back to addresses, test password guesses or open at-rest values.
type secrets struct {
	BlindIndex []byte         `json:"blind_index"`
	FakeSalt   []byte         `json:"fake_salt"`
	Verifier   []byte         `json:"verifier"`
	ClientID   []byte         `json:"client_id"`
	AtRest     *atrest.KeySet `json:"at_rest"`
}

// loadSecrets reads the secrets file, or makes one (mode 0600) on first start.
func loadSecrets(path string) (*secrets, error) {
	var s secrets
	b, err := os.ReadFile(path)
	if err == nil {
		if err = json.Unmarshal(b, &s); err == nil && (s.AtRest == nil || len(s.BlindIndex) != 32 || len(s.ClientID) != 32) {
			err = errors.New("the secrets file is incomplete")
		}
		return &s, err
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	s = secrets{BlindIndex: random32(), FakeSalt: random32(), Verifier: random32(), ClientID: random32()}
	if s.AtRest, err = atrest.GenerateKeySet(); err != nil {
		return nil, err
	}
	if b, err = json.Marshal(&s); err != nil {
		return nil, err
	}
	return &s, os.WriteFile(path, b, 0o600)
}

func random32() []byte {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return b
}
