package main

import (
	"errors"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// An export is one function of the JavaScript module: its name, its
// parameters, and the call over already-converted string arguments.
// Everything the module does lives in this table and in protocol.go's
// encoding, so that the native tests can check both without a JavaScript
// engine; main_js.go only exposes them to the host.
type export struct {
	name   string
	params []param
	call   func(a []string) (result, error)
}

// A param is a JavaScript parameter. Every parameter is a string, as in
// metamorphic-crypto's wasm-bindgen API; an optional one (the crate's
// Option<String>) takes undefined or null, which reach call as "" — the
// crate treats Some("") as None too.
type param struct {
	name     string
	optional bool
}

// A result is a string, a bool, or an object whose keys keep this order.
type result any

type object []field

type field struct{ key, value string }

func req(names ...string) []param {
	ps := make([]param, len(names))
	for i, n := range names {
		ps[i] = param{name: n}
	}
	return ps
}

func opt(ps []param, name string) []param { return append(ps, param{name: name, optional: true}) }

func str(s string, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

func b64(b []byte, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return sealkit.EncodeBase64(b), nil
}

// text returns the UTF-8 bytes of a JavaScript string argument. JavaScript
// strings are UTF-16; syscall/js converts lone surrogates to U+FFFD, as
// wasm-bindgen's TextEncoder does, so the bytes match the crate's.
func text(s string) []byte { return []byte(s) }

// b64Arg decodes a base64 argument that the crate takes as plaintext
// bytes; the error is the crate's base64 error.
func b64Arg(s string) ([]byte, error) { return sealkit.DecodeBase64(s) }

func hybridKeyPair(level sealkit.Level) (result, error) {
	kp, err := sealtext.GenerateHybridKeyPair(level)
	if err != nil {
		return nil, err
	}
	return object{{"publicKey", kp.PublicKey}, {"secretKey", kp.SecretKey}}, nil
}

// exports is the module's API: the 21 functions of metamorphic-crypto
// v0.1.0's wasm.rs plus sealForUserWithLevel, generateHybridKeyPair512 and
// generateHybridKeyPair1024 (wire-format.md §6.1), in the order of that
// table. Plaintext arguments that the crate takes as base64 are decoded
// before the other arguments, as its wasm.rs does.
var exports = []export{
	{"deriveSessionKey", req("password", "saltB64"), func(a []string) (result, error) {
		return str(sealtext.DeriveSessionKey(a[0], a[1]))
	}},
	{"encryptSecretboxString", req("plaintext", "keyB64"), func(a []string) (result, error) {
		return str(sealtext.EncryptSecretbox(text(a[0]), a[1]))
	}},
	{"decryptSecretboxToString", req("ciphertextB64", "keyB64"), func(a []string) (result, error) {
		return str(sealtext.DecryptSecretboxToString(a[0], a[1]))
	}},
	{"encryptSecretbox", req("plaintextB64", "keyB64"), func(a []string) (result, error) {
		pt, err := b64Arg(a[0])
		if err != nil {
			return nil, err
		}
		return str(sealtext.EncryptSecretbox(pt, a[1]))
	}},
	{"decryptSecretbox", req("ciphertextB64", "keyB64"), func(a []string) (result, error) {
		return b64(sealtext.DecryptSecretbox(a[0], a[1]))
	}},
	{"boxSeal", req("plaintextB64", "publicKeyB64"), func(a []string) (result, error) {
		pt, err := b64Arg(a[0])
		if err != nil {
			return nil, err
		}
		return str(sealtext.BoxSeal(pt, a[1]))
	}},
	{"boxSealOpen", req("ciphertextB64", "publicKeyB64", "privateKeyB64"), func(a []string) (result, error) {
		return str(sealtext.BoxSealOpen(a[0], a[1], a[2]))
	}},
	{"sealForUser", opt(req("plaintextB64", "publicKeyB64"), "pqPublicKeyB64"), func(a []string) (result, error) {
		pt, err := b64Arg(a[0])
		if err != nil {
			return nil, err
		}
		return str(sealtext.SealForUser(pt, a[1], a[2]))
	}},
	{"unsealFromUser", opt(req("ciphertextB64", "publicKeyB64", "privateKeyB64"), "pqSecretKeyB64"), func(a []string) (result, error) {
		return str(sealtext.UnsealFromUser(a[0], a[1], a[2], a[3]))
	}},
	{"sealForUserWithLevel", append(opt(req("plaintextB64", "publicKeyB64"), "pqPublicKeyB64"), param{name: "level"}), func(a []string) (result, error) {
		pt, err := b64Arg(a[0])
		if err != nil {
			return nil, err
		}
		level, err := sealtext.ParseLevel(a[3])
		if err != nil {
			return nil, err
		}
		return str(sealtext.SealForUserWithLevel(pt, a[1], a[2], level))
	}},
	{"generateHybridKeyPair512", nil, func([]string) (result, error) { return hybridKeyPair(sealkit.Cat1) }},
	{"generateHybridKeyPair", nil, func([]string) (result, error) { return hybridKeyPair(sealkit.Cat3) }},
	{"generateHybridKeyPair1024", nil, func([]string) (result, error) { return hybridKeyPair(sealkit.Cat5) }},
	{"isHybridCiphertext", req("ciphertextB64"), func(a []string) (result, error) {
		return sealtext.IsHybridCiphertext(a[0]), nil
	}},
	{"generateKey", nil, func([]string) (result, error) { return sealtext.GenerateKey(), nil }},
	{"generateKeyPair", nil, func([]string) (result, error) {
		kp, err := sealtext.GenerateKeyPair()
		if err != nil {
			return nil, err
		}
		return object{{"publicKey", kp.PublicKey}, {"privateKey", kp.PrivateKey}}, nil
	}},
	{"generateSalt", nil, func([]string) (result, error) { return sealtext.GenerateSalt(), nil }},
	{"encryptPrivateKey", req("privateKeyB64", "sessionKeyB64"), func(a []string) (result, error) {
		return str(sealtext.EncryptPrivateKey(a[0], a[1]))
	}},
	{"decryptPrivateKey", req("ciphertextB64", "sessionKeyB64"), func(a []string) (result, error) {
		return str(sealtext.DecryptPrivateKey(a[0], a[1]))
	}},
	{"generateRecoveryKey", nil, func([]string) (result, error) {
		rk, err := sealtext.GenerateRecoveryKey()
		if err != nil {
			return nil, err
		}
		return object{{"recoveryKey", rk.RecoveryKey}, {"recoverySecretBase64", rk.RecoverySecretB64}}, nil
	}},
	{"recoveryKeyToSecret", req("recoveryKey"), func(a []string) (result, error) {
		return str(sealtext.RecoveryKeyToSecret(a[0]))
	}},
	{"encryptPrivateKeyForRecovery", req("privateKeyB64", "recoverySecretB64"), func(a []string) (result, error) {
		return str(sealtext.EncryptPrivateKeyForRecovery(a[0], a[1]))
	}},
	{"decryptPrivateKeyWithRecovery", req("ciphertextB64", "recoverySecretB64"), func(a []string) (result, error) {
		return str(sealtext.DecryptPrivateKeyWithRecovery(a[0], a[1]))
	}},
	{"parseSaltFromKeyHash", req("keyHash"), func(a []string) (result, error) {
		return str(sealtext.ParseSaltFromKeyHash(a[0]))
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
	case errors.Is(err, sealkit.ErrLowOrderKey):
		return codeLowOrderKey
	}
	return codeInternal
}
