package mlkem

import (
	"bufio"
	"bytes"
	"crypto/mlkem"
	"crypto/mlkem/mlkemtest"
	"crypto/sha3"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	circl512 "github.com/cloudflare/circl/kem/mlkem/mlkem512"
)

var levels = []Level{MLKEM512, MLKEM768, MLKEM1024}

// String names a level in test output and the vector files' names. (Only
// the tests need it: the package leaves it out of the wasm module.)
func (l Level) String() string {
	switch l {
	case MLKEM512:
		return "ML-KEM-512"
	case MLKEM768:
		return "ML-KEM-768"
	case MLKEM1024:
		return "ML-KEM-1024"
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// ref is another implementation of one level, what this package must
// agree with byte for byte: crypto/mlkem (with crypto/mlkem/mlkemtest's
// derandomised encapsulation) for ML-KEM-768 and -1024, which the
// standard library has, and circl for ML-KEM-512, which it lacks.
type ref struct {
	ek     func(seed []byte) []byte
	encaps func(ek, m []byte) (K, ct []byte, err error) // err: ek rejected
	decaps func(seed, ct []byte) (K []byte, err error)
}

func refFor(l Level) ref {
	switch l {
	case MLKEM512:
		return ref{
			ek: func(seed []byte) []byte {
				pk, _ := circl512.NewKeyFromSeed(seed)
				b := make([]byte, circl512.PublicKeySize)
				pk.Pack(b)
				return b
			},
			encaps: func(ek, m []byte) ([]byte, []byte, error) {
				var pk circl512.PublicKey
				if err := pk.Unpack(ek); err != nil {
					return nil, nil, err
				}
				ct := make([]byte, circl512.CiphertextSize)
				ss := make([]byte, circl512.SharedKeySize)
				pk.EncapsulateTo(ct, ss, m)
				return ss, ct, nil
			},
			decaps: func(seed, ct []byte) ([]byte, error) {
				_, sk := circl512.NewKeyFromSeed(seed)
				if len(ct) != circl512.CiphertextSize {
					return nil, fmt.Errorf("circl: ciphertext of %d bytes", len(ct))
				}
				ss := make([]byte, circl512.SharedKeySize)
				sk.DecapsulateTo(ss, ct)
				return ss, nil
			},
		}
	case MLKEM768:
		return ref{
			ek: func(seed []byte) []byte {
				dk, err := mlkem.NewDecapsulationKey768(seed)
				if err != nil {
					panic(err)
				}
				return dk.EncapsulationKey().Bytes()
			},
			encaps: func(ek, m []byte) ([]byte, []byte, error) {
				k, err := mlkem.NewEncapsulationKey768(ek)
				if err != nil {
					return nil, nil, err
				}
				return mlkemtest.Encapsulate768(k, m)
			},
			decaps: func(seed, ct []byte) ([]byte, error) {
				dk, err := mlkem.NewDecapsulationKey768(seed)
				if err != nil {
					panic(err)
				}
				return dk.Decapsulate(ct)
			},
		}
	case MLKEM1024:
		return ref{
			ek: func(seed []byte) []byte {
				dk, err := mlkem.NewDecapsulationKey1024(seed)
				if err != nil {
					panic(err)
				}
				return dk.EncapsulationKey().Bytes()
			},
			encaps: func(ek, m []byte) ([]byte, []byte, error) {
				k, err := mlkem.NewEncapsulationKey1024(ek)
				if err != nil {
					return nil, nil, err
				}
				return mlkemtest.Encapsulate1024(k, m)
			},
			decaps: func(seed, ct []byte) ([]byte, error) {
				dk, err := mlkem.NewDecapsulationKey1024(seed)
				if err != nil {
					panic(err)
				}
				return dk.Decapsulate(ct)
			},
		}
	}
	panic("no reference for " + l.String())
}

// expandedBytes is the NIST encoding of dk (FIPS 203, Algorithm 16):
// ByteEncode₁₂(s) ‖ ek ‖ H(ek) ‖ z, what the known-answer files hash and
// circl's PrivateKey.Pack gives.
func expandedBytes(dk *DecapsulationKey) []byte {
	var b []byte
	for i := range int(dk.l) {
		b = polyByteEncode(b, dk.s[i])
	}
	b = append(b, dk.EncapsulationKey().Bytes()...)
	b = append(b, dk.h[:]...)
	return append(b, dk.z[:]...)
}

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		l          Level
		name       string
		ek, ct     int
		constEK    int
		constCT    int
		refEK, rCT int
	}{
		{MLKEM512, "ML-KEM-512", 800, 768, EncapsulationKeySize512, CiphertextSize512, circl512.PublicKeySize, circl512.CiphertextSize},
		{MLKEM768, "ML-KEM-768", 1184, 1088, EncapsulationKeySize768, CiphertextSize768, mlkem.EncapsulationKeySize768, mlkem.CiphertextSize768},
		{MLKEM1024, "ML-KEM-1024", 1568, 1568, EncapsulationKeySize1024, CiphertextSize1024, mlkem.EncapsulationKeySize1024, mlkem.CiphertextSize1024},
	} {
		if tc.l.String() != tc.name || tc.l.EncapsulationKeySize() != tc.ek || tc.l.CiphertextSize() != tc.ct ||
			tc.constEK != tc.ek || tc.constCT != tc.ct || tc.refEK != tc.ek || tc.rCT != tc.ct {
			t.Errorf("%s: %s, sizes %d/%d, constants %d/%d, reference %d/%d; want %d/%d", tc.name, tc.l,
				tc.l.EncapsulationKeySize(), tc.l.CiphertextSize(), tc.constEK, tc.constCT, tc.refEK, tc.rCT, tc.ek, tc.ct)
		}
	}
	if SharedKeySize != mlkem.SharedKeySize || SeedSize != mlkem.SeedSize || circl512.KeySeedSize != mlkem.SeedSize {
		t.Error("seed or shared key size differs")
	}
}

