//go:build !wasm

package hybrid

import (
	"crypto/mlkem"
	"unsafe"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"

	"github.com/sealkit/sealkit/internal/errs"
)

// ML-KEM natively: the standard library's crypto/mlkem for ML-KEM-768 and
// -1024 (standard library first), and circl for ML-KEM-512, which the
// standard library lacks. circl is the implementation X-Wing's and Go's own
// ML-KEM code were checked against, and its AVX2 code is about three times
// as fast as internal/mlkem (the standard library's pure-Go ML-KEM made
// generic in k), so the server keeps it. The WebAssembly build uses
// internal/mlkem for all three levels instead (kem_wasm.go): one copy of
// the code rather than crypto/mlkem's two and circl's own Keccak, where
// circl runs its generic code anyway. They agree byte for byte
// (internal/mlkem's tests compare it with both).

const (
	ekSize512  = mlkem512.PublicKeySize
	ctSize512  = mlkem512.CiphertextSize
	ekSize768  = mlkem.EncapsulationKeySize768
	ctSize768  = mlkem.CiphertextSize768
	ekSize1024 = mlkem.EncapsulationKeySize1024
	ctSize1024 = mlkem.CiphertextSize1024
)

// kemEncaps encapsulates to ek at p's level with fresh system randomness.
func kemEncaps(p *Params, ek []byte) (ct, ss []byte, err error) {
	switch p.Tag {
	case Cat1.Tag:
		var pk mlkem512.PublicKey
		if err := pk.Unpack(ek); err != nil {
			return nil, nil, errs.Hybrid("invalid ML-KEM-512 encapsulation key")
		}
		ct = make([]byte, mlkem512.CiphertextSize)
		ss = make([]byte, mlkem512.SharedKeySize)
		pk.EncapsulateTo(ct, ss, nil) // nil seed: circl reads crypto/rand
		return ct, ss, nil
	case Cat3.Tag:
		k, err := mlkem.NewEncapsulationKey768(ek)
		if err != nil {
			return nil, nil, errs.Hybrid("invalid ML-KEM-768 encapsulation key")
		}
		ss, ct = k.Encapsulate()
		return ct, ss, nil
	default:
		k, err := mlkem.NewEncapsulationKey1024(ek)
		if err != nil {
			return nil, nil, errs.Hybrid("invalid ML-KEM-1024 encapsulation key")
		}
		ss, ct = k.Encapsulate()
		return ct, ss, nil
	}
}

// kemEK returns the encapsulation key at p's level for the 64-byte d‖z
// seed, wiping the decapsulation key it derives on the way.
func kemEK(p *Params, seed []byte) ([]byte, error) {
	if p.Tag == Cat1.Tag {
		pk, sk := mlkem512.NewKeyFromSeed(seed)
		b := make([]byte, mlkem512.PublicKeySize)
		pk.Pack(b)
		wipeKey(sk, layout512) // after Pack: sk shares its public part with pk
		return b, nil
	}
	k, err := expandKEM(p, seed)
	if err != nil {
		return nil, err
	}
	defer k.wipe()
	if k.k768 != nil {
		return k.k768.EncapsulationKey().Bytes(), nil
	}
	return k.k1024.EncapsulationKey().Bytes(), nil
}

// A kemKey is an expanded ML-KEM decapsulation key: the field of its level
// is set, the other two are nil. Three typed fields rather than an
// interface, as the libraries' key types differ.
type kemKey struct {
	k512  *mlkem512.PrivateKey
	k768  *mlkem.DecapsulationKey768
	k1024 *mlkem.DecapsulationKey1024
}

