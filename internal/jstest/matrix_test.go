//go:build !js

package jstest

// The cross-target matrix (issue 16, docs/TARGETS.md): every target's
// peer produces every format, and every target — the producer itself
// included — consumes it; then each consumer gets the bundle with one
// byte flipped and must fail. The targets are native Go, wasm in Node
// (js/crypto.js), wasm in Chromium (the SDK's worker), and the peers of
// the bindings over libsealkit: C, Python, the JVM and Elixir.
//
// The peer protocol (docs/TARGETS.md, "Peer protocol") is JSON lines:
//
//	{"op":"produce","format":F,"plaintext":b64} → {"ok":{bundle}}
//	{"op":"consume","format":F,"bundle":{bundle}} → {"ok":{result}}
//	any failure → {"error":"<the crate's text>"}
//
// The Go, Node and Chromium peers are the existing peers of this package
// (peer_test.go), which call the 31 functions of the JavaScript API inside
// their target; matrixAPITarget does produce/consume with those calls, so
// every byte of crypto runs in the target. The binding peers are separate
// programs (matrixProcTarget).
//
// The test runs only with SEALKIT_MATRIX=1 (make test-matrix, after
// make lib and the bindings' own tests): the binding peers need the built
// library, which `go test ./...` does not build. SEALKIT_MATRIX_DOC=<file>
// writes the result table into that file between the matrix markers.

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
)

// matrixRequired is the one list of targets the matrix must include: a
// required target whose peer is missing fails the test (never a skip).
var matrixRequired = []string{"go", "node", "chromium", "c", "python", "jvm", "elixir"}

// matrixFormats are the formats of the peer protocol, in table order.
var matrixFormats = []string{
	"secretbox", "box_seal", "hybrid-cat1", "hybrid-cat3", "hybrid-cat5",
	"private-key", "recovery", "session-key", "sign-cat2", "sign-cat3", "sign-cat5",
}

// matrixBundleFields lists, per format, the fields a produced bundle must
// carry (all base64 except recovery_key and context, which are text), and
// the field the tamper check flips a byte of.
var matrixBundleFields = map[string]struct {
	fields []string
	tamper string
}{
	"secretbox":   {[]string{"key", "ciphertext"}, "ciphertext"},
	"box_seal":    {[]string{"public_key", "private_key", "ciphertext"}, "ciphertext"},
	"hybrid-cat1": {[]string{"public_key", "private_key", "pq_public_key", "pq_secret_key", "ciphertext"}, "ciphertext"},
	"hybrid-cat3": {[]string{"public_key", "private_key", "pq_public_key", "pq_secret_key", "ciphertext"}, "ciphertext"},
	"hybrid-cat5": {[]string{"public_key", "private_key", "pq_public_key", "pq_secret_key", "ciphertext"}, "ciphertext"},
	"private-key": {[]string{"session_key", "ciphertext"}, "ciphertext"},
	"recovery":    {[]string{"recovery_key", "ciphertext"}, "ciphertext"},
	"session-key": {[]string{"password", "salt", "session_key"}, "salt"},
	"sign-cat2":   {[]string{"public_key", "message", "context", "signature"}, "signature"},
	"sign-cat3":   {[]string{"public_key", "message", "context", "signature"}, "signature"},
	"sign-cat5":   {[]string{"public_key", "message", "context", "signature"}, "signature"},
}

// matrixTarget is one target's peer.
type matrixTarget interface {
	name() string
	produce(format string, plaintext []byte) (map[string]any, error)
	consume(format string, bundle map[string]any) (map[string]any, error)
}

// errPeer is a failure the peer reported ({"error": …}), as opposed to a
// broken transport or a malformed answer.
type errPeer struct{ text string }

func (e *errPeer) Error() string { return e.text }

// ---- Go, Node, Chromium: produce/consume over the JavaScript API -----------

type matrixAPITarget struct{ p peer }

func (t matrixAPITarget) name() string { return t.p.name() }

func (t matrixAPITarget) str(fn string, args ...any) (string, error) {
	v, err := t.p.call(fn, args...)
	if err != nil {
		var ce *callError
		if errors.As(err, &ce) {
			return "", &errPeer{ce.Message}
		}
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: %s returned %T, not a string", t.p.name(), fn, v)
	}
	return s, nil
}

