package main

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Read-only inputs and static strings: typedefs so that cgo's generated
// header says const, as sealkit.h does, and the two can be compiled
// together (libsealkit/test/abi.c) to prove they agree.
typedef const uint8_t sealkit_in;
typedef const char sealkit_cstr;

// names.c
const char *sealkit_name_of(int code);
*/
import "C"

import (
	"strconv"
	"unsafe"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/argon2"
)

// The exports, one per root-package function, in sealkit.h's order. Each
// is `return run(errOut, func(c *call) error { … })`: outputs checked and
// reset first, then inputs copied, then the call, then the outputs put.

//export sealkit_free
func sealkit_free(p unsafe.Pointer, n C.size_t) {
	if uint64(n) > uint64(^uint(0)>>1) {
		n = 0 // not a length this library returned; free without wiping
	}
	wipeFree(p, int(n))
}

//export sealkit_free_string
func sealkit_free_string(s *C.char) {
	if s == nil {
		return
	}
	wipeFree(unsafe.Pointer(s), int(C.strlen(s)))
}

//export sealkit_error_name
func sealkit_error_name(code C.int) *C.sealkit_cstr {
	return C.sealkit_name_of(code)
}

//export sealkit_generate_key
func sealkit_generate_key(out **C.uint8_t, outLen *C.size_t) C.int {
	return run(nil, func(c *call) error {
		if c.outBytes(out, outLen) {
			c.putBytes(out, outLen, sealkit.GenerateKey())
		}
		return nil
	})
}

//export sealkit_generate_salt
func sealkit_generate_salt(out **C.uint8_t, outLen *C.size_t) C.int {
	return run(nil, func(c *call) error {
		if c.outBytes(out, outLen) {
			c.putBytes(out, outLen, sealkit.GenerateSalt())
		}
		return nil
	})
}

//export sealkit_generate_keypair
func sealkit_generate_keypair(pk **C.uint8_t, pkLen *C.size_t, sk **C.uint8_t, skLen *C.size_t) C.int {
	return run(nil, func(c *call) error {
		if !c.outBytes(pk, pkLen) || !c.outBytes(sk, skLen) {
			return nil
		}
		pub, priv, err := sealkit.GenerateKeyPair()
		if err != nil {
			return err
		}
		c.putBytes(pk, pkLen, pub)
		c.putBytes(sk, skLen, priv)
		return nil
	})
}

// bytesCall is the common shape: byte inputs in, one byte output out.
func bytesCall(errOut **C.char, out **C.uint8_t, outLen *C.size_t, f func(c *call) ([]byte, error)) C.int {
	return run(errOut, func(c *call) error {
		if !c.outBytes(out, outLen) {
			return nil
		}
		b, err := f(c)
		if c.pending != nil {
			return c.pending
		}
		if err != nil {
			return err
		}
		c.putBytes(out, outLen, b)
		return nil
	})
}

//export sealkit_public_key_from_private
func sealkit_public_key_from_private(sk *C.sealkit_in, skLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		s := c.in(sk, skLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.PublicKeyFromPrivate(s)
	})
}

//export sealkit_encrypt_secretbox
func sealkit_encrypt_secretbox(pt *C.sealkit_in, ptLen C.size_t, key *C.sealkit_in, keyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, k := c.in(pt, ptLen), c.in(key, keyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.EncryptSecretbox(p, k)
	})
}

//export sealkit_decrypt_secretbox
func sealkit_decrypt_secretbox(ct *C.sealkit_in, ctLen C.size_t, key *C.sealkit_in, keyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, k := c.in(ct, ctLen), c.in(key, keyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DecryptSecretbox(x, k)
	})
}

//export sealkit_box_seal
func sealkit_box_seal(pt *C.sealkit_in, ptLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, k := c.in(pt, ptLen), c.in(pk, pkLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.BoxSeal(p, k)
	})
}

//export sealkit_box_seal_open
func sealkit_box_seal_open(ct *C.sealkit_in, ctLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, sk *C.sealkit_in, skLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, p, s := c.in(ct, ctLen), c.in(pk, pkLen), c.in(sk, skLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.BoxSealOpen(x, p, s)
	})
}

// hybridLevel maps SEALKIT_CAT1/3/5 (1, 3, 5) to a Level; any other value
// is ParseLevel's error for its decimal text, a *HybridError.
func hybridLevel(l C.int) (sealkit.Level, error) {
	switch l {
	case 1:
		return sealkit.Cat1, nil
	case 3:
		return sealkit.Cat3, nil
	case 5:
		return sealkit.Cat5, nil
	}
	return sealkit.ParseLevel(strconv.Itoa(int(l)))
}

