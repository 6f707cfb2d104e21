package nacl

import (
	"bytes"
	"errors"
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
