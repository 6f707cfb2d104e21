//go:build !js

package jstest

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/sealtext"
)

const (
	keyCacheEntry = "sealkit.keycache.v1"
	keyCacheDB    = "sealkit-keycache"
)

// TestBrowserKeyCache checks js/keycache.js in Chromium: cached keys come
// back after a reload; the localStorage entry holds neither the keys nor any
// piece of them and is useless without the IndexedDB wrapping key (a fresh
// profile given only that entry finds nothing); the wrapping key cannot be
// exported; clearKeyCache removes the entry and deletes the database.
func TestBrowserKeyCache(t *testing.T) {
	t.Parallel()
	srv, b := startBrowserTest(t)

	var ready struct{ Supported bool }
	mustUnmarshal(t, b.open("keycache.html"), &ready)
	if !ready.Supported {
		t.Fatal("keyCacheSupported() is false in Chromium on http://127.0.0.1 (a secure context)")
	}
	if got := mustCall[map[string]string](t, b, "get"); got != nil {
		t.Fatalf("a fresh profile has cached keys (%d)", len(got))
	}

	kp, err := sealtext.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	hk, err := sealtext.GenerateHybridKeyPair(sealkit.Cat3)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{
		"privateKey":  kp.PrivateKey,
		"publicKey":   kp.PublicKey,
		"pqSecretKey": hk.SecretKey,
		"sessionKey":  sealtext.GenerateKey(),
	}
	if !mustCall[bool](t, b, "cache", keys) {
		t.Fatal("cacheKeys resolved false in Chromium")
	}

	// The stored entry: {v, iv, ct} and nothing of the keys.
	entry := mustCall[*string](t, b, "entry")
	if entry == nil {
		t.Fatalf("cacheKeys stored nothing under localStorage %q", keyCacheEntry)
	}
	checkEntryHidesKeys(t, *entry, keys)

	// The wrapping key is a non-extractable AES-256-GCM CryptoKey.
	wk := mustCall[struct {
		Exists      bool
		IsCryptoKey bool
		Type        string
		Extractable *bool
		Algorithm   *struct {
			Name   string
			Length int
		}
		Usages    []string
		ExportRaw string
		ExportJwk string
	}](t, b, "inspectWrappingKey")
	switch {
	case !wk.Exists:
		t.Errorf("IndexedDB %q does not exist after cacheKeys", keyCacheDB)
	case !wk.IsCryptoKey || wk.Type != "secret" || wk.Algorithm == nil || wk.Algorithm.Name != "AES-GCM" || wk.Algorithm.Length != 256:
		t.Errorf("stored wrapping key is not an AES-256-GCM CryptoKey: %+v", wk)
	case wk.Extractable == nil || *wk.Extractable:
		t.Errorf("stored wrapping key is extractable: %+v", wk)
	case wk.ExportRaw == "exported" || wk.ExportJwk == "exported":
		t.Errorf("crypto.subtle.exportKey succeeded on the wrapping key: raw %s, jwk %s", wk.ExportRaw, wk.ExportJwk)
	case !strings.HasPrefix(wk.ExportRaw, "InvalidAccessError") || !strings.HasPrefix(wk.ExportJwk, "InvalidAccessError"):
		t.Errorf("exportKey rejected, but not as non-extractable: raw %q, jwk %q", wk.ExportRaw, wk.ExportJwk)
	}

	// A reload finds the same keys.
	b.assertNoViolations()
	b.reload("keycache.html")
	if got := mustCall[map[string]string](t, b, "get"); !maps.Equal(got, keys) {
		t.Fatalf("after a reload getCachedKeys returned %d keys (%v), want the %d cached ones", len(got), slices.Sorted(maps.Keys(got)), len(keys))
	}

	// A fresh profile holding only the localStorage entry cannot read it.
	t.Run("entry-alone", func(t *testing.T) {
		other := newBrowser(t, srv)
		other.open("keycache.html")
		if !mustCall[bool](t, other, "setEntry", *entry) {
			t.Fatal("setEntry failed")
		}
		if got := mustCall[*string](t, other, "entry"); got == nil || *got != *entry {
			t.Fatal("the copied entry is not in the second profile's localStorage")
		}
		if got := mustCall[map[string]string](t, other, "get"); got != nil {
			t.Fatalf("getCachedKeys with only the localStorage entry returned %d keys", len(got))
		}
		other.assertNoViolations()
	})

	// clearKeyCache removes the entry and the database.
	if !mustCall[bool](t, b, "clear") {
		t.Fatal("clearKeyCache failed")
	}
	if got := mustCall[*string](t, b, "entry"); got != nil {
		t.Errorf("localStorage %q still set after clearKeyCache", keyCacheEntry)
	}
	if dbs := mustCall[[]string](t, b, "databases"); slices.Contains(dbs, keyCacheDB) {
		t.Errorf("IndexedDB %q still listed after clearKeyCache: %v", keyCacheDB, dbs)
	}
	b.assertNoViolations()
	b.reload("keycache.html")
	if dbs := mustCall[[]string](t, b, "databases"); slices.Contains(dbs, keyCacheDB) {
		t.Errorf("IndexedDB %q listed after clearKeyCache and a reload: %v", keyCacheDB, dbs)
	}
	if got := mustCall[map[string]string](t, b, "get"); got != nil {
		t.Errorf("getCachedKeys after clearKeyCache and a reload returned %d keys", len(got))
	}
	b.assertNoViolations()
}

