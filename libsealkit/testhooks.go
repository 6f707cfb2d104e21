//go:build sealkit_testhooks

package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

// sealkit_test_panic exists only in the test build (tag
// sealkit_testhooks, build/valgrind/libsealkit.so): it panics inside the
// boundary, after putting an output when afterOutput is nonzero, so that
// libsealkit/test/test_panic.c can check that a Go panic comes back as
// SEALKIT_E_INTERNAL with the outputs reset and freed, and that the host
// and the library keep working. No input reaches a panic in the real
// exports; this is how the recovery path is tested at all.
//
//export sealkit_test_panic
func sealkit_test_panic(afterOutput C.int, out **C.uint8_t, outLen *C.size_t, errOut **C.char) C.int {
	return run(errOut, func(c *call) error {
		if !c.outBytes(out, outLen) {
			return nil
		}
		if afterOutput != 0 {
			c.putBytes(out, outLen, []byte("half-made output"))
		}
		panic("sealkit_test_panic")
	})
}