func (t matrixAPITarget) pair(fn string, a, b string, args ...any) (string, string, error) {
	v, err := t.p.call(fn, args...)
	if err != nil {
		var ce *callError
		if errors.As(err, &ce) {
			return "", "", &errPeer{ce.Message}
		}
		return "", "", err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return "", "", fmt.Errorf("%s: %s returned %T, not an object", t.p.name(), fn, v)
	}
	x, _ := m[a].(string)
	y, _ := m[b].(string)
	if x == "" || y == "" {
		return "", "", fmt.Errorf("%s: %s returned %v without %s and %s", t.p.name(), fn, m, a, b)
	}
	return x, y, nil
}

func (t matrixAPITarget) produce(format string, plaintext []byte) (map[string]any, error) {
	pt := base64.StdEncoding.EncodeToString(plaintext)
	switch format {
	case "secretbox":
		key, err := t.str("generateKey")
		if err != nil {
			return nil, err
		}
		ct, err := t.str("encryptSecretbox", pt, key)
		return map[string]any{"key": key, "ciphertext": ct}, err
	case "box_seal":
		pk, sk, err := t.pair("generateKeyPair", "publicKey", "privateKey")
		if err != nil {
			return nil, err
		}
		ct, err := t.str("boxSeal", pt, pk)
		return map[string]any{"public_key": pk, "private_key": sk, "ciphertext": ct}, err
	case "hybrid-cat1", "hybrid-cat3", "hybrid-cat5":
		level := strings.TrimPrefix(format, "hybrid-")
		gen := map[string]string{"cat1": "generateHybridKeyPair512", "cat3": "generateHybridKeyPair", "cat5": "generateHybridKeyPair1024"}[level]
		pk, sk, err := t.pair("generateKeyPair", "publicKey", "privateKey")
		if err != nil {
			return nil, err
		}
		pqPK, pqSK, err := t.pair(gen, "publicKey", "secretKey")
		if err != nil {
			return nil, err
		}
		ct, err := t.str("sealForUserWithLevel", pt, pk, pqPK, level)
		return map[string]any{"public_key": pk, "private_key": sk, "pq_public_key": pqPK, "pq_secret_key": pqSK, "ciphertext": ct}, err
	case "private-key":
		key, err := t.str("generateKey")
		if err != nil {
			return nil, err
		}
		ct, err := t.str("encryptPrivateKey", pt, key)
		return map[string]any{"session_key": key, "ciphertext": ct}, err
	case "recovery":
		rk, secret, err := t.pair("generateRecoveryKey", "recoveryKey", "recoverySecretBase64")
		if err != nil {
			return nil, err
		}
		ct, err := t.str("encryptPrivateKeyForRecovery", pt, secret)
		return map[string]any{"recovery_key": rk, "ciphertext": ct}, err
	case "session-key":
		if !utf8.Valid(plaintext) {
			return nil, &errPeer{"session-key: the password is not UTF-8"}
		}
		salt, err := t.str("generateSalt")
		if err != nil {
			return nil, err
		}
		key, err := t.str("deriveSessionKey", string(plaintext), salt)
		return map[string]any{"password": pt, "salt": salt, "session_key": key}, err
	case "sign-cat2", "sign-cat3", "sign-cat5":
		pk, sk, err := t.pair("generateSigningKeyPair", "publicKey", "secretKey", strings.TrimPrefix(format, "sign-"))
		if err != nil {
			return nil, err
		}
		sig, err := t.str("sign", pt, sealkit.SignContextV1, sk)
		return map[string]any{"public_key": pk, "message": pt, "context": sealkit.SignContextV1, "signature": sig}, err
	}
	return nil, &errPeer{"unknown format " + format}
}

