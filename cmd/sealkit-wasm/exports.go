package main

import (
	"errors"
	"strings"
	"unsafe"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/recovery"
)

// An export is one function of the JavaScript module: its name, its
// parameters, and the call over already-converted string arguments.
// Everything the module does lives in this table and in protocol.go's
// encoding, so that the native tests can check both without a JavaScript
// engine; main_js.go only exposes them to the host.
//
// The calls follow package sealtext's semantics — the crate's argument
// order, check order and error texts — but are written over package
// sealkit's bytes, because every argument, decoded value and result here
// may be key material and is wiped once used (docs/ARCHITECTURE.md, "Key
// material in memory"): arguments are views of the input buffer, which
// main_js.go clears after the call; what a call decodes goes into its
// wipeList, cleared when the call returns; a secret result is a
// secretText or secretB64, which invoke clears once it has copied it to
// the output. sealtext makes strings, which could not be wiped.
// sealtext_test.go and the shared vectors (js/test, internal/jstest) keep
// the two in step.
//
// The table is a composite literal of constants and closures that capture
// nothing, so the compiler lays it out as static data: built by calls at
// start-up (helpers for the parameter lists, a wrapper per call) it was
// ~13 KB of init code in the wasm module.
type export struct {
	name   string
	params []param
	fn     func(w *wipeList, a []string) (result, error)
}

// call runs the export with a fresh wipeList, wiped when it returns.
func (e *export) call(a []string) (result, error) {
	var w wipeList
	defer w.wipe()
	return e.fn(&w, a)
}

// A param is a JavaScript parameter. Every parameter of the compatible
// table is a string, as in metamorphic-crypto's wasm-bindgen API; an
// optional one (the crate's Option<String>) takes undefined or null, which
// reach call as "" — the crate treats Some("") as None too. The slot and
// bytes exports (slots.go) also take raw bytes (a Uint8Array) and numbers
// (a slot id, as four bytes): they reach call as a string view too.
type param struct {
	name     string
	optional bool
	kind     uint8 // kindStringParam, kindBytesParam or kindNumberParam
}

// Parameter kinds (the manifest's name suffixes, protocol.go).
const (
	kindStringParam = iota
	kindBytesParam
	kindNumberParam
)

// A result is a string (public text), a secretText, a secretB64, a bool,
// an object whose keys keep this order, or (slots.go) secretBytes,
// inPlace or a number.
type result any

// secretBytes is a byte result that may be key material, returned as raw
// bytes: invoke copies it out, then clears it.
type secretBytes []byte

// number is a small integer result (a slot id).
type number uint32

// secretText is a text result that may be key material (a decrypted
// string, a recovery key): invoke copies it out, then clears it.
type secretText []byte

// secretB64 is a byte result returned as base64 text: invoke encodes it
// straight into the output, then clears it, so the text exists nowhere
// else.
type secretB64 []byte

type object []field

// A field's value is a string, a secretText or a secretB64.
type field struct {
	key   string
	value result
}

// public returns a result that is not secret (a ciphertext, a public key)
// as base64 text.
func public(b []byte, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return sealkit.EncodeBase64(b), nil
}

// secret returns a secret byte result as a secretB64.
func secret(b []byte, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return secretB64(b), nil
}

// bytesOf is the UTF-8 bytes of a string argument, without a copy: they
// are the input buffer's, wiped after the call. Read-only. JavaScript
// strings are UTF-16; crypto.js's TextEncoder converts lone surrogates to
// U+FFFD, as wasm-bindgen's does, so the bytes match the crate's.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// A wipeList holds what one call decodes; wipe clears it all.
type wipeList [][]byte

func (w *wipeList) wipe() {
	for _, b := range *w {
		clear(b)
	}
}

// decode decodes base64 arguments in order and stops at the first error,
// as the crate does before any length check; every value is wiped with
// the list.
func (w *wipeList) decode(ss ...string) ([][]byte, error) {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		b, err := b64.Decode(bytesOf(s))
		if err != nil {
			return nil, err
		}
		*w = append(*w, b)
		out[i] = b
	}
	return out, nil
}