// signLevel maps SEALKIT_SIGN_CAT2/3/5 (2, 3, 5) to a SignLevel; any
// other value is ParseSignLevel's error, a *SignatureError.
func signLevel(l C.int) (sealkit.SignLevel, error) {
	switch l {
	case 2:
		return sealkit.SignCat2, nil
	case 3:
		return sealkit.SignCat3, nil
	case 5:
		return sealkit.SignCat5, nil
	}
	return sealkit.ParseSignLevel(strconv.Itoa(int(l)))
}

// signSuite maps SEALKIT_SUITE_* (0, 1, 2) to a Suite; any other value is
// ParseSuite's error.
func signSuite(s C.int) (sealkit.Suite, error) {
	switch s {
	case 0:
		return sealkit.SuiteHybrid, nil
	case 1:
		return sealkit.SuiteHybridMatched, nil
	case 2:
		return sealkit.SuitePureCnsa2, nil
	}
	return sealkit.ParseSuite(strconv.Itoa(int(s)))
}

// cLevel is the inverse of hybridLevel / signLevel for outputs.
func cSignLevel(l sealkit.SignLevel) C.int {
	switch l {
	case sealkit.SignCat2:
		return 2
	case sealkit.SignCat5:
		return 5
	}
	return 3
}

//export sealkit_generate_hybrid_keypair
func sealkit_generate_hybrid_keypair(level C.int, pk **C.uint8_t, pkLen *C.size_t, seed **C.uint8_t, seedLen *C.size_t, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outBytes(pk, pkLen) || !c.outBytes(seed, seedLen) {
			return nil
		}
		l, err := hybridLevel(level)
		if err != nil {
			return err
		}
		pub, s, err := sealkit.GenerateHybridKeyPair(l)
		if err != nil {
			return err
		}
		c.putBytes(pk, pkLen, pub)
		c.putBytes(seed, seedLen, s)
		return nil
	})
}

//export sealkit_hybrid_public_key
func sealkit_hybrid_public_key(seed *C.sealkit_in, seedLen C.size_t, level C.int, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		s := c.in(seed, seedLen)
		if c.pending != nil {
			return nil, nil
		}
		l, err := hybridLevel(level)
		if err != nil {
			return nil, err
		}
		return sealkit.HybridPublicKey(s, l)
	})
}

//export sealkit_hybrid_seal
func sealkit_hybrid_seal(pt *C.sealkit_in, ptLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, k := c.in(pt, ptLen), c.in(pk, pkLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.HybridSeal(p, k)
	})
}

//export sealkit_hybrid_seal_with_level
func sealkit_hybrid_seal_with_level(pt *C.sealkit_in, ptLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, level C.int, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, k := c.in(pt, ptLen), c.in(pk, pkLen)
		if c.pending != nil {
			return nil, nil
		}
		l, err := hybridLevel(level)
		if err != nil {
			return nil, err
		}
		return sealkit.HybridSealWithLevel(p, k, l)
	})
}

//export sealkit_hybrid_open
func sealkit_hybrid_open(ct *C.sealkit_in, ctLen C.size_t, seed *C.sealkit_in, seedLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, s := c.in(ct, ctLen), c.in(seed, seedLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.HybridOpen(x, s)
	})
}

//export sealkit_is_hybrid_ciphertext
func sealkit_is_hybrid_ciphertext(ct *C.sealkit_in, ctLen C.size_t, result *C.int) C.int {
	return run(nil, func(c *call) error {
		if !c.outInt(result) {
			return nil
		}
		x := c.in(ct, ctLen)
		if c.pending == nil && sealkit.IsHybridCiphertext(x) {
			*result = 1
		}
		return nil
	})
}

//export sealkit_seal_for_user
func sealkit_seal_for_user(level C.int, pt *C.sealkit_in, ptLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, pqPk *C.sealkit_in, pqPkLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, k, q := c.in(pt, ptLen), c.in(pk, pkLen), c.in(pqPk, pqPkLen)
		if c.pending != nil {
			return nil, nil
		}
		l, err := hybridLevel(level)
		if err != nil {
			return nil, err
		}
		return sealkit.SealForUserWithLevel(p, k, q, l)
	})
}

