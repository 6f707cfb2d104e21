package webapp_test

import (
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// TestKeyChainRoutes (both databases): a group is created, and its key
// rotated, only with the caller's signed statement of the new version
// (docs/PROTOCOL.md §10.6) — a missing one, one of another group, version
// or signer, or one that is not a statement is a 400 that changes
// nothing; one that does not link to the last statement is a 409. GET of
// the group serves the chain as stored, oldest first. A group without
// statements (made before them) takes one for its current version from
// an owner or admin once (PUT …/key-statement), never a second.
func TestKeyChainRoutes(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			s := apptest.Start(t, apptest.NewDB(t, backend), nil)
			a := s.NewMember(t, "chain-a@example.test")
			b := s.NewMember(t, "chain-b@example.test")
			k1 := sealkit.GenerateKey()
			gid := apptest.NewRowID()
			create := func(st string) *apptest.Response {
				body := map[string]string{"id": gid, "encrypted_name": apptest.EncryptAt(t, "Chain", k1, apptest.PlaceGroupName(gid, 1)),
					"encrypted_key": a.SealKey(t, k1)}
				if st != "-" {
					body["key_statement"] = st
				}
				return a.C.JSON(t, "POST", "/api/groups", body)
			}
			for _, c := range []struct{ name, st, want string }{
				{"no statement", "-", "key_statement: missing"},
				{"not base64", "%%%", "key_statement: not base64"},
				{"not a statement", b64.Encode([]byte("hello")), "key_statement: not a group key statement"},
				{"another group's", apptest.KeyStatement(t, apptest.NewRowID(), a.ID, 1, k1, ""), "names another group"},
				{"version 2", apptest.KeyStatement(t, gid, a.ID, 2, k1, ""), "names another key version"},
				{"signed as b", apptest.KeyStatement(t, gid, b.ID, 1, k1, ""), "must be signed by you"},
			} {
				r := create(c.st)
				if r.Status != 400 || !strings.Contains(string(r.Body), c.want) {
					t.Errorf("create with %s: %d %s, want 400 %q", c.name, r.Status, r.Body, c.want)
				}
			}
			if n := s.Count(t, "groups") + s.Count(t, "group_key_statements"); n != 0 {
				t.Fatalf("refused creates left %d rows", n)
			}
			// A group id the server picks cannot be in the statement.
			r := a.C.JSON(t, "POST", "/api/groups", map[string]string{"encrypted_name": apptest.EncryptAt(t, "Chain", k1, apptest.PlaceGroupName(gid, 1)),
				"encrypted_key": a.SealKey(t, k1), "key_statement": apptest.KeyStatement(t, gid, a.ID, 1, k1, "")})
			wantStatus(t, r, 400, "create without an id")
			s1 := apptest.KeyStatement(t, gid, a.ID, 1, k1, "")
			wantStatus(t, create(s1), 201, "create")
			chain := func() []string {
				var g struct {
					KeyVersion int64    `json:"key_version"`
					KeyChain   []string `json:"key_chain"`
				}
				a.C.JSON(t, "GET", "/api/groups/"+gid, nil).JSON(t, &g)
				return g.KeyChain
			}
			if c := chain(); len(c) != 1 || c[0] != s1 {
				t.Fatalf("chain after create: %v", c)
			}

			k2 := sealkit.GenerateKey()
			rotate := func(st string) *apptest.Response {
				return a.C.JSON(t, "POST", "/api/groups/"+gid+"/rotate", map[string]any{"key_version": 1,
					"keys": []map[string]string{{"user_id": a.ID, "encrypted_key": a.SealKey(t, k2)}}, "key_statement": st})
			}
			wantStatus(t, rotate(""), 400, "rotate without a statement")
			wantStatus(t, rotate(apptest.KeyStatement(t, gid, a.ID, 3, k2, s1)), 400, "rotate with version 3's statement")
			wantStatus(t, rotate(apptest.KeyStatement(t, gid, a.ID, 2, k2, "")), 409, "rotate with a statement that does not link")
			if c := chain(); len(c) != 1 {
				t.Fatalf("refused rotations changed the chain: %d statements", len(c))
			}
			s2 := apptest.KeyStatement(t, gid, a.ID, 2, k2, s1)
			wantStatus(t, rotate(s2), 200, "rotate")
			if c := chain(); len(c) != 2 || c[0] != s1 || c[1] != s2 {
				t.Fatalf("chain after rotation: %d statements", len(c))
			}
			// The chain exists: a first-use statement is refused.
			wantStatus(t, a.C.JSON(t, "PUT", "/api/groups/"+gid+"/key-statement", map[string]any{"key_version": 2,
				"key_statement": apptest.KeyStatement(t, gid, a.ID, 2, k2, "")}), 409, "first-use statement over a chain")

			// A group from before statements: one, for the current version, once.
			s.ForgetKeyChain(t, gid)
			put := func(v int64, st string) *apptest.Response {
				return a.C.JSON(t, "PUT", "/api/groups/"+gid+"/key-statement", map[string]any{"key_version": v, "key_statement": st})
			}
			wantStatus(t, put(1, apptest.KeyStatement(t, gid, a.ID, 1, k1, "")), 409, "first-use statement of an old version")
			wantStatus(t, put(2, apptest.KeyStatement(t, gid, a.ID, 2, k2, s1)), 409, "first-use statement that is not a first")
			t2 := apptest.KeyStatement(t, gid, a.ID, 2, k2, "")
			wantStatus(t, put(2, t2), 204, "first-use statement")
			wantStatus(t, put(2, t2), 409, "a second first-use statement")
			if c := chain(); len(c) != 1 || c[0] != t2 {
				t.Fatalf("chain after first use: %v", c)
			}
		})
	}
}
