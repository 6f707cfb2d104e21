package hybrid

import (
	"bytes"
	"crypto/mlkem"
	"crypto/sha3"
	"reflect"
	"testing"
	"unsafe"
)

// memoryOf is the bytes of the value p points to.
func memoryOf(p reflect.Value) []byte {
	return unsafe.Slice((*byte)(p.UnsafePointer()), p.Type().Elem().Size())
}

// TestWipeKey: wipeKey zeroes the key each library keeps behind a
// decapsulation key — crypto/mlkem's internal key (d first, then z),
// circl's natively (z in the outer struct, the secret vector behind a
// pointer) and internal/mlkem512's in wasm (everything in the outer
// struct).
// Each case first checks that it sees z where the library keeps it, so
// that a change of layout fails here instead of passing vacuously.
func TestWipeKey(t *testing.T) {
	seed := bytes.Repeat([]byte{0xa5, 0x3c}, 32)
	k768, _ := mlkem.NewDecapsulationKey768(seed)
	k1024, _ := mlkem.NewDecapsulationKey1024(seed)
	k512, wipe512 := newCat1Key(seed)
	for _, tc := range []struct {
		name string
		key  any
		wipe func()
	}{
		{"768", k768, func() { wipeKey(k768, layout768) }},
		{"1024", k1024, func() { wipeKey(k1024, layout1024) }},
		{"512", k512, wipe512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outer := reflect.ValueOf(tc.key)
			all := [][]byte{memoryOf(outer)}
			for i := range outer.Elem().NumField() {
				if f := outer.Elem().Field(i); f.Kind() == reflect.Pointer {
					all = append(all, memoryOf(f))
				}
			}
			if !bytes.Contains(bytes.Join(all, nil), seed[32:]) {
				t.Fatal("z not found in the key: the library changed shape")
			}
			tc.wipe()
			for i, m := range all {
				if !bytes.Equal(m, make([]byte, len(m))) {
					t.Errorf("part %d of the key not wiped", i)
				}
			}
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

// memory is the bytes behind k's ML-KEM key, for TestPrivateKey: the
// pointees wipeKey clears, read through the same layouts.
func (k *PrivateKey) memory() [][]byte {
	var out [][]byte
	add := func(base unsafe.Pointer, l *keyLayout) {
		for _, f := range l.inner {
			if p := *(*unsafe.Pointer)(unsafe.Add(base, f.offset)); p != nil {
				out = append(out, unsafe.Slice((*byte)(p), f.size))
			}
		}
	}
	switch {
	case k.k512 != nil:
		add(unsafe.Pointer(k.k512), layout512)
		out = append(out, unsafe.Slice((*byte)(unsafe.Pointer(k.k512)), unsafe.Sizeof(*k.k512)))
	case k.k768 != nil:
		add(unsafe.Pointer(k.k768), layout768)
	case k.k1024 != nil:
		add(unsafe.Pointer(k.k1024), layout1024)
	}
	return out
}
