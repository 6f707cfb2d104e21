// Command gopeer is the native Go peer of the cross-target peer protocol
// (docs/TARGETS.md, "Peer protocol"): JSON lines on stdin, one answer line
// per request on stdout, over the root package's byte API — the same calls
// libsealkit exports, so it is the reference for the bindings' peers. The
// matrix's Go target runs in-process (internal/jstest); TestMatrixGoPeer
// runs this program against it to check the protocol path end to end.
//
//	go run ./internal/crosstarget/gopeer
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sealkit/sealkit"
)

type request struct {
	Op        string            `json:"op"`
	Format    string            `json:"format"`
	Plaintext string            `json:"plaintext"`
	Bundle    map[string]string `json:"bundle"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		var req request
		var ans map[string]any
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			ans = map[string]any{"error": "peer: request is not JSON: " + err.Error()}
		} else if ok, err := handle(req); err != nil {
			ans = map[string]any{"error": err.Error()}
		} else {
			ans = map[string]any{"ok": ok}
		}
		line, _ := json.Marshal(ans)
		out.Write(append(line, '\n'))
		out.Flush()
	}
}

var b64 = base64.StdEncoding

func enc(b []byte) string { return b64.EncodeToString(b) }

var hybridLevels = map[string]sealkit.Level{"cat1": sealkit.Cat1, "cat3": sealkit.Cat3, "cat5": sealkit.Cat5}
var signLevels = map[string]sealkit.SignLevel{"cat2": sealkit.SignCat2, "cat3": sealkit.SignCat3, "cat5": sealkit.SignCat5}

func handle(req request) (map[string]any, error) {
	switch req.Op {
	case "produce":
		pt, err := b64.DecodeString(req.Plaintext)
		if err != nil {
			return nil, fmt.Errorf("peer: plaintext is not base64: %v", err)
		}
		return produce(req.Format, pt)
	case "consume":
		return consume(req.Format, req.Bundle)
	}
	return nil, fmt.Errorf("peer: unknown op %q", req.Op)
}

func produce(format string, pt []byte) (map[string]any, error) {
	switch {
	case format == "secretbox":
		key := sealkit.GenerateKey()
		ct, err := sealkit.EncryptSecretbox(pt, key)
		return map[string]any{"key": enc(key), "ciphertext": enc(ct)}, err
	case format == "box_seal":
		pk, sk, err := sealkit.GenerateKeyPair()
		if err != nil {
			return nil, err
		}
		ct, err := sealkit.BoxSeal(pt, pk)
		return map[string]any{"public_key": enc(pk), "private_key": enc(sk), "ciphertext": enc(ct)}, err
	case strings.HasPrefix(format, "hybrid-"):
		level, ok := hybridLevels[strings.TrimPrefix(format, "hybrid-")]
		if !ok {
			break
		}
		pk, sk, err := sealkit.GenerateKeyPair()
		if err != nil {
			return nil, err
		}
		pqPK, pqSeed, err := sealkit.GenerateHybridKeyPair(level)
		if err != nil {
			return nil, err
		}
		ct, err := sealkit.SealForUserWithLevel(pt, pk, pqPK, level)
		return map[string]any{"public_key": enc(pk), "private_key": enc(sk), "pq_public_key": enc(pqPK),
			"pq_secret_key": enc(pqSeed), "ciphertext": enc(ct)}, err
	case format == "private-key":
		key := sealkit.GenerateKey()
		ct, err := sealkit.EncryptPrivateKey(pt, key)
		return map[string]any{"session_key": enc(key), "ciphertext": enc(ct)}, err
	case format == "recovery":
		rk, err := sealkit.GenerateRecoveryKey()
		if err != nil {
			return nil, err
		}
		ct, err := sealkit.EncryptPrivateKeyForRecovery(pt, rk.Secret)
		return map[string]any{"recovery_key": rk.Key, "ciphertext": enc(ct)}, err
	case format == "session-key":
		if !utf8.Valid(pt) {
			return nil, errors.New("peer: the password is not UTF-8")
		}
		salt := sealkit.GenerateSalt()
		key, err := sealkit.DeriveSessionKey(string(pt), salt)
		return map[string]any{"password": enc(pt), "salt": enc(salt), "session_key": enc(key)}, err
	case strings.HasPrefix(format, "sign-"):
		level, ok := signLevels[strings.TrimPrefix(format, "sign-")]
		if !ok {
			break
		}
		pk, sk, err := sealkit.GenerateSigningKeyPair(level)
		if err != nil {
			return nil, err
		}
		sig, err := sealkit.Sign(pt, sealkit.SignContextV1, sk)
		return map[string]any{"public_key": enc(pk), "message": enc(pt), "context": sealkit.SignContextV1, "signature": enc(sig)}, err
	}
	return nil, fmt.Errorf("peer: unknown format %q", format)
}

func consume(format string, b map[string]string) (map[string]any, error) {
	var bad error
	field := func(k string) []byte {
		v, err := b64.DecodeString(b[k])
		if err != nil && bad == nil {
			bad = fmt.Errorf("peer: bundle field %s is not base64: %v", k, err)
		}
		return v
	}
	plain := func(pt []byte, err error) (map[string]any, error) {
		if bad != nil {
			return nil, bad
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"plaintext": enc(pt)}, nil
	}
	switch {
	case format == "secretbox":
		return plain(sealkit.DecryptSecretbox(field("ciphertext"), field("key")))
	case format == "box_seal":
		return plain(sealkit.BoxSealOpen(field("ciphertext"), field("public_key"), field("private_key")))
	case strings.HasPrefix(format, "hybrid-"):
		if _, ok := hybridLevels[strings.TrimPrefix(format, "hybrid-")]; !ok {
			break
		}
		return plain(sealkit.UnsealFromUser(field("ciphertext"), field("public_key"), field("private_key"), field("pq_secret_key")))
	case format == "private-key":
		return plain(sealkit.DecryptPrivateKey(field("ciphertext"), field("session_key")))
	case format == "recovery":
		secret, err := sealkit.RecoveryKeyToSecret(b["recovery_key"])
		if err != nil {
			return nil, err
		}
		return plain(sealkit.DecryptPrivateKeyWithRecovery(field("ciphertext"), secret))
	case format == "session-key":
		pw, salt := field("password"), field("salt")
		if bad != nil {
			return nil, bad
		}
		if !utf8.Valid(pw) {
			return nil, errors.New("peer: the password is not UTF-8")
		}
		key, err := sealkit.DeriveSessionKey(string(pw), salt)
		if err != nil {
			return nil, err
		}
		return map[string]any{"session_key": enc(key)}, nil
	case strings.HasPrefix(format, "sign-"):
		if _, ok := signLevels[strings.TrimPrefix(format, "sign-")]; !ok {
			break
		}
		msg, sig, pk := field("message"), field("signature"), field("public_key")
		if bad != nil {
			return nil, bad
		}
		valid, err := sealkit.Verify(msg, b["context"], sig, pk)
		if err != nil {
			return nil, err
		}
		return map[string]any{"valid": valid}, nil
	}
	return nil, fmt.Errorf("peer: unknown format %q", format)
}