// checkAgainstRef runs key generation, encapsulation with coins m,
// decapsulation of that ciphertext, of a tampered one and of the random
// one ct1, here and in the reference, and fails on any difference. It
// returns the values the accumulated test hashes.
func checkAgainstRef(t *testing.T, l Level, r ref, seed, m, ct1 []byte) (ek, expanded, ct, K, K1 []byte) {
	t.Helper()
	dk, err := NewDecapsulationKey(l, seed)
	if err != nil {
		t.Fatal(err)
	}
	if dk.Level() != l {
		t.Fatalf("Level() = %v", dk.Level())
	}
	ek = dk.EncapsulationKey().Bytes()
	if !bytes.Equal(ek, r.ek(seed)) {
		t.Fatalf("%v, seed %x: ek differs from the reference's", l, seed)
	}
	expanded = expandedBytes(dk)
	pub, err := NewEncapsulationKey(l, ek)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Level() != l {
		t.Fatalf("Level() = %v", pub.Level())
	}
	K, ct = pub.EncapsulateInternal((*[32]byte)(m))
	wantK, wantCT, err := r.encaps(ek, m)
	if err != nil || !bytes.Equal(ct, wantCT) || !bytes.Equal(K, wantK) {
		t.Fatalf("%v, seed %x, m %x: encapsulation differs from the reference's (%v)", l, seed, m, err)
	}
	if got, err := dk.Decapsulate(ct); err != nil || !bytes.Equal(got, K) {
		t.Fatalf("%v, seed %x: decapsulation = %x, %v; want %x", l, seed, got, err, K)
	}
	bad := bytes.Clone(ct)
	bad[(int(m[0])<<8|int(m[1]))%len(bad)] ^= 1 << (m[2] % 8)
	want, _ := r.decaps(seed, bad)
	if got, _ := dk.Decapsulate(bad); !bytes.Equal(got, want) || bytes.Equal(got, K) {
		t.Fatalf("%v, seed %x: implicit rejection of a tampered ciphertext differs from the reference's", l, seed)
	}
	K1, err = dk.Decapsulate(ct1)
	want, _ = r.decaps(seed, ct1)
	if err != nil || !bytes.Equal(K1, want) {
		t.Fatalf("%v, seed %x: decapsulation of a random ciphertext differs from the reference's", l, seed)
	}
	return ek, expanded, ct, K, K1
}

