package identity

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/sealkit/sealkit"
)

// testdata/keychain.json pins the key commitment and the statement
// encoding for every implementation (js/test/keychain.test.mjs reads it).
// Regenerate after a deliberate format change:
//
//	SEALKIT_WRITE_IDENTITY_VECTORS=1 go test -run TestKeychainVectors ./identity
type keychainVectors struct {
	Commitments []struct {
		Key        string `json:"key"` // hex
		Label      string `json:"label"`
		Commitment string `json:"commitment"` // hex
	} `json:"commitments"`
	Statements []struct {
		GroupID    string `json:"group_id"`
		Version    uint32 `json:"version"`
		Commitment string `json:"commitment"` // hex
		Previous   string `json:"previous"`   // hex
		Signer     string `json:"signer"`
		Encoded    string `json:"encoded"` // hex of the signed message
	} `json:"statements"`
}

func sampleStatement(version uint32) *Statement {
	return &Statement{
		GroupID:    "fedcba9876543210fedcba9876543210",
		Version:    version,
		Commitment: KeyCommitment(pattern(32, 3), CommitmentLabel("fedcba9876543210fedcba9876543210", version)),
		Previous:   make([]byte, HashSize),
		Signer:     "0123456789abcdef0123456789abcdef",
	}
}

func TestKeychainVectors(t *testing.T) {
	const path = "testdata/keychain.json"
	if os.Getenv("SEALKIT_WRITE_IDENTITY_VECTORS") == "1" {
		var v keychainVectors
		for i, label := range []string{"fedcba9876543210fedcba9876543210/1", "g/4294967295", ""} {
			key := pattern(32, byte(i*5+1))
			v.Commitments = append(v.Commitments, struct {
				Key        string `json:"key"`
				Label      string `json:"label"`
				Commitment string `json:"commitment"`
			}{hex.EncodeToString(key), label, hex.EncodeToString(KeyCommitment(key, label))})
		}
		for _, ver := range []uint32{1, 2, 4294967295} {
			s := sampleStatement(ver)
			if ver > 1 {
				s.Previous = pattern(32, byte(ver))
			}
			enc, err := s.Encode()
			if err != nil {
				t.Fatal(err)
			}
			v.Statements = append(v.Statements, struct {
				GroupID    string `json:"group_id"`
				Version    uint32 `json:"version"`
				Commitment string `json:"commitment"`
				Previous   string `json:"previous"`
				Signer     string `json:"signer"`
				Encoded    string `json:"encoded"`
			}{s.GroupID, s.Version, hex.EncodeToString(s.Commitment), hex.EncodeToString(s.Previous), s.Signer, hex.EncodeToString(enc)})
		}
		out, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v keychainVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Commitments) == 0 || len(v.Statements) == 0 {
		t.Fatal("no vectors")
	}
	for _, c := range v.Commitments {
		key, _ := hex.DecodeString(c.Key)
		if got := hex.EncodeToString(KeyCommitment(key, c.Label)); got != c.Commitment {
			t.Errorf("commitment %q: %s, want %s", c.Label, got, c.Commitment)
		}
	}
	for _, s := range v.Statements {
		com, _ := hex.DecodeString(s.Commitment)
		prev, _ := hex.DecodeString(s.Previous)
		enc, err := (&Statement{GroupID: s.GroupID, Version: s.Version, Commitment: com, Previous: prev, Signer: s.Signer}).Encode()
		if err != nil || hex.EncodeToString(enc) != s.Encoded {
			t.Errorf("statement v%d: %x (%v), want %s", s.Version, enc, err, s.Encoded)
		}
	}
}

func TestStatementSignVerify(t *testing.T) {
	pub, sec, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(msg []byte, ctx string) ([]byte, error) { return sealkit.Sign(msg, ctx, sec) }
	s := sampleStatement(1)
	signed, err := s.Sign(sign)
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerifyStatement(signed, pub, sealkit.Verify)
	if err != nil || got.Version != 1 || got.Signer != s.Signer || !bytes.Equal(got.Commitment, s.Commitment) {
		t.Fatalf("verify: %v %+v", err, got)
	}
	// Every byte of the statement is signed: a changed version, commitment
	// or previous hash does not verify.
	msg, _ := s.Encode()
	for _, at := range []int{2 + len(s.GroupID) + 3, 2 + len(s.GroupID) + 4, 2 + len(s.GroupID) + 4 + HashSize, len(msg) - 1} {
		bad := bytes.Clone(signed)
		bad[at] ^= 1
		if _, err := VerifyStatement(bad, pub, sealkit.Verify); err == nil {
			t.Errorf("byte %d changed: verified", at)
		}
	}
	// Another key, or the same bytes signed under the bundle's context.
	other, _, _ := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
	if _, err := VerifyStatement(signed, other, sealkit.Verify); !errors.Is(err, ErrSignature) {
		t.Errorf("another key: %v", err)
	}
	sig, _ := sealkit.Sign(msg, Context, sec)
	if _, err := VerifyStatement(append(bytes.Clone(msg), sig...), pub, sealkit.Verify); !errors.Is(err, ErrSignature) {
		t.Errorf("a bundle-context signature verified as a statement's: %v", err)
	}
	// The commitment is bound to the key and the label.
	if bytes.Equal(KeyCommitment(pattern(32, 3), CommitmentLabel(s.GroupID, 2)), s.Commitment) ||
		bytes.Equal(KeyCommitment(pattern(32, 4), CommitmentLabel(s.GroupID, 1)), s.Commitment) {
		t.Error("commitment does not depend on the version or the key")
	}
}

func FuzzDecodeStatement(f *testing.F) {
	sign, _, _ := edPair(f, 1)
	signed, _ := sampleStatement(2).Sign(sign)
	f.Add(signed)
	f.Add([]byte{StatementFormat})
	f.Add([]byte{StatementFormat, 1, 'g', 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		s, msg, sig, err := DecodeStatement(in)
		if err != nil {
			if !errors.Is(err, ErrStatement) || s != nil {
				t.Fatalf("error %v with %v", err, s)
			}
			return
		}
		again, err := s.Encode()
		if err != nil || !bytes.Equal(again, msg) || !bytes.Equal(append(bytes.Clone(msg), sig...), in) {
			t.Fatalf("not canonical: %x", in)
		}
	})
}
