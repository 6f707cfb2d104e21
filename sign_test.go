package sealkit

import (
	"bytes"
	"crypto/elliptic"
	"errors"
	"testing"

	"github.com/sealkit/sealkit/internal/sign"
)

// Every suite and level: sizes, tags, derive, sign, verify, posture, and
// rejection of another message, another context and another key.
func TestSignRoundTrip(t *testing.T) {
	cases := []struct {
		suite       Suite
		level       SignLevel
		tag         byte
		sk, pk, sig int
		postSuite   Suite
		postLevel   SignLevel
	}{
		{SuiteHybrid, SignCat2, 0x01, 65, 1345, 2485, SuiteHybrid, SignCat2},
		{SuiteHybrid, SignCat3, 0x02, 65, 1985, 3374, SuiteHybrid, SignCat3},
		{SuiteHybrid, SignCat5, 0x03, 65, 2625, 4692, SuiteHybrid, SignCat5},
		{SuiteHybridMatched, SignCat2, 0x01, 65, 1345, 2485, SuiteHybrid, SignCat2},
		{SuiteHybridMatched, SignCat3, 0x13, 90, 2010, 3424, SuiteHybridMatched, SignCat3},
		{SuiteHybridMatched, SignCat5, 0x14, 99, 2726, 4760, SuiteHybridMatched, SignCat5},
		{SuitePureCnsa2, SignCat5, 0x10, 33, 2593, 4628, SuitePureCnsa2, SignCat5},
	}
	msg := []byte("an identity bundle")
	for _, c := range cases {
		t.Run(c.suite.String()+"/"+c.level.String(), func(t *testing.T) {
			pk, sk, err := GenerateSigningKeyPairSuite(c.suite, c.level)
			if unsupportedHere(c.tag) {
				wantUnsupported(t, "generate", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(sk) != c.sk || len(pk) != c.pk || sk[0] != c.tag || pk[0] != c.tag {
				t.Fatalf("sk %d bytes tag %#x, pk %d bytes tag %#x", len(sk), sk[0], len(pk), pk[0])
			}
			if d, err := DeriveSigningPublicKey(sk); err != nil || !bytes.Equal(d, pk) {
				t.Fatalf("derive: %v", err)
			}
			sig, err := Sign(msg, SignContextV1, sk)
			if err != nil || len(sig) != c.sig || sig[0] != c.tag {
				t.Fatalf("sign: %d bytes, %v", len(sig), err)
			}
			if sig2, _ := Sign(msg, SignContextV1, sk); bytes.Equal(sig, sig2) {
				t.Fatal("two signatures are equal: signing is not hedged")
			}
			if ok, err := Verify(msg, SignContextV1, sig, pk); !ok || err != nil {
				t.Fatalf("verify = %v, %v", ok, err)
			}
			for name, args := range map[string]struct {
				msg []byte
				ctx string
			}{"message": {[]byte("an identity bundlE"), SignContextV1}, "context": {msg, "metamorphic/sign/v2"}, "empty context": {msg, ""}} {
				if ok, err := Verify(args.msg, args.ctx, sig, pk); ok || err != nil {
					t.Errorf("verify with another %s = %v, %v", name, ok, err)
				}
			}
			pk2, _, err := GenerateSigningKeyPairSuite(c.suite, c.level)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := Verify(msg, SignContextV1, sig, pk2); ok || err != nil {
				t.Fatalf("verify under another key = %v, %v", ok, err)
			}
			checkEveryHalf(t, msg, SignContextV1, sig, pk)
			for _, p := range []func([]byte) (Suite, SignLevel, error){SignaturePosture, nil} {
				var s Suite
				var l SignLevel
				if p != nil {
					s, l, err = p(pk)
				} else {
					s, l, err = SignaturePostureFromSignature(sig)
				}
				if err != nil || s != c.postSuite || l != c.postLevel {
					t.Fatalf("posture = %v %v %v", s, l, err)
				}
			}
		})
	}
}

// The default: GenerateSigningKeyPair is the Hybrid suite; the zero level
// is Cat-3.
func TestSignDefaults(t *testing.T) {
	pk, sk, err := GenerateSigningKeyPair(SignCat3)
	if err != nil || pk[0] != 0x02 || sk[0] != 0x02 {
		t.Fatalf("default pair: %v", err)
	}
	var zero SignLevel
	var zs Suite
	if zero != SignCat3 || zs != SuiteHybrid {
		t.Fatal("zero values are not Cat-3 / Hybrid")
	}
	// Framing: the message is not simply appended to the context, so
	// moving a byte between them changes what is signed.
	sig, _ := Sign([]byte("bc"), "a", sk)
	if ok, _ := Verify([]byte("c"), "ab", sig, pk); ok {
		t.Fatal("context/message boundary is not framed")
	}
	// Empty message and empty context sign and verify.
	sig, err = Sign(nil, "", sk)
	if ok, err2 := Verify([]byte{}, "", sig, pk); err != nil || !ok || err2 != nil {
		t.Fatalf("empty message/context: %v %v %v", ok, err, err2)
	}
}

func TestParseSignLevelAndSuite(t *testing.T) {
	for s, want := range map[string]SignLevel{"": SignCat3, "cat3": SignCat3, "CAT2": SignCat2, "Cat5": SignCat5} {
		if got, err := ParseSignLevel(s); err != nil || got != want {
			t.Errorf("ParseSignLevel(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"cat1", "cat 3", "3", "cat3 ", "caT4"} {
		if _, err := ParseSignLevel(s); !errors.Is(err, ErrSignature) {
			t.Errorf("ParseSignLevel(%q): %v", s, err)
		}
	}
	for s, want := range map[string]Suite{"": SuiteHybrid, "Hybrid": SuiteHybrid, "hybrid_matched": SuiteHybridMatched,
		"Hybrid-Matched": SuiteHybridMatched, "matched": SuiteHybridMatched, "pure_cnsa2": SuitePureCnsa2,
		"PURE": SuitePureCnsa2, "cnsa 2": SuitePureCnsa2, "pure cnsa2": SuitePureCnsa2} {
		if got, err := ParseSuite(s); err != nil || got != want {
			t.Errorf("ParseSuite(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"hybridx", "ed25519", "pure.cnsa2"} {
		if _, err := ParseSuite(s); !errors.Is(err, ErrSignature) {
			t.Errorf("ParseSuite(%q): %v", s, err)
		}
	}
}

func TestSignPureCnsa2BelowCat5(t *testing.T) {
	const want = "signature: PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0"
	for _, l := range []SignLevel{SignCat2, SignCat3} {
		if _, _, err := GenerateSigningKeyPairSuite(SuitePureCnsa2, l); err == nil || err.Error() != want {
			t.Errorf("PureCnsa2 %v: %v", l, err)
		}
	}
	if _, _, err := GenerateSigningKeyPairSuite(SuiteHybrid, SignLevel(7)); !errors.Is(err, ErrSignature) {
		t.Errorf("unknown level: %v", err)
	}
	if _, _, err := GenerateSigningKeyPairSuite(Suite(7), SignCat3); !errors.Is(err, ErrSignature) {
		t.Errorf("unknown suite: %v", err)
	}
}

// Secret keys of the wrong size: InvalidLength against the tag's size;
// unknown or missing tags: the Signature error.
func TestSignMalformedSecretKey(t *testing.T) {
	const unknown = "signature: unknown or missing signature version tag"
	for _, c := range []struct {
		sk   []byte
		want string
	}{
		{nil, unknown},
		{[]byte{}, unknown},
		{[]byte{0x00}, unknown},
		{bytes.Repeat([]byte{0x04}, 65), unknown},
		{bytes.Repeat([]byte{0x11}, 33), unknown},
		{bytes.Repeat([]byte{0xff}, 99), unknown},
		{[]byte{0x01}, "invalid length: expected 65 bytes, got 1"},
		{bytes.Repeat([]byte{0x02}, 64), "invalid length: expected 65 bytes, got 64"},
		{bytes.Repeat([]byte{0x03}, 66), "invalid length: expected 65 bytes, got 66"},
		{bytes.Repeat([]byte{0x10}, 65), "invalid length: expected 33 bytes, got 65"},
		{bytes.Repeat([]byte{0x13}, 89), "invalid length: expected 90 bytes, got 89"},
		{bytes.Repeat([]byte{0x14}, 100), "invalid length: expected 99 bytes, got 100"},
	} {
		if _, err := Sign([]byte("m"), SignContextV1, c.sk); err == nil || err.Error() != c.want {
			t.Errorf("Sign(%d bytes %x…): %v, want %q", len(c.sk), c.sk[:min(1, len(c.sk))], err, c.want)
		}
		if _, err := DeriveSigningPublicKey(c.sk); err == nil || err.Error() != c.want {
			t.Errorf("Derive(%d bytes): %v, want %q", len(c.sk), err, c.want)
		}
	}
}

// P-521: a seed that reduces to zero mod n has no key: an error, not a
// panic.
func TestSignP521ZeroScalar(t *testing.T) {
	if browserBuild {
		t.Skip("P-521 is not in the browser build")
	}
	// n of P-521, big-endian in 66 bytes: n mod n = 0.
	n := elliptic.P521().Params().N.FillBytes(make([]byte, 66))
	for _, seed := range [][]byte{make([]byte, 66), n} {
		sk := append(append([]byte{0x14}, seed...), make([]byte, 32)...)
		if _, err := DeriveSigningPublicKey(sk); !errors.Is(err, ErrSignature) {
			t.Errorf("derive with a zero scalar: %v", err)
		}
		if _, err := Sign([]byte("m"), "", sk); !errors.Is(err, ErrSignature) {
			t.Errorf("sign with a zero scalar: %v", err)
		}
	}
}

// Verify's decision order (wire-format.md §5.1), case by case.
func TestVerifyDecisionOrder(t *testing.T) {
	msg := []byte("m")
	pk2, sk2, err := GenerateSigningKeyPair(SignCat2)
	if err != nil {
		t.Fatal(err)
	}
	sig2, _ := Sign(msg, SignContextV1, sk2)
	pk3, sk3, _ := GenerateSigningKeyPair(SignCat3)
	sig3, _ := Sign(msg, SignContextV1, sk3)
	pkP, skP, _ := GenerateSigningKeyPairSuite(SuitePureCnsa2, SignCat5)
	sigP, _ := Sign(msg, SignContextV1, skP)
	unknownErr := "signature: unknown or missing signature version tag"
	retag := func(b []byte, tag byte) []byte { c := bytes.Clone(b); c[0] = tag; return c }
	cases := []struct {
		name    string
		sig, pk []byte
		ok      bool
		err     string
	}{
		{"valid 0x01", sig2, pk2, true, ""},
		{"valid 0x10", sigP, pkP, true, ""},
		// 1. new-suite signature
		{"0x10 sig, empty pk", sigP, nil, false, ""},
		{"0x10 sig, 0x02 pk", sigP, pk3, false, ""},
		{"0x10 sig, unknown-tag pk", sigP, retag(pk3, 0x7f), false, ""},
		{"0x10 sig, short", sigP[:len(sigP)-1], pkP, false, ""},
		{"0x10 sig, long pk", sigP, append(bytes.Clone(pkP), 0), false, ""},
		{"0x13 sig, 0x13 pk, wrong sizes", retag(sig3, 0x13), retag(pk3, 0x13), false, ""},
		// 2. new-suite pk
		{"0x02 sig, 0x10 pk", sig3, pkP, false, ""},
		{"unknown sig, 0x10 pk", retag(sig3, 0x7f), pkP, false, ""},
		{"empty sig, 0x14 pk", nil, retag(pkP, 0x14), false, ""},
		// 3. unknown tags
		{"empty sig", nil, pk3, false, unknownErr},
		{"empty pk", sig3, nil, false, unknownErr},
		{"both empty", nil, nil, false, unknownErr},
		{"unknown sig tag", retag(sig3, 0x04), pk3, false, unknownErr},
		{"unknown pk tag", sig3, retag(pk3, 0x00), false, unknownErr},
		{"unknown pk tag, short sig", sig3[:10], retag(pk3, 0xff), false, unknownErr},
		// 4. legacy mismatch or size
		{"0x01 sig, 0x02 pk", sig2, pk3, false, ""},
		{"0x02 sig retagged 0x01", retag(sig3, 0x01), pk2, false, ""},
		{"0x02 sig truncated", sig3[:len(sig3)-1], pk3, false, ""},
		{"0x02 pk truncated", sig3, pk3[:len(pk3)-1], false, ""},
		{"only tags", []byte{0x02}, []byte{0x02}, false, ""},
	}
	for _, c := range cases {
		ok, err := Verify(msg, SignContextV1, c.sig, c.pk)
		if c.err != "" {
			if ok || err == nil || err.Error() != c.err {
				t.Errorf("%s: %v, %v; want error %q", c.name, ok, err, c.err)
			}
			continue
		}
		if ok != c.ok || err != nil {
			t.Errorf("%s: %v, %v; want %v", c.name, ok, err, c.ok)
		}
	}
}

// Posture: exact sizes, unknown tags.
func TestSignaturePostureMalformed(t *testing.T) {
	pk, _, _ := GenerateSigningKeyPair(SignCat3)
	for _, b := range [][]byte{pk[:len(pk)-1], append(bytes.Clone(pk), 0), pk[:1]} {
		var le *InvalidLengthError
		if _, _, err := SignaturePosture(b); !errors.As(err, &le) || le.Expected != 1985 || le.Got != len(b) {
			t.Errorf("posture(%d bytes): %v", len(b), err)
		}
		if _, _, err := SignaturePostureFromSignature(b); !errors.As(err, &le) || le.Expected != 3374 {
			t.Errorf("posture from signature(%d bytes): %v", len(b), err)
		}
	}
	for tag := range 256 {
		b := make([]byte, 4700)
		b[0] = byte(tag)
		_, _, err := SignaturePosture(b)
		if sign.ByTag(byte(tag)) == nil {
			if !errors.Is(err, ErrSignature) {
				t.Errorf("tag %#x: %v", tag, err)
			}
		} else if !errors.Is(err, ErrInvalidLength) {
			t.Errorf("tag %#x, 4700 bytes: %v", tag, err)
		}
	}
}
