// Command sealkit is the sealkit command line: it serves the reference app,
// manages its server secrets, and checks the crypto core on this machine.
//
//	sealkit serve [flags]          run the reference app (sealkit serve -h)
//	sealkit keys [generate|show|rotate]  the server secrets file and at-rest key rotation
//	sealkit announce [--file path | text…]  seal an operator announcement to every user (not zero-knowledge)
//	sealkit selftest               known answers and round trips of every operation
//	sealkit keygen [-level cat3]   a new X25519 key pair, or a hybrid one with -level
//	sealkit version                (or --version)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM is what systemd, Docker and Kubernetes send: it must stop
	// the server as gracefully as Ctrl-C (drain, checkpoint SQLite, exit
	// 0), not kill it mid-write.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once: the
	// way out when a graceful shutdown hangs.
	go func() { <-ctx.Done(); stop() }()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sealkit:", err)
		os.Exit(2)
	}
}

const usage = `usage: sealkit <command> [flags]

commands:
  serve      run the reference app (embedded SQLite by default; -h for flags)
  keys       generate the server secrets, show or rotate the at-rest keys
  announce   seal a text from the operator to every confirmed user (not zero-knowledge)
  selftest   run known-answer tests and round trips of every operation
  keygen     print a new key pair as JSON (-level cat1|cat3|cat5 for a hybrid one)
  version    print the version (also --version)

Run 'sealkit <command> -h' for a command's flags.
`

// run is the whole program; main only wires it to the process. Help that
// was asked for is a success: it goes to stdout and run returns nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "keys":
		return keys(ctx, rest, getenv, stdout, stderr)
	case "announce":
		return announce(ctx, rest, getenv, stdout, stderr)
	case "selftest":
		return selftest(ctx, rest, stdout, stderr)
	case "keygen":
		return keygen(rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "sealkit", version())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// parseFlags parses a command's flags. Asked-for help (-h, --help) goes
// to stdout and comes back as flag.ErrHelp, which run turns into success;
// after a bad flag the usage goes to stderr, and the error itself is
// printed once, by main.
func parseFlags(fs *flag.FlagSet, args []string, header string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard) // the flag package would print the error and the usage as well
	fs.Usage = func() {}
	err := fs.Parse(args)
	if err == nil {
		return nil
	}
	w := stderr
	if errors.Is(err, flag.ErrHelp) {
		w = stdout
	}
	fmt.Fprint(w, header)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return err
}