// TestAccumulated is C2SP CCTV's accumulated pq-crystals test for FIPS 203
// (ML-KEM/README.md; CC0) at each level: inputs d, z, m and a random
// ciphertext drawn from SHAKE-128 of the empty string, outputs ek, the
// expanded dk, ct, K and the implicit-rejection K hashed with SHAKE-128,
// 10 000 times (the hashes CCTV publishes); 100 times, with the 100-test
// hashes other implementations publish, in -short and wasm runs. Every
// step is also checked against the reference implementation.
func TestAccumulated(t *testing.T) {
	for _, tc := range []struct {
		l              Level
		full, short100 string
	}{
		{MLKEM512, "705dcffc87f4e67e35a09dcaa31772e86f3341bd3ccf1e78a5fef99ae6a35a13", "449120c6e320ef3e9fbfa2316e5f2d2e1e6dd37d8ff5d086d5d2db7d42aff0a1"},
		{MLKEM768, "f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1", "8d65b902f28edc683cebee2872962fd165a4d197c9e24ec74caa4470270df0b7"},
		{MLKEM1024, "e3bf82b013307b2e9d47dde791ff6dfc82e694e6382404abdb948b908b75bad5", "c3ffe9ebecfa479c142656cbfbc6417efa05b77e994fe538eef4daed166363df"},
	} {
		t.Run(tc.l.String(), func(t *testing.T) {
			n, expected := 10000, tc.full
			if testing.Short() || runtime.GOARCH == "wasm" {
				n, expected = 100, tc.short100
			}
			r := refFor(tc.l)
			s := sha3.NewSHAKE128()
			o := sha3.NewSHAKE128()
			seed := make([]byte, SeedSize) // d ‖ z
			msg := make([]byte, 32)
			ct1 := make([]byte, tc.l.CiphertextSize())
			for range n {
				s.Read(seed)
				s.Read(msg)
				s.Read(ct1)
				ek, dk, ct, k, k1 := checkAgainstRef(t, tc.l, r, seed, msg, ct1)
				o.Write(ek)
				o.Write(dk)
				o.Write(ct)
				o.Write(k)
				o.Write(k1)
			}
			sum := make([]byte, 32)
			o.Read(sum)
			if got := hex.EncodeToString(sum); got != expected {
				t.Errorf("%d tests: got %s, expected %s", n, got, expected)
			}
		})
	}
}

// TestUnluckyVectors are C2SP CCTV's "unlucky" vectors
// (ML-KEM/unluckysample; CC0): for each level a d for which SampleNTT
// reads more than 575 bytes of SHAKE-128, which random inputs hit with
// probability 2⁻³⁸ or less.
func TestUnluckyVectors(t *testing.T) {
	for _, l := range levels {
		t.Run(l.String(), func(t *testing.T) {
			v := readVector(t, filepath.Join("testdata", "unluckysample-"+l.String()+".txt"))
			seed := append(bytes.Clone(v["d"]), v["z"]...)
			dk, err := NewDecapsulationKey(l, seed)
			if err != nil {
				t.Fatal(err)
			}
			ek := dk.EncapsulationKey().Bytes()
			if !bytes.Equal(ek, v["ek"]) {
				t.Errorf("ek = %x", ek)
			}
			if got := expandedBytes(dk); !bytes.Equal(got, v["dk"]) {
				t.Errorf("dk = %x", got)
			}
			pub, err := NewEncapsulationKey(l, ek)
			if err != nil {
				t.Fatal(err)
			}
			K, ct := pub.EncapsulateInternal((*[32]byte)(v["m"]))
			if !bytes.Equal(ct, v["c"]) || !bytes.Equal(K, v["K"]) {
				t.Errorf("encapsulation = %x, %x", ct, K)
			}
			if got, err := dk.Decapsulate(ct); err != nil || !bytes.Equal(got, v["K"]) {
				t.Errorf("decapsulation = %x, %v", got, err)
			}
			// The reference agrees (it has its own copy of the vectors'
			// logic, so this checks the files as much as this package).
			if got := refFor(l).ek(seed); !bytes.Equal(got, v["ek"]) {
				t.Errorf("the reference's ek differs from the file's")
			}
		})
	}
}

