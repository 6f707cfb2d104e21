package mlkem512

import (
	"bufio"
	"bytes"
	"crypto/sha3"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"
)

// expandedBytes is the NIST encoding of dk (FIPS 203, Algorithm 16):
// ByteEncode₁₂(s) ‖ ek ‖ H(ek) ‖ z, what the known-answer files and
// circl's PrivateKey.Pack give.
func expandedBytes(dk *DecapsulationKey) []byte {
	var b []byte
	for i := range dk.s {
		b = polyByteEncode(b, dk.s[i])
	}
	b = append(b, dk.EncapsulationKey().Bytes()...)
	b = append(b, dk.h[:]...)
	return append(b, dk.z[:]...)
}

// circlRef is the same key, encapsulation and decapsulations done by
// circl, the implementation Cat-1 used before this package.
type circlRef struct {
	pk *mlkem512.PublicKey
	sk *mlkem512.PrivateKey
}

func newCirclRef(seed []byte) circlRef {
	pk, sk := mlkem512.NewKeyFromSeed(seed)
	return circlRef{pk, sk}
}

func (c circlRef) ek() []byte {
	b := make([]byte, mlkem512.PublicKeySize)
	c.pk.Pack(b)
	return b
}

func (c circlRef) dk() []byte {
	b := make([]byte, mlkem512.PrivateKeySize)
	c.sk.Pack(b)
	return b
}

func (c circlRef) encaps(m []byte) (ct, ss []byte) {
	ct = make([]byte, mlkem512.CiphertextSize)
	ss = make([]byte, mlkem512.SharedKeySize)
	c.pk.EncapsulateTo(ct, ss, m)
	return ct, ss
}

func (c circlRef) decaps(ct []byte) []byte {
	ss := make([]byte, mlkem512.SharedKeySize)
	c.sk.DecapsulateTo(ss, ct)
	return ss
}

func TestSizes(t *testing.T) {
	if EncapsulationKeySize != mlkem512.PublicKeySize || CiphertextSize != mlkem512.CiphertextSize ||
		SharedKeySize != mlkem512.SharedKeySize || SeedSize != mlkem512.KeySeedSize {
		t.Fatalf("sizes %d/%d/%d/%d, circl's %d/%d/%d/%d", EncapsulationKeySize, CiphertextSize, SharedKeySize, SeedSize,
			mlkem512.PublicKeySize, mlkem512.CiphertextSize, mlkem512.SharedKeySize, mlkem512.KeySeedSize)
	}
}

// checkAgainstCircl runs key generation, encapsulation with coins m,
// decapsulation of that ciphertext, of a tampered one and of the random
// one ct1, here and in circl, and fails on any difference. It returns the
// values the accumulated test hashes.
func checkAgainstCircl(t *testing.T, seed, m, ct1 []byte) (ek, expanded, ct, K, K1 []byte) {
	t.Helper()
	ref := newCirclRef(seed)
	dk, err := NewDecapsulationKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	ek = dk.EncapsulationKey().Bytes()
	if !bytes.Equal(ek, ref.ek()) {
		t.Fatalf("seed %x: ek differs from circl's", seed)
	}
	expanded = expandedBytes(dk)
	if !bytes.Equal(expanded, ref.dk()) {
		t.Fatalf("seed %x: expanded dk differs from circl's", seed)
	}
	pub, err := NewEncapsulationKey(ek)
	if err != nil {
		t.Fatal(err)
	}
	K, ct = pub.EncapsulateInternal((*[32]byte)(m))
	wantCT, wantK := ref.encaps(m)
	if !bytes.Equal(ct, wantCT) || !bytes.Equal(K, wantK) {
		t.Fatalf("seed %x, m %x: encapsulation differs from circl's", seed, m)
	}
	if got, err := dk.Decapsulate(ct); err != nil || !bytes.Equal(got, K) {
		t.Fatalf("seed %x: decapsulation = %x, %v; want %x", seed, got, err, K)
	}
	bad := bytes.Clone(ct)
	bad[int(m[0])%len(bad)] ^= 1 << (m[1] % 8)
	if got, _ := dk.Decapsulate(bad); !bytes.Equal(got, ref.decaps(bad)) || bytes.Equal(got, K) {
		t.Fatalf("seed %x: implicit rejection of a tampered ciphertext differs from circl's", seed)
	}
	K1, err = dk.Decapsulate(ct1)
	if err != nil || !bytes.Equal(K1, ref.decaps(ct1)) {
		t.Fatalf("seed %x: decapsulation of a random ciphertext differs from circl's", seed)
	}
	return ek, expanded, ct, K, K1
}

