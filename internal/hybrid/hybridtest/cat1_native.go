//go:build !wasm

package hybridtest

import "github.com/cloudflare/circl/kem/mlkem/mlkem512"

// encapsulate512 is circl's ML-KEM-512 encapsulation with coins, the
// implementation hybrid.Cat1 uses natively.
func encapsulate512(ek, coins []byte, invalid error) (ct, ss []byte, err error) {
	var pk mlkem512.PublicKey
	if err := pk.Unpack(ek); err != nil {
		return nil, nil, invalid
	}
	ct = make([]byte, mlkem512.CiphertextSize)
	ss = make([]byte, mlkem512.SharedKeySize)
	pk.EncapsulateTo(ct, ss, coins)
	return ct, ss, nil
}
