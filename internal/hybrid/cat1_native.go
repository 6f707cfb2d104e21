//go:build !wasm

package hybrid

import (
	"unsafe"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"

	"github.com/sealkit/sealkit/internal/errs"
)

// ML-KEM-512 (Cat-1) natively: circl, the implementation X-Wing's and
// Go's own ML-KEM code were checked against. Natively its AVX2 code is
// about three times as fast as internal/mlkem512 (the standard library's
// pure-Go ML-KEM ported to k = 2), so the server keeps it; the WebAssembly
// build uses internal/mlkem512 instead (cat1_wasm.go), where circl runs
// its generic code, no faster, and costs ~12 KB of the brotli module. The
// two agree byte for byte (internal/mlkem512's tests compare them).

const (
	cat1EKSize = mlkem512.PublicKeySize
	cat1CTSize = mlkem512.CiphertextSize
)

func cat1Encaps(ek []byte) ([]byte, []byte, error) {
	var pk mlkem512.PublicKey
	if err := pk.Unpack(ek); err != nil {
		return nil, nil, errs.Hybrid("invalid ML-KEM-512 encapsulation key")
	}
	ct := make([]byte, mlkem512.CiphertextSize)
	ss := make([]byte, mlkem512.SharedKeySize)
	pk.EncapsulateTo(ct, ss, nil) // nil seed: circl reads crypto/rand
	return ct, ss, nil
}

func cat1EK(seed []byte) ([]byte, error) {
	pk, sk := mlkem512.NewKeyFromSeed(seed)
	b := make([]byte, mlkem512.PublicKeySize)
	pk.Pack(b)
	wipeKey(sk, layout512) // after Pack: sk shares its public part with pk
	return b, nil
}

// layout512 is circl's mlkem512.PrivateKey (see keyLayout):
// *cpapke.PrivateKey (the secret vector, 2 × 256 int16) at 0,
// *cpapke.PublicKey (ρ, t and the matrix Aᵀ: 32 + 2×512 + 4×512 bytes) at
// 8, then h(pk) and z inline.
var layout512 = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 2 * 512}, {8, 32 + 2*512 + 4*512}}}

// Compile-time check of the outer struct's size: two pointers and two
// 32-byte arrays.
var (
	_ = [unsafe.Sizeof(mlkem512.PrivateKey{}) - 2*8 - 2*32]struct{}{}
	_ = [2*8 + 2*32 - unsafe.Sizeof(mlkem512.PrivateKey{})]struct{}{}
)

// cat1Key is the expanded ML-KEM-512 key a PrivateKey keeps. circl's
// public key shares its parts with the private key: expandCat1 drops it,
// and it is wiped with the private key.
type cat1Key = mlkem512.PrivateKey

func expandCat1(seed []byte) (*cat1Key, error) {
	_, sk := mlkem512.NewKeyFromSeed(seed)
	return sk, nil
}

func cat1Decapsulate(k *cat1Key, ct []byte) []byte {
	ss := make([]byte, mlkem512.SharedKeySize)
	k.DecapsulateTo(ss, ct)
	return ss
}
