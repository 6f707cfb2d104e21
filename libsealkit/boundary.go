// Command libsealkit is sealkit's core as a C library: built with
// -buildmode=c-shared (build/lib/libsealkit.so) and -buildmode=c-archive
// (build/lib/libsealkit.a) by `make lib`. The C contract — names, status
// codes, sizes, who allocates and who frees, thread-safety — is written in
// sealkit.h, which is hand-written rather than cgo's generated header so
// that it can carry constants and documentation; the C tests compile it
// together with cgo's header, so a signature that drifts fails to build.
//
// This file is the boundary: it copies every C input into Go memory (and
// wipes the copy afterwards), copies every output into C memory from
// malloc, turns every error and every panic into a status code plus the
// crate's text, and never lets a Go panic unwind into the host.
package main

/*
#include <stdint.h>
#include <stdlib.h>
typedef const uint8_t sealkit_in;
*/
import "C"

import (
	"errors"
	"math"
	"unsafe"

	"github.com/sealkit/sealkit"
)

func main() {}

// Status codes; sealkit.h's SEALKIT_* constants have the same values and
// names (the SDK's ErrorCode names, js/errors.js).
const (
	codeOK                 = 0
	codeBase64             = 1
	codeDecryption         = 2
	codeInvalidLength      = 3
	codeTooShort           = 4
	codeInvalidKeyHash     = 5
	codeInvalidRecoveryKey = 6
	codeKDF                = 7
	codeHybrid             = 8
	codeUTF8               = 9
	codeLowOrderKey        = 10
	codeSignature          = 11
	codeInvalidArgument    = 12
	codeInternal           = 13
)

// argError is a misuse of the C API itself (a NULL pointer, an unknown
// enum value): SEALKIT_E_INVALID_ARGUMENT. Its texts are the library's
// own; the crate has no such errors.
type argError string

func (e argError) Error() string { return "invalid argument: " + string(e) }

var (
	errNullInput  = argError("NULL pointer with a nonzero length")
	errNullOutput = argError("NULL output pointer")
	errTooLong    = argError("length does not fit in a Go slice")
	errInternal   = errors.New("internal error")
)

// errorCode maps an error to its status code, as cmd/sealkit-wasm's
// errorCode maps it to the SDK's code string.
func errorCode(err error) C.int {
	var ae argError
	switch {
	case errors.As(err, &ae):
		return codeInvalidArgument
	case errors.Is(err, sealkit.ErrBase64):
		return codeBase64
	case errors.Is(err, sealkit.ErrDecryption):
		return codeDecryption
	case errors.Is(err, sealkit.ErrInvalidLength):
		return codeInvalidLength
	case errors.Is(err, sealkit.ErrTooShort):
		return codeTooShort
	case errors.Is(err, sealkit.ErrInvalidKeyHash):
		return codeInvalidKeyHash
	case errors.Is(err, sealkit.ErrInvalidRecoveryKey):
		return codeInvalidRecoveryKey
	case errors.Is(err, sealkit.ErrKDF):
		return codeKDF
	case errors.Is(err, sealkit.ErrHybrid):
		return codeHybrid
	case errors.Is(err, sealkit.ErrUTF8):
		return codeUTF8
	case errors.Is(err, sealkit.ErrSignature):
		return codeSignature
	case errors.Is(err, sealkit.ErrLowOrderKey):
		return codeLowOrderKey
	}
	return codeInternal
}

// call is one C call: its inputs (copied into Go memory, wiped when the
// call returns) and its outputs (C memory handed to the caller only on
// success; released again on failure).
type call struct {
	inputs  [][]byte
	outs    []outRef // the caller's outputs, to reset on failure
	allocs  []cAlloc
	pending error
}

// outRef is one output of the caller's: the pointer and, for bytes, the
// length.
type outRef struct {
	p unsafe.Pointer // a **C.uint8_t or **C.char
	n *C.size_t      // nil for strings
}

type cAlloc struct {
	p unsafe.Pointer
	n int
}

