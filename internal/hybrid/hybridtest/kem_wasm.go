//go:build wasm

package hybridtest

import (
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/hybrid"
	"github.com/sealkit/sealkit/internal/mlkem"
)

// encapsulate is ML-KEM encapsulation with coins by internal/mlkem, the
// implementation hybrid uses for every level in WebAssembly.
func encapsulate(p *hybrid.Params, ek, coins []byte, invalid error) (ct, ss []byte, err error) {
	l := mlkem.MLKEM1024
	switch p.Tag {
	case hybrid.Cat1.Tag:
		l = mlkem.MLKEM512
	case hybrid.Cat3.Tag:
		l = mlkem.MLKEM768
	}
	k, err := mlkem.NewEncapsulationKey(l, ek)
	if err != nil {
		return nil, nil, invalid
	}
	if len(coins) != 32 {
		return nil, nil, errs.InvalidLength(32, len(coins))
	}
	ss, ct = k.EncapsulateInternal((*[32]byte)(coins))
	return ct, ss, nil
}
