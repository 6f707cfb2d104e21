//go:build !js

package jstest

// The cross-target suite: every operation of the JavaScript API, with
// random inputs, in both directions between native Go and one JavaScript
// target — what Go produces the target opens, and what the target produces
// Go opens — plus agreement of the deterministic functions and of the
// error codes and texts. It runs against Chromium (through the SDK's
// worker) and against Node (through js/crypto.js), see TestCrossTarget*.
//
// Inputs come from a PCG stream seeded by a 64-bit seed that is logged;
// SEALKIT_CROSS_SEED=<seed> replays it. Randomness drawn inside the
// implementations (keys, nonces, ephemeral keys) stays fresh.

import (
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
)

// crossCases is the number of random cases per operation and direction;
// case 0 has an empty plaintext and case 1 one above 64 KiB.
const crossCases = 8

// crossArgon2Cases is the number of Argon2id derivations compared per target
// (about 0.5 s each natively, a few seconds in wasm).
const crossArgon2Cases = 4

func TestCrossTargetNode(t *testing.T) {
	t.Parallel()
	p := startNodePeer(t)
	runCrossSuite(t, p)
}

func TestCrossTargetChromium(t *testing.T) {
	t.Parallel()
	_, b := startBrowserTest(t)
	var ready struct{ Mode string }
	mustUnmarshal(t, b.open("sdk.html"), &ready)
	if ready.Mode != "worker" {
		t.Fatalf("loadCrypto() on a page resolved to mode %q, want \"worker\"", ready.Mode)
	}
	runCrossSuite(t, browserPeer{b})
	b.assertNoViolations()
}

// crossSeed returns SEALKIT_CROSS_SEED or a fresh random seed.
func crossSeed(t *testing.T) uint64 {
	t.Helper()
	if s := os.Getenv("SEALKIT_CROSS_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("SEALKIT_CROSS_SEED=%q: %v", s, err)
		}
		return seed
	}
	var b [8]byte
	crand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// cross is the state of one run of the suite against one remote target.
type cross struct {
	rng    *rand.Rand
	local  peer
	remote peer
}

type direction struct {
	name       string
	prod, cons peer
}

func runCrossSuite(t *testing.T, remote peer) {
	seed := crossSeed(t)
	t.Logf("cross-target seed %d (replay with SEALKIT_CROSS_SEED=%d)", seed, seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("cross-target seed was %d: SEALKIT_CROSS_SEED=%d go test -run '%s' ./internal/jstest", seed, seed, t.Name())
		}
	})
	x := &cross{rng: rand.New(rand.NewPCG(seed, 0x5ea1c17)), local: nativePeer{}, remote: remote}
	for _, op := range []struct {
		name string
		run  func(t *testing.T, d direction)
	}{
		{"secretbox-bytes", x.secretboxBytes},
		{"secretbox-string", x.secretboxString},
		{"private-key", x.privateKey},
		{"recovery", x.recovery},
		{"box-seal", x.boxSeal},
		{"seal-for-user-box", x.sealForUserBox},
		{"seal-for-user-pq", x.sealForUserPQ},
		{"session-key", x.sessionKey},
		{"signatures", x.signatures},
	} {
		t.Run(op.name, func(t *testing.T) {
			for _, d := range x.directions() {
				t.Run(d.name, func(t *testing.T) { op.run(t, d) })
			}
		})
	}
	t.Run("agree/parse-salt-from-key-hash", x.agreeKeyHash)
	t.Run("agree/is-hybrid-ciphertext", x.agreeIsHybrid)
	t.Run("agree/errors", x.agreeErrors)
	t.Run("agree/random-malformed", x.agreeRandomMalformed)
}

func (x *cross) directions() []direction {
	return []direction{
		{"go-to-" + x.remote.name(), x.local, x.remote},
		{x.remote.name() + "-to-go", x.remote, x.local},
	}
}

// ---- helpers -------------------------------------------------------------------

var b64 = base64.StdEncoding

// do calls fn on p and fails the test if it fails. Arguments are not
// printed: they hold keys.
func do(t *testing.T, p peer, fn string, args ...any) any {
	t.Helper()
	v, err := p.call(fn, args...)
	if err != nil {
		t.Fatalf("%s: %s failed: %v", p.name(), fn, err)
	}
	return v
}

// doStr is do for a function that returns a string.
func doStr(t *testing.T, p peer, fn string, args ...any) string {
	t.Helper()
	v := do(t, p, fn, args...)
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s: %s returned %T, want a string", p.name(), fn, v)
	}
	return s
}