// readVector reads "name = hex" lines; # lines are comments.
func readVector(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<16)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " = ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		if v[name], err = hex.DecodeString(value); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"d", "z", "ek", "dk", "m", "K", "c"} {
		if len(v[name]) == 0 {
			t.Fatalf("%s: no %s", path, name)
		}
	}
	return v
}

// TestEncapsulateRoundTrip: the randomised Encapsulate gives a ciphertext
// the key decapsulates to the same secret, the reference agreeing, and
// fresh randomness each time.
func TestEncapsulateRoundTrip(t *testing.T) {
	for _, l := range levels {
		seed := bytes.Repeat([]byte{7, 200}, 32)
		dk, err := NewDecapsulationKey(l, seed)
		if err != nil {
			t.Fatal(err)
		}
		ek := dk.EncapsulationKey()
		K, ct := ek.Encapsulate()
		K2, ct2 := ek.Encapsulate()
		if bytes.Equal(K, K2) || bytes.Equal(ct, ct2) {
			t.Fatalf("%v: two encapsulations gave the same secret or ciphertext", l)
		}
		if len(ct) != l.CiphertextSize() || cap(ct) != len(ct) || len(K) != SharedKeySize || cap(K) != len(K) {
			t.Fatalf("%v: ciphertext %d/%d bytes, shared key %d/%d", l, len(ct), cap(ct), len(K), cap(K))
		}
		for _, c := range [][]byte{ct, ct2} {
			got, err := dk.Decapsulate(c)
			want, _ := refFor(l).decaps(seed, c)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%v: decapsulation %x, %v; reference %x", l, got, err, want)
			}
		}
		if got, _ := dk.Decapsulate(ct); !bytes.Equal(got, K) {
			t.Fatalf("%v: round trip failed", l)
		}
	}
}

