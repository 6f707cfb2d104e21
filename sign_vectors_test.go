package sealkit

import (
	"bytes"
	"crypto/sha3"
	"errors"
	"runtime"
	"testing"

	"github.com/sealkit/sealkit/internal/sign"
)

// browserBuild: the js/wasm build, which leaves out Ed448 and P-521.
const browserBuild = runtime.GOOS == "js"

// unsupportedHere reports whether a key or signature tag is one the
// browser build leaves out, when this is the browser build.
func unsupportedHere(tag byte) bool {
	return browserBuild && (tag == sign.TagMatchedCat3 || tag == sign.TagMatchedCat5)
}

// wantUnsupported fails unless err is the browser build's error for a
// left-out suite.
func wantUnsupported(t *testing.T, what string, err error) {
	t.Helper()
	var se *SignatureError
	if !errors.As(err, &se) || !bytes.Contains([]byte(err.Error()), []byte("not in the browser build")) {
		t.Fatalf("%s in the browser build: %v, want the not-in-the-browser-build signature error", what, err)
	}
}

func TestVectorsSign(t *testing.T) {
	n := 0
	for _, v := range loadVectors(t, "sign") {
		t.Run(v.str(t, "desc"), func(t *testing.T) {
			switch {
			case v.has("framed_hex"):
				got := sign.Frame(v.str(t, "context"), []byte(v.str(t, "message_utf8")))
				if !bytes.Equal(got, v.hex(t, "framed_hex")) || !bytes.Equal(got, v.b64(t, "framed_b64")) {
					t.Fatalf("frame = %x", got)
				}
			case v.has("error") && v.has("secret_key_hex"):
				sk := v.hex(t, "secret_key_hex")
				const want = "signature: unknown or missing signature version tag"
				if _, err := Sign([]byte("m"), SignContextV1, sk); err == nil || err.Error() != want || !errors.Is(err, ErrSignature) {
					t.Fatalf("sign: %v, want %q", err, want)
				}
				if _, err := DeriveSigningPublicKey(sk); err == nil || err.Error() != want {
					t.Fatalf("derive: %v, want %q", err, want)
				}
				blob := bytes.Repeat([]byte{0x09}, 100)
				if ok, err := Verify([]byte("m"), SignContextV1, blob, blob); ok || err == nil || err.Error() != want {
					t.Fatalf("verify = %v, %v; want the error %q (not Ok(false))", ok, err, want)
				}
			case v.has("error") && v.has("blob_hex"):
				blob := v.hex(t, "blob_hex")
				for _, b := range [][]byte{blob, nil} {
					if _, _, err := SignaturePosture(b); !errors.Is(err, ErrSignature) {
						t.Fatalf("posture(%d bytes of %x): %v", len(b), b[:min(len(b), 1)], err)
					}
					if _, _, err := SignaturePostureFromSignature(b); !errors.Is(err, ErrSignature) {
						t.Fatalf("posture from signature(%d bytes): %v", len(b), err)
					}
				}
			case v.has("context") && !v.has("secret_key_b64"):
				if SignContextV1 != v.str(t, "context") {
					t.Fatalf("SignContextV1 = %q", SignContextV1)
				}
			default:
				vectorSignKey(t, v)
			}
			n++
		})
	}
	if n != 17 {
		t.Fatalf("ran %d sign vectors, want 17", n)
	}
}

