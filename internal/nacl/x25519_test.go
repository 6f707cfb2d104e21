package nacl

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/sealkit/sealkit/internal/errs"
)

// lowOrder are the u-coordinates whose X25519 with any scalar is all
// zeros (libsodium's blocklist), plus non-canonical and high-bit forms.
var lowOrder = []string{
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
}

func unhex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			default:
				v |= byte(c-'a') + 10
			}
		}
		b[i] = v
	}
	return b
}

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

// TestBoxSealOpenLowOrder keeps the error of an open whose ephemeral key
// is a low-order point.
func TestBoxSealOpenLowOrder(t *testing.T) {
	priv := bytes.Repeat([]byte{7}, 32)
	pub, err := X25519Public(priv)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range lowOrder {
		blob := append(unhex(u), make([]byte, 40)...)
		if _, err := BoxSealOpen(blob, pub, priv); !errors.Is(err, errs.ErrDecryption) {
			t.Fatalf("open with low-order epk %s: %v", u, err)
		}
		if _, err := BoxSeal(bytes.NewReader(priv), nil, unhex(u)); !errors.Is(err, errs.ErrLowOrderKey) {
			t.Fatalf("seal to low-order key %s: %v", u, err)
		}
	}
}
