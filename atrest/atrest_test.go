package atrest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sealkit/sealkit/atrest"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, atrest.KeySize) }

// fixedSet returns a set with keys 1 and 2 (primary 2) of known bytes.
func fixedSet(t testing.TB) *atrest.KeySet {
	t.Helper()
	ks, err := atrest.NewKeySet(2, map[uint32][]byte{1: key(0x11), 2: key(0x22)})
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

var valueRE = regexp.MustCompile(`^ar1\.[1-9][0-9]*\.[A-Za-z0-9+/]+={0,2}$`)

func TestRoundTrip(t *testing.T) {
	ks := fixedSet(t)
	aad := atrest.AAD("users", "encrypted_private_key", "42")
	for _, n := range []int{0, 1, 15, 16, 17, 100, 4096} {
		pt := bytes.Repeat([]byte{'x'}, n)
		v, err := ks.Encrypt(pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if !valueRE.MatchString(v) || !strings.HasPrefix(v, "ar1.2.") {
			t.Fatalf("len %d: value %q does not match the format", n, v)
		}
		body, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, "ar1.2."))
		if len(body) != 12+n+16 {
			t.Errorf("len %d: body is %d bytes, want %d", n, len(body), 12+n+16)
		}
		got, err := ks.Decrypt(v, aad)
		if err != nil {
			t.Fatalf("len %d: %v", n, err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("len %d: round trip changed the plaintext", n)
		}
	}
}

func TestNoncesAreFresh(t *testing.T) {
	ks := fixedSet(t)
	seen := map[string]bool{}
	for range 100 {
		v, err := ks.Encrypt([]byte("same"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if seen[v] {
			t.Fatal("two encryptions of the same plaintext gave the same value")
		}
		seen[v] = true
	}
}

func TestAADMismatch(t *testing.T) {
	ks := fixedSet(t)
	plaintext := []byte("secret plaintext")
	v, err := ks.Encrypt(plaintext, atrest.AAD("users", "c", "1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range [][]byte{
		nil,
		atrest.AAD("users", "c", "2"), // other row
		atrest.AAD("users", "d", "1"), // other column
		atrest.AAD("items", "c", "1"), // other table
		atrest.AAD("users", "c1", ""), // shifted boundary
		[]byte("usersc1"),             // not length-prefixed
		append(atrest.AAD("users", "c", "1"), 0),
	} {
		_, err := ks.Decrypt(v, aad)
		if !errors.Is(err, atrest.ErrDecrypt) {
			t.Errorf("aad %q: got %v, want ErrDecrypt", aad, err)
		}
		if err != nil && strings.Contains(err.Error(), string(plaintext)) {
			t.Errorf("error leaks the plaintext: %v", err)
		}
	}
}

func TestAAD(t *testing.T) {
	got := atrest.AAD("t", "co", "")
	want := []byte{0, 0, 0, 0, 0, 0, 0, 1, 't', 0, 0, 0, 0, 0, 0, 0, 2, 'c', 'o', 0, 0, 0, 0, 0, 0, 0, 0}
	if !bytes.Equal(got, want) {
		t.Errorf("AAD = %x, want %x", got, want)
	}
	if bytes.Equal(atrest.AAD("ab", "c", "d"), atrest.AAD("a", "bc", "d")) {
		t.Error("AAD is ambiguous")
	}
}

func TestTamper(t *testing.T) {
	ks := fixedSet(t)
	v, err := ks.Encrypt([]byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	const head = "ar1.2."
	body, err := base64.StdEncoding.DecodeString(v[len(head):])
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		b := bytes.Clone(body)
		b[i] ^= 0x01
		_, err := ks.Decrypt(head+base64.StdEncoding.EncodeToString(b), nil)
		if !errors.Is(err, atrest.ErrDecrypt) {
			t.Fatalf("flipped byte %d: got %v, want ErrDecrypt", i, err)
		}
	}
	// The same body under key 1 does not verify either.
	if _, err := ks.Decrypt("ar1.1."+v[len(head):], nil); !errors.Is(err, atrest.ErrDecrypt) {
		t.Fatalf("relabelled key id: got %v, want ErrDecrypt", err)
	}
}

func b64(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func TestMalformed(t *testing.T) {
	ok28 := b64(28) // "AAAA…AA==": 28 zero bytes
	nonCanonical := ok28[:len(ok28)-3] + "B=="
	tests := []struct{ name, value string }{
		{"empty", ""},
		{"prefix only", "ar1."},
		{"no prefix", "1." + ok28},
		{"wrong version", "ar2.1." + ok28},
		{"upper case prefix", "AR1.1." + ok28},
		{"leading space", " ar1.1." + ok28},
		{"no second dot", "ar1.1"},
		{"no second dot, base64", "ar1.1" + ok28},
		{"empty id", "ar1.." + ok28},
		{"id 0", "ar1.0." + ok28},
		{"leading zero", "ar1.01." + ok28},
		{"leading zeros", "ar1.0001." + ok28},
		{"plus sign", "ar1.+1." + ok28},
		{"minus sign", "ar1.-1." + ok28},
		{"space in id", "ar1. 1." + ok28},
		{"hex id", "ar1.0x1." + ok28},
		{"underscore in id", "ar1.1_0." + ok28},
		{"id 2^32", "ar1.4294967296." + ok28},
		{"id 2^64", "ar1.18446744073709551616." + ok28},
		{"long id", "ar1.99999999999999999999999999999." + ok28},
		{"empty body", "ar1.1."},
		{"27-byte body", "ar1.1." + b64(27)},
		{"unpadded", "ar1.1." + strings.TrimRight(ok28, "=")},
		{"extra padding", "ar1.1." + ok28 + "===="},
		{"non-canonical trailing bits", "ar1.1." + nonCanonical},
		{"url-safe alphabet", "ar1.1." + strings.Repeat("-_", 20) + "===="},
		{"newline in body", "ar1.1." + ok28[:8] + "\n" + ok28[8:]},
		{"crlf in body", "ar1.1." + ok28[:8] + "\r\n" + ok28[8:]},
		{"trailing newline", "ar1.1." + ok28 + "\n"},
		{"cr in body", "ar1.1." + ok28[:4] + "\r" + ok28[4:]},
		{"space in body", "ar1.1." + ok28[:4] + " " + ok28[4:]},
		{"third dot", "ar1.1." + ok28 + ".x"},
		{"nul", "ar1.1.\x00" + ok28},
		{"invalid utf-8", "ar1.1.\xff" + ok28},
	}
	ks := fixedSet(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ks.Decrypt(tt.value, nil)
			if !errors.Is(err, atrest.ErrMalformed) {
				t.Errorf("Decrypt: got %v, want ErrMalformed", err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "atrest: malformed value") {
				t.Errorf("Decrypt: error text %q", err)
			}
			if _, err := atrest.KeyID(tt.value); !errors.Is(err, atrest.ErrMalformed) {
				t.Errorf("KeyID: got %v, want ErrMalformed", err)
			}
			if ks.IsCurrent(tt.value) {
				t.Error("IsCurrent = true")
			}
		})
	}

	// The boundaries just inside the rules are not malformed.
	for _, v := range []string{"ar1.1." + ok28, "ar1.4294967295." + ok28, "ar1.10." + ok28} {
		if _, err := ks.Decrypt(v, nil); errors.Is(err, atrest.ErrMalformed) {
			t.Errorf("%q: %v", v, err)
		}
	}
}

func TestUnknownKey(t *testing.T) {
	ks := fixedSet(t)
	_, err := ks.Decrypt("ar1.7."+b64(40), nil)
	if !errors.Is(err, atrest.ErrUnknownKey) {
		t.Fatalf("got %v, want ErrUnknownKey", err)
	}
	var uk *atrest.UnknownKeyError
	if !errors.As(err, &uk) || uk.ID != 7 {
		t.Fatalf("got %#v, want *UnknownKeyError{ID: 7}", err)
	}
	if got, want := err.Error(), "atrest: unknown key id 7"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if errors.Is(err, atrest.ErrMalformed) || errors.Is(err, atrest.ErrDecrypt) {
		t.Error("unknown key matches another sentinel")
	}
}

func TestRotate(t *testing.T) {
	ks1, err := atrest.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if ks1.PrimaryID() != 1 || !slices.Equal(ks1.IDs(), []uint32{1}) {
		t.Fatalf("GenerateKeySet: primary %d, ids %v", ks1.PrimaryID(), ks1.IDs())
	}
	aad := atrest.AAD("t", "c", "r")
	old, err := ks1.Encrypt([]byte("old"), aad)
	if err != nil {
		t.Fatal(err)
	}

	ks2, err := ks1.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if ks1.PrimaryID() != 1 || !slices.Equal(ks1.IDs(), []uint32{1}) {
		t.Fatal("Rotate changed the receiver")
	}
	if ks2.PrimaryID() != 2 || !slices.Equal(ks2.IDs(), []uint32{1, 2}) {
		t.Fatalf("rotated: primary %d, ids %v", ks2.PrimaryID(), ks2.IDs())
	}
	if got, err := ks2.Decrypt(old, aad); err != nil || string(got) != "old" {
		t.Fatalf("old value after rotation: %q, %v", got, err)
	}
	if ks2.IsCurrent(old) || !ks1.IsCurrent(old) {
		t.Error("IsCurrent of the old value is wrong")
	}
	v, err := ks2.Encrypt([]byte("new"), aad)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := atrest.KeyID(v); id != 2 || !ks2.IsCurrent(v) {
		t.Fatalf("new value %q is not under key 2", v)
	}
	if _, err := ks1.Decrypt(v, aad); !errors.Is(err, atrest.ErrUnknownKey) {
		t.Errorf("old set on new value: %v", err)
	}

	// The next id follows the largest, not the primary.
	ks, err := atrest.NewKeySet(3, map[uint32][]byte{3: key(3), 9: key(9)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ks.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if r.PrimaryID() != 10 || !slices.Equal(r.IDs(), []uint32{3, 9, 10}) {
		t.Errorf("rotated {3,9}: primary %d, ids %v", r.PrimaryID(), r.IDs())
	}

	// No id is left after 2^32-1.
	full, err := atrest.NewKeySet(1<<32-1, map[uint32][]byte{1<<32 - 1: key(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := full.Rotate(); !errors.Is(err, atrest.ErrInvalidKeySet) {
		t.Errorf("Rotate at the last id: %v", err)
	}
}

func TestNewKeySet(t *testing.T) {
	tests := []struct {
		name    string
		primary uint32
		keys    map[uint32][]byte
	}{
		{"nil map", 1, nil},
		{"empty map", 1, map[uint32][]byte{}},
		{"id 0", 0, map[uint32][]byte{0: key(1)}},
		{"id 0 beside others", 1, map[uint32][]byte{0: key(1), 1: key(1)}},
		{"short key", 1, map[uint32][]byte{1: key(1)[:31]}},
		{"long key", 1, map[uint32][]byte{1: append(key(1), 0)}},
		{"nil key", 1, map[uint32][]byte{1: nil}},
		{"primary missing", 2, map[uint32][]byte{1: key(1)}},
		{"primary 0", 0, map[uint32][]byte{1: key(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks, err := atrest.NewKeySet(tt.primary, tt.keys)
			if !errors.Is(err, atrest.ErrInvalidKeySet) || ks != nil {
				t.Errorf("got %v, %v; want ErrInvalidKeySet", ks, err)
			}
		})
	}

	// The key bytes are copied.
	k := key(0x33)
	ks, err := atrest.NewKeySet(1, map[uint32][]byte{1: k})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := ks.Encrypt([]byte("x"), nil)
	k[0] ^= 1
	if _, err := ks.Decrypt(v, nil); err != nil {
		t.Fatalf("changing the caller's key bytes affected the set: %v", err)
	}
	ids := ks.IDs()
	ids[0] = 99
	if ks.IDs()[0] != 1 {
		t.Fatal("IDs returned the set's own slice")
	}
}

func TestZeroKeySet(t *testing.T) {
	var ks atrest.KeySet
	if _, err := ks.Encrypt([]byte("x"), nil); err == nil {
		t.Error("Encrypt with an empty set succeeded")
	}
	if _, err := ks.Decrypt("ar1.1."+b64(28), nil); !errors.Is(err, atrest.ErrUnknownKey) {
		t.Errorf("Decrypt: %v", err)
	}
	if ks.IsCurrent("ar1.1."+b64(28)) || ks.PrimaryID() != 0 || len(ks.IDs()) != 0 {
		t.Error("zero set is not empty")
	}
	if _, err := json.Marshal(&ks); err == nil {
		t.Error("marshalled an empty set")
	}
	r, err := ks.Rotate()
	if err != nil || r.PrimaryID() != 1 {
		t.Errorf("Rotate of an empty set: %v, %v", r, err)
	}
}

func TestIsCurrentAndKeyID(t *testing.T) {
	ks := fixedSet(t)
	v2, _ := ks.Encrypt([]byte("x"), nil)
	ks1, _ := atrest.NewKeySet(1, map[uint32][]byte{1: key(0x11)})
	v1, _ := ks1.Encrypt([]byte("x"), nil)

	if !ks.IsCurrent(v2) || ks.IsCurrent(v1) {
		t.Error("IsCurrent is wrong")
	}
	if ks.IsCurrent("ar1.2.") {
		t.Error("IsCurrent of a malformed value")
	}
	for v, want := range map[string]uint32{v1: 1, v2: 2, "ar1.4294967295." + b64(28): 1<<32 - 1} {
		if id, err := atrest.KeyID(v); err != nil || id != want {
			t.Errorf("KeyID(%q) = %d, %v; want %d", v, id, err, want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	ks, err := atrest.NewKeySet(2, map[uint32][]byte{1: key(1), 2: key(2), 10: key(10)})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(ks)
	if err != nil {
		t.Fatal(err)
	}
	k := func(b byte) string { return base64.StdEncoding.EncodeToString(key(b)) }
	want := `{"primary":2,"keys":{"1":"` + k(1) + `","10":"` + k(10) + `","2":"` + k(2) + `"}}`
	if string(data) != want {
		t.Errorf("MarshalJSON:\n got %s\nwant %s", data, want)
	}

	var back atrest.KeySet
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.PrimaryID() != 2 || !slices.Equal(back.IDs(), []uint32{1, 2, 10}) {
		t.Fatalf("primary %d, ids %v", back.PrimaryID(), back.IDs())
	}
	v, _ := ks.Encrypt([]byte("x"), nil)
	if got, err := back.Decrypt(v, nil); err != nil || string(got) != "x" {
		t.Fatalf("decoded set cannot decrypt: %v", err)
	}

	// Inside a larger document, as the secrets file uses it.
	var doc struct{ AtRest *atrest.KeySet }
	if err := json.Unmarshal([]byte(`{"AtRest": `+string(data)+`}`), &doc); err != nil || doc.AtRest.PrimaryID() != 2 {
		t.Fatalf("embedded: %v", err)
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	k1 := base64.StdEncoding.EncodeToString(key(1))
	tests := []struct{ name, json string }{
		{"empty", ``},
		{"null", `null`},
		{"array", `[]`},
		{"empty object", `{}`},
		{"no keys", `{"primary":1}`},
		{"empty keys", `{"primary":1,"keys":{}}`},
		{"null keys", `{"primary":1,"keys":null}`},
		{"no primary", `{"keys":{"1":"` + k1 + `"}}`},
		{"null primary", `{"primary":null,"keys":{"1":"` + k1 + `"}}`},
		{"primary missing from keys", `{"primary":2,"keys":{"1":"` + k1 + `"}}`},
		{"primary 0", `{"primary":0,"keys":{"1":"` + k1 + `"}}`},
		{"negative primary", `{"primary":-1,"keys":{"1":"` + k1 + `"}}`},
		{"fractional primary", `{"primary":1.5,"keys":{"1":"` + k1 + `"}}`},
		{"primary too large", `{"primary":4294967296,"keys":{"1":"` + k1 + `"}}`},
		{"string primary", `{"primary":"1","keys":{"1":"` + k1 + `"}}`},
		{"id 0", `{"primary":1,"keys":{"0":"` + k1 + `","1":"` + k1 + `"}}`},
		{"id with leading zero", `{"primary":1,"keys":{"01":"` + k1 + `"}}`},
		{"id with sign", `{"primary":1,"keys":{"+1":"` + k1 + `"}}`},
		{"non-numeric id", `{"primary":1,"keys":{"one":"` + k1 + `"}}`},
		{"id too large", `{"primary":1,"keys":{"1":"` + k1 + `","4294967296":"` + k1 + `"}}`},
		{"short key", `{"primary":1,"keys":{"1":"` + b64(31) + `"}}`},
		{"long key", `{"primary":1,"keys":{"1":"` + b64(33) + `"}}`},
		{"empty key", `{"primary":1,"keys":{"1":""}}`},
		{"bad base64", `{"primary":1,"keys":{"1":"!!!!"}}`},
		{"unpadded base64", `{"primary":1,"keys":{"1":"` + strings.TrimRight(k1, "=") + `"}}`},
		{"url-safe base64", `{"primary":1,"keys":{"1":"` + strings.Repeat("_", 43) + `="}}`},
		{"newline in base64", `{"primary":1,"keys":{"1":"` + k1[:10] + `\n` + k1[10:] + `"}}`},
		{"number key", `{"primary":1,"keys":{"1":12}}`},
		{"unknown field", `{"primary":1,"keys":{"1":"` + k1 + `"},"extra":1}`},
		{"trailing data", `{"primary":1,"keys":{"1":"` + k1 + `"}} {}`},
		{"truncated", `{"primary":1,"keys":{"1":"` + k1 + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks := fixedSet(t)
			err := ks.UnmarshalJSON([]byte(tt.json))
			if !errors.Is(err, atrest.ErrInvalidKeySet) {
				t.Errorf("got %v, want ErrInvalidKeySet", err)
			}
			if err != nil && strings.Contains(err.Error(), k1) {
				t.Errorf("error leaks key bytes: %v", err)
			}
			if ks.PrimaryID() != 2 || !slices.Equal(ks.IDs(), []uint32{1, 2}) {
				t.Error("a failed UnmarshalJSON changed the receiver")
			}
		})
	}
}

// Run with -race: a KeySet is shared by every request.
func TestConcurrentUse(t *testing.T) {
	ks := fixedSet(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			aad := atrest.AAD("t", "c", string(rune('a'+i)))
			for range 200 {
				v, err := ks.Encrypt([]byte("payload"), aad)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := ks.Decrypt(v, aad); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
