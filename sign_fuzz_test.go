package sealkit

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sealkit/sealkit/internal/sign"
)

// Fuzz targets for the signature parsers and Verify (scripts/fuzz.sh runs
// every FuzzXxx). As in fuzz_test.go, each checks more than "no panic":
// the error is the crate's for that input, in the crate's order, and
// Verify says true only for a message and context that the key's holder
// (this file's fixture, or a vector) signed — the fuzzer cannot forge
// ML-DSA, so any other true is a bug. The seeds are added with f.Add:
// keys from a fixed ChaCha8 stream and the fixed signatures of
// testdata/vectors/sign.json.

// sfKnown is a message and context that a key of the fixture (or of a
// vector) signed. The keys come from a fixed stream, so every fuzz worker
// process has the same ones; the signatures are hedged and differ per
// process, so the property is about what was signed, not which signature:
// a true Verify for a (key, message, context) nobody signed is a forgery.
type sfKnown struct {
	msg []byte
	ctx string
}

type sfFixture struct {
	sks   [][]byte // one secret key per tag this build signs with
	sigs  [][]byte // a signature by each, of sfMsg under SignContextV1
	pks   [][]byte
	known map[string][]sfKnown // by public key
}

const sfMsg = "fuzz me"

var (
	sfOnce sync.Once
	sfFix  *sfFixture
	sfErr  error
)

func signFuzzFixture(tb testing.TB) *sfFixture {
	tb.Helper()
	sfOnce.Do(func() { sfFix, sfErr = buildSignFuzzFixture() })
	if sfErr != nil {
		tb.Fatalf("sign fuzz fixture: %v", sfErr)
	}
	return sfFix
}

func buildSignFuzzFixture() (*sfFixture, error) {
	r := rand.NewChaCha8(sha256.Sum256([]byte("sealkit sign fuzz fixture v1")))
	x := &sfFixture{known: map[string][]sfKnown{}}
	for _, tag := range []byte{0x01, 0x02, 0x03, 0x10, 0x13, 0x14} {
		if unsupportedHere(tag) {
			continue
		}
		sk := make([]byte, sign.ByTag(tag).SecretKeyLen())
		sk[0] = tag
		r.Read(sk[1:])
		pk, err := DeriveSigningPublicKey(sk)
		if err != nil {
			return nil, err
		}
		sig, err := Sign([]byte(sfMsg), SignContextV1, sk)
		if err != nil {
			return nil, err
		}
		x.sks, x.pks, x.sigs = append(x.sks, sk), append(x.pks, pk), append(x.sigs, sig)
		x.known[string(pk)] = append(x.known[string(pk)], sfKnown{[]byte(sfMsg), SignContextV1})
	}
	return x, nil
}

// sfVectors returns the vectors' signatures, public keys and messages.
func sfVectors(tb testing.TB) (sigs, pks [][]byte, msgs [][]byte) {
	for _, v := range loadVectors(tb, "sign") {
		sigB64, ok := v["signature_b64"].(string)
		if !ok {
			continue
		}
		sig, err1 := DecodeBase64(sigB64)
		pk, err2 := DecodeBase64(v["public_key_b64"].(string))
		if err1 != nil || err2 != nil {
			tb.Fatalf("vector %q: %v %v", v["desc"], err1, err2)
		}
		sigs, pks = append(sigs, sig), append(pks, pk)
		msgs = append(msgs, []byte(v["message_utf8"].(string)))
	}
	return
}

// sfIsSuite reports whether a tag is a v0.7 suite tag.
func sfIsSuite(t byte) bool { return t == 0x10 || t == 0x13 || t == 0x14 }

// sfLegacy reports whether a tag is one of 0x01–0x03.
func sfLegacy(t byte) bool { return t >= 0x01 && t <= 0x03 }