func (t matrixAPITarget) consume(format string, b map[string]any) (map[string]any, error) {
	f := func(k string) string { s, _ := b[k].(string); return s }
	plain := func(pt string, err error) (map[string]any, error) {
		if err != nil {
			return nil, err
		}
		return map[string]any{"plaintext": pt}, nil
	}
	switch format {
	case "secretbox":
		return plain(t.str("decryptSecretbox", f("ciphertext"), f("key")))
	case "box_seal":
		return plain(t.str("boxSealOpen", f("ciphertext"), f("public_key"), f("private_key")))
	case "hybrid-cat1", "hybrid-cat3", "hybrid-cat5":
		return plain(t.str("unsealFromUser", f("ciphertext"), f("public_key"), f("private_key"), f("pq_secret_key")))
	case "private-key":
		return plain(t.str("decryptPrivateKey", f("ciphertext"), f("session_key")))
	case "recovery":
		secret, err := t.str("recoveryKeyToSecret", f("recovery_key"))
		if err != nil {
			return nil, err
		}
		return plain(t.str("decryptPrivateKeyWithRecovery", f("ciphertext"), secret))
	case "session-key":
		pw, err := base64.StdEncoding.DecodeString(f("password"))
		if err != nil || !utf8.Valid(pw) {
			return nil, &errPeer{"session-key: the password is not base64 of UTF-8"}
		}
		key, err := t.str("deriveSessionKey", string(pw), f("salt"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"session_key": key}, nil
	case "sign-cat2", "sign-cat3", "sign-cat5":
		v, err := t.p.call("verify", f("message"), f("context"), f("signature"), f("public_key"))
		if err != nil {
			var ce *callError
			if errors.As(err, &ce) {
				return nil, &errPeer{ce.Message}
			}
			return nil, err
		}
		ok, isBool := v.(bool)
		if !isBool {
			return nil, fmt.Errorf("%s: verify returned %T, not a bool", t.p.name(), v)
		}
		return map[string]any{"valid": ok}, nil
	}
	return nil, &errPeer{"unknown format " + format}
}

// ---- the bindings' peers: separate programs ---------------------------------

// matrixProcTarget is a peer program speaking the protocol on its stdin
// and stdout.
type matrixProcTarget struct {
	label  string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	stderr *lockedBuffer
	mu     sync.Mutex
}

func (p *matrixProcTarget) name() string { return p.label }

// matrixPeerTimeout bounds one request: Argon2id at 64 MiB, and a JVM
// warming up.
const matrixPeerTimeout = 120 * time.Second

func startMatrixProc(t *testing.T, label string, cmd *exec.Cmd) *matrixProcTarget {
	t.Helper()
	p := &matrixProcTarget{label: label, cmd: cmd, stderr: &lockedBuffer{}, lines: make(chan []byte, 1)}
	cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s peer: starting %v: %v", label, cmd.Args, err)
	}
	go func() {
		r := bufio.NewReaderSize(stdout, 1<<20)
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				close(p.lines)
				return
			}
			p.lines <- line
		}
	}()
	t.Cleanup(func() {
		p.stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() && p.stderr.String() != "" {
			t.Logf("%s peer stderr:\n%s", label, p.stderr.String())
		}
	})
	return p
}

func (p *matrixProcTarget) request(req map[string]any) (map[string]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("%s peer: writing: %v (stderr: %s)", p.label, err, strings.TrimSpace(p.stderr.String()))
	}
	var ans []byte
	select {
	case l, ok := <-p.lines:
		if !ok {
			return nil, fmt.Errorf("%s peer exited (stderr: %s)", p.label, strings.TrimSpace(p.stderr.String()))
		}
		ans = l
	case <-time.After(matrixPeerTimeout):
		return nil, fmt.Errorf("%s peer: no answer within %v", p.label, matrixPeerTimeout)
	}
	var resp struct {
		OK    map[string]any `json:"ok"`
		Error *string        `json:"error"`
	}
	if err := json.Unmarshal(ans, &resp); err != nil {
		return nil, fmt.Errorf("%s peer: answer %q is not JSON: %v", p.label, ans, err)
	}
	switch {
	case resp.Error != nil && resp.OK == nil:
		if *resp.Error == "" {
			return nil, fmt.Errorf("%s peer: empty error text", p.label)
		}
		return nil, &errPeer{*resp.Error}
	case resp.OK != nil && resp.Error == nil:
		return resp.OK, nil
	}
	return nil, fmt.Errorf("%s peer: answer %q has neither or both of ok and error", p.label, ans)
}