// vectorSignKey checks a key vector: the derived public key, and where
// the vector has one, its signature.
func vectorSignKey(t *testing.T, v vector) {
	sk := v.b64(t, "secret_key_b64")
	pk, err := DeriveSigningPublicKey(sk)
	if unsupportedHere(sk[0]) {
		wantUnsupported(t, "derive", err)
		if v.has("signature_b64") {
			ok, err := Verify([]byte(v.str(t, "message_utf8")), v.str(t, "context"), v.b64(t, "signature_b64"), v.b64(t, "public_key_b64"))
			if ok {
				t.Fatal("verify = true in the browser build")
			}
			wantUnsupported(t, "verify", err)
			// Posture needs no algorithm.
			if s, l, err := SignaturePosture(v.b64(t, "public_key_b64")); err != nil || s != SuiteHybridMatched || (l != SignCat3 && l != SignCat5) {
				t.Fatalf("posture = %v %v %v", s, l, err)
			}
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(pk) != v.num(t, "public_key_len") || pk[0] != sk[0] {
		t.Fatalf("public key: %d bytes, tag %#x", len(pk), pk[0])
	}
	if v.has("ed25519_public_key_b64") && !bytes.Equal(pk[1:33], v.b64(t, "ed25519_public_key_b64")) {
		t.Fatalf("Ed25519 half = %x", pk[1:33])
	}
	if v.has("sha3_512_public_key_hex") {
		if h := sha3.Sum512(pk); !bytes.Equal(h[:], v.hex(t, "sha3_512_public_key_hex")) {
			t.Fatalf("SHA3-512(pk) = %x", h)
		}
	}
	if v.has("public_key_b64") && !bytes.Equal(pk, v.b64(t, "public_key_b64")) {
		t.Fatal("derived public key differs from the vector's")
	}
	if v.has("framed_message_hex") {
		if got := sign.Frame(v.str(t, "context"), []byte(v.str(t, "message_utf8"))); !bytes.Equal(got, v.hex(t, "framed_message_hex")) {
			t.Fatalf("frame = %x", got)
		}
	}
	msg, ctx := []byte("checkpoint"), SignContextV1
	if v.has("message_utf8") {
		msg, ctx = []byte(v.str(t, "message_utf8")), v.str(t, "context")
	}
	if v.has("signature_b64") {
		sig := v.b64(t, "signature_b64")
		if len(sig) != v.num(t, "signature_len") {
			t.Fatalf("vector signature is %d bytes", len(sig))
		}
		ok, err := Verify(msg, ctx, sig, pk)
		if err != nil || ok != v["verify"].(bool) {
			t.Fatalf("verify(vector signature) = %v, %v", ok, err)
		}
		// Each component counts: a flipped bit in either half fails.
		checkEveryHalf(t, msg, ctx, sig, pk)
	}
	// A fresh signature by this implementation verifies, has the
	// vector's size and is a fresh value (hedged).
	sig, err := Sign(msg, ctx, sk)
	if err != nil {
		t.Fatal(err)
	}
	if v.has("signature_len") && len(sig) != v.num(t, "signature_len") {
		t.Fatalf("signature is %d bytes, want %d", len(sig), v.num(t, "signature_len"))
	}
	if ok, err := Verify(msg, ctx, sig, pk); !ok || err != nil {
		t.Fatalf("verify(own signature) = %v, %v", ok, err)
	}
	if ok, err := Verify(msg, ctx+"x", sig, pk); ok || err != nil {
		t.Fatalf("verify under another context = %v, %v", ok, err)
	}
}

// checkEveryHalf flips a bit in the classical part (if any), then in the
// ML-DSA part, and expects false each time: strict AND.
func checkEveryHalf(t *testing.T, msg []byte, ctx string, sig, pk []byte) {
	t.Helper()
	l := sign.ByTag(sig[0])
	classicalLen := len(sig) - 1 - mldsaSigLen(l)
	positions := []int{len(sig) - 1}
	if classicalLen > 0 {
		positions = append(positions, 1+classicalLen/2)
	}
	for _, i := range positions {
		bad := bytes.Clone(sig)
		bad[i] ^= 0x01
		if ok, err := Verify(msg, ctx, bad, pk); ok || err != nil {
			t.Fatalf("verify with byte %d flipped = %v, %v", i, ok, err)
		}
	}
}

func mldsaSigLen(l *sign.Layout) int {
	switch l.Tag {
	case sign.TagHybridCat2:
		return 2420
	case sign.TagHybridCat3, sign.TagMatchedCat3:
		return 3309
	}
	return 4627
}
