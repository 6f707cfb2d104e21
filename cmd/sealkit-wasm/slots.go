package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/hybrid"
	"github.com/sealkit/sealkit/internal/nacl"
)

// Key slots: keys held in the module between calls, named by a small
// integer, for the SDK's key store (js/keystore.js). The compatible API
// takes every key as base64 text on every call, so each call decodes it
// again and, for a hybrid open, expands the ML-KEM decapsulation key from
// the 32-byte seed again (SHAKE256, the matrix, a base point
// multiplication: most of an open). A slot takes the key bytes once and
// keeps what it derives from them: a hybrid open with a user slot expands
// its seed once per level (hybrid.PrivateKey) and reuses that for the
// slot's life. The price is key material resident in linear memory while
// the handle lives (it already is, in the worker's JavaScript heap);
// freeing the slot wipes all of it, the expanded keys included
// (docs/ARCHITECTURE.md, "Key material in memory").
//
// The module runs one thread; the table is the worker's own (each worker
// of a pool makes its own slots for the handles it is asked to use).

// A slot is one entry of the table. A user slot holds the X25519 private
// key, the public key the sealed box's nonce is made from, and the hybrid
// seed (none when empty), each as given — the same bytes unsealFromUser
// takes, so that a slot opens exactly what it would, errors included —,
// and the seed's expansions by tag. A key slot holds a 32-byte secretbox
// key.
type slot struct {
	used bool
	user bool
	key  []byte // key slot: the secretbox key; user slot: the X25519 private key
	pub  []byte // user slot: the X25519 public key
	seed []byte // user slot: the hybrid seed
	pq   [3]*hybrid.PrivateKey
}

// slots is the table; id i names slots[i-1], so that 0 is never an id. It
// holds pointers, so that growing it copies no key bytes into an array it
// then drops; a freed slot is cleared and reused.
var slots []*slot

// errSlot is the failure of a call on an id that names no slot of the
// right kind: a bug of the caller, never of the input (INVALID_ARGUMENT).
var errSlot = errors.New("invalid argument: no such key slot")

// newSlot stores copies of the given bytes in a free slot and returns its
// id.
func newSlot(user bool, key, pub, seed []byte) number {
	i := 0
	for i < len(slots) && slots[i].used {
		i++
	}
	if i == len(slots) {
		slots = append(slots, new(slot))
	}
	*slots[i] = slot{used: true, user: user, key: clone(key), pub: clone(pub), seed: clone(seed)}
	return number(i + 1)
}

// clone copies b onto the heap, where the slot can wipe it; nil for none.
// slotOf and clone are not inlined: at each call site they cost the wasm
// module more than the call does.
//
//go:noinline
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// slotOf returns the slot a number argument names, if it is of the kind
// wanted.
//
//go:noinline
func slotOf(arg string, user bool) (*slot, error) {
	if len(arg) != 4 {
		return nil, errSlot
	}
	id := binary.LittleEndian.Uint32(bytesOf(arg))
	if id == 0 || uint64(id) > uint64(len(slots)) {
		return nil, errSlot
	}
	s := slots[id-1]
	if !s.used || s.user != user {
		return nil, errSlot
	}
	return s, nil
}

// free wipes a slot — its keys and every expansion of its seed — and
// makes it reusable. It reports whether the slot was in use.
func (s *slot) free() bool {
	was := s.used
	clear(s.key)
	clear(s.pub)
	clear(s.seed)
	for _, k := range s.pq {
		if k != nil {
			k.Wipe()
		}
	}
	*s = slot{}
	return was
}

// unseal is unsealFromUser with the slot's keys: the hybrid open when the
// slot has a seed and the blob looks hybrid, falling back to the sealed
// box on any failure (the crate's v0.6 rule).
func (s *slot) unseal(ct []byte) ([]byte, error) {
	if len(s.seed) > 0 && sealkit.IsHybridCiphertext(ct) {
		if pt, err := s.hybridOpen(ct); err == nil {
			return pt, nil
		}
	}
	return sealkit.BoxSealOpen(ct, s.pub, s.key)
}

