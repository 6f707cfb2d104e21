package identity

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/sealkit/sealkit"
)

// The vectors in testdata/vectors.json pin the bundle encoding and the
// safety number for every implementation (js/test/identity.test.mjs reads
// the same file). Regenerate after a deliberate format change:
//
//	SEALKIT_WRITE_IDENTITY_VECTORS=1 go test -run TestVectors ./identity
type vectorFile struct {
	Bundles []struct {
		UserID      string `json:"user_id"`
		X25519      string `json:"x25519"`       // base64
		Hybrid      string `json:"hybrid"`       // base64, "" for none
		IdentityKey string `json:"identity_key"` // base64
		Version     uint32 `json:"version"`
		Encoded     string `json:"encoded"` // hex of the signed message
	} `json:"bundles"`
	SafetyNumbers []struct {
		UserA  string `json:"user_a"`
		KeyA   string `json:"key_a"` // base64
		UserB  string `json:"user_b"`
		KeyB   string `json:"key_b"` // base64
		Number string `json:"number"`
	} `json:"safety_numbers"`
	// Signed is a bundle signed with a composite key (tag 0x02), for
	// other implementations to verify (ML-DSA signing is hedged: a new
	// run makes other bytes that verify the same).
	Signed struct {
		UserID string `json:"user_id"`
		Bundle string `json:"bundle"` // base64 of the signed bundle
	} `json:"signed"`
}

func pattern(n int, seed byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = seed + byte(i*7)
	}
	return out
}

func TestVectors(t *testing.T) {
	const path = "testdata/vectors.json"
	b64 := base64.StdEncoding.EncodeToString
	if os.Getenv("SEALKIT_WRITE_IDENTITY_VECTORS") == "1" {
		var v vectorFile
		for _, c := range []struct {
			user      string
			hybridLen int
			version   uint32
		}{{"0123456789abcdef0123456789abcdef", 1217, 1}, {"u", 0, 4294967295}} {
			b := &Bundle{UserID: c.user, X25519: pattern(32, 1), IdentityKey: pattern(1985, 3), Version: c.version}
			if c.hybridLen > 0 {
				b.Hybrid = pattern(c.hybridLen, 2)
			}
			enc, err := b.Encode()
			if err != nil {
				t.Fatal(err)
			}
			v.Bundles = append(v.Bundles, struct {
				UserID      string `json:"user_id"`
				X25519      string `json:"x25519"`
				Hybrid      string `json:"hybrid"`
				IdentityKey string `json:"identity_key"`
				Version     uint32 `json:"version"`
				Encoded     string `json:"encoded"`
			}{b.UserID, b64(b.X25519), b64(b.Hybrid), b64(b.IdentityKey), b.Version, hex.EncodeToString(enc)})
		}
		for _, c := range [][2]string{{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}, {"b", "a"}} {
			ka, kb := pattern(1985, 5), pattern(1985, 6)
			n, err := SafetyNumber(c[0], ka, c[1], kb)
			if err != nil {
				t.Fatal(err)
			}
			v.SafetyNumbers = append(v.SafetyNumbers, struct {
				UserA  string `json:"user_a"`
				KeyA   string `json:"key_a"`
				UserB  string `json:"user_b"`
				KeyB   string `json:"key_b"`
				Number string `json:"number"`
			}{c[0], b64(ka), c[1], b64(kb), n})
		}
		pk, sk, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
		if err != nil {
			t.Fatal(err)
		}
		sb := &Bundle{UserID: "0123456789abcdef0123456789abcdef", X25519: pattern(32, 1), Hybrid: pattern(1217, 2), IdentityKey: pk, Version: 7}
		signed, err := sb.Sign(func(m []byte, ctx string) ([]byte, error) { return sealkit.Sign(m, ctx, sk) })
		if err != nil {
			t.Fatal(err)
		}
		v.Signed.UserID, v.Signed.Bundle = sb.UserID, b64(signed)
		out, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Bundles) == 0 || len(v.SafetyNumbers) == 0 {
		t.Fatal("no vectors")
	}
	dec := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			return nil
		}
		return b
	}
	for _, c := range v.Bundles {
		b := &Bundle{UserID: c.UserID, X25519: dec(c.X25519), Hybrid: dec(c.Hybrid), IdentityKey: dec(c.IdentityKey), Version: c.Version}
		enc, err := b.Encode()
		if err != nil || hex.EncodeToString(enc) != c.Encoded {
			t.Errorf("bundle %s: encoding differs (%v)", c.UserID, err)
		}
		// Decoding the message with a one-byte signature gives the fields back.
		got, msg, _, err := Decode(append(bytes.Clone(enc), 0))
		if err != nil || !bytes.Equal(msg, enc) || got.Version != c.Version || got.UserID != c.UserID {
			t.Errorf("bundle %s: decode: %v", c.UserID, err)
		}
	}
	signed := dec(v.Signed.Bundle)
	if b, err := OpenComposite(signed, v.Signed.UserID, nil); err != nil || b.Version != 7 {
		t.Errorf("signed vector: %v", err)
	}
	for _, c := range v.SafetyNumbers {
		n, err := SafetyNumber(c.UserA, dec(c.KeyA), c.UserB, dec(c.KeyB))
		if err != nil || n != c.Number {
			t.Errorf("safety number %s/%s: %q, want %q (%v)", c.UserA, c.UserB, n, c.Number, err)
		}
	}
}
