//go:build !(js && wasm)

package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha512"
	"math/big"

	"github.com/sealkit/sealkit/internal/errs"
)

// ECDSA-P-521 (tag 0x14): the seed is a 66-byte big-endian integer reduced
// mod n (wire-format.md §7.1); the public key SEC1 uncompressed (133
// bytes); the signature r ‖ s, 66 bytes each, over SHA-512(framed), with a
// hedged nonce (crypto/ecdsa mixes randomness into its RFC 6979-style
// nonce) and no low-s normalisation.
var p521 = &classical{seedLen: 66, pkLen: 133, sigLen: 132,
	public: func(seed []byte) ([]byte, error) {
		k, err := p521Key(seed)
		if err != nil {
			return nil, err
		}
		return k.PublicKey.Bytes()
	},
	sign: func(seed, framed []byte) ([]byte, error) {
		k, err := p521Key(seed)
		if err != nil {
			return nil, err
		}
		h := sha512.Sum512(framed)
		r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
		if err != nil {
			return nil, errs.Signature("P-521 signing failed")
		}
		out := make([]byte, 132)
		r.FillBytes(out[:66])
		s.FillBytes(out[66:])
		return out, nil
	},
	verify: func(pk, framed, sig []byte) bool {
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P521(), pk)
		if err != nil {
			return false
		}
		h := sha512.Sum512(framed)
		r := new(big.Int).SetBytes(sig[:66])
		s := new(big.Int).SetBytes(sig[66:])
		return ecdsa.Verify(pub, h[:], r, s)
	},
}

// p521Key reduces a 66-byte seed mod n; a seed that reduces to zero has
// no key.
func p521Key(seed []byte) (*ecdsa.PrivateKey, error) {
	n := elliptic.P521().Params().N
	d := new(big.Int).SetBytes(seed)
	d.Mod(d, n)
	if d.Sign() == 0 {
		return nil, errs.Signature("invalid P-521 secret key (zero scalar)")
	}
	b := make([]byte, 66)
	d.FillBytes(b)
	defer clear(b)
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P521(), b)
	if err != nil {
		return nil, errs.Signature("invalid P-521 secret key")
	}
	return k, nil
}
