package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/secrets"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
)

const announceUsage = `usage: sealkit announce [flags] [--file path | text… | -]

Seals a text to every confirmed user's public keys; each user sees it,
decrypted in their browser, on the home page and the habits dashboard,
until they dismiss it. The text comes from the arguments (joined by
spaces), from --file, or from standard input for "-" (or --file -). It
must be 1 byte to 16 KiB of UTF-8 after trimming white space.

NOT zero-knowledge: you, the operator, wrote the text, so the server has
seen it; the app labels every announcement as such. It is stored only
sealed (and at-rest encrypted), and never logged or printed.
`

// stdin is the standard input "-" reads; tests replace it.
var stdin io.Reader = os.Stdin

// announce seals a text to every confirmed user (docs/PROTOCOL.md §9).
func announce(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("announce", flag.ContinueOnError)
	keysFile := fs.String("keys-file", envOr(getenv, "SEALKIT_KEYS_FILE", defaultKeysFile), "`path` of the server secrets file ($SEALKIT_KEYS_FILE)")
	dbURL := fs.String("database-url", envOr(getenv, "DATABASE_URL", store.DefaultURL), "`URL` of the app's database, as for serve ($DATABASE_URL)")
	file := fs.String("file", "", "read the text from this `path` (- for standard input) instead of the arguments")
	if err := parseFlags(fs, args, announceUsage+"\nflags:\n", stdout, stderr); err != nil {
		return err
	}
	text, err := announcementText(*file, fs.Args())
	if err != nil {
		return err
	}
	// Check before touching the database: a bad text changes nothing.
	if text, err = webapp.CheckAnnouncementText(text); err != nil {
		return fmt.Errorf("announce: %w", err)
	}

	// The keys file must exist: a new one could not open the database.
	sec, err := secrets.Load(*keysFile)
	if err != nil {
		return err
	}
	live := secrets.NewLive(*keysFile, sec)
	st, err := store.Open(ctx, *dbURL, func() *atrest.KeySet { return live.Current().AtRest })
	if err != nil {
		return err
	}
	defer st.Close()
	st.Reload = live.Reload
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	id, n, err := webapp.Announce(ctx, st, text, time.Now())
	if err != nil {
		return fmt.Errorf("announce: nothing was stored: %w", err)
	}
	if n == 0 {
		fmt.Fprintln(stdout, "no confirmed users: nothing was stored")
		return nil
	}
	users := "users"
	if n == 1 {
		users = "user"
	}
	fmt.Fprintf(stdout, "sealed announcement %s to %d confirmed %s\n", id, n, users)
	return nil
}

// maxAnnouncementInput bounds what is read from a file or standard input:
// enough for 16 KiB of text with white space around it.
const maxAnnouncementInput = webapp.MaxAnnouncementBytes + 64<<10

// announcementText is the text from --file or the arguments.
func announcementText(file string, args []string) (string, error) {
	switch {
	case file != "" && len(args) > 0:
		return "", errors.New("announce: give the text either with --file or as arguments, not both")
	case file == "" && len(args) == 0:
		return "", errors.New("announce: no text: give it as arguments, with --file path, or on standard input with -")
	case file == "" && len(args) == 1 && args[0] == "-":
		file = "-"
	case file == "":
		return strings.Join(args, " "), nil
	}
	var r io.Reader
	name := file
	if file == "-" {
		r, name = stdin, "standard input"
	} else {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("announce: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxAnnouncementInput+1))
	if err != nil {
		return "", fmt.Errorf("announce: reading %s: %w", name, err)
	}
	if len(b) > maxAnnouncementInput {
		return "", fmt.Errorf("announce: %s holds more than %d bytes; an announcement is at most %d (16 KiB)", name, maxAnnouncementInput, webapp.MaxAnnouncementBytes)
	}
	return string(b), nil
}