// run runs f as one exported call: *errOut is reset, a Go panic becomes
// SEALKIT_E_INTERNAL, an error its status code and text, and on any
// failure every output already allocated is wiped, freed and reset.
func run(errOut **C.char, f func(c *call) error) (rc C.int) {
	if errOut != nil {
		*errOut = nil
	}
	c := &call{}
	defer func() {
		for _, b := range c.inputs {
			clear(b)
		}
		if r := recover(); r != nil {
			rc = c.fail(errOut, errInternal)
		}
	}()
	err := f(c)
	if err == nil {
		err = c.pending
	}
	if err != nil {
		return c.fail(errOut, err)
	}
	// The outputs are the caller's now. Dropping Go's copies of their
	// addresses also lets a leak checker see a caller that never frees
	// them (uncollected Go memory would otherwise still point at them).
	clear(c.allocs)
	clear(c.outs)
	return codeOK
}

func (c *call) fail(errOut **C.char, err error) C.int {
	for _, a := range c.allocs {
		wipeFree(a.p, a.n)
	}
	c.allocs = nil
	for _, o := range c.outs {
		*(*unsafe.Pointer)(o.p) = nil
		if o.n != nil {
			*o.n = 0
		}
	}
	if errOut != nil {
		*errOut = C.CString(err.Error())
	}
	return errorCode(err)
}

// in copies a C input into Go memory. A NULL pointer is an empty input
// when n is 0 and an error otherwise.
func (c *call) in(p *C.sealkit_in, n C.size_t) []byte {
	if c.pending != nil {
		return nil
	}
	if p == nil {
		if n != 0 {
			c.pending = errNullInput
		}
		return nil
	}
	if uint64(n) > uint64(math.MaxInt) {
		c.pending = errTooLong
		return nil
	}
	b := make([]byte, int(n))
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	c.inputs = append(c.inputs, b)
	return b
}

// outBytes checks a byte output pair and resets it.
func (c *call) outBytes(out **C.uint8_t, outLen *C.size_t) bool {
	if out == nil || outLen == nil {
		c.pending = errNullOutput
		return false
	}
	*out, *outLen = nil, 0
	c.outs = append(c.outs, outRef{unsafe.Pointer(out), outLen})
	return true
}

// outString checks a string output and resets it.
func (c *call) outString(out **C.char) bool {
	if out == nil {
		c.pending = errNullOutput
		return false
	}
	*out = nil
	c.outs = append(c.outs, outRef{unsafe.Pointer(out), nil})
	return true
}

// outInt checks an int output and resets it.
func (c *call) outInt(out *C.int) bool {
	if out == nil {
		c.pending = errNullOutput
		return false
	}
	*out = 0
	return true
}

// putBytes copies b into a new malloc'd buffer (at least one byte, so an
// empty output is still a pointer to free) and wipes b: outputs are often
// keys or plaintexts.
func (c *call) putBytes(out **C.uint8_t, outLen *C.size_t, b []byte) {
	p := C.malloc(C.size_t(max(len(b), 1)))
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	c.allocs = append(c.allocs, cAlloc{p, len(b)})
	*out, *outLen = (*C.uint8_t)(p), C.size_t(len(b))
	clear(b)
}

// putString copies s into a new malloc'd NUL-terminated buffer.
func (c *call) putString(out **C.char, s []byte) {
	p := C.malloc(C.size_t(len(s) + 1))
	d := unsafe.Slice((*byte)(p), len(s)+1)
	copy(d, s)
	d[len(s)] = 0
	c.allocs = append(c.allocs, cAlloc{p, len(s) + 1})
	*out = (*C.char)(p)
}

// wipeFree zeroes n bytes at p and frees p. The zeroing is Go code the C
// compiler never sees, so no dead-store elimination can remove it.
func wipeFree(p unsafe.Pointer, n int) {
	if p == nil {
		return
	}
	if n > 0 {
		clear(unsafe.Slice((*byte)(p), n))
	}
	C.free(p)
}
