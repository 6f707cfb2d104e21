package hybrid

import (
	"bytes"
	"crypto/sha3"
	"errors"
	"testing"

	"github.com/sealkit/sealkit/internal/errs"
)

// TestPrivateKey: a PrivateKey opens exactly what Open with its seed
// opens, at every level, with Open's errors after the seed's; it refuses
// another level's blob; Wipe zeroes the X25519 secret and the ML-KEM key
// (d and z gone from the key's memory), after which Open fails.
func TestPrivateKey(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5a, 0xc3}, 16)
	pt := []byte("a 32-byte resource key, exactly.")
	for _, p := range []*Params{&Cat1, &Cat3, &Cat5} {
		t.Run(p.Name, func(t *testing.T) {
			pub, err := PublicKey(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			blob, err := Seal(p, pt, pub)
			if err != nil {
				t.Fatal(err)
			}
			k, err := NewPrivateKey(p, seed)
			if err != nil {
				t.Fatal(err)
			}
			if k.Params() != p {
				t.Fatal("Params is not the level given")
			}
			for range 2 { // the key is reused, not consumed
				got, err := k.Open(blob)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("Open = %q, %v", got, err)
				}
			}
			other := &Cat3
			if p == &Cat3 {
				other = &Cat5
			}
			bad := map[string]struct {
				blob []byte
				want error
			}{
				"empty":         {nil, errs.ErrBadTag},
				"other level":   {append([]byte{other.Tag}, blob[1:]...), errs.ErrBadTag},
				"short":         {blob[:p.MinLen-1], errs.ErrTooShort},
				"flipped":       {append(append([]byte{}, blob[:len(blob)-1]...), blob[len(blob)-1]^1), errs.ErrDecryption},
				"wrong kem ct":  {append(append(append([]byte{}, blob[:5]...), blob[5]^1), blob[6:]...), errs.ErrDecryption},
				"low-order epk": {append(append(append([]byte{}, blob[:1+p.CTSize]...), make([]byte, 32)...), blob[1+p.CTSize+32:]...), errs.ErrDecryption},
			}
			for name, c := range bad {
				_, gotErr := k.Open(c.blob)
				_, seedErr := Open(c.blob, seed)
				if !errors.Is(gotErr, c.want) {
					t.Errorf("%s: Open = %v, want %v", name, gotErr, c.want)
				}
				if c.blob != nil && c.blob[0] == p.Tag && !errors.Is(seedErr, c.want) {
					t.Errorf("%s: Open with the seed = %v, want %v", name, seedErr, c.want)
				}
			}

			var z [32]byte
			h := sha3.NewSHAKE256()
			h.Write(seed)
			h.Read(make([]byte, 32))
			h.Read(z[:])
			mem := k.memory()
			if !bytes.Contains(bytes.Join(mem, nil), z[:]) {
				t.Fatal("z not found in the expanded key: memory() misses it")
			}
			k.Wipe()
			for i, m := range mem {
				if !bytes.Equal(m, make([]byte, len(m))) {
					t.Errorf("part %d of the ML-KEM key not wiped", i)
				}
			}
			if k.xsk != [32]byte{} {
				t.Error("X25519 secret not wiped")
			}
			if _, err := k.Open(blob); !errors.Is(err, errs.ErrDecryption) {
				t.Errorf("Open after Wipe = %v", err)
			}
			k.Wipe() // twice is harmless
		})
	}
	if _, err := NewPrivateKey(&Cat3, seed[:31]); err == nil {
		t.Error("NewPrivateKey took a 31-byte seed")
	}
}
