//go:build !wasm

package nacl

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// sameX25519 checks that the ladder and crypto/ecdh agree on every
// function and on every failure.
func sameX25519(t *testing.T, priv, peer []byte) {
	t.Helper()
	p1, ok1 := ecdhPublic(priv)
	p2, ok2 := ladderPublic(priv)
	if ok1 != ok2 || !bytes.Equal(p1, p2) {
		t.Fatalf("public(%x): ecdh %x %v, ladder %x %v", priv, p1, ok1, p2, ok2)
	}
	e1, s1, ok1 := ecdhBoth(priv, peer)
	e2, s2, ok2 := ladderBoth(priv, peer)
	if ok1 != ok2 || !bytes.Equal(e1, e2) || !bytes.Equal(s1, s2) {
		t.Fatalf("both(%x, %x): ecdh %x %x %v, ladder %x %x %v", priv, peer, e1, s1, ok1, e2, s2, ok2)
	}
	s3, ok3 := ladderShared(priv, peer)
	if ok3 != ok1 || !bytes.Equal(s3, s1) {
		t.Fatalf("shared(%x, %x): ecdh %x %v, ladder %x %v", priv, peer, s1, ok1, s3, ok3)
	}
	if ok1 && bytes.Equal(s1, make([]byte, 32)) {
		t.Fatalf("all-zero shared secret accepted")
	}
}

func TestX25519Implementations(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	rnd := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	for range 300 {
		sameX25519(t, rnd(32), rnd(32))
	}
	for _, u := range lowOrder {
		peer := unhex(u)
		if len(peer) != 32 {
			t.Fatalf("bad vector %s", u)
		}
		for range 5 {
			priv := rnd(32)
			sameX25519(t, priv, peer)
			if _, ok := ladderShared(priv, peer); ok {
				t.Fatalf("low-order point %s accepted", u)
			}
		}
	}
	for _, n := range []int{0, 1, 31, 33, 64} {
		sameX25519(t, rnd(n), rnd(32))
		sameX25519(t, rnd(32), rnd(n))
	}
	sameX25519(t, nil, nil)
}
