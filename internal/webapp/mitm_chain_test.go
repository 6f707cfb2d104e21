package webapp_test

// The key-chain attacks of docs/MALICIOUS-SERVER.md (issue 15): a server
// that presents an old group key version as current after a rotation
// that removed a member, or a key of its own as a new version, to a page
// that holds the group's signed key chain (docs/PROTOCOL.md §10.6).
// Played through the tampering proxy of mitm_test.go on SQLite.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/identity"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// deepCopy is a JSON object's copy (a recorded answer replayed later).
func deepCopy(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMaliciousServerPresentsOldGroupKey: alice (owner, in Chromium)
// removed carol, which made key version 2 with alice's signed statement;
// her page verified the chain and pinned version 2. Then the server
// lies, one way at a time: it replays the group as it was before the
// removal (version 1, the chain truncated to version 1, the key carol
// holds); it keeps the chain but calls version 1 current; it seals a key
// of its own to alice as version 3 with no statement, with a statement
// whose signature is not alice's, or signed by an identity that is not
// the one pinned for bob (bob's bundle replaced by the attacker's); it
// swaps the version-2 copy for a key of its own. Each time the page warns
// (#group-chain, data-chain="failed" with the check that failed), offers
// no write (the goal form's button is disabled), writes nothing, seals
// nothing (no key_distributed to pending bob) and stores no key; served
// honestly again, it verifies and works.
func TestMaliciousServerPresentsOldGroupKey(t *testing.T) {
	chromiumPath(t)
	m := startMITM(t, apptest.NewDB(t, "sqlite"), nil)
	alice := m.App.NewMember(t, "alice-"+randomHex(4)+"@example.test")
	bob := m.App.NewMember(t, "bob-"+randomHex(4)+"@example.test")
	carol := m.App.NewMember(t, "carol-"+randomHex(4)+"@example.test")
	ak := giveIdentity(t, alice, 1)
	giveIdentity(t, bob, 1)
	giveIdentity(t, carol, 1)

	// The group, version 1 signed by alice's identity key; bob and carol
	// join (pending), carol gets key version 1.
	gid, k1 := apptest.NewRowID(), sealkit.GenerateKey()
	name := "Chain group " + randomHex(4)
	s1 := apptest.SignedKeyStatement(t, gid, alice.ID, ak.sk, 1, k1, "")
	mustStatus(t, "create group", alice.C.JSON(t, "POST", "/api/groups", map[string]string{"id": gid,
		"encrypted_name": apptest.EncryptAt(t, name, k1, apptest.PlaceGroupName(gid, 1)), "encrypted_key": alice.SealKey(t, k1),
		"key_statement": s1}), 201)
	g := &apptest.Group{ID: gid, Key: k1, KeyVersion: 1}
	g.Join(t, alice, bob)
	g.Join(t, alice, carol)
	ws := alice.C.Dial(t)
	ws.Await("hello", func(msg apptest.Msg) bool { return msg.Type() == "hello" })
	g.GiveKey(t, ws, carol, "carol-v1")
	var before map[string]any
	alice.C.JSON(t, "GET", "/api/groups/"+gid, nil).JSON(t, &before)

	// Alice removes carol: version 2, sealed to alice only, signed by her.
	k2 := sealkit.GenerateKey()
	s2 := apptest.SignedKeyStatement(t, gid, alice.ID, ak.sk, 2, k2, s1)
	mustStatus(t, "remove carol", alice.C.JSON(t, "POST", "/api/groups/"+gid+"/members/"+carol.ID+"/remove", map[string]any{
		"key_version": 1, "keys": []map[string]string{{"user_id": alice.ID, "encrypted_key": alice.SealKey(t, k2)}}, "key_statement": s2}), 200)

	br := newBrowser(t, m.URL)
	tb := br.newTab("alice")
	browserLogIn(t, tb, alice.Email, alice.Password)
	page := "/groups/" + gid
	tb.open(t, page, page)
	chainIs := func(t *testing.T, status, code string) {
		t.Helper()
		tb.waitJS(t, fmt.Sprintf("data-chain=%s (%s)", status, code), fmt.Sprintf(
			`(() => { const g = document.getElementById("group"); return g.dataset.chain === %q && g.dataset.chainCode === %q; })()`, status, code))
	}
	chainIs(t, "ok", "")
	gbWaitText(t, tb, "#group-name", name)
	// The pin: version 2, in alice's encrypted contacts (the page wrote them).
	tb.waitJS(t, "the goal form enabled", `!document.getElementById("group-goal-submit").disabled`)
	t.Logf("chain check on load: %s ms", mustEval[string](t, tb, `document.getElementById("group").dataset.chainMs`))

	evil := sealkit.GenerateKey()
	attacker := newAttacker(t)
	copies := func() int { return m.App.Count(t, "group_keys") }
	keysBefore := copies()
	startWrites := len(m.Writes())
	startSent := len(m.SocketSent())

	refused := func(t *testing.T, code string) {
		t.Helper()
		tb.reload(t, page)
		chainIs(t, "failed", code)
		tb.waitJS(t, "the warning", `(() => { const w = document.getElementById("group-chain"); return w && !w.hidden && w.textContent.includes("Nothing is written or shared"); })()`)
		if !mustEval[bool](t, tb, `(() => { const b = document.getElementById("group-goal-submit"); return b.disabled || document.getElementById("group-goal-form").hidden; })()`) {
			t.Errorf("%s: the page offers to write a goal", code)
		}
		// A write forced through the form is refused by the page too.
		mustEval[bool](t, tb, `(() => { document.getElementById("group-goal-title").value = "under the server's key"; document.getElementById("group-goal-form").requestSubmit(); return true; })()`)
	}
	withKey := func(body map[string]any, version int, key []byte) {
		body["keys"] = append(body["keys"].([]any), map[string]any{"key_version": version, "encrypted_key": alice.SealKey(t, key)})
	}
	s3 := func(signer string, sk []byte) string {
		return apptest.SignedKeyStatement(t, gid, signer, sk, 3, evil, s2)
	}

	t.Run("the group before the removal replayed: version 1, chain truncated", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			old := deepCopy(t, before)
			for k := range body {
				delete(body, k)
			}
			for k, v := range old {
				body[k] = v
			}
		})
		refused(t, "rollback")
	})
	t.Run("the chain kept, version 1 called current", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			body["key_version"] = 1
			withKey(body, 1, k1)
		})
		refused(t, "stale")
	})
	t.Run("a key of the server's own as version 3, no statement", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			body["key_version"] = 3
			withKey(body, 3, evil)
		})
		refused(t, "stale")
	})
	t.Run("version 3 with a statement alice did not sign", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			body["key_version"] = 3
			withKey(body, 3, evil)
			body["key_chain"] = append(body["key_chain"].([]any), s3(alice.ID, attacker.k.sk))
		})
		refused(t, "signature")
	})
	t.Run("version 3 signed by an identity not pinned for bob", func(t *testing.T) {
		m.Honest()
		forged := attacker.forgedBundle(t, bob, 2)
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			body["key_version"] = 3
			withKey(body, 3, evil)
			body["key_chain"] = append(body["key_chain"].([]any), s3(bob.ID, attacker.k.sk))
			for _, mb := range body["members"].([]any) {
				if row := mb.(map[string]any); row["user_id"] == bob.ID {
					row["identity_bundle"] = forged
				}
			}
		})
		refused(t, "signer")
	})
	t.Run("the version-2 copy swapped for a key of the server's own", func(t *testing.T) {
		m.Honest()
		m.Rewrite("GET", "/api/groups/"+gid, func(body map[string]any) {
			for _, k := range body["keys"].([]any) {
				if row := k.(map[string]any); fmt.Sprint(row["key_version"]) == "2" {
					row["encrypted_key"] = alice.SealKey(t, evil)
				}
			}
		})
		refused(t, "commitment")
	})

	m.Honest()
	noContentWrites(t, m, startWrites)
	for _, msg := range m.SocketSent()[startSent:] {
		if msg["type"] == "key_distributed" {
			t.Errorf("the lied-to page sealed a key: %v", msg)
		}
	}
	if n := copies(); n != keysBefore {
		t.Errorf("%d key copies stored while the page was lied to, want %d", n, keysBefore)
	}
	// A statement is only what it says: the forged version-3 statements
	// decode, so it was their checks that refused them.
	if raw, err := b64.Decode(s3(alice.ID, attacker.k.sk)); err != nil {
		t.Fatal(err)
	} else if _, _, _, err := identity.DecodeStatement(raw); err != nil {
		t.Fatal(err)
	}

	// Honest again: verified, writable.
	tb.reload(t, page)
	chainIs(t, "ok", "")
	tb.waitJS(t, "the goal form enabled", `!document.getElementById("group-goal-submit").disabled`)
	noBrowserTrouble(t, br, m.App)
}