// doObj is do for a function that returns an object of strings with
// exactly the given keys.
func doObj(t *testing.T, p peer, fn string, keys ...string) map[string]string {
	t.Helper()
	v := do(t, p, fn)
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: %s returned %T, want an object", p.name(), fn, v)
	}
	out := map[string]string{}
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			t.Fatalf("%s: %s: field %q is %T, want a string", p.name(), fn, k, val)
		}
		out[k] = s
	}
	if len(out) != len(keys) {
		t.Fatalf("%s: %s returned fields %v, want %v", p.name(), fn, mapKeys(out), keys)
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			t.Fatalf("%s: %s returned fields %v, want %v", p.name(), fn, mapKeys(out), keys)
		}
	}
	return out
}

func mapKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// fingerprint describes a secret or a large value without showing it.
func fingerprint(s string) string {
	h := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%d chars, sha256 %x…", len(s), h[:6])
}

// same fails the test if got != want, describing both without their values.
func same(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s differs: got %s, want %s", what, fingerprint(got), fingerprint(want))
	}
}

// decoded returns the bytes of a base64 result, failing on bad base64.
func decoded(t *testing.T, what, s string) []byte {
	t.Helper()
	b, err := b64.Strict().DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		t.Fatalf("%s is not canonical padded base64 (%s)", what, fingerprint(s))
	}
	return b
}

// owner returns the side that generates key k (0, 1, ...) of case i:
// bit k of i, so that cases 0–3 cover every combination of two keys.
func (d direction) owner(i, k int) peer {
	if (i>>k)&1 == 0 {
		return d.prod
	}
	return d.cons
}

// ptLen is the plaintext length of case i: 0, then above 64 KiB, then a
// mix of small and medium sizes.
func (x *cross) ptLen(i int) int {
	switch {
	case i == 0:
		return 0
	case i == 1:
		return 64<<10 + 1 + x.rng.IntN(16<<10)
	case i%2 == 0:
		return 1 + x.rng.IntN(64)
	default:
		return 65 + x.rng.IntN(8<<10)
	}
}

func (x *cross) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(x.rng.Uint32())
	}
	return b
}

// runePools are the sources of random text: ASCII, Latin-1 and other
// two-byte letters, three-byte CJK and symbols, four-byte emoji and
// supplementary letters (surrogate pairs in JavaScript), and controls.
var runePools = [][2]rune{
	{0x20, 0x7e}, {0x20, 0x7e}, {0x20, 0x7e},
	{0x00, 0x1f},
	{0xa0, 0x24f}, {0x370, 0x3ff}, {0x400, 0x4ff},
	{0x4e00, 0x9fff}, {0x2000, 0x2bff}, {0xe000, 0xf8ff}, {0xfff0, 0xfffd},
	{0x1f300, 0x1faff}, {0x10000, 0x1018f}, {0x20000, 0x2a6df},
}

