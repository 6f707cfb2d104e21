//go:build wasm

package hybridtest

import (
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/mlkem512"
)

// encapsulate512 is internal/mlkem512's ML-KEM-512 encapsulation with
// coins, the implementation hybrid.Cat1 uses in WebAssembly.
func encapsulate512(ek, coins []byte, invalid error) (ct, ss []byte, err error) {
	k, err := mlkem512.NewEncapsulationKey(ek)
	if err != nil {
		return nil, nil, invalid
	}
	if len(coins) != 32 {
		return nil, nil, errs.InvalidLength(32, len(coins))
	}
	ss, ct = k.EncapsulateInternal((*[32]byte)(coins))
	return ct, ss, nil
}
