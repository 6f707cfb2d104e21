//go:build wasm

package hybrid

import (
	"unsafe"

	"github.com/sealkit/sealkit/internal/errs"
	"github.com/sealkit/sealkit/internal/mlkem512"
)

// ML-KEM-512 (Cat-1) in WebAssembly: internal/mlkem512, the standard
// library's ML-KEM ported to k = 2, which shares crypto/sha3 with the rest
// of the module. circl, used natively (cat1_native.go), brought its own
// Keccak and golang.org/x/sys/cpu: ~12 KB of the brotli module (issue 13),
// for no speed in wasm, where it runs its generic code too.

const (
	cat1EKSize = mlkem512.EncapsulationKeySize
	cat1CTSize = mlkem512.CiphertextSize
)

func cat1Encaps(ek []byte) ([]byte, []byte, error) {
	k, err := mlkem512.NewEncapsulationKey(ek)
	if err != nil {
		return nil, nil, errs.Hybrid("invalid ML-KEM-512 encapsulation key")
	}
	ss, ct := k.Encapsulate()
	return ct, ss, nil
}

func cat1EK(seed []byte) ([]byte, error) {
	k, err := mlkem512.NewDecapsulationKey(seed)
	if err != nil {
		return nil, err
	}
	defer wipeKey(k, layout512)
	return k.EncapsulationKey().Bytes(), nil
}

// layout512 is internal/mlkem512's DecapsulationKey (see keyLayout):
// arrays only (d, z, ρ, h; t, A and s as NTT elements of 512 bytes: 128 +
// (2 + 4 + 2) × 512), no pointer, so wipeKey's typed store of the zero
// value clears all of it.
var layout512 = &keyLayout{}

// Compile-time check of the struct's size: the arrays listed above.
var (
	_ = [unsafe.Sizeof(mlkem512.DecapsulationKey{}) - 128 - (2+4+2)*512]struct{}{}
	_ = [128 + (2+4+2)*512 - unsafe.Sizeof(mlkem512.DecapsulationKey{})]struct{}{}
)

// cat1Key is the expanded ML-KEM-512 key a PrivateKey keeps.
type cat1Key = mlkem512.DecapsulationKey

func expandCat1(seed []byte) (*cat1Key, error) { return mlkem512.NewDecapsulationKey(seed) }

// cat1Decapsulate never fails on a well-sized ciphertext (implicit
// rejection).
func cat1Decapsulate(k *cat1Key, ct []byte) []byte {
	ss, _ := k.Decapsulate(ct)
	return ss
}
