//go:build !wasm

package hybridtest

import (
	"crypto/mlkem"
	"crypto/mlkem/mlkemtest"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"

	"github.com/sealkit/sealkit/internal/hybrid"
)

// encapsulate is ML-KEM encapsulation with coins by the implementations
// hybrid uses natively: circl for ML-KEM-512, crypto/mlkem (through
// mlkemtest) for -768 and -1024.
func encapsulate(p *hybrid.Params, ek, coins []byte, invalid error) (ct, ss []byte, err error) {
	switch p.Tag {
	case hybrid.Cat1.Tag:
		var pk mlkem512.PublicKey
		if err := pk.Unpack(ek); err != nil {
			return nil, nil, invalid
		}
		ct = make([]byte, mlkem512.CiphertextSize)
		ss = make([]byte, mlkem512.SharedKeySize)
		pk.EncapsulateTo(ct, ss, coins)
		return ct, ss, nil
	case hybrid.Cat3.Tag:
		k, err := mlkem.NewEncapsulationKey768(ek)
		if err != nil {
			return nil, nil, invalid
		}
		ss, ct, err = mlkemtest.Encapsulate768(k, coins)
		return ct, ss, err
	default:
		k, err := mlkem.NewEncapsulationKey1024(ek)
		if err != nil {
			return nil, nil, invalid
		}
		ss, ct, err = mlkemtest.Encapsulate1024(k, coins)
		return ct, ss, err
	}
}
