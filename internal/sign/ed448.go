//go:build !(js && wasm)

package sign

import circl "github.com/cloudflare/circl/sign/ed448"

// Ed448 (tag 0x13): pure RFC 8032 Ed448 with an empty context, the
// crate's sign_raw/verify_raw. circl, since the standard library has none.
var ed448 = &classical{seedLen: circl.SeedSize, pkLen: circl.PublicKeySize, sigLen: circl.SignatureSize,
	public: func(seed []byte) ([]byte, error) {
		return circl.NewKeyFromSeed(seed).Public().(circl.PublicKey), nil
	},
	sign: func(seed, framed []byte) ([]byte, error) {
		return circl.Sign(circl.NewKeyFromSeed(seed), framed, ""), nil
	},
	verify: func(pk, framed, sig []byte) bool { return circl.Verify(pk, framed, sig, "") },
}
