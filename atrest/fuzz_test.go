package atrest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/sealkit/sealkit/atrest"
)

// FuzzDecrypt checks that no string makes Decrypt panic or fail with
// anything but the three sentinels, and that KeyID and IsCurrent agree with
// it.
func FuzzDecrypt(f *testing.F) {
	ks := fixedSet(f)
	aad := atrest.AAD("t", "c", "r")
	for _, pt := range []string{"", "x", "a longer plaintext of several blocks, 48 bytes."} {
		v, err := ks.Encrypt([]byte(pt), aad)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(v, aad)
		f.Add(v, []byte(nil))
	}
	z := base64.StdEncoding.EncodeToString(make([]byte, 28))
	for _, v := range []string{
		"", "ar1.", "ar1.1", "ar1.1.", "ar1.0." + z, "ar1.01." + z, "ar1.7." + z,
		"ar1.4294967296." + z, "ar1.1." + z[:8] + "\r\n" + z[8:], "ar1.1." + z + ".",
	} {
		f.Add(v, aad)
	}
	f.Fuzz(func(t *testing.T, value string, aad []byte) {
		pt, err := ks.Decrypt(value, aad)
		id, idErr := atrest.KeyID(value)
		switch {
		case err == nil:
			if idErr != nil || !slices.Contains(ks.IDs(), id) {
				t.Fatalf("Decrypt accepted %q but KeyID gives %d, %v", value, id, idErr)
			}
			// Only an exact re-encoding of the seeds can get here: check
			// that the plaintext encrypts back under the same rules.
			v, err := ks.Encrypt(pt, aad)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := ks.Decrypt(v, aad); err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("re-encryption does not round-trip: %v", err)
			}
		case errors.Is(err, atrest.ErrMalformed):
			if !errors.Is(idErr, atrest.ErrMalformed) || ks.IsCurrent(value) {
				t.Fatalf("Decrypt says malformed, KeyID says %d, %v", id, idErr)
			}
		case errors.Is(err, atrest.ErrUnknownKey):
			var uk *atrest.UnknownKeyError
			if !errors.As(err, &uk) || idErr != nil || uk.ID != id || slices.Contains(ks.IDs(), id) {
				t.Fatalf("unknown key error %v disagrees with KeyID %d, %v", err, id, idErr)
			}
		case errors.Is(err, atrest.ErrDecrypt):
			if idErr != nil || !slices.Contains(ks.IDs(), id) {
				t.Fatalf("Decrypt failed to authenticate, KeyID says %d, %v", id, idErr)
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzUnmarshalJSON checks that no input makes UnmarshalJSON panic, that a
// failure leaves the receiver alone, and that whatever it accepts
// re-encodes to a set that decodes the same.
func FuzzUnmarshalJSON(f *testing.F) {
	good, err := json.Marshal(fixedSet(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"primary":1,"keys":{"1":"` + base64.StdEncoding.EncodeToString(key(1)) + `"}}`))
	f.Add([]byte(`{"primary":1,"keys":{"01":"AAAA"}}`))
	f.Add([]byte(`{"primary":0,"keys":{}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"primary":1,"keys":{"1":"x"},"x":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks := fixedSet(t)
		if err := ks.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, atrest.ErrInvalidKeySet) {
				t.Fatalf("error %v does not wrap ErrInvalidKeySet", err)
			}
			if ks.PrimaryID() != 2 || !slices.Equal(ks.IDs(), []uint32{1, 2}) {
				t.Fatal("a failed UnmarshalJSON changed the receiver")
			}
			return
		}
		if !slices.Contains(ks.IDs(), ks.PrimaryID()) || slices.Contains(ks.IDs(), 0) {
			t.Fatalf("accepted an invalid set: primary %d, ids %v", ks.PrimaryID(), ks.IDs())
		}
		out, err := json.Marshal(ks)
		if err != nil {
			t.Fatal(err)
		}
		var back atrest.KeySet
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-encoded set does not decode: %v", err)
		}
		if back.PrimaryID() != ks.PrimaryID() || !slices.Equal(back.IDs(), ks.IDs()) {
			t.Fatal("re-encoded set differs")
		}
		v, err := ks.Encrypt([]byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := back.Decrypt(v, nil); err != nil {
			t.Fatalf("re-encoded set has other keys: %v", err)
		}
	})
}