// text returns a random valid UTF-8 string of about n bytes (never a
// surrogate, so it round-trips through JavaScript strings).
func (x *cross) text(n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		p := runePools[x.rng.IntN(len(runePools))]
		r := p[0] + rune(x.rng.IntN(int(p[1]-p[0]+1)))
		if !utf8.ValidRune(r) {
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// ---- round trips ---------------------------------------------------------------

func (x *cross) secretboxBytes(t *testing.T, d direction) {
	for i := range crossCases {
		key := doStr(t, d.owner(i, 0), "generateKey")
		if n := len(decoded(t, "generateKey", key)); n != 32 {
			t.Fatalf("generateKey: %d bytes", n)
		}
		pt := b64.EncodeToString(x.bytes(x.ptLen(i)))
		ct := doStr(t, d.prod, "encryptSecretbox", pt, key)
		if got, want := len(decoded(t, "ciphertext", ct)), 40+len(decoded(t, "plaintext", pt)); got != want {
			t.Fatalf("case %d: ciphertext of %d bytes, want %d", i, got, want)
		}
		same(t, fmt.Sprintf("case %d: %s decryptSecretbox", i, d.cons.name()), doStr(t, d.cons, "decryptSecretbox", ct, key), pt)
	}
}

func (x *cross) secretboxString(t *testing.T, d direction) {
	for i := range crossCases {
		key := doStr(t, d.owner(i, 0), "generateKey")
		s := x.text(x.ptLen(i))
		ct := doStr(t, d.prod, "encryptSecretboxString", s, key)
		if got, want := len(decoded(t, "ciphertext", ct)), 40+len(s); got != want {
			t.Fatalf("case %d: ciphertext of %d bytes for %d UTF-8 bytes, want %d", i, got, len(s), want)
		}
		same(t, fmt.Sprintf("case %d: %s decryptSecretboxToString", i, d.cons.name()), doStr(t, d.cons, "decryptSecretboxToString", ct, key), s)
		same(t, fmt.Sprintf("case %d: %s decryptSecretbox (UTF-8 bytes)", i, d.cons.name()), doStr(t, d.cons, "decryptSecretbox", ct, key), b64.EncodeToString([]byte(s)))
	}
}

func (x *cross) privateKey(t *testing.T, d direction) {
	for i := range crossCases {
		kp := doObj(t, d.owner(i, 0), "generateKeyPair", "publicKey", "privateKey")
		sessionKey := doStr(t, d.owner(i, 1), "generateKey")
		ct := doStr(t, d.prod, "encryptPrivateKey", kp["privateKey"], sessionKey)
		same(t, fmt.Sprintf("case %d: decryptPrivateKey", i), doStr(t, d.cons, "decryptPrivateKey", ct, sessionKey), kp["privateKey"])
		// The crate encrypts the base64 text of the key.
		same(t, fmt.Sprintf("case %d: decryptSecretboxToString of a wrapped key", i), doStr(t, d.cons, "decryptSecretboxToString", ct, sessionKey), kp["privateKey"])
	}
}

// signatures: a key pair made on either side (Hybrid at each level, and
// PureCnsa2), its public key derived on the other; the producer signs and
// the consumer verifies (and refuses another context); both read the same
// posture.
func (x *cross) signatures(t *testing.T, d direction) {
	kinds := [][2]string{{"hybrid", "cat2"}, {"", "cat3"}, {"hybrid", "CAT5"}, {"pure", "cat5"}}
	for i := range crossCases {
		k := kinds[i%len(kinds)]
		v := do(t, d.owner(i, 0), "generateSigningKeyPairSuite", k[0], k[1])
		kp, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("case %d: generateSigningKeyPairSuite returned %T", i, v)
		}
		pk, _ := kp["publicKey"].(string)
		sk, _ := kp["secretKey"].(string)
		same(t, fmt.Sprintf("case %d: deriveSigningPublicKey", i), doStr(t, d.cons, "deriveSigningPublicKey", sk), pk)
		msg := make([]byte, x.rng.IntN(300))
		for j := range msg {
			msg[j] = byte(x.rng.Uint32())
		}
		ctx := "metamorphic/sign/v1"
		if i%2 == 1 {
			ctx = fmt.Sprintf("ctx ✓ %d", i)
		}
		sig := doStr(t, d.prod, "sign", b64.EncodeToString(msg), ctx, sk)
		if got := do(t, d.cons, "verify", b64.EncodeToString(msg), ctx, sig, pk); got != true {
			t.Fatalf("case %d: %s verify of %s's signature = %v", i, d.cons.name(), d.prod.name(), got)
		}
		if got := do(t, d.cons, "verify", b64.EncodeToString(msg), ctx+"!", sig, pk); got != false {
			t.Fatalf("case %d: %s verify under another context = %v", i, d.cons.name(), got)
		}
		p1 := do(t, d.prod, "signaturePostureFromSignature", sig)
		p2 := do(t, d.cons, "signaturePosture", pk)
		if fmt.Sprint(p1) != fmt.Sprint(p2) {
			t.Fatalf("case %d: posture %v (%s) vs %v (%s)", i, p1, d.prod.name(), p2, d.cons.name())
		}
	}
}

var recoveryKeyFormat = regexp.MustCompile(`^([A-HJ-NP-Z2-9]{5}-){12}[A-HJ-NP-Z2-9]{4}$`)

// recovery: the producer generates the recovery key; the consumer turns it
// (as typed: maybe lower case, maybe without dashes) into the secret and
// wraps a private key with it, which the producer unwraps; and the other
// way round.
func (x *cross) recovery(t *testing.T, d direction) {
	for i := range crossCases {
		rk := doObj(t, d.prod, "generateRecoveryKey", "recoveryKey", "recoverySecretBase64")
		if !recoveryKeyFormat.MatchString(rk["recoveryKey"]) {
			t.Fatalf("case %d: generateRecoveryKey: recovery key not in the 12×5+4 grouped alphabet format (%s)", i, fingerprint(rk["recoveryKey"]))
		}
		if n := len(decoded(t, "recoverySecretBase64", rk["recoverySecretBase64"])); n != 32 {
			t.Fatalf("case %d: recovery secret of %d bytes", i, n)
		}
		typed := rk["recoveryKey"]
		if i%3 == 1 {
			typed = strings.ToLower(typed)
		}
		if i%3 == 2 {
			typed = strings.ReplaceAll(typed, "-", "")
		}
		secret := doStr(t, d.cons, "recoveryKeyToSecret", typed)
		same(t, fmt.Sprintf("case %d: recoveryKeyToSecret", i), secret, rk["recoverySecretBase64"])

		priv := doObj(t, d.owner(i, 0), "generateKeyPair", "publicKey", "privateKey")["privateKey"]
		ct := doStr(t, d.cons, "encryptPrivateKeyForRecovery", priv, secret)
		same(t, fmt.Sprintf("case %d: decryptPrivateKeyWithRecovery (wrapped by %s)", i, d.cons.name()),
			doStr(t, d.prod, "decryptPrivateKeyWithRecovery", ct, rk["recoverySecretBase64"]), priv)
		ct = doStr(t, d.prod, "encryptPrivateKeyForRecovery", priv, rk["recoverySecretBase64"])
		same(t, fmt.Sprintf("case %d: decryptPrivateKeyWithRecovery (wrapped by %s)", i, d.prod.name()),
			doStr(t, d.cons, "decryptPrivateKeyWithRecovery", ct, secret), priv)
	}
}

func (x *cross) boxSeal(t *testing.T, d direction) {
	for i := range crossCases {
		kp := doObj(t, d.owner(i, 0), "generateKeyPair", "publicKey", "privateKey")
		if len(decoded(t, "publicKey", kp["publicKey"])) != 32 || len(decoded(t, "privateKey", kp["privateKey"])) != 32 {
			t.Fatalf("generateKeyPair: keys are not 32 bytes")
		}
		pt := b64.EncodeToString(x.bytes(x.ptLen(i)))
		ct := doStr(t, d.prod, "boxSeal", pt, kp["publicKey"])
		if got, want := len(decoded(t, "ciphertext", ct)), 48+len(decoded(t, "plaintext", pt)); got != want {
			t.Fatalf("case %d: box seal of %d bytes, want %d", i, got, want)
		}
		same(t, fmt.Sprintf("case %d: boxSealOpen", i), doStr(t, d.cons, "boxSealOpen", ct, kp["publicKey"], kp["privateKey"]), pt)
		same(t, fmt.Sprintf("case %d: unsealFromUser of a box seal", i), doStr(t, d.cons, "unsealFromUser", ct, kp["publicKey"], kp["privateKey"], nil), pt)
	}
}

func (x *cross) sealForUserBox(t *testing.T, d direction) {
	for i := range crossCases {
		kp := doObj(t, d.owner(i, 0), "generateKeyPair", "publicKey", "privateKey")
		pt := b64.EncodeToString(x.bytes(x.ptLen(i)))
		// No PQ key: undefined/null and "" both mean the crate's None.
		var pq any
		if i%2 == 1 {
			pq = ""
		}
		ct := doStr(t, d.prod, "sealForUser", pt, kp["publicKey"], pq)
		if got, want := len(decoded(t, "ciphertext", ct)), 48+len(decoded(t, "plaintext", pt)); got != want {
			t.Fatalf("case %d: sealForUser without PQ key: %d bytes, want a %d-byte box seal", i, got, want)
		}
		same(t, fmt.Sprintf("case %d: unsealFromUser", i), doStr(t, d.cons, "unsealFromUser", ct, kp["publicKey"], kp["privateKey"], pq), pt)
		same(t, fmt.Sprintf("case %d: boxSealOpen of sealForUser", i), doStr(t, d.cons, "boxSealOpen", ct, kp["publicKey"], kp["privateKey"]), pt)
	}
}

var hybridLevels = []struct {
	level   sealkit.Level
	keyGen  string
	spell   []string // spellings of the level argument; "" is Cat-3
	tag     byte
	pkBytes int
}{
	{sealkit.Cat1, "generateHybridKeyPair512", []string{"cat1", "CAT1", "Cat1"}, 0x01, 832},
	{sealkit.Cat3, "generateHybridKeyPair", []string{"cat3", "", "CAT3"}, 0x02, 1216},
	{sealkit.Cat5, "generateHybridKeyPair1024", []string{"cat5", "Cat5", "CAT5"}, 0x03, 1600},
}

// sealForUserPQ: hybrid key pairs at every level generated on either side,
// sealForUserWithLevel (and sealForUser at Cat-3) on the producer,
// unsealFromUser on the consumer.
func (x *cross) sealForUserPQ(t *testing.T, d direction) {
	for _, l := range hybridLevels {
		if l.level.PublicKeySize() != l.pkBytes || l.level.Tag() != l.tag {
			t.Fatalf("%v: sealkit says pk %d bytes, tag %#x", l.level, l.level.PublicKeySize(), l.level.Tag())
		}
		t.Run(l.level.String(), func(t *testing.T) {
			for i := range crossCases {
				kp := doObj(t, d.owner(i, 1), "generateKeyPair", "publicKey", "privateKey")
				hk := doObj(t, d.owner(i, 0), l.keyGen, "publicKey", "secretKey")
				if len(decoded(t, "hybrid publicKey", hk["publicKey"])) != l.pkBytes || len(decoded(t, "hybrid secretKey", hk["secretKey"])) != 32 {
					t.Fatalf("%s: key sizes wrong", l.keyGen)
				}
				pt := b64.EncodeToString(x.bytes(x.ptLen(i)))
				var ct string
				if l.level == sealkit.Cat3 && i%2 == 1 {
					ct = doStr(t, d.prod, "sealForUser", pt, kp["publicKey"], hk["publicKey"])
				} else {
					ct = doStr(t, d.prod, "sealForUserWithLevel", pt, kp["publicKey"], hk["publicKey"], l.spell[i%len(l.spell)])
				}
				raw := decoded(t, "ciphertext", ct)
				if raw[0] != l.tag {
					t.Fatalf("case %d: tag %#x, want %#x", i, raw[0], l.tag)
				}
				if want := l.level.MinCiphertextSize() + len(decoded(t, "plaintext", pt)); len(raw) != want {
					t.Fatalf("case %d: hybrid seal of %d bytes, want %d", i, len(raw), want)
				}
				for _, p := range []peer{d.prod, d.cons} {
					if v := do(t, p, "isHybridCiphertext", ct); v != true {
						t.Fatalf("case %d: %s isHybridCiphertext = %v", i, p.name(), v)
					}
				}
				same(t, fmt.Sprintf("case %d: unsealFromUser", i), doStr(t, d.cons, "unsealFromUser", ct, kp["publicKey"], kp["privateKey"], hk["secretKey"]), pt)
			}
		})
	}
}

// sessionKey: the same Argon2id key from the same password and salt on
// both sides; then a private key wrapped under the producer's session key
// unwraps under the consumer's, the salt found through the key_hash.
func (x *cross) sessionKey(t *testing.T, d direction) {
	n := crossArgon2Cases / 2
	if d.prod == x.local {
		n = crossArgon2Cases - n
	}
	for i := range n {
		password := x.text(x.rng.IntN(40))
		if i == 0 && d.prod == x.local {
			password = ""
		}
		var salt string
		if i%2 == 0 {
			salt = doStr(t, d.prod, "generateSalt")
			if len(decoded(t, "generateSalt", salt)) != 16 {
				t.Fatalf("generateSalt: not 16 bytes")
			}
		} else {
			salt = b64.EncodeToString(x.bytes(16))
		}
		keyHash := salt + "$argon2id"
		prodKey := doStr(t, d.prod, "deriveSessionKey", password, salt)
		consSalt := doStr(t, d.cons, "parseSaltFromKeyHash", keyHash)
		same(t, "parseSaltFromKeyHash", consSalt, salt)
		consKey := doStr(t, d.cons, "deriveSessionKey", password, consSalt)
		same(t, fmt.Sprintf("case %d: deriveSessionKey", i), consKey, prodKey)
		if len(decoded(t, "session key", consKey)) != 32 {
			t.Fatalf("session key not 32 bytes")
		}
		priv := doObj(t, d.prod, "generateKeyPair", "publicKey", "privateKey")["privateKey"]
		ct := doStr(t, d.prod, "encryptPrivateKey", priv, prodKey)
		same(t, "decryptPrivateKey under the derived key", doStr(t, d.cons, "decryptPrivateKey", ct, consKey), priv)
	}
}

// ---- agreement -----------------------------------------------------------------

// agree calls fn on both targets and requires the same value or the same
// failure (code and message).
func (x *cross) agree(t *testing.T, what, fn string, args ...any) (any, *callError) {
	t.Helper()
	for _, a := range args {
		if s, ok := a.(string); ok && !utf8.ValidString(s) {
			t.Fatalf("%s: test bug: argument is not valid UTF-8, so no JavaScript string", what)
		}
	}
	lv, lerr := x.local.call(fn, args...)
	rv, rerr := x.remote.call(fn, args...)
	var lce, rce *callError
	if lerr != nil && !errors.As(lerr, &lce) {
		t.Fatalf("%s: go: %v", what, lerr)
	}
	if rerr != nil && !errors.As(rerr, &rce) {
		t.Fatalf("%s: %s: %v", what, x.remote.name(), rerr)
	}
	switch {
	case lce != nil && rce != nil:
		if *lce != *rce {
			t.Errorf("%s: %s: go fails with %q, %s with %q", what, fn, lce, x.remote.name(), rce)
		}
	case lce != nil || rce != nil:
		t.Errorf("%s: %s: go gives (%s, %v), %s gives (%s, %v)", what, fn, describe(lv), lce, x.remote.name(), describe(rv), rce)
	case randomized[fn]:
		// Junk arguments may form a valid call; both sides then pick their
		// own nonce or ephemeral key, so only the sizes can agree.
		ls, lok := lv.(string)
		rs, rok := rv.(string)
		if !lok || !rok || len(ls) != len(rs) {
			t.Errorf("%s: %s: go gives %s, %s gives %s (want blobs of one size)", what, fn, describe(lv), x.remote.name(), describe(rv))
		}
	default:
		if fmt.Sprint(lv) != fmt.Sprint(rv) {
			t.Errorf("%s: %s: go gives %s, %s gives %s", what, fn, describe(lv), x.remote.name(), describe(rv))
		}
	}
	return lv, lce
}

// randomized lists the functions whose successful output is random.
var randomized = map[string]bool{
	"encryptSecretbox": true, "encryptSecretboxString": true, "boxSeal": true,
	"sealForUser": true, "sealForUserWithLevel": true, "encryptPrivateKey": true,
	"encryptPrivateKeyForRecovery": true,
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return fingerprint(s)
	}
	return fmt.Sprintf("%v", v)
}

