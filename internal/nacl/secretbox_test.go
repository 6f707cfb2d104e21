package nacl

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/nacl/secretbox"
)

// TestWordSecretbox compares wordSeal/wordOpen with x/crypto's secretbox
// byte for byte, including appending to a prefix, tampering and short
// boxes.
func TestWordSecretbox(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	rnd := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	lengths := []int{}
	for n := range 200 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 1024, 4096+7, 1<<16+1)
	for _, n := range lengths {
		var key [32]byte
		var nonce [24]byte
		rnd(key[:])
		rnd(nonce[:])
		msg := make([]byte, n)
		rnd(msg)
		prefix := []byte{1, 2, 3}
		want := secretbox.Seal(bytes.Clone(prefix), msg, &nonce, &key)
		got := wordSeal(bytes.Clone(prefix), msg, &nonce, &key)
		if !bytes.Equal(got, want) {
			t.Fatalf("length %d: box differs from x/crypto", n)
		}
		box := want[len(prefix):]
		pt, ok := wordOpen(bytes.Clone(prefix), box, &nonce, &key)
		if !ok || !bytes.Equal(pt, append(bytes.Clone(prefix), msg...)) {
			t.Fatalf("length %d: open failed", n)
		}
		bad := bytes.Clone(box)
		bad[r.IntN(len(bad))] ^= 1 << r.IntN(8)
		_, ok1 := wordOpen(nil, bad, &nonce, &key)
		_, ok2 := secretbox.Open(nil, bad, &nonce, &key)
		if ok1 || ok2 {
			t.Fatalf("length %d: tampered box opened (word %v, x/crypto %v)", n, ok1, ok2)
		}
	}
	var key [32]byte
	var nonce [24]byte
	for n := range Overhead + 1 {
		_, ok1 := wordOpen(nil, make([]byte, n), &nonce, &key)
		_, ok2 := secretbox.Open(nil, make([]byte, n), &nonce, &key)
		if ok1 != ok2 {
			t.Fatalf("box of %d bytes: word %v, x/crypto %v", n, ok1, ok2)
		}
	}
}

// FuzzWordSecretbox checks the wasm secretbox (wordSeal/wordOpen over
// internal/salsa20 and internal/poly1305) against x/crypto's on arbitrary
// messages, keys, nonces and boxes: same bytes out, same accept/reject.
func FuzzWordSecretbox(f *testing.F) {
	f.Add([]byte(""), []byte("k"), []byte("n"), []byte{})
	f.Add([]byte("hello"), bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{0xaa}, 24), make([]byte, 16))
	f.Add(bytes.Repeat([]byte{7}, 300), []byte("a key"), []byte("a nonce"), bytes.Repeat([]byte{3}, 100))
	f.Fuzz(func(t *testing.T, msg, keySeed, nonceSeed, box []byte) {
		var key [32]byte
		var nonce [24]byte
		copy(key[:], keySeed)
		copy(nonce[:], nonceSeed)
		want := secretbox.Seal(nil, msg, &nonce, &key)
		if got := wordSeal(nil, msg, &nonce, &key); !bytes.Equal(got, want) {
			t.Fatalf("wordSeal differs from x/crypto for %d-byte message", len(msg))
		}
		if got, ok := wordOpen(nil, want, &nonce, &key); !ok || !bytes.Equal(got, msg) {
			t.Fatalf("wordOpen rejects x/crypto's box")
		}
		wantPT, wantOK := secretbox.Open(nil, box, &nonce, &key)
		gotPT, gotOK := wordOpen(nil, box, &nonce, &key)
		if gotOK != wantOK || !bytes.Equal(gotPT, wantPT) {
			t.Fatalf("wordOpen(%d-byte box) = %v, x/crypto %v", len(box), gotOK, wantOK)
		}
	})
}

// BenchmarkWordSecretbox1MiB times the wasm secretbox (wordSeal/wordOpen)
// on raw bytes, the figure compared with libsodium.js's
// crypto_secretbox_easy/open_easy of 1 MiB:
//
//	GOOS=js GOARCH=wasm go test -run '^$' -bench Secretbox -exec $(go env GOROOT)/lib/wasm/go_js_wasm_exec ./internal/nacl
func BenchmarkWordSecretbox1MiB(b *testing.B) {
	var key [32]byte
	var nonce [24]byte
	msg := make([]byte, 1<<20)
	box := wordSeal(nil, msg, &nonce, &key)
	b.Run("Seal", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		out := make([]byte, 0, len(box))
		for b.Loop() {
			wordSeal(out[:0], msg, &nonce, &key)
		}
	})
	b.Run("Open", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		out := make([]byte, 0, len(msg))
		for b.Loop() {
			if _, ok := wordOpen(out[:0], box, &nonce, &key); !ok {
				b.Fatal("open failed")
			}
		}
	})
}
