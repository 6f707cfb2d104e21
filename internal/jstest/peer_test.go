//go:build !js

package jstest

// The targets of the cross-target suite. A peer runs one of the 31
// functions of the JavaScript API (wire-format.md §6.1, and sealkit's two
// posture functions) by name, with
// string (or null) arguments, and returns its value — a string, a bool or
// an object of strings — or a *callError. Three peers exist: the native Go
// packages (nativePeer), Chromium through the SDK's worker (browserPeer),
// and Node through js/crypto.js (nodePeer).

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// callError is a failure of a call as its target reports it: the stable
// code and the crate's message.
type callError struct {
	Code    string
	Message string
}

func (e *callError) Error() string { return e.Code + ": " + e.Message }

type peer interface {
	name() string
	// call runs fn. A failure of fn is a *callError; any other error means
	// the transport or the target's contract broke.
	call(fn string, args ...any) (any, error)
}

// ---- native Go --------------------------------------------------------------

// nativePeer runs the operations with package sealtext (and sealkit's
// error values), the way a Go server would.
type nativePeer struct{}

func (nativePeer) name() string { return "go" }

// nativeErrorCode classifies a sealkit error into the SDK's codes
// (js/errors.js ErrorCode).
func nativeErrorCode(err error) string {
	for _, c := range []struct {
		target error
		code   string
	}{
		{sealkit.ErrBase64, "BASE64"},
		{sealkit.ErrDecryption, "DECRYPTION"},
		{sealkit.ErrInvalidLength, "INVALID_LENGTH"},
		{sealkit.ErrTooShort, "TOO_SHORT"},
		{sealkit.ErrInvalidKeyHash, "INVALID_KEY_HASH"},
		{sealkit.ErrInvalidRecoveryKey, "INVALID_RECOVERY_KEY"},
		{sealkit.ErrKDF, "KDF"},
		{sealkit.ErrHybrid, "HYBRID"},
		{sealkit.ErrUTF8, "UTF8"},
		{sealkit.ErrLowOrderKey, "LOW_ORDER_KEY"},
		{sealkit.ErrSignature, "SIGNATURE"},
	} {
		if errors.Is(err, c.target) {
			return c.code
		}
	}
	return "INTERNAL"
}

// goError is the callError that the native packages give for err.
func goError(err error) *callError {
	return &callError{Code: nativeErrorCode(err), Message: err.Error()}
}

