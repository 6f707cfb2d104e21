package sealkit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// placeVectors is testdata/vectors/place.json (also run in wasm by
// cmd/sealkit-wasm and through the SDK in Node: js/test/place.test.mjs).
type placeVectors struct {
	Info    string `json:"info"`
	Vectors []struct {
		Desc     string `json:"desc"`
		Key      string `json:"key"`
		Place    string `json:"place"`
		PlaceKey string `json:"place_key"`
	} `json:"vectors"`
	InvalidPlaces []string `json:"invalid_places"`
}

func TestPlaceKeyVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors/place.json")
	if err != nil {
		t.Fatal(err)
	}
	var file placeVectors
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if file.Info != PlaceInfo || len(file.Vectors) < 3 || len(file.InvalidPlaces) == 0 {
		t.Fatalf("vector file: info %q, %d vectors", file.Info, len(file.Vectors))
	}
	for _, v := range file.Vectors {
		key, _ := hex.DecodeString(v.Key)
		got, err := PlaceKey(key, v.Place)
		if err != nil || hex.EncodeToString(got) != v.PlaceKey {
			t.Errorf("%s: %x, %v; want %s", v.Desc, got, err, v.PlaceKey)
		}
	}
	for _, p := range append(file.InvalidPlaces, "\xff\xfe") {
		if _, err := PlaceKey(make([]byte, KeySize), p); !errors.Is(err, ErrInvalidPlace) {
			t.Errorf("place %q: err %v, want ErrInvalidPlace", p, err)
		}
	}
	if _, err := PlaceKey(make([]byte, KeySize), strings.Repeat("é", MaxPlaceSize/2)); err != nil {
		t.Errorf("a place of exactly %d bytes: %v", MaxPlaceSize, err)
	}
	var le *InvalidLengthError
	if _, err := PlaceKey(make([]byte, 31), "habit/x/name"); !errors.As(err, &le) {
		t.Errorf("a 31-byte key: %v", err)
	}
}

// TestPlaceKeyBindsTheBlob: a blob sealed at one place opens there and
// nowhere else — not at another field, row or day, not under the
// resource key itself — with the ordinary decryption error.
func TestPlaceKeyBindsTheBlob(t *testing.T) {
	key := GenerateKey()
	at := func(p string) []byte {
		k, err := PlaceKey(key, p)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ct, err := EncryptSecretbox([]byte("Meditate"), at("habit/aa/name"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ct) != SecretboxOverhead+len("Meditate") {
		t.Errorf("a bound blob is %d bytes, want the plain format's %d", len(ct), SecretboxOverhead+8)
	}
	if pt, err := DecryptSecretbox(ct, at("habit/aa/name")); err != nil || string(pt) != "Meditate" {
		t.Fatalf("at its place: %q, %v", pt, err)
	}
	for _, wrong := range [][]byte{at("habit/aa/description"), at("habit/ab/name"), at("habit/aa/name "), key} {
		if _, err := DecryptSecretbox(ct, wrong); !errors.Is(err, ErrDecryption) {
			t.Errorf("moved: err %v, want ErrDecryption", err)
		}
	}
	if bytes.Equal(at("habit/aa/name"), key) {
		t.Error("the place key is the resource key")
	}
}

// TestPlaceKeysMatchesPlaceKey: the Extract-once form derives the same
// keys, and derives nothing after Wipe.
func TestPlaceKeysMatchesPlaceKey(t *testing.T) {
	key := GenerateKey()
	p, err := NewPlaceKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, place := range []string{"habit/a/name", "habit/a/description", "group/g/v2/name"} {
		want, _ := PlaceKey(key, place)
		got, err := p.Key(place)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %x, %v; want %x", place, got, err, want)
		}
	}
	if _, err := p.Key(""); !errors.Is(err, ErrInvalidPlace) {
		t.Errorf("empty place: %v", err)
	}
	p.Wipe()
	if p.prk != nil {
		t.Error("Wipe left the pseudorandom key")
	}
	var le *InvalidLengthError
	if _, err := NewPlaceKeys(key[:16]); !errors.As(err, &le) {
		t.Errorf("a 16-byte key: %v", err)
	}
}