// hybridOpen is sealkit.HybridOpen with the seed's expansion for the
// blob's level, made on first use and kept.
func (s *slot) hybridOpen(ct []byte) ([]byte, error) {
	p, ok := hybrid.ByTag(ct[0]) // IsHybridCiphertext: ct is not empty
	if !ok {
		return nil, sealkit.ErrBadTag
	}
	k := s.pq[p.Tag-1]
	if k == nil {
		var err error
		if k, err = hybrid.NewPrivateKey(p, s.seed); err != nil {
			return nil, err
		}
		s.pq[p.Tag-1] = k
	}
	return k.Open(ct)
}

// unsealBytes is unsealFromUser over raw bytes.
func unsealBytes(ct, pub, priv, seed []byte) (result, error) {
	if len(seed) > 0 && sealkit.IsHybridCiphertext(ct) {
		if pt, err := sealkit.HybridOpen(ct, seed); err == nil {
			return secretBytes(pt), nil
		}
	}
	return secretBytesOf(sealkit.BoxSealOpen(ct, pub, priv))
}

// sealInto is sealkit.EncryptSecretbox written straight into the output
// buffer (outNext), and openInto sealkit.DecryptSecretbox: for a 1 MiB
// blob, no result array to allocate, copy and clear. Room is reserved
// first, so that the output never grows elsewhere than in reserve, which
// wipes what it leaves.
func sealInto(pt, key []byte) (result, error) {
	out, err := nacl.AppendSeal(reserve(outNext, nacl.SecretboxMin+len(pt)), rand.Reader, pt, key)
	if err != nil {
		return nil, err
	}
	return inPlace(out), nil
}

func openInto(ct, key []byte) (result, error) {
	out, err := nacl.AppendOpen(reserve(outNext, max(len(ct)-nacl.SecretboxMin, 0)), ct, key)
	if err != nil {
		return nil, err
	}
	return inPlace(out), nil
}

// secretBytesOf returns a secret byte result as raw bytes.
func secretBytesOf(b []byte, err error) (result, error) {
	if err != nil {
		return nil, err
	}
	return secretBytes(b), nil
}

