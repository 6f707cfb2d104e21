//go:build wasm

package hybrid

import (
	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/mlkem"
)

// ML-KEM in WebAssembly: internal/mlkem for all three levels, one copy of
// the standard library's ML-KEM with the level a run-time value, sharing
// crypto/sha3 with the rest of the module. The native build's libraries
// (kem_native.go) would cost the brotli module dearly for no speed:
// crypto/mlkem is two generated copies of the code (768, 1024), and circl
// brings its own Keccak and runs its generic code in wasm. Replacing
// crypto/mlkem and internal/mlkem512 (a third copy, for 512) with this
// saved ~4.7 KB of brotli module; internal/mlkem is no slower than
// crypto/mlkem in wasm (its benchmarks compare them).

const (
	ekSize512  = mlkem.EncapsulationKeySize512
	ctSize512  = mlkem.CiphertextSize512
	ekSize768  = mlkem.EncapsulationKeySize768
	ctSize768  = mlkem.CiphertextSize768
	ekSize1024 = mlkem.EncapsulationKeySize1024
	ctSize1024 = mlkem.CiphertextSize1024
)

// level is internal/mlkem's parameter set of a hybrid level, by tag.
func level(p *Params) mlkem.Level {
	switch p.Tag {
	case Cat1.Tag:
		return mlkem.MLKEM512
	case Cat3.Tag:
		return mlkem.MLKEM768
	}
	return mlkem.MLKEM1024
}

// kemEncaps encapsulates to ek at p's level with fresh system randomness.
func kemEncaps(p *Params, ek []byte) (ct, ss []byte, err error) {
	k, err := mlkem.NewEncapsulationKey(level(p), ek)
	if err != nil {
		// The same text as the native build's, e.g. "invalid ML-KEM-768
		// encapsulation key".
		return nil, nil, errs.Hybrid("invalid " + p.Name + " encapsulation key")
	}
	ss, ct = k.Encapsulate()
	return ct, ss, nil
}

// kemEK returns the encapsulation key at p's level for the 64-byte d‖z
// seed, wiping the decapsulation key it derives on the way.
func kemEK(p *Params, seed []byte) ([]byte, error) {
	k, err := expandKEM(p, seed)
	if err != nil {
		return nil, err
	}
	ek := (*mlkem.DecapsulationKey)(k).EncapsulationKey().Bytes()
	k.wipe()
	return ek, nil
}

// A kemKey is an expanded ML-KEM decapsulation key: internal/mlkem's, whose
// struct holds arrays and integers only, so that zeroing it erases every
// secret (TestKeyPointerFree checks this). A defined type rather than a
// wrapper, so that the key NewDecapsulationKey allocated is used in place
// rather than copied (a copy would leave the original behind unwiped).
type kemKey mlkem.DecapsulationKey

// expandKEM derives p's level's decapsulation key from the 64-byte d‖z
// seed. The caller must wipe it.
func expandKEM(p *Params, seed []byte) (*kemKey, error) {
	k, err := mlkem.NewDecapsulationKey(level(p), seed)
	return (*kemKey)(k), err
}

// decapsulate returns the shared secret for a ciphertext of the key's
// level's size, or nil once the key is wiped (internal/mlkem refuses a
// zeroed key). It never fails otherwise (implicit rejection: a wrong
// ciphertext gives a wrong secret).
func (k *kemKey) decapsulate(ct []byte) []byte {
	ss, _ := (*mlkem.DecapsulationKey)(k).Decapsulate(ct)
	return ss
}

// wipe zeroes the key; decapsulate then returns nil, and wipe again does
// nothing new.
func (k *kemKey) wipe() { *k = kemKey{} }