func (x *cross) agreeKeyHash(t *testing.T) {
	fixed := []string{"", "$", "$argon2id", "x$anything", "nodollar", "a$b$c", "$$", "salt$", "AAAAAAAAAAAAAAAAAAAAAA==$argon2id", "ü$€", "a\u0000$b"}
	for _, kh := range fixed {
		x.agree(t, fmt.Sprintf("key hash %q", kh), "parseSaltFromKeyHash", kh)
	}
	for i := range 40 {
		var sb strings.Builder
		for range x.rng.IntN(30) {
			if x.rng.IntN(6) == 0 {
				sb.WriteByte('$')
			} else {
				sb.WriteString(x.text(1))
			}
		}
		x.agree(t, fmt.Sprintf("random key hash %d", i), "parseSaltFromKeyHash", sb.String())
	}
}

func (x *cross) agreeIsHybrid(t *testing.T) {
	for i := range 60 {
		var n int
		switch x.rng.IntN(4) {
		case 0:
			n = x.rng.IntN(100)
		case 1:
			n = 838 + x.rng.IntN(6) // around the Cat-1 minimum of 841
		case 2:
			n = 1100 + x.rng.IntN(700)
		default:
			n = x.rng.IntN(3000)
		}
		blob := x.bytes(n)
		if n > 0 {
			blob[0] = []byte{0, 1, 2, 3, 4, 0x10, 0x13, 0x14, 0xff}[x.rng.IntN(9)]
		}
		v, _ := x.agree(t, fmt.Sprintf("blob %d (%d bytes)", i, n), "isHybridCiphertext", b64.EncodeToString(blob))
		if want := sealkit.IsHybridCiphertext(blob); v != want {
			t.Errorf("blob %d: sealtext says %v, sealkit %v", i, v, want)
		}
	}
	for _, s := range []string{"", "not base64", "AQ", "AQ==\n", "AQI=", "-_-_"} {
		x.agree(t, fmt.Sprintf("text %q", s), "isHybridCiphertext", s)
	}
}

