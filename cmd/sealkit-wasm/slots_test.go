package main

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

// invokeWith encodes arguments as js/crypto.js does — a string as its
// UTF-8, []byte as it is, a uint32 as four bytes, nil as absent — and
// runs export name through invoke. It returns the kind and the result
// (for kindError, "CODE: message").
func invokeWith(t *testing.T, name string, args ...any) (uint32, string) {
	t.Helper()
	var b []byte
	for _, a := range args {
		switch a := a.(type) {
		case nil:
			b = binary.LittleEndian.AppendUint32(b, absent)
		case string:
			b = putString(b, a)
		case []byte:
			b = putString(b, string(a))
		case number:
			b = putString(b, string(binary.LittleEndian.AppendUint32(nil, uint32(a))))
		default:
			t.Fatalf("argument of type %T", a)
		}
	}
	kind, out := invoke(nil, index(t, name), b)
	if kind == kindError {
		r := &reader{out}
		return kind, r.str(t) + ": " + r.str(t)
	}
	return kind, string(out)
}

// want runs a call and returns its result, failing on an error or another
// kind.
func want(t *testing.T, kind uint32, name string, args ...any) string {
	t.Helper()
	k, out := invokeWith(t, name, args...)
	if k != kind {
		t.Fatalf("%s: kind %d %q, want kind %d", name, k, out, kind)
	}
	return out
}

func newID(t *testing.T, name string, args ...any) number {
	t.Helper()
	out := want(t, kindNumber, name, args...)
	return number(binary.LittleEndian.Uint32([]byte(out)))
}

