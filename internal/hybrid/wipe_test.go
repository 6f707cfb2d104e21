package hybrid

import (
	"bytes"
	"crypto/sha3"
	"testing"
)

// TestWipeKey: kemKey.wipe zeroes the key each library keeps behind a
// decapsulation key on this target — natively crypto/mlkem's internal key
// (d first, then z) and circl's (z in the outer struct, the secret vector
// behind a pointer), in wasm internal/mlkem's (everything in the struct) —
// after which decapsulate returns nil. Each case first checks that it sees
// z where the library keeps it, so that a change of layout fails here
// instead of passing vacuously; memory (kem_native_test.go,
// kem_wasm_test.go) finds the key's bytes without the layouts wipe uses.
func TestWipeKey(t *testing.T) {
	seed := bytes.Repeat([]byte{0xa5, 0x3c}, 32)
	for _, p := range []*Params{&Cat1, &Cat3, &Cat5} {
		t.Run(p.Name, func(t *testing.T) {
			k, err := expandKEM(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			if k.decapsulate(make([]byte, p.CTSize)) == nil {
				t.Fatal("decapsulate failed before wipe")
			}
			mem := k.memory()
			if !bytes.Contains(bytes.Join(mem, nil), seed[32:]) {
				t.Fatal("z not found in the key: the library changed shape")
			}
			k.wipe()
			for i, m := range mem {
				if !bytes.Equal(m, make([]byte, len(m))) {
					t.Errorf("part %d of the key not wiped", i)
				}
			}
			if k.decapsulate(make([]byte, p.CTSize)) != nil {
				t.Error("decapsulate works after wipe")
			}
			k.wipe() // twice is harmless
		})
	}
}

// TestCombineClearsSecrets: combine computes the X-Wing combiner and
// clears both shared secrets, which its callers do not keep.
func TestCombineClearsSecrets(t *testing.T) {
	ssK, ssX := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	epk, xpk := bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{4}, 32)
	want := sha3.Sum256(bytes.Join([][]byte{ssK, ssX, epk, xpk, label}, nil))
	k := combine(ssK, ssX, epk, xpk)
	if *k != want {
		t.Fatalf("combine = %x, want %x", *k, want)
	}
	if !bytes.Equal(ssK, make([]byte, 32)) || !bytes.Equal(ssX, make([]byte, 32)) {
		t.Fatal("combine left the shared secrets in place")
	}
}

// memory is the bytes of k's ML-KEM key, for TestPrivateKey.
func (k *PrivateKey) memory() [][]byte {
	if k.kem == nil {
		return nil
	}
	return k.kem.memory()
}
