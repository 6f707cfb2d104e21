package main

import (
	"bytes"
	"context"
	"crypto/sha3"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// check is one self-test step.
type check struct {
	name string
	fn   func() error
}

// selftest runs known answers (from the shared wire-format vectors) and
// round trips of every operation, and prints one line per step.
func selftest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	if err := parseFlags(fs, args, "usage: sealkit selftest\n\nRuns known-answer tests and round trips of every operation, one line each;\nfails if any step fails. It takes no flags.\n", stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("selftest: unexpected argument %q", fs.Arg(0))
	}
	failed := 0
	for _, c := range checks {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		err := c.fn()
		status := "ok  "
		if err != nil {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-40s %8s", status, c.name, time.Since(start).Round(time.Millisecond))
		if err != nil {
			fmt.Fprintf(stdout, "  %v", err)
		}
		fmt.Fprintln(stdout)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed", failed, len(checks))
	}
	fmt.Fprintf(stdout, "all %d checks passed\n", len(checks))
	return nil
}

func expect(what string, got, want string) error {
	if got != want {
		return fmt.Errorf("%s = %s, want %s", what, got, want)
	}
	return nil
}

var checks = []check{
	{"argon2id known answer", func() error {
		key, err := sealtext.DeriveSessionKey("password", "AAAAAAAAAAAAAAAAAAAAAA==")
		if err != nil {
			return err
		}
		return expect("session key", key, "P1UeG0Pw0gTuo5X6g2XhcOHt/7eQJCro8ZYxBgBI7gI=")
	}},
	{"secretbox known answer", func() error {
		pt, err := sealtext.DecryptSecretboxToString("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq51n/w1nOAVXywAiz7DrYfQLNZ3Jm", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
		if err != nil {
			return err
		}
		return expect("plaintext", pt, "hello")
	}},
	{"box seal known answer", func() error {
		pt, err := sealtext.BoxSealOpen("IZ5NgA2paNKl/LAJx4T0dGxxOO257khEtznoMLBc9CRREFj7YFUsxkEPMLhF/mxU",
			"OKtmS9hvd9fma92a4HkpE6lP2LM6EmACfktGwfSITGc=", "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVU=")
		if err != nil {
			return err
		}
		return expect("plaintext", pt, "")
	}},
	{"hybrid cat3 public key known answer", func() error {
		pk, err := sealtext.HybridPublicKey("EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8=", sealkit.Cat3)
		if err != nil {
			return err
		}
		raw, _ := sealkit.DecodeBase64(pk)
		sum := sha3.Sum512(raw)
		return expect("SHA3-512(public key)", hex.EncodeToString(sum[:8]), "8d905df533b6f8bc")
	}},
	{"recovery key known answer", func() error {
		s, err := sealtext.RecoveryKeyToSecret("AABAC-ADAEA-FAGAH-AJBKB-LBMBN-BPBQB-RBSCT-CUCVC-WCXCY-CZC2D-3D4D5-D6D7D-8D9D")
		if err != nil {
			return err
		}
		return expect("secret", s, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	}},
	{"secretbox round trip", func() error {
		key := sealkit.GenerateKey()
		ct, err := sealkit.EncryptSecretbox([]byte("sealkit"), key)
		if err != nil {
			return err
		}
		return roundTrip(sealkit.DecryptSecretbox(ct, key))
	}},
	{"box seal round trip", func() error {
		pub, priv, err := sealkit.GenerateKeyPair()
		if err != nil {
			return err
		}
		ct, err := sealkit.BoxSeal([]byte("sealkit"), pub)
		if err != nil {
			return err
		}
		return roundTrip(sealkit.BoxSealOpen(ct, pub, priv))
	}},
	{"hybrid cat1 round trip", hybridRoundTrip(sealkit.Cat1)},
	{"hybrid cat3 round trip", hybridRoundTrip(sealkit.Cat3)},
	{"hybrid cat5 round trip", hybridRoundTrip(sealkit.Cat5)},
	{"private key wrap round trip", func() error {
		_, priv, _ := sealkit.GenerateKeyPair()
		rk, err := sealkit.GenerateRecoveryKey()
		if err != nil {
			return err
		}
		ct, err := sealkit.EncryptPrivateKeyForRecovery(priv, rk.Secret)
		if err != nil {
			return err
		}
		got, err := sealkit.DecryptPrivateKeyWithRecovery(ct, rk.Secret)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, priv) {
			return errors.New("unwrapped key differs")
		}
		return nil
	}},
}

func hybridRoundTrip(level sealkit.Level) func() error {
	return func() error {
		pub, priv, _ := sealkit.GenerateKeyPair()
		pqPub, pqSeed, err := sealkit.GenerateHybridKeyPair(level)
		if err != nil {
			return err
		}
		ct, err := sealkit.SealForUserWithLevel([]byte("sealkit"), pub, pqPub, level)
		if err != nil {
			return err
		}
		if !sealkit.IsHybridCiphertext(ct) {
			return errors.New("seal not recognised as hybrid")
		}
		return roundTrip(sealkit.UnsealFromUser(ct, pub, priv, pqSeed))
	}
}

func roundTrip(pt []byte, err error) error {
	if err != nil {
		return err
	}
	if string(pt) != "sealkit" {
		return fmt.Errorf("round trip gave %q", pt)
	}
	return nil
}