// expandKEM derives p's level's decapsulation key from the 64-byte d‖z
// seed. The caller must wipe it.
func expandKEM(p *Params, seed []byte) (*kemKey, error) {
	k := &kemKey{}
	var err error
	switch p.Tag {
	case Cat1.Tag:
		// circl's public key shares its parts with the private key: it is
		// dropped here, and wiped with the private key.
		_, k.k512 = mlkem512.NewKeyFromSeed(seed)
	case Cat3.Tag:
		k.k768, err = mlkem.NewDecapsulationKey768(seed)
	default:
		k.k1024, err = mlkem.NewDecapsulationKey1024(seed)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// decapsulate returns the shared secret for a ciphertext of the key's
// level's size, or nil once the key is wiped. It never fails otherwise
// (implicit rejection: a wrong ciphertext gives a wrong secret).
func (k *kemKey) decapsulate(ct []byte) []byte {
	switch {
	case k.k512 != nil:
		ss := make([]byte, mlkem512.SharedKeySize)
		k.k512.DecapsulateTo(ss, ct)
		return ss
	case k.k768 != nil:
		ss, _ := k.k768.Decapsulate(ct)
		return ss
	case k.k1024 != nil:
		ss, _ := k.k1024.Decapsulate(ct)
		return ss
	}
	return nil
}

// wipe zeroes the key (through wipeKey) and drops it; decapsulate then
// returns nil, and wipe again does nothing.
func (k *kemKey) wipe() {
	if k.k512 != nil {
		wipeKey(k.k512, layout512)
		k.k512 = nil
	}
	if k.k768 != nil {
		wipeKey(k.k768, layout768)
		k.k768 = nil
	}
	if k.k1024 != nil {
		wipeKey(k.k1024, layout1024)
		k.k1024 = nil
	}
}

// wipeKey zeroes what a decapsulation key of crypto/mlkem or circl holds
// (the d‖z seed and the secret vector among it): the libraries offer no
// way to, and the key would otherwise stay in memory until the garbage
// collector reuses it. The key, and anything sharing its parts (circl's
// public key), must not be used afterwards. TestWipeKey fails if a library
// changes so that d or z survive.
//
// Not inlined: the compiler would otherwise copy it into every caller;
// one call per key is nothing next to ML-KEM's work.
//
//go:noinline
func wipeKey[K any](k *K, l *keyLayout) {
	base := unsafe.Pointer(k)
	for _, f := range l.inner {
		if p := *(*unsafe.Pointer)(unsafe.Add(base, f.offset)); p != nil {
			clear(unsafe.Slice((*byte)(p), f.size))
		}
	}
	var zero K
	*k = zero // a typed store: the runtime sees the pointers go
}

// A keyLayout says what wipeKey clears behind a key struct's pointer
// fields: the offset of each field whose pointee holds no pointers, and
// the pointee's size. A pointee that holds pointers is left alone, since
// clearing it behind the runtime's back would break its write barriers.
type keyLayout struct {
	inner []struct{ offset, size uintptr }
}

// The layouts of the three key types, written out rather than read through
// reflect at start-up (from when this code served the wasm build too, where
// reflect cost ~7 KB of the brotli module). Nothing is assumed unchecked: TestKeyLayouts derives each layout from the types through
// reflect and fails on any difference, so a library or Go release that
// changes a key's shape fails the tests before it can make wipeKey clear
// the wrong bytes; the array lengths below fail the build if an outer
// struct changes size.
//
//   - circl's mlkem512.PrivateKey: *cpapke.PrivateKey (the secret vector,
//     2 × 256 int16) at 0, *cpapke.PublicKey (ρ, t and the matrix Aᵀ:
//     32 + 2×512 + 4×512 bytes) at 8, then h(pk) and z inline.
//   - crypto/mlkem's DecapsulationKey768 and DecapsulationKey1024: one
//     pointer to the FIPS 140 module's key (d, z, ρ, h; t, Aᵀ and s as NTT
//     elements of 512 bytes: 128 + (k + k² + k) × 512).
var (
	layout512  = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 2 * 512}, {8, 32 + 2*512 + 4*512}}}
	layout768  = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 128 + (3+9+3)*512}}}
	layout1024 = &keyLayout{inner: []struct{ offset, size uintptr }{{0, 128 + (4+16+4)*512}}}
)

// Compile-time checks of the outer structs' sizes (an array length must
// not be negative): circl's two pointers and two 32-byte arrays;
// crypto/mlkem's one pointer each.
var (
	_ = [unsafe.Sizeof(mlkem512.PrivateKey{}) - 2*8 - 2*32]struct{}{}
	_ = [2*8 + 2*32 - unsafe.Sizeof(mlkem512.PrivateKey{})]struct{}{}
	_ = [unsafe.Sizeof(mlkem.DecapsulationKey768{}) - 8]struct{}{}
	_ = [8 - unsafe.Sizeof(mlkem.DecapsulationKey768{})]struct{}{}
	_ = [unsafe.Sizeof(mlkem.DecapsulationKey1024{}) - 8]struct{}{}
	_ = [8 - unsafe.Sizeof(mlkem.DecapsulationKey1024{})]struct{}{}
)