// agreeErrors: malformed inputs for every function that can fail give the
// same code and the same text on both sides.
func (x *cross) agreeErrors(t *testing.T) {
	g := x.local
	key := doStr(t, g, "generateKey")
	kp := doObj(t, g, "generateKeyPair", "publicKey", "privateKey")
	other := doObj(t, g, "generateKeyPair", "publicKey", "privateKey")
	hk1 := doObj(t, g, "generateHybridKeyPair512", "publicKey", "secretKey")
	hk3 := doObj(t, g, "generateHybridKeyPair", "publicKey", "secretKey")
	pt := b64.EncodeToString([]byte("agreement"))
	sbox := doStr(t, g, "encryptSecretbox", pt, key)
	box := doStr(t, g, "boxSeal", pt, kp["publicKey"])
	hybrid := doStr(t, g, "sealForUserWithLevel", pt, kp["publicKey"], hk3["publicKey"], "cat3")
	wrapped := doStr(t, g, "encryptPrivateKey", kp["privateKey"], key)
	tampered := func(s string) string {
		raw, _ := b64.DecodeString(s)
		raw[len(raw)-1] ^= 0x01
		return b64.EncodeToString(raw)
	}
	nonUTF8 := func(b []byte) string { return doStr(t, g, "encryptSecretbox", b64.EncodeToString(b), key) }
	short := func(n int) string { return b64.EncodeToString(make([]byte, n)) }
	lowOrder := b64.EncodeToString(make([]byte, 32)) // the identity point
	cases := []struct {
		what string
		fn   string
		args []any
	}{
		{"ciphertext not base64", "decryptSecretbox", []any{"invalid", key}},
		{"key not base64", "decryptSecretbox", []any{sbox, "@@@@"}},
		{"missing padding", "decryptSecretbox", []any{"QQ", key}},
		{"excess padding", "decryptSecretbox", []any{"QQ===", key}},
		{"non-zero trailing bits", "decryptSecretbox", []any{"QR==", key}},
		{"newline inside", "decryptSecretbox", []any{"QUJD\nRA==", key}},
		{"URL-safe alphabet", "decryptSecretbox", []any{"a-_b", key}},
		{"key of 31 bytes", "decryptSecretbox", []any{sbox, short(31)}},
		{"blob of 39 bytes", "decryptSecretbox", []any{short(39), key}},
		{"tampered secretbox", "decryptSecretbox", []any{tampered(sbox), key}},
		{"wrong key", "decryptSecretboxToString", []any{sbox, doStr(t, g, "generateKey")}},
		{"invalid UTF-8 byte", "decryptSecretboxToString", []any{nonUTF8([]byte{'o', 'k', 0xff}), key}},
		{"truncated UTF-8", "decryptSecretboxToString", []any{nonUTF8([]byte{'a', 0xe2, 0x82}), key}},
		{"UTF-8 surrogate", "decryptSecretboxToString", []any{nonUTF8([]byte{0xed, 0xa0, 0x80}), key}},
		{"overlong UTF-8", "decryptSecretboxToString", []any{nonUTF8([]byte{0xc0, 0xaf}), key}},
		{"plaintext not base64", "encryptSecretbox", []any{"!", key}},
		{"key of 16 bytes", "encryptSecretbox", []any{pt, short(16)}},
		{"string with empty key", "encryptSecretboxString", []any{"x", ""}},
		{"box to 31-byte key", "boxSeal", []any{pt, short(31)}},
		{"box to low-order key", "boxSeal", []any{pt, lowOrder}},
		{"box blob of 47 bytes", "boxSealOpen", []any{short(47), kp["publicKey"], kp["privateKey"]}},
		{"box wrong private key", "boxSealOpen", []any{box, kp["publicKey"], other["privateKey"]}},
		{"box private key of 16 bytes", "boxSealOpen", []any{box, kp["publicKey"], short(16)}},
		{"box bad base64 last", "boxSealOpen", []any{box, kp["publicKey"], "x"}},
		{"unseal tampered box", "unsealFromUser", []any{tampered(box), kp["publicKey"], kp["privateKey"], nil}},
		{"unseal hybrid with the wrong seed", "unsealFromUser", []any{hybrid, kp["publicKey"], kp["privateKey"], hk1["secretKey"]}},
		{"unseal hybrid without seed", "unsealFromUser", []any{hybrid, kp["publicKey"], kp["privateKey"], nil}},
		{"unseal hybrid seed of 16 bytes", "unsealFromUser", []any{hybrid, kp["publicKey"], kp["privateKey"], short(16)}},
		{"unseal seed not base64", "unsealFromUser", []any{hybrid, kp["publicKey"], kp["privateKey"], "%"}},
		{"unknown level", "sealForUserWithLevel", []any{pt, kp["publicKey"], hk3["publicKey"], "cat2"}},
		{"level with space", "sealForUserWithLevel", []any{pt, kp["publicKey"], hk3["publicKey"], " cat3"}},
		{"Cat-1 key at Cat-3", "sealForUserWithLevel", []any{pt, kp["publicKey"], hk1["publicKey"], "cat3"}},
		{"PQ key of 4 bytes", "sealForUser", []any{pt, kp["publicKey"], short(4)}},
		{"PQ key all zero", "sealForUser", []any{pt, kp["publicKey"], short(1216)}},
		{"sealForUser plaintext not base64", "sealForUser", []any{"*", kp["publicKey"], nil}},
		{"salt of 8 bytes", "deriveSessionKey", []any{"pw", short(8)}},
		{"salt not base64", "deriveSessionKey", []any{"pw", "salt"}},
		{"key hash without $", "parseSaltFromKeyHash", []any{"noseparator"}},
		{"key hash with two $", "parseSaltFromKeyHash", []any{"a$b$c"}},
		{"recovery key with I and O", "recoveryKeyToSecret", []any{"IIIII-OOOOO-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAA"}},
		{"recovery key too short", "recoveryKeyToSecret", []any{"AAAAA-AAAAA"}},
		{"recovery key non-ASCII", "recoveryKeyToSecret", []any{strings.Repeat("A", 63) + "é"}},
		{"wrapped key, wrong session key", "decryptPrivateKey", []any{wrapped, doStr(t, g, "generateKey")}},
		{"wrapped key, short recovery secret", "decryptPrivateKeyWithRecovery", []any{wrapped, short(31)}},
		{"wrap with bad session key", "encryptPrivateKey", []any{kp["privateKey"], "AAAA"}},
		{"wrap for recovery, secret not base64", "encryptPrivateKeyForRecovery", []any{kp["privateKey"], "?"}},
	}
	for _, c := range cases {
		if _, lce := x.agree(t, c.what, c.fn, c.args...); lce == nil {
			t.Errorf("%s: %s succeeded on go; the case must be malformed", c.what, c.fn)
		}
	}
}

