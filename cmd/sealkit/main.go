// Command sealkit is the sealkit command line: it serves the reference app,
// manages its server secrets, and checks the crypto core on this machine.
//
//	sealkit serve [flags]          run the reference app (sealkit serve -h)
//	sealkit keys [generate|show|rotate]  the server secrets file and at-rest key rotation
//	sealkit announce [--file path | text…]  seal an operator announcement to every user (not zero-knowledge)
//	sealkit selftest               known answers and round trips of every operation
//	sealkit keygen [-level cat3]   a new X25519 key pair, or a hybrid one with -level
//	sealkit version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sealkit:", err)
		}
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
  version    print the version

Run 'sealkit <command> -h' for a command's flags.
`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
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
	case "version":
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
