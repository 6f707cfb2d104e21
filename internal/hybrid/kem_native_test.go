//go:build !wasm

package hybrid

import (
	"crypto/mlkem"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"
)

// layoutOf reads a key type's layout through reflect: every pointer field
// whose pointee holds no pointers, with the pointee's size. kem_native.go
// writes the layouts out; this is what they must equal.
func layoutOf(t reflect.Type) []struct{ offset, size uintptr } {
	var inner []struct{ offset, size uintptr }
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Pointer && pointerFree(f.Type.Elem()) {
			inner = append(inner, struct{ offset, size uintptr }{f.Offset, f.Type.Elem().Size()})
		}
	}
	return inner
}

// TestKeyLayouts: the written-out layouts are exactly what reflect reads
// from the libraries' types, and every pointer field of the key structs is
// covered, so that a change of shape fails here rather than in wipeKey.
func TestKeyLayouts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    reflect.Type
		layout *keyLayout
	}{
		{"512", reflect.TypeOf(mlkem512.PrivateKey{}), layout512},
		{"768", reflect.TypeOf(mlkem.DecapsulationKey768{}), layout768},
		{"1024", reflect.TypeOf(mlkem.DecapsulationKey1024{}), layout1024},
	} {
		want := layoutOf(tc.typ)
		if !slices.Equal(tc.layout.inner, want) {
			t.Errorf("layout%s = %+v, reflect reads %+v", tc.name, tc.layout.inner, want)
		}
		pointers := 0
		for i := range tc.typ.NumField() {
			if tc.typ.Field(i).Type.Kind() == reflect.Pointer {
				pointers++
			}
		}
		if pointers != len(want) {
			t.Errorf("%s: %d pointer fields, %d of them pointer-free: wipeKey would miss a part", tc.name, pointers, len(want))
		}
	}
}

// memory is the bytes of the library key k holds: the outer struct and
// what each of its pointer fields points to, found through reflect rather
// than the layouts, so that TestWipeKey checks wipeKey independently of
// them.
func (k *kemKey) memory() [][]byte {
	var key reflect.Value
	switch {
	case k.k512 != nil:
		key = reflect.ValueOf(k.k512)
	case k.k768 != nil:
		key = reflect.ValueOf(k.k768)
	case k.k1024 != nil:
		key = reflect.ValueOf(k.k1024)
	default:
		return nil
	}
	all := [][]byte{memoryOf(key)}
	for i := range key.Elem().NumField() {
		if f := key.Elem().Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			all = append(all, memoryOf(f))
		}
	}
	return all
}

// memoryOf is the bytes of the value p points to.
func memoryOf(p reflect.Value) []byte {
	return unsafe.Slice((*byte)(p.UnsafePointer()), p.Type().Elem().Size())
}
