//go:build wasm

package hybrid

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestKeyPointerFree: internal/mlkem's decapsulation key holds no
// pointers, which is what lets kemKey.wipe erase it by zeroing the struct
// alone (nothing secret lives behind a pointer it would miss).
func TestKeyPointerFree(t *testing.T) {
	if typ := reflect.TypeOf(kemKey{}); !pointerFree(typ) {
		t.Fatalf("%v holds pointers: zeroing the struct would not wipe all of it", typ)
	}
}

// memory is the bytes of the key: the struct, which holds all of it.
func (k *kemKey) memory() [][]byte {
	return [][]byte{unsafe.Slice((*byte)(unsafe.Pointer(k)), unsafe.Sizeof(*k))}
}
