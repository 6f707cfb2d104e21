package hybrid

import "reflect"

// Helpers for the per-target key tests (kem_native_test.go,
// kem_wasm_test.go).

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
