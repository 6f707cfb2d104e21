package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/sealkit/sealkit/sealtext"
)

const keygenUsage = `usage: sealkit keygen [-level cat1|cat3|cat5]

Prints a new key pair as JSON: an X25519 one (publicKey, privateKey), or
with -level a hybrid ML-KEM + X25519 one (level, publicKey, secretKey).

flags:
`

// keygen prints a new key pair. The private key goes to stdout by design:
// this is the command a person runs to make one.
func keygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	level := fs.String("level", "", "make a hybrid ML-KEM + X25519 key pair at `cat1`, cat3 or cat5 instead of an X25519 one")
	if err := parseFlags(fs, args, keygenUsage, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("keygen: unexpected argument %q", fs.Arg(0))
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if *level == "" {
		kp, err := sealtext.GenerateKeyPair()
		if err != nil {
			return err
		}
		return enc.Encode(map[string]string{"publicKey": kp.PublicKey, "privateKey": kp.PrivateKey})
	}
	l, err := sealtext.ParseLevel(*level)
	if err != nil {
		return err
	}
	kp, err := sealtext.GenerateHybridKeyPair(l)
	if err != nil {
		return err
	}
	return enc.Encode(map[string]string{"level": l.String(), "publicKey": kp.PublicKey, "secretKey": kp.SecretKey})
}