func FuzzVerify(f *testing.F) {
	x := signFuzzFixture(f)
	vsigs, vpks, vmsgs := sfVectors(f)
	for i, sig := range vsigs {
		x.known[string(vpks[i])] = append(x.known[string(vpks[i])], sfKnown{vmsgs[i], SignContextV1})
		f.Add(vmsgs[i], SignContextV1, sig, vpks[i])
	}
	for i, sig := range x.sigs {
		f.Add([]byte(sfMsg), SignContextV1, sig, x.pks[i])
		f.Add([]byte(sfMsg), SignContextV1, sig[:len(sig)-1], x.pks[i])
		f.Add([]byte(sfMsg), "", sig, x.pks[i])
		f.Add([]byte(sfMsg), SignContextV1, sig, x.pks[(i+1)%len(x.pks)])
	}
	f.Add([]byte{}, "", []byte{}, []byte{})
	f.Add([]byte("m"), "c", []byte{0x09, 0x09}, []byte{0x09})
	f.Add([]byte("m"), "c", []byte{0x10}, []byte{})
	f.Add([]byte("m"), "c", []byte{0x02}, []byte{0x14})
	f.Fuzz(func(t *testing.T, msg []byte, ctx string, sig, pk []byte) {
		ok, err := Verify(msg, ctx, sig, pk)
		// The crate's decision order (wire-format.md §5.1).
		wantErr := false
		switch {
		case len(sig) > 0 && sfIsSuite(sig[0]):
		case len(pk) > 0 && sfIsSuite(pk[0]):
		case len(sig) == 0 || !sfLegacy(sig[0]) || len(pk) == 0 || !sfLegacy(pk[0]):
			wantErr = true
		}
		if wantErr {
			if ok || err == nil || err.Error() != "signature: unknown or missing signature version tag" || !errors.Is(err, ErrSignature) {
				t.Fatalf("Verify(sig %x…, pk %x…) = %v, %v; want the unknown-tag error", sig[:min(len(sig), 1)], pk[:min(len(pk), 1)], ok, err)
			}
			return
		}
		if err != nil {
			if browserBuild && len(sig) > 0 && unsupportedHere(sig[0]) && strings.Contains(err.Error(), "not in the browser build") {
				return
			}
			t.Fatalf("Verify: unexpected error %v", err)
		}
		if !ok {
			return
		}
		for _, k := range x.known[string(pk)] {
			if bytes.Equal(k.msg, msg) && k.ctx == ctx {
				return
			}
		}
		t.Fatalf("Verify accepted a signature nobody made: sig %x… pk %x… msg %q ctx %q", sig[:min(len(sig), 8)], pk[:min(len(pk), 8)], msg, ctx)
	})
}

// FuzzSigningSecretKey: DeriveSigningPublicKey and Sign on any secret
// key: the crate's errors, and on success a key pair that signs and
// verifies.
func FuzzSigningSecretKey(f *testing.F) {
	x := signFuzzFixture(f)
	for _, sk := range x.sks {
		f.Add(sk)
		f.Add(sk[:len(sk)-1])
		f.Add(append(bytes.Clone(sk), 0))
	}
	f.Add([]byte{})
	f.Add([]byte{0x09})
	f.Add(bytes.Repeat([]byte{0x11}, 33))
	f.Fuzz(func(t *testing.T, sk []byte) {
		pk, err := DeriveSigningPublicKey(sk)
		l := (*sign.Layout)(nil)
		if len(sk) > 0 {
			l = sign.ByTag(sk[0])
		}
		switch {
		case l == nil:
			if err == nil || err.Error() != "signature: unknown or missing signature version tag" {
				t.Fatalf("unknown tag: %v", err)
			}
			return
		case len(sk) != l.SecretKeyLen():
			var le *InvalidLengthError
			if !errors.As(err, &le) || le.Expected != l.SecretKeyLen() || le.Got != len(sk) {
				t.Fatalf("%d-byte key with tag %#x: %v", len(sk), sk[0], err)
			}
			return
		case unsupportedHere(sk[0]):
			if err == nil || !strings.Contains(err.Error(), "not in the browser build") {
				t.Fatalf("tag %#x in the browser build: %v", sk[0], err)
			}
			return
		}
		if err != nil {
			// Only a P-521 seed that reduces to zero has no key.
			if sk[0] != 0x14 || !errors.Is(err, ErrSignature) {
				t.Fatalf("DeriveSigningPublicKey: %v", err)
			}
			return
		}
		if len(pk) != l.PublicKeyLen() || pk[0] != sk[0] {
			t.Fatalf("public key: %d bytes, tag %#x", len(pk), pk[0])
		}
		sig, err := Sign([]byte(sfMsg), SignContextV1, sk)
		if err != nil || len(sig) != l.SignatureLen() {
			t.Fatalf("Sign: %d bytes, %v", len(sig), err)
		}
		if ok, err := Verify([]byte(sfMsg), SignContextV1, sig, pk); !ok || err != nil {
			t.Fatalf("Verify(own signature) = %v, %v", ok, err)
		}
	})
}

