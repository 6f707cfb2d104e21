package sign

import (
	"bytes"
	"crypto/mldsa"
	"testing"
	"unsafe"
)

// TestWipeMLDSA: wipeMLDSA leaves no byte of crypto/mldsa's private key,
// whose seed ξ is in it before (so the check sees the key's memory).
func TestWipeMLDSA(t *testing.T) {
	seed := bytes.Repeat([]byte{0xa5, 0x3c}, 16)
	for _, p := range []func() mldsa.Parameters{mldsa.MLDSA44, mldsa.MLDSA65, mldsa.MLDSA87} {
		k, err := mldsa.NewPrivateKey(p(), seed)
		if err != nil {
			t.Fatal(err)
		}
		mem := unsafe.Slice((*byte)(unsafe.Pointer(k)), unsafe.Sizeof(*k))
		if !bytes.Contains(mem, seed) {
			t.Fatalf("%v: the seed is not in the key struct: the check does not see the key", p())
		}
		wipeMLDSA(k)
		if !bytes.Equal(mem, make([]byte, len(mem))) {
			t.Fatalf("%v: the key struct is not all zeros after wipeMLDSA", p())
		}
	}
}
