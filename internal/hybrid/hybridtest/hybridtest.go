// Package hybridtest replays hybrid seals from fixed randomness, for the
// known-answer tests: ML-KEM encapsulation with caller-chosen coins, which
// the standard library offers only in crypto/mlkem/mlkemtest and reserves
// for tests (internal/mlkem likewise: EncapsulateInternal, which only this
// package and tests call). Each target replays the ML-KEM hybrid uses on
// it: crypto/mlkem and circl natively (kem_native.go), internal/mlkem in
// WebAssembly (kem_wasm.go).
//
// Only _test.go files may import this package. Deterministic
// encapsulation in a production binary would let a caller that controls
// the coins predict the shared secret; TestNoTestOnlyPackagesInBinaries
// (deps_test.go at the module root) fails when cmd/sealkit or
// cmd/sealkit-wasm links this package or mlkemtest.
package hybridtest

import (
	"io"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/hybrid"
)

// Seal is hybrid.Seal with every random input read from r, in the order
// of the vectors (wire-format.md §3.4): ML-KEM coins (32), X25519
// ephemeral secret (32), nonce (24).
func Seal(r io.Reader, p *hybrid.Params, plaintext, publicKey []byte) ([]byte, error) {
	if len(publicKey) != p.PublicKeyLen {
		// Checked first, as hybrid.Seal does: a wrong size reads no
		// randomness.
		return nil, errs.InvalidLength(p.PublicKeyLen, len(publicKey))
	}
	coins := make([]byte, 32)
	if _, err := io.ReadFull(r, coins); err != nil {
		return nil, err
	}
	return hybrid.SealWith(func(ek []byte) ([]byte, []byte, error) {
		return Encapsulate(p, ek, coins)
	}, r, p, plaintext, publicKey)
}

// Encapsulate is ML-KEM encapsulation at level p with the 32-byte coins
// (FIPS 203's m); its invalid-key error is hybrid's.
func Encapsulate(p *hybrid.Params, ek, coins []byte) (ct, ss []byte, err error) {
	invalid := errs.Hybrid("invalid " + p.Name + " encapsulation key")
	if _, ok := hybrid.ByTag(p.Tag); !ok {
		return nil, nil, errs.ErrBadTag
	}
	return encapsulate(p, ek, coins, invalid)
}
