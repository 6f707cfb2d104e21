package sealkit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

func TestDeriveAuthKeyVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors/authkey.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Info    string `json:"info"`
		Vectors []struct {
			Password   *string `json:"password"`
			SaltUTF8   string  `json:"salt_utf8"`
			SessionKey string  `json:"session_key"`
			AuthKey    string  `json:"auth_key"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if file.Info != AuthKeyInfo || len(file.Vectors) == 0 {
		t.Fatalf("vector file: info %q, %d vectors", file.Info, len(file.Vectors))
	}
	for i, v := range file.Vectors {
		sk, _ := hex.DecodeString(v.SessionKey)
		want, _ := hex.DecodeString(v.AuthKey)
		if v.Password != nil {
			got, err := DeriveSessionKey(*v.Password, []byte(v.SaltUTF8))
			if err != nil || !bytes.Equal(got, sk) {
				t.Errorf("vector %d: session key %x, %v", i, got, err)
			}
		}
		got, err := DeriveAuthKey(sk)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("vector %d: auth key %x, %v; want %x", i, got, err, want)
		}
	}
}

func TestDeriveAuthKeyRejectsWrongLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		_, err := DeriveAuthKey(make([]byte, n))
		var le *InvalidLengthError
		if !errors.As(err, &le) {
			t.Errorf("len %d: err %v, want InvalidLengthError", n, err)
		}
	}
}