// one decodes a single base64 argument.
func (w *wipeList) one(s string) ([]byte, error) {
	b, err := w.decode(s)
	if err != nil {
		return nil, err
	}
	return b[0], nil
}

// encryptText is sealtext.EncryptSecretbox: the key is decoded after the
// plaintext (which the caller decoded, if it was base64).
func encryptText(w *wipeList, plaintext []byte, keyB64 string) (result, error) {
	key, err := w.one(keyB64)
	if err != nil {
		return nil, err
	}
	return public(sealkit.EncryptSecretbox(plaintext, key))
}

// decrypt is sealtext.DecryptSecretbox.
func decrypt(w *wipeList, ciphertextB64, keyB64 string) ([]byte, error) {
	b, err := w.decode(ciphertextB64, keyB64)
	if err != nil {
		return nil, err
	}
	return sealkit.DecryptSecretbox(b[0], b[1])
}

// decryptText is sealtext.DecryptSecretboxToString.
func decryptText(w *wipeList, ciphertextB64, keyB64 string) (result, error) {
	pt, err := decrypt(w, ciphertextB64, keyB64)
	if err != nil {
		return nil, err
	}
	if err := errs.CheckUTF8(pt); err != nil {
		clear(pt)
		return nil, err
	}
	return secretText(pt), nil
}

// boxSealOpen is sealtext.BoxSealOpen.
func boxSealOpen(w *wipeList, ciphertextB64, publicKeyB64, privateKeyB64 string) (result, error) {
	b, err := w.decode(ciphertextB64, publicKeyB64, privateKeyB64)
	if err != nil {
		return nil, err
	}
	return secret(sealkit.BoxSealOpen(b[0], b[1], b[2]))
}

// sealForUser is sealtext.SealForUserWithLevel over a decoded plaintext.
func sealForUser(w *wipeList, plaintext []byte, publicKeyB64, pqPublicKeyB64 string, level sealkit.Level) (result, error) {
	if pqPublicKeyB64 == "" {
		pub, err := w.one(publicKeyB64)
		if err != nil {
			return nil, err
		}
		return public(sealkit.BoxSeal(plaintext, pub))
	}
	pq, err := w.one(pqPublicKeyB64)
	if err != nil {
		return nil, err
	}
	return public(sealkit.HybridSealWithLevel(plaintext, pq, level))
}

// sealFor is the sealForUser exports: the plaintext is decoded first, then
// the level parsed.
func sealFor(w *wipeList, a []string, levelArg string) (result, error) {
	pt, err := w.one(a[0])
	if err != nil {
		return nil, err
	}
	level, err := sealkit.ParseLevel(levelArg)
	if err != nil {
		return nil, err
	}
	return sealForUser(w, pt, a[1], a[2], level)
}

// hybridOpen is sealtext.HybridOpen: the tag is checked before the seed is
// decoded.
func hybridOpen(w *wipeList, ciphertextB64, seedB64 string) ([]byte, error) {
	ct, err := w.one(ciphertextB64)
	if err != nil {
		return nil, err
	}
	if len(ct) == 0 || ct[0] < 0x01 || ct[0] > 0x03 {
		return nil, sealkit.ErrBadTag
	}
	seed, err := w.one(seedB64)
	if err != nil {
		return nil, err
	}
	return sealkit.HybridOpen(ct, seed)
}

func isHybrid(ciphertextB64 string) bool {
	ct, err := b64.Decode(bytesOf(ciphertextB64))
	return err == nil && sealkit.IsHybridCiphertext(ct)
}

func hybridKeyPair(level sealkit.Level) (result, error) {
	pub, seed, err := sealkit.GenerateHybridKeyPair(level)
	if err != nil {
		return nil, err
	}
	return object{{"publicKey", sealkit.EncodeBase64(pub)}, {"secretKey", secretB64(seed)}}, nil
}