func dec(t *testing.T, s string) []byte {
	t.Helper()
	b, err := sealkit.DecodeBase64(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// same checks that two calls gave the same outcome: equal bytes (the
// string call's base64 result decoded when the other returned raw bytes),
// or the same error code and text.
func same(t *testing.T, what string, k1 uint32, r1 string, k2 uint32, r2 string) {
	t.Helper()
	if k1 == kindError || k2 == kindError {
		if k1 != k2 || r1 != r2 {
			t.Errorf("%s: %d %q vs %d %q", what, k1, r1, k2, r2)
		}
		return
	}
	if k1 == kindString && k2 == kindBytes {
		r1 = string(dec(t, r1))
	}
	if r1 != r2 {
		t.Errorf("%s: results differ: %q vs %q", what, r1, r2)
	}
}

// TestUserSlot: a user slot opens exactly what unsealFromUser opens with
// the same keys — box and every hybrid level, through the slot's kept
// expansions, repeatedly — and fails with the same errors; so does
// unsealFromUserBytes, and boxSealOpenBytes as boxSealOpen.
func TestUserSlot(t *testing.T) {
	kp := newKeyPair(t)
	pt := sealtext.GenerateKey()
	var seeds []string
	blobs := map[string]string{}
	for _, level := range []sealkit.Level{sealkit.Cat1, sealkit.Cat3, sealkit.Cat5} {
		pub, seed, err := sealkit.GenerateHybridKeyPair(level)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, sealkit.EncodeBase64(seed))
		blob, err := sealkit.HybridSealWithLevel(dec(t, pt), pub, level)
		if err != nil {
			t.Fatal(err)
		}
		blobs[level.String()] = sealkit.EncodeBase64(blob)
	}
	box, err := sealkit.BoxSeal(dec(t, pt), dec(t, kp.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	blobs["box"] = sealkit.EncodeBase64(box)
	ct := dec(t, blobs[sealkit.Cat3.String()])
	tampered := append([]byte{}, ct...)
	tampered[len(tampered)-1] ^= 1
	blobs["tampered cat3"] = sealkit.EncodeBase64(tampered)
	blobs["bad tag"] = sealkit.EncodeBase64(append([]byte{0x10}, ct[1:]...))
	blobs["short"] = "AAAA"
	blobs["empty"] = ""
	blobs["not base64"] = "no!"
	blobs["zeros 80"] = sealkit.EncodeBase64(make([]byte, 80))

	for _, seed := range []string{seeds[0], seeds[1], "", sealkit.EncodeBase64([]byte("short seed"))} {
		for _, priv := range []string{kp.PrivateKey, sealtext.GenerateKey(), "AAAA"} {
			privB, seedB := dec(t, priv), dec(t, seed)
			var seedArg any = seedB
			if seed == "" {
				seedArg = nil
			}
			id := newID(t, "slotUser", privB, kp.PublicKey, seedArg)
			for round := range 2 {
				for name, blob := range blobs {
					what := name + " round " + string(rune('0'+round))
					k1, r1 := invokeWith(t, "unsealFromUser", blob, kp.PublicKey, priv, seed)
					k2, r2 := invokeWith(t, "slotUnseal", id, blob)
					same(t, "slotUnseal "+what, k1, r1, k2, r2)
					if b, err := sealkit.DecodeBase64(blob); err == nil {
						k3, r3 := invokeWith(t, "unsealFromUserBytes", b, dec(t, kp.PublicKey), privB, seedArg)
						same(t, "unsealFromUserBytes "+what, k1, r1, k3, r3)
						k1, r1 = invokeWith(t, "boxSealOpen", blob, kp.PublicKey, priv)
						k3, r3 = invokeWith(t, "boxSealOpenBytes", b, dec(t, kp.PublicKey), privB)
						same(t, "boxSealOpenBytes "+what, k1, r1, k3, r3)
					}
				}
			}
			want(t, kindBool, "slotFree", id)
		}
	}
	if got := string(dec(t, want(t, kindString, "unsealFromUser", blobs[sealkit.Cat5.String()], kp.PublicKey, kp.PrivateKey, seeds[2]))); got != string(dec(t, pt)) {
		t.Fatal("the fixture's cat5 blob does not open")
	}
}

// TestKeySlot: a key slot encrypts and decrypts as the secretbox exports
// do with the same key (text, base64 and bytes), and seals its key as
// sealForUser / sealForUserWithLevel seal it.
func TestKeySlot(t *testing.T) {
	key := sealtext.GenerateKey()
	id := newID(t, "slotKey", dec(t, key))

	// Encryption is randomised: each side opens the other's.
	ctb := want(t, kindBytes, "slotEncrypt", id, []byte{0, 1, 2})
	if got := want(t, kindBytes, "decryptSecretboxBytes", []byte(ctb), dec(t, key)); got != "\x00\x01\x02" {
		t.Fatalf("slotEncrypt opens to %q", got)
	}
	ctb = want(t, kindBytes, "encryptSecretboxBytes", []byte("raw"), dec(t, key))
	if got := string(dec(t, want(t, kindString, "decryptSecretbox", sealkit.EncodeBase64([]byte(ctb)), key))); got != "raw" {
		t.Fatalf("encryptSecretboxBytes opens to %q", got)
	}

	latin1, _ := sealtext.EncryptSecretbox([]byte{0xff, 0xfe}, key)
	good, _ := sealtext.EncryptSecretboxString("text", key)
	for name, c := range map[string]string{
		"good": good, "not utf-8": latin1, "short": "AAAA", "empty": "", "not base64": "no!",
		"wrong key": func() string { s, _ := sealtext.EncryptSecretboxString("x", sealtext.GenerateKey()); return s }(),
	} {
		k1, r1 := invokeWith(t, "decryptSecretboxToString", c, key)
		k2, r2 := invokeWith(t, "slotDecryptText", id, c)
		same(t, "slotDecryptText "+name, k1, r1, k2, r2)
		k1, r1 = invokeWith(t, "decryptSecretbox", c, key)
		if b, err := sealkit.DecodeBase64(c); err == nil {
			k2, r2 = invokeWith(t, "slotDecrypt", id, b)
			same(t, "slotDecrypt "+name, k1, r1, k2, r2)
			k2, r2 = invokeWith(t, "decryptSecretboxBytes", b, dec(t, key))
			same(t, "decryptSecretboxBytes "+name, k1, r1, k2, r2)
		}
	}
	// Keys of the wrong size: the bytes exports fail as the base64 ones.
	for _, k := range []string{"AAAA", ""} {
		k1, r1 := invokeWith(t, "decryptSecretbox", good, k)
		k2, r2 := invokeWith(t, "decryptSecretboxBytes", dec(t, good), dec(t, k))
		same(t, "short key", k1, r1, k2, r2)
		k1, r1 = invokeWith(t, "encryptSecretbox", "AAAA", k)
		k2, r2 = invokeWith(t, "encryptSecretboxBytes", []byte{0, 0, 0}, dec(t, k))
		same(t, "short key (encrypt)", k1, r1, k2, r2)
		if k2, r2 = invokeWith(t, "slotKey", dec(t, k)); k2 != kindError || r2 != "INVALID_LENGTH: invalid length: expected 32 bytes, got "+string(rune('0'+len(dec(t, k)))) {
			t.Errorf("slotKey of %d bytes: %d %q", len(dec(t, k)), k2, r2)
		}
	}

	kp := newKeyPair(t)
	hpubB, hseedB, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat5)
	hpub, hseed := sealkit.EncodeBase64(hpubB), sealkit.EncodeBase64(hseedB)
	for _, c := range [][2]any{{nil, nil}, {hpub, "cat5"}, {hpub, "cat3"}, {"AAAA", nil}, {nil, "cat9"}} {
		k1, r1 := invokeWith(t, "sealForUserWithLevel", key, kp.PublicKey, c[0], orEmpty(c[1]))
		k2, r2 := invokeWith(t, "slotSeal", id, kp.PublicKey, c[0], c[1])
		if k1 == kindError || k2 == kindError {
			same(t, "slotSeal errors", k1, r1, k2, r2)
			continue
		}
		if got := want(t, kindString, "unsealFromUser", r2, kp.PublicKey, kp.PrivateKey, hseed); got != key {
			t.Errorf("slotSeal %v: opens to %q", c, got)
		}
	}
	if k, r := invokeWith(t, "slotSeal", id, "AAAA", nil, nil); k != kindError || r != "INVALID_LENGTH: invalid length: expected 32 bytes, got 3" {
		t.Errorf("slotSeal to a short key: %d %q", k, r)
	}
	want(t, kindBool, "slotFree", id)
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// TestSlotLifecycle: ids start at 1, a user slot is not a key slot, a
// freed slot is wiped — its keys and the expanded ML-KEM key — and
// refuses every call, and its id is reused.
func TestSlotLifecycle(t *testing.T) {
	for _, s := range slots {
		s.free()
	}
	key := sealtext.GenerateKey()
	kp := newKeyPair(t)
	hpubB, hseedB, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	hseed := sealkit.EncodeBase64(hseedB)
	sealedB, _ := sealkit.HybridSeal(dec(t, key), hpubB)
	sealed := sealkit.EncodeBase64(sealedB)

	k := newID(t, "slotKey", dec(t, key))
	u := newID(t, "slotUser", dec(t, kp.PrivateKey), kp.PublicKey, dec(t, hseed))
	if k != 1 || u != 2 {
		t.Fatalf("ids %d, %d; want 1, 2", k, u)
	}
	if got := want(t, kindBytes, "slotUnseal", u, sealed); got != string(dec(t, key)) {
		t.Fatal("slotUnseal did not open the hybrid seal")
	}
	us := slots[u-1]
	pq := us.pq[1]
	if pq == nil {
		t.Fatal("the Cat-3 expansion was not kept")
	}
	held := [][]byte{slots[k-1].key, us.key, us.pub, us.seed}

	for _, c := range []struct {
		name string
		args []any
	}{
		{"slotUnseal", []any{k, sealed}}, // a key slot is not a user slot
		{"slotDecryptText", []any{u, "AAAA"}},
		{"slotEncrypt", []any{number(0), []byte{}}},
		{"slotEncrypt", []any{number(99), []byte{}}},
		{"slotEncrypt", []any{"abc", []byte{}}},
	} {
		if kind, r := invokeWith(t, c.name, c.args...); kind != kindError || r != "INVALID_ARGUMENT: invalid argument: no such key slot" {
			t.Errorf("%s%v: %d %q", c.name, c.args, kind, r)
		}
	}

	if want(t, kindBool, "slotFree", u) != "\x01" || want(t, kindBool, "slotFree", k) != "\x01" {
		t.Fatal("slotFree of a live slot is not true")
	}
	if want(t, kindBool, "slotFree", u) != "\x00" || want(t, kindBool, "slotFree", number(77)) != "\x00" {
		t.Fatal("slotFree of a free slot is not false")
	}
	for i, b := range held {
		if !isZero(b) {
			t.Errorf("key %d of the freed slots not wiped", i)
		}
	}
	if _, err := pq.Open(dec(t, sealed)); err == nil {
		t.Error("the expanded key still opens after free")
	}
	if kind, r := invokeWith(t, "slotUnseal", u, sealed); kind != kindError || r != "INVALID_ARGUMENT: invalid argument: no such key slot" {
		t.Errorf("slotUnseal after free: %d %q", kind, r)
	}
	if kind, r := invokeWith(t, "slotUser", dec(t, kp.PrivateKey), "no!", nil); kind != kindError || r[:7] != "BASE64:" {
		t.Errorf("slotUser with a public key that is not base64: %d %q", kind, r)
	}
	if again := newID(t, "slotKey", dec(t, key)); again != 1 {
		t.Errorf("a new slot got id %d, not the freed 1", again)
	}
	want(t, kindBool, "slotFree", number(1))
}

// TestBytesResultsWiped: a secret byte result is cleared once it is in
// the output, as secretB64 is; an inPlace one is the output.
func TestBytesResultsWiped(t *testing.T) {
	sb := secretBytes("secret plaintext")
	kind, out := appendResult([]byte("x"), sb)
	if kind != kindBytes || string(out) != "xsecret plaintext" || !isZero(sb) {
		t.Fatalf("secretBytes: %d %q, left %q", kind, out, sb)
	}
	ip := inPlace("ciphertext")
	if kind, out = appendResult(nil, ip); kind != kindBytes || &out[0] != &ip[0] {
		t.Fatalf("inPlace: %d %q, a copy", kind, out)
	}
	if kind, out = appendResult(nil, number(0x01020304)); kind != kindNumber || string(out) != "\x04\x03\x02\x01" {
		t.Fatalf("number: %d %q", kind, out)
	}

	// Through the table: the box opens return secretBytes; the secretbox
	// calls write into the output buffer in place (no other copy).
	key := sealkit.GenerateKey()
	ct, _ := sealkit.EncryptSecretbox([]byte("secret plaintext"), key)
	id := newID(t, "slotKey", key)
	defer invokeWith(t, "slotFree", id)
	slotArg := string(binary.LittleEndian.AppendUint32(nil, uint32(id)))
	pub, priv, _ := sealkit.GenerateKeyPair()
	box, _ := sealkit.BoxSeal([]byte("boxed"), pub)
	for _, c := range []struct {
		name string
		args []string
		kind string
	}{
		{"slotDecrypt", []string{slotArg, string(ct)}, "main.inPlace"},
		{"decryptSecretboxBytes", []string{string(ct), string(key)}, "main.inPlace"},
		{"slotEncrypt", []string{slotArg, "x"}, "main.inPlace"},
		{"encryptSecretboxBytes", []string{"x", string(key)}, "main.inPlace"},
		{"boxSealOpenBytes", []string{string(box), string(pub), string(priv)}, "main.secretBytes"},
		{"unsealFromUserBytes", []string{string(box), string(pub), string(priv), ""}, "main.secretBytes"},
	} {
		outNext = make([]byte, 0, 100)
		r, err := exportAt(index(t, c.name)).call(c.args)
		if got := fmt.Sprintf("%T", r); got != c.kind || err != nil {
			t.Errorf("%s returns %s, %v; want %s", c.name, got, err, c.kind)
		}
		if p, ok := r.(inPlace); ok && &p[:1][0] != &outNext[:1][0] {
			t.Errorf("%s: an inPlace result not in the output buffer", c.name)
		}
		outNext = nil
	}
	// A grown output wipes the array it leaves, as reserve does.
	old := []byte("stale secret")
	kind, out = invoke(old[:0], index(t, "slotDecrypt"), putString(putString(nil, slotArg), string(ct)))
	if kind != kindBytes || string(out) != "secret plaintext" || !isZero(old) {
		t.Fatalf("slotDecrypt into a small output: %d %q, left %q", kind, out, old)
	}
}

// newKeyPair is an X25519 key pair in base64.
func newKeyPair(t *testing.T) (kp struct{ PublicKey, PrivateKey string }) {
	t.Helper()
	pub, priv, err := sealkit.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	kp.PublicKey, kp.PrivateKey = sealkit.EncodeBase64(pub), sealkit.EncodeBase64(priv)
	return kp
}

// signBytes and signingPublicKeyBytes give what sign and
// deriveSigningPublicKey give for the same key as base64, errors included.
func TestSignBytes(t *testing.T) {
	kp, err := sealtext.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		t.Fatal(err)
	}
	sk := dec(t, kp.SecretKey)
	msg := []byte("identity bundle")
	if got := want(t, kindString, "signingPublicKeyBytes", sk); got != kp.PublicKey {
		t.Fatalf("signingPublicKeyBytes = %.20q…", got)
	}
	sig := want(t, kindString, "signBytes", msg, "ctx", sk)
	if ok, err := sealtext.Verify(msg, "ctx", sig, kp.PublicKey); !ok || err != nil {
		t.Fatalf("signBytes' signature: %v, %v", ok, err)
	}
	for _, bad := range [][]byte{nil, {0x09}, sk[:64], append(append([]byte(nil), sk...), 0)} {
		k1, r1 := invokeWith(t, "signBytes", msg, "ctx", bad)
		k2, r2 := invokeWith(t, "sign", sealkit.EncodeBase64(msg), "ctx", sealkit.EncodeBase64(bad))
		same(t, "signBytes", k1, r1, k2, r2)
		k1, r1 = invokeWith(t, "signingPublicKeyBytes", bad)
		k2, r2 = invokeWith(t, "deriveSigningPublicKey", sealkit.EncodeBase64(bad))
		same(t, "signingPublicKeyBytes", k1, r1, k2, r2)
		if k1 != kindError {
			t.Errorf("signingPublicKeyBytes(%d bytes) did not fail", len(bad))
		}
	}
}
