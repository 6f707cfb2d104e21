package webapp

import (
	"strings"
	"testing"

	"github.com/sealkit/sealkit/internal/b64"
)

// FuzzClientMessage: a browser message never panics the parser, is
// accepted only as a well-formed key_distributed, and a refusal never
// quotes the key it carried.
func FuzzClientMessage(f *testing.F) {
	id := strings.Repeat("ab", 16)
	key := b64.Encode(append([]byte{2}, make([]byte, 1192)...))
	for _, s := range []string{
		`{"type":"key_distributed","ref":"1","group_id":"` + id + `","user_id":"` + id + `","key_version":1,"encrypted_key":"` + key + `"}`,
		`{"type":"key_distributed","group_id":"x","user_id":"` + id + `","key_version":1,"encrypted_key":"` + b64.Encode(make([]byte, 80)) + `"}`,
		`{"type":"hello"}`, `{}`, `[]`, `null`, `{"type":"key_distributed"}{}`, `{"extra":1}`, `{"key_version":"1"}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, k, problem := parseClientMsg(data)
		if problem == "" {
			if m.Type != "key_distributed" || !validID(m.GroupID) || !validID(m.UserID) || m.KeyVersion < 1 || len(m.Ref) > 64 {
				t.Fatalf("accepted %q", data)
			}
			if n := len(k); n != 80 && n != 873 && n != 1193 && n != 1673 {
				t.Fatalf("accepted a %d-byte key", n)
			}
			return
		}
		if k != nil {
			t.Fatal("a key returned with a problem")
		}
		if len(m.EncryptedKey) >= 8 && strings.Contains(problem, m.EncryptedKey) {
			t.Fatalf("problem %q quotes the key", problem)
		}
	})
}