// TestAccumulated is C2SP CCTV's accumulated pq-crystals test for FIPS 203
// ML-KEM-512 (ML-KEM/README.md; CC0): inputs d, z, m and a random
// ciphertext drawn from SHAKE-128 of the empty string, outputs ek, the
// expanded dk, ct, K and the implicit-rejection K hashed with SHAKE-128,
// 10 000 times. Every step is also checked against circl. The 100-test
// hash (for -short and wasm) was computed here after the 10 000 matched.
func TestAccumulated(t *testing.T) {
	n, expected := 10000, "705dcffc87f4e67e35a09dcaa31772e86f3341bd3ccf1e78a5fef99ae6a35a13"
	if testing.Short() || runtime.GOARCH == "wasm" {
		n, expected = 100, "449120c6e320ef3e9fbfa2316e5f2d2e1e6dd37d8ff5d086d5d2db7d42aff0a1"
	}
	s := sha3.NewSHAKE128()
	o := sha3.NewSHAKE128()
	seed := make([]byte, SeedSize) // d ‖ z
	msg := make([]byte, 32)
	ct1 := make([]byte, CiphertextSize)
	for range n {
		s.Read(seed)
		s.Read(msg)
		s.Read(ct1)
		ek, dk, ct, k, k1 := checkAgainstCircl(t, seed, msg, ct1)
		o.Write(ek)
		o.Write(dk)
		o.Write(ct)
		o.Write(k)
		o.Write(k1)
	}
	sum := make([]byte, 32)
	o.Read(sum)
	if got := hex.EncodeToString(sum); got != expected {
		t.Errorf("got %s, expected %s", got, expected)
	}
}

// TestUnluckyVector is C2SP CCTV's "unlucky" ML-KEM-512 vector
// (ML-KEM/unluckysample; CC0): a d for which SampleNTT reads more than
// 575 bytes of SHAKE-128, which random inputs hit with probability 2⁻³⁸.
func TestUnluckyVector(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "unluckysample-ML-KEM-512.txt"))
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

	dk, err := NewDecapsulationKey(append(bytes.Clone(v["d"]), v["z"]...))
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
	pub, err := NewEncapsulationKey(ek)
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
}

// TestEncapsulateRoundTrip: the randomised Encapsulate gives a ciphertext
// the key decapsulates to the same secret, circl agreeing, and fresh
// randomness each time.
func TestEncapsulateRoundTrip(t *testing.T) {
	seed := bytes.Repeat([]byte{7, 200}, 32)
	dk, err := NewDecapsulationKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	ref := newCirclRef(seed)
	ek := dk.EncapsulationKey()
	K, ct := ek.Encapsulate()
	K2, ct2 := ek.Encapsulate()
	if bytes.Equal(K, K2) || bytes.Equal(ct, ct2) {
		t.Fatal("two encapsulations gave the same secret or ciphertext")
	}
	for _, c := range [][]byte{ct, ct2} {
		got, err := dk.Decapsulate(c)
		if err != nil || !bytes.Equal(got, ref.decaps(c)) {
			t.Fatalf("decapsulation %x, %v; circl %x", got, err, ref.decaps(c))
		}
	}
	if got, _ := dk.Decapsulate(ct); !bytes.Equal(got, K) {
		t.Fatal("round trip failed")
	}
}

// TestMalformed: wrong lengths are errors, and an encapsulation key with a
// coefficient ≥ q fails FIPS 203's modulus check, at every position and
// for the edge values, as in circl.
func TestMalformed(t *testing.T) {
	for _, l := range []int{0, 63, 65, 128} {
		if _, err := NewDecapsulationKey(make([]byte, l)); err == nil {
			t.Errorf("NewDecapsulationKey accepted a %d-byte seed", l)
		}
	}
	dk, _ := NewDecapsulationKey(bytes.Repeat([]byte{3}, SeedSize))
	for _, l := range []int{0, CiphertextSize - 1, CiphertextSize + 1} {
		if _, err := dk.Decapsulate(make([]byte, l)); err == nil {
			t.Errorf("Decapsulate accepted a %d-byte ciphertext", l)
		}
	}
	ek := dk.EncapsulationKey().Bytes()
	for _, l := range []int{0, EncapsulationKeySize - 1, EncapsulationKeySize + 1} {
		if _, err := NewEncapsulationKey(make([]byte, l)); err == nil {
			t.Errorf("NewEncapsulationKey accepted a %d-byte key", l)
		}
	}
	var pk mlkem512.PublicKey
	step := 1
	if testing.Short() || runtime.GOARCH == "wasm" {
		step = 7
	}
	for c := 0; c < k*n; c += step { // every coefficient of t
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
			if _, err := NewEncapsulationKey(b); err == nil {
				t.Fatalf("coefficient %d = %d accepted", c, v)
			}
			if pk.Unpack(b) == nil {
				t.Fatalf("circl accepts coefficient %d = %d: the test is wrong", c, v)
			}
		}
	}
	// q − 1 everywhere is valid, and ρ is not checked.
	b := bytes.Clone(ek)
	for i := 0; i < k*encodingSize12; i += 3 {
		b[i], b[i+1], b[i+2] = 0x00, 0x0d, 0xd0 // 3328, 3328
	}
	if _, err := NewEncapsulationKey(b); err != nil {
		t.Fatalf("all coefficients q−1: %v", err)
	}
}