func (nativePeer) call(fn string, args ...any) (any, error) {
	a := make([]string, len(args))
	for i, v := range args {
		switch v := v.(type) {
		case string:
			a[i] = v
		case nil:
			a[i] = "" // an absent optional argument, as the bindings pass it
		default:
			return nil, fmt.Errorf("go: %s: argument %d is %T, not a string", fn, i, v)
		}
	}
	arg := func(i int) string {
		if i < len(a) {
			return a[i]
		}
		return ""
	}
	text := func(s string, err error) (any, error) {
		if err != nil {
			return nil, goError(err)
		}
		return s, nil
	}
	// plaintext decodes a base64 plaintext argument, which the crate does
	// before anything else.
	plaintext := func() ([]byte, *callError) {
		pt, err := sealkit.DecodeBase64(arg(0))
		if err != nil {
			return nil, goError(err)
		}
		return pt, nil
	}
	switch fn {
	case "deriveSessionKey":
		return text(sealtext.DeriveSessionKey(arg(0), arg(1)))
	case "encryptSecretboxString":
		return text(sealtext.EncryptSecretboxString(arg(0), arg(1)))
	case "decryptSecretboxToString":
		return text(sealtext.DecryptSecretboxToString(arg(0), arg(1)))
	case "encryptSecretbox":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		return text(sealtext.EncryptSecretbox(pt, arg(1)))
	case "decryptSecretbox":
		pt, err := sealtext.DecryptSecretbox(arg(0), arg(1))
		if err != nil {
			return nil, goError(err)
		}
		return sealkit.EncodeBase64(pt), nil
	case "boxSeal":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		return text(sealtext.BoxSeal(pt, arg(1)))
	case "boxSealOpen":
		return text(sealtext.BoxSealOpen(arg(0), arg(1), arg(2)))
	case "sealForUser":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		return text(sealtext.SealForUser(pt, arg(1), arg(2)))
	case "sealForUserWithLevel":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		level, err := sealtext.ParseLevel(arg(3))
		if err != nil {
			return nil, goError(err)
		}
		return text(sealtext.SealForUserWithLevel(pt, arg(1), arg(2), level))
	case "unsealFromUser":
		return text(sealtext.UnsealFromUser(arg(0), arg(1), arg(2), arg(3)))
	case "generateHybridKeyPair512", "generateHybridKeyPair", "generateHybridKeyPair1024":
		level := map[string]sealkit.Level{"generateHybridKeyPair512": sealkit.Cat1, "generateHybridKeyPair": sealkit.Cat3, "generateHybridKeyPair1024": sealkit.Cat5}[fn]
		kp, err := sealtext.GenerateHybridKeyPair(level)
		if err != nil {
			return nil, goError(err)
		}
		return map[string]any{"publicKey": kp.PublicKey, "secretKey": kp.SecretKey}, nil
	case "isHybridCiphertext":
		return sealtext.IsHybridCiphertext(arg(0)), nil
	case "generateKey":
		return sealtext.GenerateKey(), nil
	case "generateKeyPair":
		kp, err := sealtext.GenerateKeyPair()
		if err != nil {
			return nil, goError(err)
		}
		return map[string]any{"publicKey": kp.PublicKey, "privateKey": kp.PrivateKey}, nil
	case "generateSalt":
		return sealtext.GenerateSalt(), nil
	case "encryptPrivateKey":
		return text(sealtext.EncryptPrivateKey(arg(0), arg(1)))
	case "decryptPrivateKey":
		return text(sealtext.DecryptPrivateKey(arg(0), arg(1)))
	case "generateRecoveryKey":
		rk, err := sealtext.GenerateRecoveryKey()
		if err != nil {
			return nil, goError(err)
		}
		return map[string]any{"recoveryKey": rk.RecoveryKey, "recoverySecretBase64": rk.RecoverySecretB64}, nil
	case "recoveryKeyToSecret":
		return text(sealtext.RecoveryKeyToSecret(arg(0)))
	case "encryptPrivateKeyForRecovery":
		return text(sealtext.EncryptPrivateKeyForRecovery(arg(0), arg(1)))
	case "decryptPrivateKeyWithRecovery":
		return text(sealtext.DecryptPrivateKeyWithRecovery(arg(0), arg(1)))
	case "parseSaltFromKeyHash":
		return text(sealtext.ParseSaltFromKeyHash(arg(0)))
	case "generateSigningKeyPair", "generateSigningKeyPairSuite":
		suiteArg, levelArg := "", arg(0)
		if fn == "generateSigningKeyPairSuite" {
			suiteArg, levelArg = arg(0), arg(1)
		}
		suite, err := sealtext.ParseSuite(suiteArg)
		if err != nil {
			return nil, goError(err)
		}
		level, err := sealtext.ParseSignLevel(levelArg)
		if err != nil {
			return nil, goError(err)
		}
		kp, err := sealtext.GenerateSigningKeyPairSuite(suite, level)
		if err != nil {
			return nil, goError(err)
		}
		return map[string]any{"publicKey": kp.PublicKey, "secretKey": kp.SecretKey}, nil
	case "deriveSigningPublicKey":
		return text(sealtext.DeriveSigningPublicKey(arg(0)))
	case "sign":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		return text(sealtext.Sign(pt, arg(1), arg(2)))
	case "verify":
		pt, cerr := plaintext()
		if cerr != nil {
			return nil, cerr
		}
		ok, err := sealtext.Verify(pt, arg(1), arg(2), arg(3))
		if err != nil {
			return nil, goError(err)
		}
		return ok, nil
	case "signaturePosture", "signaturePostureFromSignature":
		f := sealtext.SignaturePosture
		if fn == "signaturePostureFromSignature" {
			f = sealtext.SignaturePostureFromSignature
		}
		suite, level, err := f(arg(0))
		if err != nil {
			return nil, goError(err)
		}
		return map[string]any{"suite": suite.String(), "level": level.String()}, nil
	}
	return nil, fmt.Errorf("go: no function %q", fn)
}

// ---- Chromium -----------------------------------------------------------------

// outcome is what sdk.js's functions return.
type outcome struct {
	OK           bool   `json:"ok"`
	Value        any    `json:"value"`
	SealkitError bool   `json:"sealkitError"`
	IsError      bool   `json:"isError"`
	Name         string `json:"name"`
	Code         string `json:"code"`
	Message      string `json:"message"`
	ThrownType   string `json:"thrownType"`
}

