package identity

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sealkit/sealkit"
)

// The same checks as identity_test.go under the kit's composite
// signatures (crate tag 0x02: Ed25519 + ML-DSA-65), the ones browsers make.
func TestComposite(t *testing.T) {
	pk, sk, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(m []byte, ctx string) ([]byte, error) { return sealkit.Sign(m, ctx, sk) }
	b := sample(pk)
	signed, err := b.Sign(sign)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenComposite(signed, b.UserID, &Pin{Fingerprint: Fingerprint(pk), Version: 3})
	if err != nil || !bytes.Equal(got.Hybrid, b.Hybrid) {
		t.Fatalf("open: %v", err)
	}
	// Stripping the hybrid key breaks the signature.
	msg, _ := b.Encode()
	stripped := sample(pk)
	stripped.Hybrid = nil
	smsg, _ := stripped.Encode()
	if _, err := OpenComposite(append(smsg, signed[len(msg):]...), b.UserID, nil); !errors.Is(err, ErrSignature) {
		t.Fatalf("stripped: %v", err)
	}
	// A signature over the bundle under another context does not count.
	other, _ := sealkit.Sign(msg, "sealkit/v1/something-else", sk)
	if _, err := OpenComposite(append(bytes.Clone(msg), other...), b.UserID, nil); !errors.Is(err, ErrSignature) {
		t.Fatalf("other context: %v", err)
	}
	t.Logf("sizes: identity key %d, bundle %d (signature %d) bytes", len(pk), len(signed), len(signed)-len(msg))
}