// checkEntryHidesKeys fails if the localStorage entry is not {v, iv, ct} or
// contains any 8-character piece of a key's base64 text, or any 8-byte
// piece of a key's bytes or of its text in the decoded iv or ct.
func checkEntryHidesKeys(t *testing.T, entry string, keys map[string]string) {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(entry), &fields); err != nil {
		t.Fatalf("localStorage entry is not JSON (%d chars): %v", len(entry), err)
	}
	if names := slices.Sorted(maps.Keys(fields)); !slices.Equal(names, []string{"ct", "iv", "v"}) {
		t.Fatalf("localStorage entry has fields %v, want ct, iv, v", names)
	}
	var e struct {
		V  int    `json:"v"`
		IV string `json:"iv"`
		CT string `json:"ct"`
	}
	if err := json.Unmarshal([]byte(entry), &e); err != nil {
		t.Fatal(err)
	}
	iv, err := b64.Strict().DecodeString(e.IV)
	if err != nil || len(iv) != 12 {
		t.Errorf("entry iv: %d bytes, %v; want a 12-byte AES-GCM IV", len(iv), err)
	}
	ct, err := b64.Strict().DecodeString(e.CT)
	if err != nil {
		t.Fatalf("entry ct is not base64: %v", err)
	}
	if e.V != 1 {
		t.Errorf("entry v = %d, want 1", e.V)
	}
	blobs := [][]byte{iv, ct}
	for name, k := range keys {
		if strings.Contains(entry, name) {
			t.Errorf("entry contains the key name %q", name)
		}
		for i := 0; i+8 <= len(k); i++ {
			if strings.Contains(entry, k[i:i+8]) {
				t.Fatalf("entry contains characters %d–%d of key %q", i, i+8, name)
			}
		}
		raw, err := b64.DecodeString(k)
		if err != nil {
			t.Fatal(err)
		}
		for _, piece := range [][]byte{raw, []byte(k)} {
			for i := 0; i+8 <= len(piece); i++ {
				for _, blob := range blobs {
					if bytes.Contains(blob, piece[i:i+8]) {
						t.Fatalf("entry's iv or ct contains bytes %d–%d of key %q", i, i+8, name)
					}
				}
			}
		}
	}
	// AES-GCM: the JSON of the keys plus a 16-byte tag.
	js, _ := json.Marshal(keys)
	if len(ct) < len(js)+16-8 || len(ct) > len(js)+16+64 {
		t.Errorf("entry ct is %d bytes; the keys' JSON is %d (a GCM ciphertext of it is %d)", len(ct), len(js), len(js)+16)
	}
}