// TestMalformed: an unknown level and wrong lengths are errors, a
// ciphertext of another level's length is refused, and an encapsulation
// key with a coefficient ≥ q fails FIPS 203's modulus check (Section 7.2),
// at every position and for the edge values, the reference agreeing.
func TestMalformed(t *testing.T) {
	for _, bad := range []Level{0, 1, 5, 255} {
		if _, err := NewDecapsulationKey(bad, make([]byte, SeedSize)); err == nil {
			t.Errorf("NewDecapsulationKey accepted level %d", bad)
		}
		if _, err := NewEncapsulationKey(bad, make([]byte, bad.EncapsulationKeySize())); err == nil {
			t.Errorf("NewEncapsulationKey accepted level %d", bad)
		}
	}
	for _, l := range levels {
		for _, n := range []int{0, 63, 65, 128} {
			if _, err := NewDecapsulationKey(l, make([]byte, n)); err == nil {
				t.Errorf("%v: NewDecapsulationKey accepted a %d-byte seed", l, n)
			}
		}
		dk, _ := NewDecapsulationKey(l, bytes.Repeat([]byte{3}, SeedSize))
		for _, n := range []int{0, l.CiphertextSize() - 1, l.CiphertextSize() + 1,
			CiphertextSize512, CiphertextSize768, CiphertextSize1024, maxCiphertextSize + 1} {
			if n == l.CiphertextSize() {
				continue
			}
			if _, err := dk.Decapsulate(make([]byte, n)); err == nil {
				t.Errorf("%v: Decapsulate accepted a %d-byte ciphertext", l, n)
			}
		}
		ek := dk.EncapsulationKey().Bytes()
		for _, n := range []int{0, len(ek) - 1, len(ek) + 1,
			EncapsulationKeySize512, EncapsulationKeySize768, EncapsulationKeySize1024} {
			if n == len(ek) {
				continue
			}
			if _, err := NewEncapsulationKey(l, make([]byte, n)); err == nil {
				t.Errorf("%v: NewEncapsulationKey accepted a %d-byte key", l, n)
			}
		}
		r := refFor(l)
		m := make([]byte, 32)
		step := 1
		if testing.Short() || runtime.GOARCH == "wasm" {
			step = 7
		}
		for c := 0; c < int(l)*n; c += step { // every coefficient of t
			for _, v := range []uint16{q, q + 1, 4095} {
				b := bytes.Clone(ek)
				i := c / 2 * 3
				if c%2 == 0 {
					b[i] = byte(v)
					b[i+1] = b[i+1]&0xf0 | byte(v>>8)
				} else {
					b[i+1] = b[i+1]&0x0f | byte(v<<4)
					b[i+2] = byte(v >> 4)
				}
				if _, err := NewEncapsulationKey(l, b); err == nil {
					t.Fatalf("%v: coefficient %d = %d accepted", l, c, v)
				}
				if c%64 == 0 {
					if _, _, err := r.encaps(b, m); err == nil {
						t.Fatalf("%v: the reference accepts coefficient %d = %d: the test is wrong", l, c, v)
					}
				}
			}
		}
		// q − 1 everywhere is valid, and ρ is not checked.
		b := bytes.Clone(ek)
		for i := 0; i < int(l)*encodingSize12; i += 3 {
			b[i], b[i+1], b[i+2] = 0x00, 0x0d, 0xd0 // 3328, 3328
		}
		if _, err := NewEncapsulationKey(l, b); err != nil {
			t.Fatalf("%v: all coefficients q−1: %v", l, err)
		}
		if _, _, err := r.encaps(b, m); err != nil {
			t.Fatalf("%v: the reference rejects all coefficients q−1: %v", l, err)
		}
	}
}

// TestCodec: the d-generic compress-and-encode pair gives exactly the
// standard library's bit-at-a-time ByteEncode_d / ByteDecode_d (copied
// below from crypto/internal/fips140/mlkem, field.go) for each d a
// ciphertext uses, on random and extreme coefficients.
func TestCodec(t *testing.T) {
	s := sha3.NewSHAKE128()
	var buf [2 * n]byte
	for _, d := range []uint8{4, 5, 10, 11} {
		for iter := range 200 {
			var f ringElement
			s.Read(buf[:])
			for i := range f {
				f[i] = fieldElement((uint16(buf[2*i]) | uint16(buf[2*i+1])<<8) % q)
				switch iter {
				case 0:
					f[i] = 0
				case 1:
					f[i] = q - 1
				case 2:
					f[i] = fieldElement(i * 13 % q)
				}
			}
			got := ringCompressAndEncode([]byte{0xaa}, f, d)
			want := refCompressAndEncode([]byte{0xaa}, f, d)
			if !bytes.Equal(got, want) || len(got) != 1+32*int(d) {
				t.Fatalf("d = %d: encoding differs", d)
			}
			// Decoding any bytes (not only encodings) agrees.
			enc := make([]byte, 32*int(d))
			s.Read(enc)
			if iter == 0 {
				enc = got[1:]
			}
			if ringDecodeAndDecompress(enc, d) != refDecodeAndDecompress(enc, d) {
				t.Fatalf("d = %d: decoding differs", d)
			}
		}
	}
}

