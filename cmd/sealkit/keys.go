package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"

	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/secrets"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp"
)

const keysUsage = `usage: sealkit keys [generate|show|rotate] [flags]

  generate  write a new secrets file (blind-index key, fake-salt key, IP-hash
            key, at-rest key set); refuses to overwrite one (the default)
  show      print the file's at-rest key ids and which is primary (never key bytes)
  rotate    add an at-rest key, make it primary, and queue the background job
            that re-encrypts every stored value under it (needs -database-url);
            running servers pick the new key up from the file within seconds
`

// keys manages the server secrets file. It never prints key material.
func keys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sub := "generate"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	keysFile := fs.String("keys-file", envOr(getenv, "SEALKIT_KEYS_FILE", defaultKeysFile), "`path` of the secrets file ($SEALKIT_KEYS_FILE)")
	dbURL := fs.String("database-url", envOr(getenv, "DATABASE_URL", store.DefaultURL), "`URL` of the app's database, for rotate, as for serve ($DATABASE_URL)")
	if err := parseFlags(fs, args, keysUsage+"\nflags:\n", stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("keys: unexpected argument %q", fs.Arg(0))
	}
	switch sub {
	case "generate":
		if _, err := secrets.Load(*keysFile); err == nil {
			return fmt.Errorf("keys: %s exists; not overwriting it (its keys are needed to read the database)", *keysFile)
		} else if !errors.Is(err, errNotExist) {
			return err
		}
		s, err := secrets.Generate()
		if err != nil {
			return err
		}
		// The first command of a new deployment: its directory (by default
		// sealkit-data/) may not exist yet. 0700, like the file's 0600.
		if err := os.MkdirAll(filepath.Dir(*keysFile), 0o700); err != nil {
			return fmt.Errorf("keys: create the directory for %s: %w", *keysFile, err)
		}
		if err := secrets.Save(*keysFile, s); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (mode 0600): blind-index, fake-salt and IP-hash keys, at-rest key %d\nBack it up, and give every app instance the same file.\n", *keysFile, s.AtRest.PrimaryID())
		return nil
	case "show":
		s, err := secrets.Load(*keysFile)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: at-rest keys %v, primary %d\n", *keysFile, s.AtRest.IDs(), s.AtRest.PrimaryID())
		return nil
	case "rotate":
		return rotateKeys(ctx, *keysFile, *dbURL, stdout)
	}
	fmt.Fprint(stderr, keysUsage)
	return fmt.Errorf("keys: unknown subcommand %q", sub)
}

var errNotExist = iofs.ErrNotExist

func rotateKeys(ctx context.Context, keysFile, dbURL string, stdout io.Writer) error {
	// Open the database first, so that a wrong URL changes nothing.
	cur, err := secrets.Load(keysFile)
	if err != nil {
		return err
	}
	live := secrets.NewLive(keysFile, cur)
	st, err := store.Open(ctx, dbURL, func() *atrest.KeySet { return live.Current().AtRest })
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	client, err := webapp.NewInsertClient(st)
	if err != nil {
		return err
	}
	id, err := secrets.Rotate(keysFile)
	if err != nil {
		return err
	}
	if _, err := client.Insert(ctx, webapp.RotateArgs{KeyID: id}, nil); err != nil {
		return fmt.Errorf("keys rotate: key %d is in %s, but queueing the re-encryption failed (run rotate's job again with a new rotate, or retry): %w", id, keysFile, err)
	}
	fmt.Fprintf(stdout, "at-rest key %d is now primary in %s; queued the re-encryption of existing rows (a running server does it in the background)\n", id, keysFile)
	return nil
}
