package keydist

import (
	"encoding/base64"
	"strings"
	"testing"
)

// hex32 is the reference app's id rule: 32 lower-case hex characters.
func hex32(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// FuzzClientMessage: a browser message never panics the parser, is
// accepted only as a well-formed key_distributed, and a refusal never
// quotes the key it carried — with the reference app's naming and id rule,
// and with the defaults.
func FuzzClientMessage(f *testing.F) {
	id := strings.Repeat("ab", 16)
	key := base64.StdEncoding.EncodeToString(append([]byte{2}, make([]byte, 1192)...))
	for _, s := range []string{
		`{"type":"key_distributed","ref":"1","group_id":"` + id + `","user_id":"` + id + `","key_version":1,"encrypted_key":"` + key + `"}`,
		`{"type":"key_distributed","ref":"1","resource_id":"n-1","user_id":"u_2","key_version":3,"encrypted_key":"` + key + `"}`,
		`{"type":"key_distributed","group_id":"x","user_id":"` + id + `","key_version":1,"encrypted_key":"` + base64.StdEncoding.EncodeToString(make([]byte, 80)) + `"}`,
		`{"type":"hello"}`, `{}`, `[]`, `null`, `{"type":"key_distributed"}{}`, `{"extra":1}`, `{"key_version":"1"}`, ``,
	} {
		f.Add([]byte(s))
	}
	parsers := []parser{{kind: "group", validID: hex32}, {kind: "resource", validID: defaultValidID}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range parsers {
			m, k, problem := p.parse(data)
			if problem == "" {
				if m.Type != "key_distributed" || !p.validID(m.ResourceID) || !p.validID(m.UserID) || m.KeyVersion < 1 || m.KeyVersion > maxVersion || len(m.Ref) > 64 {
					t.Fatalf("%s: accepted %q", p.kind, data)
				}
				if n := len(k); n != 80 && n != 873 && n != 1193 && n != 1673 {
					t.Fatalf("%s: accepted a %d-byte key", p.kind, n)
				}
				continue
			}
			if k != nil {
				t.Fatal("a key returned with a problem")
			}
			if len(m.EncryptedKey) >= 8 && strings.Contains(problem, m.EncryptedKey) {
				t.Fatalf("problem %q quotes the key", problem)
			}
		}
	})
}

// TestDefaultValidID pins the default id rule.
func TestDefaultValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"g1": true, "0b6f1c7e-3d2a-4c1b-9a8e-2f1d0c9b8a7e": true, strings.Repeat("a", 64): true, "A_b-9": true,
		"": false, strings.Repeat("a", 65): false, "../g1": false, "g 1": false, "g1\n": false, "é": false,
	} {
		if got := defaultValidID(id); got != want {
			t.Errorf("defaultValidID(%q) = %v, want %v", id, got, want)
		}
	}
}