// refCompressAndEncode and refDecodeAndDecompress are the standard
// library's ringCompressAndEncode and ringDecodeAndDecompress (Go 1.26,
// crypto/internal/fips140/mlkem/field.go; Copyright 2024 The Go Authors,
// BSD licence: see LICENSE), unchanged but for the names and the dropped
// internal-error checks.
func refCompressAndEncode(s []byte, f ringElement, d uint8) []byte {
	var b byte
	var bIdx uint8
	for i := 0; i < n; i++ {
		c := compress(f[i], d)
		var cIdx uint8
		for cIdx < d {
			b |= byte(c>>cIdx) << bIdx
			bits := min(8-bIdx, d-cIdx)
			bIdx += bits
			cIdx += bits
			if bIdx == 8 {
				s = append(s, b)
				b = 0
				bIdx = 0
			}
		}
	}
	return s
}

func refDecodeAndDecompress(b []byte, d uint8) ringElement {
	var f ringElement
	var bIdx uint8
	for i := 0; i < n; i++ {
		var c uint16
		var cIdx uint8
		for cIdx < d {
			c |= uint16(b[0]>>bIdx) << cIdx
			c &= (1 << d) - 1
			bits := min(8-bIdx, d-cIdx)
			bIdx += bits
			cIdx += bits
			if bIdx == 8 {
				b = b[1:]
				bIdx = 0
			}
		}
		f[i] = decompress(c, d)
	}
	return f
}

// TestWipe: a DecapsulationKey holds no pointers, so zeroing the struct
// (what internal/hybrid's wipeKey does) erases d, z and s at every level,
// and leaves a key that refuses to be used.
func TestWipe(t *testing.T) {
	for _, l := range levels {
		seed := bytes.Repeat([]byte{0x5a, 0xc3}, 32)
		dk, _ := NewDecapsulationKey(l, seed)
		if dk.d != [32]byte(seed[:32]) || dk.z != [32]byte(seed[32:]) || dk.s[l-1] == (nttElement{}) {
			t.Fatal("the key does not hold d, z and s where expected")
		}
		*dk = DecapsulationKey{}
		if dk.d != [32]byte{} || dk.z != [32]byte{} || dk.s != [maxK]nttElement{} {
			t.Fatal("not wiped")
		}
		// A wiped key refuses to decapsulate, at any ciphertext length.
		for _, n := range []int{0, 128, CiphertextSize512, CiphertextSize768, CiphertextSize1024} {
			if _, err := dk.Decapsulate(make([]byte, n)); err == nil {
				t.Fatalf("a wiped key decapsulated a %d-byte ciphertext", n)
			}
		}
	}
}

// TestPointerFree: the key structs hold arrays and integers only, besides
// the empty noCompare (what the
// package promises, and internal/hybrid's wipeKey relies on: it clears a
// key with one store of the zero value, which would miss anything behind a
// pointer, slice or interface).
func TestPointerFree(t *testing.T) {
	var check func(reflect.Type) bool
	check = func(typ reflect.Type) bool {
		switch typ.Kind() {
		case reflect.Uint8, reflect.Uint16:
			return true
		case reflect.Array:
			return typ.Len() == 0 || check(typ.Elem()) // noCompare is empty
		case reflect.Struct:
			for i := range typ.NumField() {
				if !check(typ.Field(i).Type) {
					return false
				}
			}
			return true
		}
		return false
	}
	for _, v := range []any{DecapsulationKey{}, EncapsulationKey{}} {
		if typ := reflect.TypeOf(v); !check(typ) {
			t.Errorf("%v holds something other than arrays and integers", typ)
		}
	}
}