// slotExports follows the compatible table in the manifest (exportAt).
// The first four are the public bytes API — the compatible functions of
// the same name without "Bytes", over raw bytes instead of base64 text:
// the same checks, errors and results. The rest are js/keystore.js's: the
// key slots, and two signing functions that take the secret key as bytes
// (signBytes, signingPublicKeyBytes). A slot's calls produce exactly what
// the compatible function given the slot's keys produces (slots_test.go,
// which holds the signing functions to sign and deriveSigningPublicKey
// the same way). Argument
// values are views of the input buffer, as for the compatible table. Like
// that table, it is a literal of constants and closures that capture
// nothing, so that it is static data rather than init code.
var slotExports = []export{
	{"encryptSecretboxBytes", []param{{name: "plaintext", kind: kindBytesParam}, {name: "key", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		return sealInto(bytesOf(a[0]), bytesOf(a[1]))
	}},
	{"decryptSecretboxBytes", []param{{name: "ciphertext", kind: kindBytesParam}, {name: "key", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		return openInto(bytesOf(a[0]), bytesOf(a[1]))
	}},
	{"boxSealOpenBytes", []param{{name: "ciphertext", kind: kindBytesParam}, {name: "publicKey", kind: kindBytesParam}, {name: "privateKey", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		return secretBytesOf(sealkit.BoxSealOpen(bytesOf(a[0]), bytesOf(a[1]), bytesOf(a[2])))
	}},
	{"unsealFromUserBytes", []param{{name: "ciphertext", kind: kindBytesParam}, {name: "publicKey", kind: kindBytesParam}, {name: "privateKey", kind: kindBytesParam}, {name: "pqSecretKey", kind: kindBytesParam, optional: true}}, func(_ *wipeList, a []string) (result, error) {
		return unsealBytes(bytesOf(a[0]), bytesOf(a[1]), bytesOf(a[2]), bytesOf(a[3]))
	}},

	// slotUser(privateKey, publicKeyB64, pqSecretKey?) → a user slot. The
	// public key comes as the account record's base64 text; the keys are
	// kept as given and checked when used, as unsealFromUser checks them.
	{"slotUser", []param{{name: "privateKey", kind: kindBytesParam}, {name: "publicKeyB64"}, {name: "pqSecretKey", kind: kindBytesParam, optional: true}}, func(w *wipeList, a []string) (result, error) {
		pub, err := w.one(a[1])
		if err != nil {
			return nil, err
		}
		return newSlot(true, bytesOf(a[0]), pub, bytesOf(a[2])), nil
	}},
	// slotKey(key) → a key slot; the key must be 32 bytes.
	{"slotKey", []param{{name: "key", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		if len(a[0]) != sealkit.KeySize {
			return nil, errs.InvalidLength(sealkit.KeySize, len(a[0]))
		}
		return newSlot(false, bytesOf(a[0]), nil, nil), nil
	}},
	// slotFree(slot) → whether the id named a slot; wipes it.
	{"slotFree", []param{{name: "slot", kind: kindNumberParam}}, func(_ *wipeList, a []string) (result, error) {
		if s, err := slotOf(a[0], true); err == nil {
			return s.free(), nil
		}
		if s, err := slotOf(a[0], false); err == nil {
			return s.free(), nil
		}
		return false, nil
	}},
	// slotUnseal(user slot, ciphertextB64) → bytes: unsealFromUser.
	{"slotUnseal", []param{{name: "slot", kind: kindNumberParam}, {name: "ciphertextB64"}}, func(w *wipeList, a []string) (result, error) {
		s, err := slotOf(a[0], true)
		if err != nil {
			return nil, err
		}
		ct, err := w.one(a[1])
		if err != nil {
			return nil, err
		}
		return secretBytesOf(s.unseal(ct))
	}},
	// slotEncrypt(key slot, plaintext) → bytes: encryptSecretboxBytes.
	{"slotEncrypt", []param{{name: "slot", kind: kindNumberParam}, {name: "plaintext", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		s, err := slotOf(a[0], false)
		if err != nil {
			return nil, err
		}
		return sealInto(bytesOf(a[1]), s.key)
	}},
	// slotDecrypt(key slot, ciphertext) → bytes: decryptSecretboxBytes.
	{"slotDecrypt", []param{{name: "slot", kind: kindNumberParam}, {name: "ciphertext", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		s, err := slotOf(a[0], false)
		if err != nil {
			return nil, err
		}
		return openInto(bytesOf(a[1]), s.key)
	}},
	// slotDecryptText(key slot, ciphertextB64) → string:
	// decryptSecretboxToString.
	{"slotDecryptText", []param{{name: "slot", kind: kindNumberParam}, {name: "ciphertextB64"}}, func(w *wipeList, a []string) (result, error) {
		s, err := slotOf(a[0], false)
		if err != nil {
			return nil, err
		}
		ct, err := w.one(a[1])
		if err != nil {
			return nil, err
		}
		pt, err := sealkit.DecryptSecretbox(ct, s.key)
		if err != nil {
			return nil, err
		}
		if err := errs.CheckUTF8(pt); err != nil {
			clear(pt)
			return nil, err
		}
		return secretText(pt), nil
	}},
	// slotSeal(key slot, publicKeyB64, pqPublicKeyB64?, level?) → base64:
	// sealForUserWithLevel of the key's 32 bytes ("" is Cat-3, as
	// sealForUser).
	{"slotSeal", []param{{name: "slot", kind: kindNumberParam}, {name: "publicKeyB64"}, {name: "pqPublicKeyB64", optional: true}, {name: "level", optional: true}}, func(w *wipeList, a []string) (result, error) {
		s, err := slotOf(a[0], false)
		if err != nil {
			return nil, err
		}
		level, err := sealkit.ParseLevel(a[3])
		if err != nil {
			return nil, err
		}
		return sealForUser(w, s.key, a[1], a[2], level)
	}},

	// The identity signing key of a user handle (keystore.js signAsUser):
	// the secret key comes as raw bytes, a view of the input buffer wiped
	// after the call, never as base64 text. No slot keeps it: crypto/mldsa
	// expands the seed on each signature into a key it cannot wipe, so a
	// slot would save nothing and leave the expansion resident.
	//
	// signBytes(message, context, secretKey) → base64: sign.
	{"signBytes", []param{{name: "message", kind: kindBytesParam}, {name: "context"}, {name: "secretKey", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		return public(sealkit.Sign(bytesOf(a[0]), a[1], bytesOf(a[2])))
	}},
	// signingPublicKeyBytes(secretKey) → base64: deriveSigningPublicKey.
	{"signingPublicKeyBytes", []param{{name: "secretKey", kind: kindBytesParam}}, func(_ *wipeList, a []string) (result, error) {
		return public(sealkit.DeriveSigningPublicKey(bytesOf(a[0])))
	}},
}
