package hybrid

import (
	"crypto/mlkem"
	"reflect"
	"slices"
	"testing"
)

// layoutOf reads a key type's layout through reflect: every pointer field
// whose pointee holds no pointers, with the pointee's size. hybrid.go
// writes the layouts out (reflect costs the wasm module ~7 KB brotli);
// this is what they must equal.
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

// pointerFree reports whether values of t hold no pointers the garbage
// collector tracks.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// TestKeyLayouts: the written-out layouts are exactly what reflect reads
// from the libraries' types on this target (make test-wasm runs it in
// wasm too), and every pointer field of the key structs is covered, so
// that a change of shape fails here rather than in wipeKey.
func TestKeyLayouts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    reflect.Type
		layout *keyLayout
	}{
		{"512", cat1KeyType, layout512},
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
		// A layout with nothing behind pointers is right only for a key
		// that holds no pointers at all (internal/mlkem512's, in wasm).
		if len(want) == 0 && !pointerFree(tc.typ) {
			t.Errorf("%s: the key holds pointers that are not plain pointer fields", tc.name)
		}
	}
}