//export sealkit_unseal_from_user
func sealkit_unseal_from_user(ct *C.sealkit_in, ctLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, sk *C.sealkit_in, skLen C.size_t, pqSeed *C.sealkit_in, pqSeedLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, p, s, q := c.in(ct, ctLen), c.in(pk, pkLen), c.in(sk, skLen), c.in(pqSeed, pqSeedLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.UnsealFromUser(x, p, s, q)
	})
}

//export sealkit_derive_session_key
func sealkit_derive_session_key(pw *C.sealkit_in, pwLen C.size_t, salt *C.sealkit_in, saltLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		p, s := c.in(pw, pwLen), c.in(salt, saltLen)
		if c.pending != nil {
			return nil, nil
		}
		if len(s) != sealkit.SaltSize {
			_, err := sealkit.DeriveSessionKey("", s) // the root's own length error
			return nil, err
		}
		// sealkit.DeriveSessionKey takes a Go string, which would be a
		// copy of the password that nothing can wipe; the same Argon2id
		// call on the wiped byte copy gives the same key (the kdf
		// vectors in libsealkit/test check it).
		return argon2.IDKey(p, s, sealkit.Argon2Time, sealkit.Argon2Memory, sealkit.Argon2Threads, sealkit.KeySize), nil
	})
}

//export sealkit_derive_auth_key
func sealkit_derive_auth_key(sessionKey *C.sealkit_in, sessionKeyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		k := c.in(sessionKey, sessionKeyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DeriveAuthKey(k)
	})
}

//export sealkit_format_key_hash
func sealkit_format_key_hash(salt *C.sealkit_in, saltLen C.size_t, out **C.char, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outString(out) {
			return nil
		}
		s := c.in(salt, saltLen)
		if c.pending != nil {
			return nil
		}
		c.putString(out, []byte(sealkit.FormatKeyHash(s)))
		return nil
	})
}

//export sealkit_parse_salt_from_key_hash
func sealkit_parse_salt_from_key_hash(keyHash *C.sealkit_in, keyHashLen C.size_t, out **C.char, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outString(out) {
			return nil
		}
		k := c.in(keyHash, keyHashLen)
		if c.pending != nil {
			return nil
		}
		salt, err := sealkit.ParseSaltFromKeyHash(string(k))
		if err != nil {
			return err
		}
		c.putString(out, []byte(salt))
		return nil
	})
}

//export sealkit_encrypt_private_key
func sealkit_encrypt_private_key(sk *C.sealkit_in, skLen C.size_t, sessionKey *C.sealkit_in, sessionKeyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		s, k := c.in(sk, skLen), c.in(sessionKey, sessionKeyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.EncryptPrivateKey(s, k)
	})
}

//export sealkit_decrypt_private_key
func sealkit_decrypt_private_key(ct *C.sealkit_in, ctLen C.size_t, sessionKey *C.sealkit_in, sessionKeyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, k := c.in(ct, ctLen), c.in(sessionKey, sessionKeyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DecryptPrivateKey(x, k)
	})
}

//export sealkit_generate_recovery_key
func sealkit_generate_recovery_key(key **C.char, secret **C.uint8_t, secretLen *C.size_t, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outString(key) || !c.outBytes(secret, secretLen) {
			return nil
		}
		rk, err := sealkit.GenerateRecoveryKey()
		if err != nil {
			return err
		}
		kb := []byte(rk.Key)
		c.putString(key, kb)
		clear(kb)
		c.putBytes(secret, secretLen, rk.Secret)
		return nil
	})
}

//export sealkit_recovery_key_to_secret
func sealkit_recovery_key_to_secret(key *C.sealkit_in, keyLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		k := c.in(key, keyLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.RecoveryKeyToSecret(string(k))
	})
}

//export sealkit_encrypt_private_key_for_recovery
func sealkit_encrypt_private_key_for_recovery(sk *C.sealkit_in, skLen C.size_t, secret *C.sealkit_in, secretLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		s, r := c.in(sk, skLen), c.in(secret, secretLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.EncryptPrivateKeyForRecovery(s, r)
	})
}

//export sealkit_decrypt_private_key_with_recovery
func sealkit_decrypt_private_key_with_recovery(ct *C.sealkit_in, ctLen C.size_t, secret *C.sealkit_in, secretLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		x, r := c.in(ct, ctLen), c.in(secret, secretLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DecryptPrivateKeyWithRecovery(x, r)
	})
}

//export sealkit_blind_index
func sealkit_blind_index(key *C.sealkit_in, keyLen C.size_t, value *C.sealkit_in, valueLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		k, v := c.in(key, keyLen), c.in(value, valueLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.BlindIndex(k, v), nil
	})
}