func (p *matrixProcTarget) produce(format string, plaintext []byte) (map[string]any, error) {
	return p.request(map[string]any{"op": "produce", "format": format, "plaintext": base64.StdEncoding.EncodeToString(plaintext)})
}

func (p *matrixProcTarget) consume(format string, bundle map[string]any) (map[string]any, error) {
	return p.request(map[string]any{"op": "consume", "format": format, "bundle": bundle})
}

// matrixBinding is where a binding's peer lives and how it starts (from
// the repository root, with the built library on the loader's path and in
// SEALKIT_LIB).
type matrixBinding struct {
	name  string
	file  string // relative to the repository root; its presence enables the target
	start func(t *testing.T, root string) *exec.Cmd
}

var matrixBindings = []matrixBinding{
	{"c", "libsealkit/test/peer.c", func(t *testing.T, root string) *exec.Cmd {
		// Built here against the shared library: the same build the C
		// tests use, without depending on their Makefile's output path.
		bin := filepath.Join(t.TempDir(), "peer")
		cc := exec.Command("cc", "-O2", "-Wall", "-o", bin, filepath.Join(root, "libsealkit/test/peer.c"),
			"-I", filepath.Join(root, "build/include"), "-L", filepath.Join(root, "build/lib"),
			"-Wl,-rpath,"+filepath.Join(root, "build/lib"), "-lsealkit", "-lpthread")
		if out, err := cc.CombinedOutput(); err != nil {
			t.Fatalf("c peer: building libsealkit/test/peer.c: %v\n%s", err, out)
		}
		return exec.Command(bin)
	}},
	{"python", "bindings/python/peer.py", func(t *testing.T, root string) *exec.Cmd {
		c := exec.Command("python3", filepath.Join(root, "bindings/python/peer.py"))
		c.Env = append(c.Env, "PYTHONPATH="+filepath.Join(root, "bindings/python"))
		return c
	}},
	{"jvm", "bindings/jvm/peer.sh", func(t *testing.T, root string) *exec.Cmd {
		return exec.Command(filepath.Join(root, "bindings/jvm/peer.sh"))
	}},
	{"elixir", "bindings/elixir/peer.exs", func(t *testing.T, root string) *exec.Cmd {
		// The peer runs the compiled NIF and modules; build them from
		// this tree's sources first, so the matrix never runs a stale build.
		if b := filepath.Join(root, "bindings/elixir/build.sh"); fileExists(b) {
			build := exec.Command("sh", b)
			build.Dir = root
			build.Env = append(os.Environ(), "SEALKIT_LIB_DIR="+filepath.Join(root, "build/lib"), "SEALKIT_INCLUDE_DIR="+filepath.Join(root, "build/include"))
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("elixir peer: bindings/elixir/build.sh: %v\n%s", err, out)
			}
		}
		if sh := filepath.Join(root, "bindings/elixir/peer.sh"); fileExists(sh) {
			return exec.Command(sh)
		}
		return exec.Command("elixir", filepath.Join(root, "bindings/elixir/peer.exs"))
	}},
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// ---- the test -------------------------------------------------------------

// matrixCell is the outcome of one (format, producer, consumer).
type matrixCell struct {
	opened   int // bundles the consumer opened to the right result
	tampered int // tampered bundles the consumer refused
	fail     string
}

