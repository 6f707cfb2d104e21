package argon2

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	xargon2 "golang.org/x/crypto/argon2"
	"golang.org/x/crypto/blake2b"
)

// RFC 9106 section 5.3: Argon2id with secret and associated data.
func TestRFC9106(t *testing.T) {
	password := bytes.Repeat([]byte{0x01}, 32)
	salt := bytes.Repeat([]byte{0x02}, 16)
	secret := bytes.Repeat([]byte{0x03}, 8)
	data := bytes.Repeat([]byte{0x04}, 12)
	want, _ := hex.DecodeString("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
	got := idKey(password, salt, secret, data, 3, 32, 4, 32)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %x, want %x", got, want)
	}
}

// The repository's kdf vectors (t=2, 64 MiB, p=1, as DeriveSessionKey).
func TestKDFVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "vectors", "kdf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Vectors []struct {
			Desc     string  `json:"desc"`
			Password *string `json:"password_utf8"`
			Salt     string  `json:"salt_b64"`
			Key      string  `json:"session_key_hex"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range file.Vectors {
		if v.Password == nil || v.Key == "" {
			continue
		}
		salt, err := base64.StdEncoding.DecodeString(v.Salt)
		if err != nil {
			t.Fatal(err)
		}
		want, err := hex.DecodeString(v.Key)
		if err != nil {
			t.Fatal(err)
		}
		if got := idKey([]byte(*v.Password), salt, nil, nil, 2, 64*1024, 1, 32); !bytes.Equal(got, want) {
			t.Errorf("%s: got %x, want %x", v.Desc, got, want)
		}
		if got := IDKey([]byte(*v.Password), salt, 2, 64*1024, 1, 32); !bytes.Equal(got, want) {
			t.Errorf("%s: IDKey: got %x, want %x", v.Desc, got, want)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no kdf vectors with a key")
	}
}

type params struct {
	password, salt []byte
	time, memory   uint32
	threads        uint8
	keyLen         uint32
}

func randomParams(r *rand.Rand) params {
	p := params{
		password: make([]byte, r.IntN(80)),
		salt:     make([]byte, 8+r.IntN(25)),
		time:     1 + r.Uint32N(4),
		memory:   8 + r.Uint32N(249), // 8–256 KiB, multiples of 4·p or not
		threads:  1,
		keyLen:   4 + r.Uint32N(125), // below, at and above 64 (blake2bHash paths)
	}
	if r.IntN(3) == 0 {
		p.threads = uint8(2 + r.IntN(3))
	}
	for i := range p.password {
		p.password[i] = byte(r.Uint32())
	}
	for i := range p.salt {
		p.salt[i] = byte(r.Uint32())
	}
	return p
}

// TestDifferential compares the fork with x/crypto on random inputs and
// parameters.
func TestDifferential(t *testing.T) {
	n := 400
	if runtime.GOARCH == "wasm" || testing.Short() {
		n = 60
	}
	r := rand.New(rand.NewPCG(1, uint64(n)))
	for i := 0; i < n; i++ {
		p := randomParams(r)
		want := xargon2.IDKey(p.password, p.salt, p.time, p.memory, p.threads, p.keyLen)
		got := idKey(p.password, p.salt, nil, nil, p.time, p.memory, p.threads, p.keyLen)
		if !bytes.Equal(got, want) {
			t.Fatalf("t=%d m=%d p=%d len=%d password=%x salt=%x: got %x, want %x",
				p.time, p.memory, p.threads, p.keyLen, p.password, p.salt, got, want)
		}
	}
	// A larger memory, with p=1 as DeriveSessionKey and with lanes.
	for _, threads := range []uint8{1, 4} {
		pw, salt := []byte("correct horse"), []byte("0123456789abcdef")
		want := xargon2.IDKey(pw, salt, 2, 4096, threads, 32)
		if got := idKey(pw, salt, nil, nil, 2, 4096, threads, 32); !bytes.Equal(got, want) {
			t.Fatalf("m=4096 p=%d: got %x, want %x", threads, got, want)
		}
	}
}

func TestIDKeyMatchesXCrypto(t *testing.T) {
	pw, salt := []byte("pw"), make([]byte, 16)
	want := xargon2.IDKey(pw, salt, 3, 64, 2, 32)
	if got := IDKey(pw, salt, 3, 64, 2, 32); !bytes.Equal(got, want) {
		t.Fatalf("got %x, want %x", got, want)
	}
}

// TestConcurrent checks that concurrent calls (serialised on the shared
// scratch) give the right keys; run natively with -race.
func TestConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	ps := make([]params, 8)
	for i := range ps {
		ps[i] = randomParams(r)
	}
	var wg sync.WaitGroup
	errs := make([]bool, len(ps))
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := xargon2.IDKey(p.password, p.salt, p.time, p.memory, p.threads, p.keyLen)
			got := idKey(p.password, p.salt, nil, nil, p.time, p.memory, p.threads, p.keyLen)
			errs[i] = !bytes.Equal(got, want)
		}()
	}
	wg.Wait()
	for i, bad := range errs {
		if bad {
			t.Errorf("call %d: mismatch", i)
		}
	}
}

func TestPanics(t *testing.T) {
	for _, c := range []struct {
		time    uint32
		threads uint8
	}{{0, 1}, {1, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("t=%d p=%d: no panic", c.time, c.threads)
				}
			}()
			idKey(nil, nil, nil, nil, c.time, 8, c.threads, 32)
		}()
	}
}

// FuzzIDKey compares the fork with x/crypto for small parameters:
//
//	go test -fuzz FuzzIDKey ./internal/argon2
func FuzzIDKey(f *testing.F) {
	f.Add([]byte("password"), []byte("somesalt"), uint8(2), uint16(64), uint8(1), uint8(32))
	f.Add([]byte{}, make([]byte, 16), uint8(1), uint16(8), uint8(3), uint8(65))
	f.Fuzz(func(t *testing.T, password, salt []byte, time uint8, memory uint16, threads, keyLen uint8) {
		tm := 1 + uint32(time%4)
		m := uint32(memory % 513)
		p := 1 + threads%4
		kl := 4 + uint32(keyLen)
		want := xargon2.IDKey(password, salt, tm, m, p, kl)
		got := idKey(password, salt, nil, nil, tm, m, p, kl)
		if !bytes.Equal(got, want) {
			t.Fatalf("t=%d m=%d p=%d len=%d: got %x, want %x", tm, m, p, kl, got, want)
		}
	})
}

var benchSalt = []byte("0123456789abcdef")

// BenchmarkIDKey times the fork with DeriveSessionKey's parameters (t=2,
// 64 MiB, p=1); BenchmarkXCrypto times x/crypto/argon2 with the same.
//
//	GOOS=js GOARCH=wasm go test -run '^$' -bench . -exec $(go env GOROOT)/lib/wasm/go_js_wasm_exec ./internal/argon2
func BenchmarkIDKey(b *testing.B) {
	for b.Loop() {
		idKey([]byte("password"), benchSalt, nil, nil, 2, 64*1024, 1, 32)
	}
}

func BenchmarkXCrypto(b *testing.B) {
	for b.Loop() {
		xargon2.IDKey([]byte("password"), benchSalt, 2, 64*1024, 1, 32)
	}
}

// BenchmarkBlock times the block function alone (in cache).
func BenchmarkBlock(b *testing.B) {
	var out, in1, in2 block
	for i := range in1 {
		in1[i] = uint64(i) * 0x9e3779b97f4a7c15
		in2[i] = uint64(i) * 0x6a09e667f3bcc909
	}
	mu.Lock()
	defer mu.Unlock()
	for b.Loop() {
		processBlockXOR(&out, &in1, &in2)
	}
}

// TestWorkMemoryWiped: after a derivation, the work memory, the block
// function's scratch and the BLAKE2b states hold nothing — the last block
// alone would give the key away, and the hashes buffer the password.
func TestWorkMemoryWiped(t *testing.T) {
	var work []block
	defer func(f func(uint32) []block) { newBlocks = f }(newBlocks)
	newBlocks = func(n uint32) []block {
		work = make([]block, n)
		return work
	}
	password, salt := []byte("a password to forget"), bytes.Repeat([]byte{7}, 16)
	got := idKey(password, salt, nil, nil, 2, 256, 1, 32)
	if want := xargon2.IDKey(password, salt, 2, 256, 1, 32); !bytes.Equal(got, want) {
		t.Fatalf("key %x, want %x", got, want)
	}
	if len(work) != 256 {
		t.Fatalf("work memory of %d blocks, want 256", len(work))
	}
	for i := range work {
		if work[i] != (block{}) {
			t.Fatalf("work memory block %d not wiped", i)
		}
	}
	if gs != (scratch{}) {
		t.Fatal("block function scratch not wiped")
	}
}

// TestBlake2bWipe: wipe leaves nothing of the input in x/crypto's BLAKE2b
// state, which buffers the last block written until Sum (and keeps it
// after).
func TestBlake2bWipe(t *testing.T) {
	secret := []byte("the end of an input: password and salt")
	h, _ := blake2b.New512(nil)
	h.Write(secret)
	h.Sum(nil)
	state := reflect.ValueOf(h).Elem()
	raw := unsafe.Slice((*byte)(state.Addr().UnsafePointer()), state.Type().Size())
	if !bytes.Contains(raw, secret) {
		t.Fatal("the test cannot see the buffered input: x/crypto's BLAKE2b changed shape")
	}
	wipe(h)
	if bytes.Contains(raw, secret[:8]) {
		t.Fatal("wipe left the buffered input in the hash state")
	}
}