// result turns an outcome into a peer result. A failure must be a
// SealkitError (an Error with a code): anything else breaks the SDK's
// contract and is reported as such, not as a callError.
func (o outcome) result(where string) (any, error) {
	if o.OK {
		return o.Value, nil
	}
	if !o.SealkitError || !o.IsError || o.Name != "SealkitError" || o.Code == "" {
		return nil, fmt.Errorf("%s: rejected with something that is not a SealkitError: %+v", where, o)
	}
	return nil, &callError{Code: o.Code, Message: o.Message}
}

// browserPeer calls the exports in Chromium through the SDK: sdk.js's
// call(), i.e. index.js call(name, ...args), which runs them in the SDK's
// worker.
type browserPeer struct{ b *browser }

func (browserPeer) name() string { return "chromium" }

func (p browserPeer) call(fn string, args ...any) (any, error) {
	if args == nil {
		args = []any{}
	}
	o, err := call[outcome](p.b, "call", fn, args)
	if err != nil {
		return nil, err
	}
	return o.result("chromium: sdk.call(" + fn + ")")
}

// ---- Node ---------------------------------------------------------------------

// nodePeer runs testdata/peer.mjs, which loads js/crypto.js (with this test
// binary's wasm build) and answers one JSON line per request.
type nodePeer struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	stderr *lockedBuffer
	mu     sync.Mutex
	nextID int
}

func (*nodePeer) name() string { return "node" }

// nodePath returns the node binary, or skips with SEALKIT_SKIP_NODE=1.
func nodePath(t *testing.T) string {
	t.Helper()
	if os.Getenv("SEALKIT_SKIP_NODE") == "1" {
		t.Skip("SEALKIT_SKIP_NODE=1: Node tests skipped")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found (%v): the Node tests need Node.js ≥ 20 on PATH; set SEALKIT_SKIP_NODE=1 to skip them explicitly", err)
	}
	return node
}

func startNodePeer(t *testing.T) *nodePeer {
	t.Helper()
	node := nodePath(t)
	sdk := wasmBuild(t)
	p := &nodePeer{stderr: &lockedBuffer{}, lines: make(chan []byte, 1)}
	p.cmd = exec.Command(node, filepath.Join("testdata", "peer.mjs"), filepath.Join(sdk, "crypto.js"))
	p.cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
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
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
		if t.Failed() && p.stderr.String() != "" {
			t.Logf("peer.mjs stderr:\n%s", p.stderr.String())
		}
	})
	var hello struct {
		Ready   bool     `json:"ready"`
		Exports []string `json:"exports"`
	}
	if err := p.read(&hello, 60*time.Second); err != nil || !hello.Ready {
		t.Fatalf("peer.mjs did not start: %v (%+v)\nstderr: %s", err, hello, p.stderr.String())
	}
	if len(hello.Exports) != 31 {
		t.Fatalf("peer.mjs: crypto.js exports %d functions, want 31: %v", len(hello.Exports), hello.Exports)
	}
	return p
}

func (p *nodePeer) read(v any, timeout time.Duration) error {
	select {
	case line, ok := <-p.lines:
		if !ok {
			return fmt.Errorf("peer.mjs exited (%s)", strings.TrimSpace(p.stderr.String()))
		}
		return json.Unmarshal(line, v)
	case <-time.After(timeout):
		return fmt.Errorf("no answer from peer.mjs within %v", timeout)
	}
}

func (p *nodePeer) call(fn string, args ...any) (any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nextID++
	if args == nil {
		args = []any{}
	}
	req, err := json.Marshal(map[string]any{"id": p.nextID, "fn": fn, "args": args})
	if err != nil {
		return nil, err
	}
	if _, err := p.stdin.Write(append(req, '\n')); err != nil {
		return nil, fmt.Errorf("node: writing request: %v", err)
	}
	var resp struct {
		ID int `json:"id"`
		outcome
	}
	if err := p.read(&resp, evalTimeout); err != nil {
		return nil, fmt.Errorf("node: %s: %v", fn, err)
	}
	if resp.ID != p.nextID {
		return nil, fmt.Errorf("node: answer %d to request %d", resp.ID, p.nextID)
	}
	if !resp.OK && (!resp.IsError || resp.Code == "") {
		return nil, fmt.Errorf("node: %s threw something that is not an Error with a code: %+v", fn, resp.outcome)
	}
	if !resp.OK {
		return nil, &callError{Code: resp.Code, Message: resp.Message}
	}
	return resp.Value, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<16 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