// FuzzSignaturePosture: both posture functions on any blob.
func FuzzSignaturePosture(f *testing.F) {
	x := signFuzzFixture(f)
	for i := range x.pks {
		f.Add(x.pks[i])
		f.Add(x.sigs[i])
		f.Add(x.sigs[i][:len(x.sigs[i])-1])
	}
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0x7f}, 128))
	f.Fuzz(func(t *testing.T, blob []byte) {
		for _, asSig := range []bool{false, true} {
			var s Suite
			var lv SignLevel
			var err error
			if asSig {
				s, lv, err = SignaturePostureFromSignature(blob)
			} else {
				s, lv, err = SignaturePosture(blob)
			}
			var l *sign.Layout
			if len(blob) > 0 {
				l = sign.ByTag(blob[0])
			}
			if l == nil {
				if err == nil || err.Error() != "signature: unknown or missing signature version tag" {
					t.Fatalf("posture of an unknown tag: %v", err)
				}
				continue
			}
			want := l.PublicKeyLen()
			if asSig {
				want = l.SignatureLen()
			}
			if len(blob) != want {
				var le *InvalidLengthError
				if !errors.As(err, &le) || le.Expected != want || le.Got != len(blob) {
					t.Fatalf("posture of %d bytes, tag %#x: %v", len(blob), blob[0], err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			// The tag the suite and level name is the blob's, except that
			// HybridMatched Cat-2 is written as 0x01 (Hybrid Cat-2).
			tag, err := signTag(s, lv)
			if err != nil || tag != blob[0] {
				t.Fatalf("posture %v/%v of tag %#x gives tag %#x, %v", s, lv, blob[0], tag, err)
			}
		}
	})
}

func FuzzParseSignLevelAndSuite(f *testing.F) {
	for _, s := range []string{"", "cat2", "CAT3", "Cat5", "cat1", "hybrid", "Hybrid_Matched", "pure-cnsa2", "cnsa 2", "matched", "pure", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseSignLevel(s)
		want := map[string]SignLevel{"": SignCat3, "cat3": SignCat3, "cat2": SignCat2, "cat5": SignCat5}
		w, ok := want[strings.ToLower(s)]
		if ok && len(strings.ToLower(s)) != len(s) {
			ok = false // a non-ASCII rune that lower-cases to ASCII
		}
		if ok != (err == nil) || ok && l != w {
			t.Fatalf("ParseSignLevel(%q) = %v, %v", s, l, err)
		}
		if err != nil && (!errors.Is(err, ErrSignature) ||
			err.Error() != "signature: unknown signature level "+strconv.Quote(s)+" (want cat2, cat3 or cat5)") {
			t.Fatalf("ParseSignLevel(%q): %v", s, err)
		}
		su, err := ParseSuite(s)
		norm := strings.Map(func(r rune) rune {
			if r == '_' || r == '-' || r == ' ' {
				return -1
			}
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}, s)
		suites := map[string]Suite{"": SuiteHybrid, "hybrid": SuiteHybrid, "hybridmatched": SuiteHybridMatched, "matched": SuiteHybridMatched,
			"purecnsa2": SuitePureCnsa2, "pure": SuitePureCnsa2, "cnsa2": SuitePureCnsa2}
		ws, ok := suites[norm]
		if ok != (err == nil) || ok && su != ws {
			t.Fatalf("ParseSuite(%q) = %v, %v", s, su, err)
		}
		if err != nil && !errors.Is(err, ErrSignature) {
			t.Fatalf("ParseSuite(%q): %v", s, err)
		}
	})
}