// TestWipe: a DecapsulationKey holds no pointers, so zeroing the struct
// (what internal/hybrid's wipeKey does) erases d, z and s.
func TestWipe(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5a, 0xc3}, 32)
	dk, _ := NewDecapsulationKey(seed)
	if dk.d != [32]byte(seed[:32]) || dk.z != [32]byte(seed[32:]) || dk.s == [k]nttElement{} {
		t.Fatal("the key does not hold d, z and s where expected")
	}
	*dk = DecapsulationKey{}
	if dk.d != [32]byte{} || dk.z != [32]byte{} || dk.s != [k]nttElement{} {
		t.Fatal("not wiped")
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

// Benchmarks of this package and of circl, which Cat-1 used before
// (make test-wasm's runner, or GOOS=js GOARCH=wasm go test -bench, for
// the browser's case).
func BenchmarkKeyGen(b *testing.B) {
	seed := bytes.Repeat([]byte{1}, SeedSize)
	b.Run("mlkem512", func(b *testing.B) {
		for b.Loop() {
			dk, _ := NewDecapsulationKey(seed)
			_ = dk.EncapsulationKey().Bytes()
		}
	})
	b.Run("circl", func(b *testing.B) {
		for b.Loop() {
			_ = newCirclRef(seed).ek()
		}
	})
}

func BenchmarkEncapsulate(b *testing.B) {
	dk, _ := NewDecapsulationKey(bytes.Repeat([]byte{1}, SeedSize))
	ek := dk.EncapsulationKey().Bytes()
	b.Run("mlkem512", func(b *testing.B) {
		for b.Loop() {
			k, _ := NewEncapsulationKey(ek)
			k.Encapsulate()
		}
	})
	b.Run("circl", func(b *testing.B) {
		ct := make([]byte, CiphertextSize)
		ss := make([]byte, SharedKeySize)
		for b.Loop() {
			var pk mlkem512.PublicKey
			pk.Unpack(ek)
			pk.EncapsulateTo(ct, ss, nil)
		}
	})
}

func BenchmarkDecapsulate(b *testing.B) {
	seed := bytes.Repeat([]byte{1}, SeedSize)
	dk, _ := NewDecapsulationKey(seed)
	_, ct := dk.EncapsulationKey().Encapsulate()
	b.Run("mlkem512", func(b *testing.B) {
		for b.Loop() {
			k, _ := NewDecapsulationKey(seed)
			k.Decapsulate(ct)
		}
	})
	b.Run("circl", func(b *testing.B) {
		for b.Loop() {
			newCirclRef(seed).decaps(ct)
		}
	})
}

// FuzzDecapsulate: any seed and any ciphertext decapsulate as in circl
// (implicit rejection included); a wrong length is an error, not a panic.
func FuzzDecapsulate(f *testing.F) {
	f.Add(bytes.Repeat([]byte{1}, SeedSize), make([]byte, CiphertextSize))
	f.Add(bytes.Repeat([]byte{0xff}, SeedSize), bytes.Repeat([]byte{0xff}, CiphertextSize))
	f.Add(make([]byte, SeedSize), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, seed, ct []byte) {
		if len(seed) != SeedSize {
			if _, err := NewDecapsulationKey(seed); err == nil {
				t.Fatal("wrong seed length accepted")
			}
			return
		}
		dk, err := NewDecapsulationKey(seed)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dk.Decapsulate(ct)
		if len(ct) != CiphertextSize {
			if err == nil {
				t.Fatal("wrong ciphertext length accepted")
			}
			return
		}
		if want := newCirclRef(seed).decaps(ct); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Decapsulate = %x, %v; circl %x", got, err, want)
		}
	})
}

// FuzzEncapsulationKey: any byte string is accepted as an encapsulation
// key exactly when circl accepts it, and then encapsulates as in circl.
func FuzzEncapsulationKey(f *testing.F) {
	dk, _ := NewDecapsulationKey(bytes.Repeat([]byte{9}, SeedSize))
	f.Add(dk.EncapsulationKey().Bytes(), make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, EncapsulationKeySize), make([]byte, 32))
	f.Add([]byte{1}, make([]byte, 32))
	f.Fuzz(func(t *testing.T, ek, m []byte) {
		if len(m) != 32 {
			return
		}
		k, err := NewEncapsulationKey(ek)
		var pk mlkem512.PublicKey
		if circlErr := pk.Unpack(ek); (err == nil) != (circlErr == nil) {
			t.Fatalf("NewEncapsulationKey: %v; circl: %v", err, circlErr)
		}
		if err != nil {
			return
		}
		K, ct := k.EncapsulateInternal((*[32]byte)(m))
		wantCT, wantK := circlRef{pk: &pk}.encaps(m)
		if !bytes.Equal(ct, wantCT) || !bytes.Equal(K, wantK) {
			t.Fatal("encapsulation differs from circl's")
		}
	})
}