func TestMatrix(t *testing.T) {
	if os.Getenv("SEALKIT_MATRIX") != "1" {
		t.Skip("the cross-target matrix runs in make test-matrix (SEALKIT_MATRIX=1), after make lib")
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}

	// Start every target.
	var targets []matrixTarget
	targets = append(targets, matrixAPITarget{nativePeer{}})
	targets = append(targets, matrixAPITarget{startNodePeer(t)})
	_, b := startBrowserTest(t)
	var ready struct{ Mode string }
	mustUnmarshal(t, b.open("sdk.html"), &ready)
	if ready.Mode != "worker" {
		t.Fatalf("loadCrypto() on a page resolved to mode %q, want \"worker\"", ready.Mode)
	}
	targets = append(targets, matrixAPITarget{browserPeer{b}})
	lib := filepath.Join(root, "build/lib/libsealkit.so")
	for _, mb := range matrixBindings {
		if !fileExists(filepath.Join(root, mb.file)) {
			if slices.Contains(matrixRequired, mb.name) {
				t.Fatalf("target %s is required (matrixRequired) but %s is missing", mb.name, mb.file)
			}
			t.Logf("target %s: %s not in this tree, not in the matrix", mb.name, mb.file)
			continue
		}
		if !fileExists(lib) {
			t.Fatalf("target %s needs %s: run make lib first (make test-matrix does)", mb.name, lib)
		}
		cmd := mb.start(t, root)
		cmd.Dir = root
		cmd.Env = append(append(os.Environ(), cmd.Env...),
			"SEALKIT_LIB="+lib,
			"LD_LIBRARY_PATH="+filepath.Join(root, "build/lib")+string(os.PathListSeparator)+os.Getenv("LD_LIBRARY_PATH"))
		targets = append(targets, startMatrixProc(t, mb.name, cmd))
	}
	var names []string
	for _, tg := range targets {
		names = append(names, tg.name())
	}
	for _, r := range matrixRequired {
		if !slices.Contains(names, r) {
			t.Fatalf("required target %s did not start (have %v)", r, names)
		}
	}
	t.Logf("targets: %v", names)

	seed := crossSeed(t)
	t.Logf("matrix seed %d (replay: SEALKIT_CROSS_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5ea1))

	cells := map[string]map[[2]string]*matrixCell{}
	start := time.Now()
	for _, format := range matrixFormats {
		cells[format] = map[[2]string]*matrixCell{}
		t.Run(format, func(t *testing.T) {
			for _, prod := range targets {
				for _, pt := range matrixPlaintexts(rng, format) {
					bundle, err := prod.produce(format, pt)
					if err != nil {
						t.Errorf("%s produce %s (%d bytes): %v", prod.name(), format, len(pt), err)
						for _, cons := range targets {
							matrixCellOf(cells[format], prod, cons).fail = "produce: " + err.Error()
						}
						continue
					}
					if err := matrixCheckBundle(format, bundle); err != nil {
						t.Errorf("%s produce %s: %v", prod.name(), format, err)
						for _, cons := range targets {
							matrixCellOf(cells[format], prod, cons).fail = err.Error()
						}
						continue
					}
					for _, cons := range targets {
						c := matrixCellOf(cells[format], prod, cons)
						if err := matrixConsume(cons, format, pt, bundle); err != nil {
							t.Errorf("%s → %s, %s (%d bytes): %v", prod.name(), cons.name(), format, len(pt), err)
							c.fail = err.Error()
							continue
						}
						c.opened++
						if err := matrixTamper(cons, format, bundle, rng); err != nil {
							t.Errorf("%s → %s, %s tampered: %v", prod.name(), cons.name(), format, err)
							c.fail = "tampered: " + err.Error()
							continue
						}
						c.tampered++
					}
				}
			}
		})
	}
	t.Logf("matrix: %d targets × %d formats in %v", len(targets), len(matrixFormats), time.Since(start).Round(time.Millisecond))
	if doc := os.Getenv("SEALKIT_MATRIX_DOC"); doc != "" {
		if err := matrixWriteDoc(doc, names, cells, time.Since(start), t.Failed()); err != nil {
			t.Errorf("writing %s: %v", doc, err)
		}
	}
}

func matrixCellOf(m map[[2]string]*matrixCell, prod, cons matrixTarget) *matrixCell {
	k := [2]string{prod.name(), cons.name()}
	if m[k] == nil {
		m[k] = &matrixCell{}
	}
	return m[k]
}

// matrixPlaintexts returns the plaintexts a producer seals in format: an
// empty one and a random one (a password of random text for session-key,
// where one Argon2id derivation per pair is enough).
func matrixPlaintexts(rng *rand.Rand, format string) [][]byte {
	if format == "session-key" {
		runes := []rune("abcXYZ019 -_ éßØ€𝄞漢")
		var s []rune
		for range 1 + rng.IntN(40) {
			s = append(s, runes[rng.IntN(len(runes))])
		}
		return [][]byte{[]byte(string(s))}
	}
	n := 1 + rng.IntN(3000)
	if rng.IntN(4) == 0 {
		n = 70_000 + rng.IntN(1000) // past 64 KiB
	}
	pt := make([]byte, n)
	for i := range pt {
		pt[i] = byte(rng.Uint32())
	}
	return [][]byte{{}, pt}
}

// matrixCheckBundle checks that a produced bundle has the format's fields,
// base64 where they are bytes.
func matrixCheckBundle(format string, b map[string]any) error {
	spec, ok := matrixBundleFields[format]
	if !ok {
		return fmt.Errorf("no bundle spec for %s", format)
	}
	for _, k := range spec.fields {
		s, ok := b[k].(string)
		if !ok {
			return fmt.Errorf("bundle %v has no string field %q", keys(b), k)
		}
		if k == "recovery_key" || k == "context" {
			continue
		}
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return fmt.Errorf("bundle field %q is not standard base64: %v", k, err)
		}
	}
	return nil
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// matrixConsume has cons open bundle and checks the result.
func matrixConsume(cons matrixTarget, format string, pt []byte, bundle map[string]any) error {
	res, err := cons.consume(format, bundle)
	if err != nil {
		return err
	}
	switch {
	case format == "session-key":
		got, _ := res["session_key"].(string)
		if got != bundle["session_key"] {
			return fmt.Errorf("derived session key %q, the producer derived %q", got, bundle["session_key"])
		}
	case strings.HasPrefix(format, "sign-"):
		if v, ok := res["valid"].(bool); !ok || !v {
			return fmt.Errorf("verify said %v, want valid true", res)
		}
	default:
		got, _ := res["plaintext"].(string)
		dec, err := base64.StdEncoding.DecodeString(got)
		if err != nil {
			return fmt.Errorf("plaintext %q is not base64: %v", got, err)
		}
		if string(dec) != string(pt) {
			return fmt.Errorf("opened to %d different bytes (want %d)", len(dec), len(pt))
		}
	}
	return nil
}

// matrixTamper flips one byte of the format's tamper field (for
// session-key: drops the salt's last byte, so the salt has a wrong
// length) and requires the consumer to refuse: an error, or for a
// signature valid:false.
func matrixTamper(cons matrixTarget, format string, bundle map[string]any, rng *rand.Rand) error {
	field := matrixBundleFields[format].tamper
	raw, err := base64.StdEncoding.DecodeString(bundle[field].(string))
	if err != nil || len(raw) == 0 {
		return fmt.Errorf("cannot tamper field %q", field)
	}
	if format == "session-key" {
		raw = raw[:len(raw)-1]
	} else {
		raw[rng.IntN(len(raw))] ^= byte(1 + rng.IntN(255))
	}
	bad := make(map[string]any, len(bundle))
	for k, v := range bundle {
		bad[k] = v
	}
	bad[field] = base64.StdEncoding.EncodeToString(raw)
	res, err := cons.consume(format, bad)
	var pe *errPeer
	switch {
	case errors.As(err, &pe):
		return nil
	case err != nil:
		return err // a broken transport is not a refusal
	case strings.HasPrefix(format, "sign-"):
		if v, ok := res["valid"].(bool); ok && !v {
			return nil
		}
	}
	return fmt.Errorf("consumer accepted a tampered bundle: %v", res)
}

// matrixWriteDoc writes the table between the markers of file.
func matrixWriteDoc(file string, names []string, cells map[string]map[[2]string]*matrixCell, took time.Duration, failed bool) error {
	const begin, end = "<!-- matrix:begin -->", "<!-- matrix:end -->"
	doc, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		return fmt.Errorf("no %s … %s markers", begin, end)
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%s\n<!-- written by `make test-matrix`; do not edit by hand -->\n\n", begin)
	fmt.Fprintf(&w, "Run %s: %d targets (%s), %d formats, %d ordered pairs per format; %v.\n\n",
		time.Now().UTC().Format("2006-01-02"), len(names), strings.Join(names, ", "), len(matrixFormats), len(names)*len(names), took.Round(time.Second))
	w.WriteString("By format: for each producer, how many consumers opened its bundles and refused the tampered ones.\n\n")
	fmt.Fprintf(&w, "| format | %s |\n|---|%s\n", strings.Join(names, " → all | ")+" → all", strings.Repeat("---|", len(names)))
	for _, f := range matrixFormats {
		fmt.Fprintf(&w, "| `%s` |", f)
		for _, p := range names {
			ok := 0
			for _, c := range names {
				if cell := cells[f][[2]string{p, c}]; cell != nil && cell.fail == "" && cell.opened > 0 {
					ok++
				}
			}
			mark := "✅"
			if ok != len(names) {
				mark = "❌"
			}
			fmt.Fprintf(&w, " %s %d/%d |", mark, ok, len(names))
		}
		w.WriteString("\n")
	}
	// Every ordered pair: the formats that went through both ways of the check.
	fmt.Fprintf(&w, "\nBy pair: formats (of %d) the consumer opened from the producer and refused tampered.\n\n", len(matrixFormats))
	fmt.Fprintf(&w, "| producer ↓ consumer → | %s |\n|---|%s\n", strings.Join(names, " | "), strings.Repeat("---|", len(names)))
	for _, p := range names {
		fmt.Fprintf(&w, "| %s |", p)
		for _, c := range names {
			ok := 0
			for _, f := range matrixFormats {
				if cell := cells[f][[2]string{p, c}]; cell != nil && cell.fail == "" && cell.opened > 0 {
					ok++
				}
			}
			mark := "✅"
			if ok != len(matrixFormats) {
				mark = "❌"
			}
			fmt.Fprintf(&w, " %s %d |", mark, ok)
		}
		w.WriteString("\n")
	}
	if failed {
		w.WriteString("\n**This run failed**; see the test log.\n")
	}
	w.WriteString(end)
	out := string(doc[:i]) + w.String() + string(doc[j+len(end):])
	return os.WriteFile(file, []byte(out), 0o644)
}

// matrixLiar is a target that lies in one way, to show that the matrix's
// checks fail: it corrupts what it opens, accepts anything, or breaks the
// protocol.
type matrixLiar struct {
	matrixAPITarget
	how string
}

func (l matrixLiar) consume(format string, b map[string]any) (map[string]any, error) {
	switch l.how {
	case "accepts":
		if strings.HasPrefix(format, "sign-") {
			return map[string]any{"valid": true}, nil
		}
		if format == "session-key" {
			return map[string]any{"session_key": b["session_key"]}, nil
		}
		return map[string]any{"plaintext": ""}, nil
	case "corrupts":
		res, err := l.matrixAPITarget.consume(format, b)
		if err != nil {
			return nil, err
		}
		for k, v := range res {
			switch v := v.(type) {
			case string:
				raw, _ := base64.StdEncoding.DecodeString(v)
				res[k] = base64.StdEncoding.EncodeToString(append(raw, 0))
			case bool:
				res[k] = !v
			}
		}
		return res, nil
	}
	return nil, errors.New("transport broke")
}

// TestMatrixCatchesLiars runs the matrix's checks against targets that lie;
// it needs no peer process and runs in every go test.
func TestMatrixCatchesLiars(t *testing.T) {
	honest := matrixAPITarget{nativePeer{}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, format := range matrixFormats {
		if format == "session-key" && testing.Short() {
			continue
		}
		pt := []byte("a plaintext and a password")
		bundle, err := honest.produce(format, pt)
		if err != nil {
			t.Fatalf("%s: produce: %v", format, err)
		}
		if err := matrixCheckBundle(format, bundle); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := matrixConsume(honest, format, pt, bundle); err != nil {
			t.Fatalf("%s: the honest target fails: %v", format, err)
		}
		if err := matrixTamper(honest, format, bundle, rng); err != nil {
			t.Fatalf("%s: the honest target accepts a tampered bundle: %v", format, err)
		}
		for _, how := range []string{"accepts", "corrupts", "breaks"} {
			liar := matrixLiar{honest, how}
			errOpen := matrixConsume(liar, format, pt, bundle)
			errTamper := matrixTamper(liar, format, bundle, rng)
			switch how {
			case "accepts":
				if errTamper == nil {
					t.Errorf("%s: a target accepting a tampered bundle passes", format)
				}
			case "corrupts":
				if errOpen == nil {
					t.Errorf("%s: a target returning a wrong result passes", format)
				}
			case "breaks":
				if errOpen == nil || errTamper == nil {
					t.Errorf("%s: a broken transport passes (open %v, tamper %v)", format, errOpen, errTamper)
				}
			}
		}
		// A bundle missing a field, or with a field that is not base64, is
		// refused before any consumer sees it.
		for _, k := range matrixBundleFields[format].fields {
			bad := maps.Clone(bundle)
			delete(bad, k)
			if matrixCheckBundle(format, bad) == nil {
				t.Errorf("%s: a bundle without %s passes", format, k)
			}
		}
	}
}

// TestMatrixProcProtocol runs a peer program that breaks the protocol: an
// answer that is not JSON, one with both ok and error, an empty error
// text, and an exit. Each must be a transport error, never a refusal
// (errPeer) that a tamper check would count as a pass.
func TestMatrixProcProtocol(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	script := `read l; echo 'not json'; read l; echo '{"ok":{},"error":"x"}'; read l; echo '{"error":""}'; read l; echo '{"error":"decryption failed"}'; read l; exit 0`
	p := startMatrixProc(t, "liar", exec.Command(sh, "-c", script))
	for i, want := range []string{"transport", "transport", "transport", "refusal", "transport"} {
		_, err := p.consume("secretbox", map[string]any{})
		var pe *errPeer
		got := "transport"
		if errors.As(err, &pe) {
			got = "refusal"
		}
		if err == nil || got != want {
			t.Errorf("answer %d: got %v (%s), want a %s error", i, err, got, want)
		}
	}
}

// TestMatrixGoPeer runs the reference peer program (internal/crosstarget/
// gopeer, over the root package's byte API) through the protocol against
// the in-process Go target, both directions, every format: the protocol
// path the bindings' peers take, end to end.
func TestMatrixGoPeer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gopeer")
	build := exec.Command(goTool(), "build", "-o", bin, "./internal/crosstarget/gopeer")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building gopeer: %v\n%s", err, out)
	}
	proc := startMatrixProc(t, "gopeer", exec.Command(bin))
	api := matrixAPITarget{nativePeer{}}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, format := range matrixFormats {
		if format == "session-key" && testing.Short() {
			continue
		}
		for _, pair := range [][2]matrixTarget{{proc, api}, {api, proc}, {proc, proc}} {
			for _, pt := range matrixPlaintexts(rng, format) {
				bundle, err := pair[0].produce(format, pt)
				if err != nil {
					t.Fatalf("%s produce %s: %v", pair[0].name(), format, err)
				}
				if err := matrixCheckBundle(format, bundle); err != nil {
					t.Fatalf("%s produce %s: %v", pair[0].name(), format, err)
				}
				if err := matrixConsume(pair[1], format, pt, bundle); err != nil {
					t.Errorf("%s → %s, %s: %v", pair[0].name(), pair[1].name(), format, err)
				}
				if err := matrixTamper(pair[1], format, bundle, rng); err != nil {
					t.Errorf("%s → %s, %s tampered: %v", pair[0].name(), pair[1].name(), format, err)
				}
			}
		}
	}
	// Requests a peer must refuse with an error line, not a crash.
	for _, req := range []map[string]any{
		{"op": "nope"},
		{"op": "produce", "format": "nope", "plaintext": ""},
		{"op": "produce", "format": "secretbox", "plaintext": "!!"},
		{"op": "consume", "format": "secretbox", "bundle": map[string]any{"key": "AAAA", "ciphertext": "AAAA"}},
		{"op": "consume", "format": "hybrid-cat9", "bundle": map[string]any{}},
	} {
		if _, err := proc.request(req); err == nil {
			t.Errorf("gopeer accepted %v", req)
		} else if pe := (*errPeer)(nil); !errors.As(err, &pe) {
			t.Errorf("gopeer broke on %v: %v", req, err)
		}
	}
}