// TestEncapsulateInternalOnlyInTests: the derandomised encapsulation is
// called only from test code — this package's tests and
// internal/hybrid/hybridtest, which only tests import (the root's
// TestNoTestOnlyPackagesInBinaries) — so that no binary can be made to
// encapsulate to a shared key known in advance.
func TestEncapsulateInternalOnlyInTests(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("walks the source tree; the native run checks it")
	}
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	found := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Contains(src, []byte(".EncapsulateInternal(")) {
			return nil
		}
		found++
		if !strings.HasPrefix(filepath.ToSlash(path), "../../internal/hybrid/hybridtest/") {
			t.Errorf("%s calls EncapsulateInternal outside tests", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Error("hybridtest does not call EncapsulateInternal: the walk is broken")
	}
}

// Benchmarks of this package and of crypto/mlkem at ML-KEM-768 and -1024,
// the same algorithm and code shape; this package must be no slower, in
// particular in WebAssembly (GOOS=js GOARCH=wasm go test -bench with
// make test-wasm's -exec), where sealkit runs it. With -count N the
// sub-benchmarks alternate, which evens out a busy machine's drift.
type stdKEM struct {
	l      Level
	keyGen func(seed []byte) []byte // the encapsulation key
	encaps func(ek []byte)
	decaps func(seed, ct []byte)
}

var stdKEMs = []stdKEM{
	{MLKEM768,
		func(seed []byte) []byte {
			dk, _ := mlkem.NewDecapsulationKey768(seed)
			return dk.EncapsulationKey().Bytes()
		},
		func(ek []byte) {
			k, _ := mlkem.NewEncapsulationKey768(ek)
			k.Encapsulate()
		},
		func(seed, ct []byte) {
			k, _ := mlkem.NewDecapsulationKey768(seed)
			k.Decapsulate(ct)
		}},
	{MLKEM1024,
		func(seed []byte) []byte {
			dk, _ := mlkem.NewDecapsulationKey1024(seed)
			return dk.EncapsulationKey().Bytes()
		},
		func(ek []byte) {
			k, _ := mlkem.NewEncapsulationKey1024(ek)
			k.Encapsulate()
		},
		func(seed, ct []byte) {
			k, _ := mlkem.NewDecapsulationKey1024(seed)
			k.Decapsulate(ct)
		}},
}

func BenchmarkKeyGen(b *testing.B) {
	seed := bytes.Repeat([]byte{1}, SeedSize)
	for _, std := range stdKEMs {
		b.Run(std.l.String()+"/mlkem", func(b *testing.B) {
			for b.Loop() {
				dk, _ := NewDecapsulationKey(std.l, seed)
				_ = dk.EncapsulationKey().Bytes()
			}
		})
		b.Run(std.l.String()+"/std", func(b *testing.B) {
			for b.Loop() {
				std.keyGen(seed)
			}
		})
	}
}

func BenchmarkEncapsulate(b *testing.B) {
	for _, std := range stdKEMs {
		ek := std.keyGen(bytes.Repeat([]byte{1}, SeedSize))
		b.Run(std.l.String()+"/mlkem", func(b *testing.B) {
			for b.Loop() {
				k, _ := NewEncapsulationKey(std.l, ek)
				k.Encapsulate()
			}
		})
		b.Run(std.l.String()+"/std", func(b *testing.B) {
			for b.Loop() {
				std.encaps(ek)
			}
		})
	}
}

// BenchmarkDecapsulate includes the key's expansion from the seed, as
// internal/hybrid does on every open.
func BenchmarkDecapsulate(b *testing.B) {
	seed := bytes.Repeat([]byte{1}, SeedSize)
	for _, std := range stdKEMs {
		dk, _ := NewDecapsulationKey(std.l, seed)
		_, ct := dk.EncapsulationKey().Encapsulate()
		b.Run(std.l.String()+"/mlkem", func(b *testing.B) {
			for b.Loop() {
				k, _ := NewDecapsulationKey(std.l, seed)
				k.Decapsulate(ct)
			}
		})
		b.Run(std.l.String()+"/std", func(b *testing.B) {
			for b.Loop() {
				std.decaps(seed, ct)
			}
		})
	}
}

