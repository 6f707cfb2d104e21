package nacl

import (
	"crypto/subtle"

	"golang.org/x/crypto/nacl/secretbox"

	"github.com/sealkit/sealkit/internal/poly1305"
	"github.com/sealkit/sealkit/internal/salsa20"
)

// Secretbox (XSalsa20-Poly1305) in two implementations; useWordSecretbox
// (select_wasm.go, select_other.go) picks one at build time.
//
//   - golang.org/x/crypto/nacl/secretbox everywhere but WebAssembly, where
//     it has assembly (Salsa20 on amd64, Poly1305 on amd64 and others).
//   - wordSeal/wordOpen for GOOS=js GOARCH=wasm: the same construction as
//     x/crypto's secretbox.go, over internal/salsa20 (whole-word XOR) and
//     internal/poly1305 (26-bit limbs, no bits.Mul64), which are 2× and 3×
//     faster than x/crypto's portable code there.
//
// Both compile everywhere and native tests compare them byte for byte
// (secretbox_test.go).

func secretboxSeal(out, message []byte, nonce *[24]byte, key *[32]byte) []byte {
	if useWordSecretbox {
		return wordSeal(out, message, nonce, key)
	}
	return secretbox.Seal(out, message, nonce, key)
}

func secretboxOpen(out, box []byte, nonce *[24]byte, key *[32]byte) ([]byte, bool) {
	if useWordSecretbox {
		return wordOpen(out, box, nonce, key)
	}
	return secretbox.Open(out, box, nonce, key)
}

// wordSetup derives the XSalsa20 subkey and returns the first keystream
// block: its first 32 bytes are the Poly1305 key, the rest encrypt the
// first 32 message bytes.
func wordSetup(subKey *[32]byte, counter *[16]byte, nonce *[24]byte, key *[32]byte) (first [64]byte) {
	var hNonce [16]byte
	copy(hNonce[:], nonce[:16])
	salsa20.HSalsa20(subKey, &hNonce, key)
	copy(counter[:], nonce[16:])
	salsa20.XORKeyStream(first[:], first[:], counter, subKey)
	counter[8] = 1
	return first
}

// grow returns in extended by n bytes and those n bytes.
func grow(in []byte, n int) (head, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	return head, head[len(in):]
}

func wordSeal(out, message []byte, nonce *[24]byte, key *[32]byte) []byte {
	var subKey [32]byte
	var counter [16]byte
	first := wordSetup(&subKey, &counter, nonce, key)
	ret, dst := grow(out, len(message)+Overhead)
	ct := dst[Overhead:]
	n := min(len(message), 32)
	subtle.XORBytes(ct[:n], message[:n], first[32:32+n])
	salsa20.XORKeyStream(ct[n:], message[n:], &counter, &subKey)
	poly1305.Sum((*[16]byte)(dst[:Overhead]), ct, (*[32]byte)(first[:32]))
	clear(first[:])
	clear(subKey[:])
	return ret
}

func wordOpen(out, box []byte, nonce *[24]byte, key *[32]byte) ([]byte, bool) {
	if len(box) < Overhead {
		return nil, false
	}
	var subKey [32]byte
	var counter [16]byte
	first := wordSetup(&subKey, &counter, nonce, key)
	defer clear(subKey[:])
	defer clear(first[:])
	ct := box[Overhead:]
	if !poly1305.Verify((*[16]byte)(box[:Overhead]), ct, (*[32]byte)(first[:32])) {
		return nil, false
	}
	ret, dst := grow(out, len(ct))
	n := min(len(ct), 32)
	subtle.XORBytes(dst[:n], ct[:n], first[32:32+n])
	salsa20.XORKeyStream(dst[n:], ct[n:], &counter, &subKey)
	return ret, true
}