//export sealkit_blind_index_email
func sealkit_blind_index_email(key *C.sealkit_in, keyLen C.size_t, email *C.sealkit_in, emailLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		k, e := c.in(key, keyLen), c.in(email, emailLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.BlindIndexEmail(k, string(e)), nil
	})
}

//export sealkit_generate_signing_keypair
func sealkit_generate_signing_keypair(level C.int, pk **C.uint8_t, pkLen *C.size_t, sk **C.uint8_t, skLen *C.size_t, errOut **C.char) C.int {
	return sealkit_generate_signing_keypair_suite(0, level, pk, pkLen, sk, skLen, errOut)
}

//export sealkit_generate_signing_keypair_suite
func sealkit_generate_signing_keypair_suite(suite, level C.int, pk **C.uint8_t, pkLen *C.size_t, sk **C.uint8_t, skLen *C.size_t, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outBytes(pk, pkLen) || !c.outBytes(sk, skLen) {
			return nil
		}
		s, err := signSuite(suite)
		if err != nil {
			return err
		}
		l, err := signLevel(level)
		if err != nil {
			return err
		}
		pub, sec, err := sealkit.GenerateSigningKeyPairSuite(s, l)
		if err != nil {
			return err
		}
		c.putBytes(pk, pkLen, pub)
		c.putBytes(sk, skLen, sec)
		return nil
	})
}

//export sealkit_derive_signing_public_key
func sealkit_derive_signing_public_key(sk *C.sealkit_in, skLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		s := c.in(sk, skLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DeriveSigningPublicKey(s)
	})
}

//export sealkit_sign
func sealkit_sign(msg *C.sealkit_in, msgLen C.size_t, ctx *C.sealkit_in, ctxLen C.size_t, sk *C.sealkit_in, skLen C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		m, x, s := c.in(msg, msgLen), c.in(ctx, ctxLen), c.in(sk, skLen)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.Sign(m, string(x), s)
	})
}

//export sealkit_verify
func sealkit_verify(msg *C.sealkit_in, msgLen C.size_t, ctx *C.sealkit_in, ctxLen C.size_t, sig *C.sealkit_in, sigLen C.size_t, pk *C.sealkit_in, pkLen C.size_t, valid *C.int, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outInt(valid) {
			return nil
		}
		m, x, s, p := c.in(msg, msgLen), c.in(ctx, ctxLen), c.in(sig, sigLen), c.in(pk, pkLen)
		if c.pending != nil {
			return nil
		}
		ok, err := sealkit.Verify(m, string(x), s, p)
		if err != nil {
			return err
		}
		if ok {
			*valid = 1
		}
		return nil
	})
}

func postureCall(b *C.sealkit_in, n C.size_t, suite, level *C.int, errOut **C.char, f func([]byte) (sealkit.Suite, sealkit.SignLevel, error)) C.int {
	return run(errOut, func(c *call) error {
		if !c.outInt(suite) || !c.outInt(level) {
			return nil
		}
		x := c.in(b, n)
		if c.pending != nil {
			return nil
		}
		s, l, err := f(x)
		if err != nil {
			return err
		}
		*suite, *level = C.int(s), cSignLevel(l)
		return nil
	})
}

//export sealkit_signature_posture
func sealkit_signature_posture(pk *C.sealkit_in, pkLen C.size_t, suite, level *C.int, errOut **C.char) C.int {
	return postureCall(pk, pkLen, suite, level, errOut, sealkit.SignaturePosture)
}

//export sealkit_signature_posture_from_signature
func sealkit_signature_posture_from_signature(sig *C.sealkit_in, sigLen C.size_t, suite, level *C.int, errOut **C.char) C.int {
	return postureCall(sig, sigLen, suite, level, errOut, sealkit.SignaturePostureFromSignature)
}

//export sealkit_encode_base64
func sealkit_encode_base64(b *C.sealkit_in, n C.size_t, out **C.char, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outString(out) {
			return nil
		}
		x := c.in(b, n)
		if c.pending != nil {
			return nil
		}
		c.putString(out, []byte(sealkit.EncodeBase64(x)))
		return nil
	})
}

//export sealkit_decode_base64
func sealkit_decode_base64(text *C.sealkit_in, n C.size_t, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return bytesCall(errOut, out, outLen, func(c *call) ([]byte, error) {
		t := c.in(text, n)
		if c.pending != nil {
			return nil, nil
		}
		return sealkit.DecodeBase64(string(t))
	})
}