// BenchmarkCodec: the d-generic ciphertext encoding against the standard
// library's bit-at-a-time one (ML-KEM-1024's 11 and 5 bits); the fixed
// 10- and 4-bit ones of its ML-KEM-768 are inside BenchmarkEncapsulate's
// "std".
func BenchmarkCodec(b *testing.B) {
	var f ringElement
	for i := range f {
		f[i] = fieldElement(i * 13 % q)
	}
	buf := make([]byte, 0, 32*11)
	b.Run("mlkem", func(b *testing.B) {
		for b.Loop() {
			ringDecodeAndDecompress(ringCompressAndEncode(buf[:0], f, 11), 11)
		}
	})
	b.Run("std", func(b *testing.B) {
		for b.Loop() {
			refDecodeAndDecompress(refCompressAndEncode(buf[:0], f, 11), 11)
		}
	})
}

// FuzzDecapsulate: any seed and any ciphertext decapsulate as in the
// reference (implicit rejection included) at every level; a wrong length
// is an error, not a panic.
func FuzzDecapsulate(f *testing.F) {
	f.Add(uint8(2), bytes.Repeat([]byte{1}, SeedSize), make([]byte, CiphertextSize512))
	f.Add(uint8(3), bytes.Repeat([]byte{0xff}, SeedSize), bytes.Repeat([]byte{0xff}, CiphertextSize768))
	f.Add(uint8(4), bytes.Repeat([]byte{0x80}, SeedSize), bytes.Repeat([]byte{0x7f}, CiphertextSize1024))
	f.Add(uint8(3), make([]byte, SeedSize), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, level uint8, seed, ct []byte) {
		l := MLKEM512 + Level(level%3)
		dk, err := NewDecapsulationKey(l, seed)
		if len(seed) != SeedSize {
			if err == nil {
				t.Fatal("wrong seed length accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := dk.Decapsulate(ct)
		if len(ct) != l.CiphertextSize() {
			if err == nil {
				t.Fatal("wrong ciphertext length accepted")
			}
			return
		}
		if want, refErr := refFor(l).decaps(seed, ct); err != nil || refErr != nil || !bytes.Equal(got, want) {
			t.Fatalf("%v: Decapsulate = %x, %v; reference %x, %v", l, got, err, want, refErr)
		}
	})
}

// FuzzEncapsulationKey: any byte string is accepted as an encapsulation
// key of a level exactly when the reference accepts it, and then
// encapsulates as in the reference.
func FuzzEncapsulationKey(f *testing.F) {
	for _, l := range levels {
		dk, _ := NewDecapsulationKey(l, bytes.Repeat([]byte{9}, SeedSize))
		f.Add(uint8(l-MLKEM512), dk.EncapsulationKey().Bytes(), make([]byte, 32))
		f.Add(uint8(l-MLKEM512), bytes.Repeat([]byte{0xff}, l.EncapsulationKeySize()), make([]byte, 32))
	}
	f.Add(uint8(0), []byte{1}, make([]byte, 32))
	f.Fuzz(func(t *testing.T, level uint8, ek, m []byte) {
		if len(m) != 32 {
			return
		}
		l := MLKEM512 + Level(level%3)
		k, err := NewEncapsulationKey(l, ek)
		wantK, wantCT, refErr := refFor(l).encaps(ek, m)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("%v: NewEncapsulationKey: %v; reference: %v", l, err, refErr)
		}
		if err != nil {
			return
		}
		K, ct := k.EncapsulateInternal((*[32]byte)(m))
		if !bytes.Equal(ct, wantCT) || !bytes.Equal(K, wantK) {
			t.Fatalf("%v: encapsulation differs from the reference's", l)
		}
	})
}