// recoveryKey is sealkit.GenerateRecoveryKey with the key text kept in
// bytes: the crate returns the decoding of its own string, and so does
// this.
func recoveryKey() (result, error) {
	random := sealkit.GenerateKey() // 32 random bytes
	text := recovery.AppendEncode(nil, random)
	clear(random)
	decoded, err := recovery.Decode(text)
	if err != nil {
		clear(text)
		return nil, err
	}
	return object{{"recoveryKey", secretText(text)}, {"recoverySecretBase64", secretB64(decoded)}}, nil
}

func signingKeyPair(suite sealkit.Suite, level sealkit.SignLevel) (result, error) {
	pk, sk, err := sealkit.GenerateSigningKeyPairSuite(suite, level)
	if err != nil {
		return nil, err
	}
	return object{{"publicKey", sealkit.EncodeBase64(pk)}, {"secretKey", secretB64(sk)}}, nil
}

func posture(suite sealkit.Suite, level sealkit.SignLevel, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return object{{"suite", suite.String()}, {"level", level.String()}}, nil
}

// exports is the module's API: the 21 functions of metamorphic-crypto
// v0.1.0's wasm.rs plus sealForUserWithLevel, generateHybridKeyPair512,
// generateHybridKeyPair1024 and the signature family
// (generateSigningKeyPair … verify) (wire-format.md §6.1), in the order of
// that table, then sealkit's signaturePosture and
// signaturePostureFromSignature. Plaintext arguments that the crate takes as base64 are decoded
// before the other arguments, as its wasm.rs does.
var exports = []export{
	{"deriveSessionKey", []param{{name: "password"}, {name: "saltB64"}}, func(w *wipeList, a []string) (result, error) {
		salt, err := w.one(a[1])
		if err != nil {
			return nil, err
		}
		return secret(sealkit.DeriveSessionKey(a[0], salt))
	}},
	{"encryptSecretboxString", []param{{name: "plaintext"}, {name: "keyB64"}}, func(w *wipeList, a []string) (result, error) {
		return encryptText(w, bytesOf(a[0]), a[1])
	}},
	{"decryptSecretboxToString", []param{{name: "ciphertextB64"}, {name: "keyB64"}}, func(w *wipeList, a []string) (result, error) {
		return decryptText(w, a[0], a[1])
	}},
	{"encryptSecretbox", []param{{name: "plaintextB64"}, {name: "keyB64"}}, func(w *wipeList, a []string) (result, error) {
		pt, err := w.one(a[0])
		if err != nil {
			return nil, err
		}
		return encryptText(w, pt, a[1])
	}},
	{"decryptSecretbox", []param{{name: "ciphertextB64"}, {name: "keyB64"}}, func(w *wipeList, a []string) (result, error) {
		return secret(decrypt(w, a[0], a[1]))
	}},
	{"boxSeal", []param{{name: "plaintextB64"}, {name: "publicKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		pt, err := w.one(a[0])
		if err != nil {
			return nil, err
		}
		pub, err := w.one(a[1])
		if err != nil {
			return nil, err
		}
		return public(sealkit.BoxSeal(pt, pub))
	}},
	{"boxSealOpen", []param{{name: "ciphertextB64"}, {name: "publicKeyB64"}, {name: "privateKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		return boxSealOpen(w, a[0], a[1], a[2])
	}},
	{"sealForUser", []param{{name: "plaintextB64"}, {name: "publicKeyB64"}, {name: "pqPublicKeyB64", optional: true}}, func(w *wipeList, a []string) (result, error) {
		return sealFor(w, a, "")
	}},
	{"unsealFromUser", []param{{name: "ciphertextB64"}, {name: "publicKeyB64"}, {name: "privateKeyB64"}, {name: "pqSecretKeyB64", optional: true}}, func(w *wipeList, a []string) (result, error) {
		// The crate's v0.6 rule: a hybrid-looking blob with a seed tries
		// the hybrid open, and any failure falls back to the sealed box.
		if a[3] != "" && isHybrid(a[0]) {
			if pt, err := hybridOpen(w, a[0], a[3]); err == nil {
				return secretB64(pt), nil
			}
		}
		return boxSealOpen(w, a[0], a[1], a[2])
	}},
	{"sealForUserWithLevel", []param{{name: "plaintextB64"}, {name: "publicKeyB64"}, {name: "pqPublicKeyB64", optional: true}, {name: "level"}}, func(w *wipeList, a []string) (result, error) {
		return sealFor(w, a, a[3])
	}},
	{"generateHybridKeyPair512", nil, func(*wipeList, []string) (result, error) { return hybridKeyPair(sealkit.Cat1) }},
	{"generateHybridKeyPair", nil, func(*wipeList, []string) (result, error) { return hybridKeyPair(sealkit.Cat3) }},
	{"generateHybridKeyPair1024", nil, func(*wipeList, []string) (result, error) { return hybridKeyPair(sealkit.Cat5) }},
	{"isHybridCiphertext", []param{{name: "ciphertextB64"}}, func(_ *wipeList, a []string) (result, error) {
		return isHybrid(a[0]), nil
	}},
	{"generateKey", nil, func(*wipeList, []string) (result, error) { return secretB64(sealkit.GenerateKey()), nil }},
	{"generateKeyPair", nil, func(*wipeList, []string) (result, error) {
		pub, priv, err := sealkit.GenerateKeyPair()
		if err != nil {
			return nil, err
		}
		return object{{"publicKey", sealkit.EncodeBase64(pub)}, {"privateKey", secretB64(priv)}}, nil
	}},
	{"generateSalt", nil, func(*wipeList, []string) (result, error) { return sealkit.EncodeBase64(sealkit.GenerateSalt()), nil }},
	// A wrapped private key is the secretbox of the key's base64 text, as
	// the crate makes it: the text is not decoded or checked.
	{"encryptPrivateKey", []param{{name: "privateKeyB64"}, {name: "sessionKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		return encryptText(w, bytesOf(a[0]), a[1])
	}},
	{"decryptPrivateKey", []param{{name: "ciphertextB64"}, {name: "sessionKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		return decryptText(w, a[0], a[1])
	}},
	{"generateRecoveryKey", nil, func(*wipeList, []string) (result, error) { return recoveryKey() }},
	{"recoveryKeyToSecret", []param{{name: "recoveryKey"}}, func(_ *wipeList, a []string) (result, error) {
		return secret(recovery.Decode(bytesOf(a[0])))
	}},
	{"encryptPrivateKeyForRecovery", []param{{name: "privateKeyB64"}, {name: "recoverySecretB64"}}, func(w *wipeList, a []string) (result, error) {
		return encryptText(w, bytesOf(a[0]), a[1])
	}},
	{"decryptPrivateKeyWithRecovery", []param{{name: "ciphertextB64"}, {name: "recoverySecretB64"}}, func(w *wipeList, a []string) (result, error) {
		return decryptText(w, a[0], a[1])
	}},
	{"parseSaltFromKeyHash", []param{{name: "keyHash"}}, func(_ *wipeList, a []string) (result, error) {
		salt, err := sealkit.ParseSaltFromKeyHash(a[0])
		if err != nil {
			return nil, err
		}
		// A view of the argument: copy it before the input is wiped.
		return strings.Clone(salt), nil
	}},
	// Composite signatures (crate v0.5/v0.7, wire-format.md §5.1). The
	// message is base64 and decoded first, then the key or signature, as
	// the crate's wasm.rs does; the context is a plain string.
	{"generateSigningKeyPair", []param{{name: "level"}}, func(_ *wipeList, a []string) (result, error) {
		level, err := sealkit.ParseSignLevel(a[0])
		if err != nil {
			return nil, err
		}
		return signingKeyPair(sealkit.SuiteHybrid, level)
	}},
	{"generateSigningKeyPairSuite", []param{{name: "suite"}, {name: "level"}}, func(_ *wipeList, a []string) (result, error) {
		suite, err := sealkit.ParseSuite(a[0])
		if err != nil {
			return nil, err
		}
		level, err := sealkit.ParseSignLevel(a[1])
		if err != nil {
			return nil, err
		}
		return signingKeyPair(suite, level)
	}},
	{"deriveSigningPublicKey", []param{{name: "secretKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		sk, err := w.one(a[0])
		if err != nil {
			return nil, err
		}
		return public(sealkit.DeriveSigningPublicKey(sk))
	}},
	{"sign", []param{{name: "messageB64"}, {name: "context"}, {name: "secretKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		b, err := w.decode(a[0], a[2])
		if err != nil {
			return nil, err
		}
		return public(sealkit.Sign(b[0], a[1], b[1]))
	}},
	{"verify", []param{{name: "messageB64"}, {name: "context"}, {name: "signatureB64"}, {name: "publicKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		b, err := w.decode(a[0], a[2], a[3])
		if err != nil {
			return nil, err
		}
		ok, err := sealkit.Verify(b[0], a[1], b[1], b[2])
		if err != nil {
			return nil, err
		}
		return ok, nil
	}},
	// Not in the crate's wasm.rs: its signature_posture and
	// signature_posture_from_signature, as {suite, level} (the NIF's
	// strings: "hybrid" | "hybrid_matched" | "pure_cnsa2", "cat2" | "cat3"
	// | "cat5").
	{"signaturePosture", []param{{name: "publicKeyB64"}}, func(w *wipeList, a []string) (result, error) {
		pk, err := w.one(a[0])
		if err != nil {
			return nil, err
		}
		return posture(sealkit.SignaturePosture(pk))
	}},
	{"signaturePostureFromSignature", []param{{name: "signatureB64"}}, func(w *wipeList, a []string) (result, error) {
		sig, err := w.one(a[0])
		if err != nil {
			return nil, err
		}
		return posture(sealkit.SignaturePostureFromSignature(sig))
	}},
}

// Error codes: the stable, machine-readable half of an error; the message
// is the crate's Display text. The JS SDK documents the same list.
const (
	codeBase64          = "BASE64"
	codeDecryption      = "DECRYPTION"
	codeInvalidLength   = "INVALID_LENGTH"
	codeTooShort        = "TOO_SHORT"
	codeInvalidKeyHash  = "INVALID_KEY_HASH"
	codeInvalidRecovery = "INVALID_RECOVERY_KEY"
	codeKDF             = "KDF"
	codeHybrid          = "HYBRID"
	codeUTF8            = "UTF8"
	codeSignature       = "SIGNATURE"
	codeLowOrderKey     = "LOW_ORDER_KEY"
	codeInvalidArgument = "INVALID_ARGUMENT"
	codeInternal        = "INTERNAL"
)

// errorCode classifies an error of the core.
func errorCode(err error) string {
	switch {
	case errors.Is(err, sealkit.ErrBase64):
		return codeBase64
	case errors.Is(err, sealkit.ErrDecryption):
		return codeDecryption
	case errors.Is(err, sealkit.ErrInvalidLength):
		return codeInvalidLength
	case errors.Is(err, sealkit.ErrTooShort):
		return codeTooShort
	case errors.Is(err, sealkit.ErrInvalidKeyHash):
		return codeInvalidKeyHash
	case errors.Is(err, sealkit.ErrInvalidRecoveryKey):
		return codeInvalidRecovery
	case errors.Is(err, sealkit.ErrKDF):
		return codeKDF
	case errors.Is(err, sealkit.ErrHybrid):
		return codeHybrid
	case errors.Is(err, sealkit.ErrUTF8):
		return codeUTF8
	case errors.Is(err, sealkit.ErrSignature):
		return codeSignature
	case errors.Is(err, sealkit.ErrLowOrderKey):
		return codeLowOrderKey
	case errors.Is(err, errSlot), errors.Is(err, sealkit.ErrInvalidPlace):
		return codeInvalidArgument
	}
	return codeInternal
}