// agreeRandomMalformed: random text where base64 is expected, random
// lengths and random bytes for keys and blobs; both sides must agree on
// every outcome.
func (x *cross) agreeRandomMalformed(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	junk := func() string {
		switch x.rng.IntN(4) {
		case 0: // valid base64 of random length
			return b64.EncodeToString(x.bytes(x.rng.IntN(120)))
		case 1: // base64 alphabet with random padding
			var sb strings.Builder
			for range x.rng.IntN(64) {
				sb.WriteByte(alphabet[x.rng.IntN(len(alphabet))])
			}
			sb.WriteString(strings.Repeat("=", x.rng.IntN(4)))
			return sb.String()
		case 2: // base64 with one character replaced
			s := []rune(b64.EncodeToString(x.bytes(1 + x.rng.IntN(80))))
			bad := []rune("-_ .\n\r*é=\u00a0")
			s[x.rng.IntN(len(s))] = bad[x.rng.IntN(len(bad))]
			return string(s)
		default:
			return x.text(x.rng.IntN(20))
		}
	}
	fns := []struct {
		fn    string
		nargs int
	}{
		{"decryptSecretbox", 2}, {"decryptSecretboxToString", 2}, {"boxSealOpen", 3},
		{"unsealFromUser", 4}, {"encryptSecretbox", 2}, {"boxSeal", 2},
		{"decryptPrivateKey", 2}, {"decryptPrivateKeyWithRecovery", 2},
		{"recoveryKeyToSecret", 1}, {"isHybridCiphertext", 1},
	}
	for i := range 80 {
		f := fns[x.rng.IntN(len(fns))]
		args := make([]any, f.nargs)
		for j := range args {
			args[j] = junk()
		}
		x.agree(t, fmt.Sprintf("random malformed %d", i), f.fn, args...)
	}
}

func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %s: %v", truncate(string(data), 200), err)
	}
}
