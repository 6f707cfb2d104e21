package webapp_test

import (
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/internal/webapp"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// groupJSON is GET /api/groups/{id}.
type groupJSON struct {
	ID             string `json:"id"`
	Role           string `json:"role"`
	Pending        bool   `json:"pending"`
	KeyVersion     int64  `json:"key_version"`
	RotationNeeded bool   `json:"rotation_needed"`
	EncryptedName  string `json:"encrypted_name"`
	NameKeyVersion int64  `json:"name_key_version"`
	Keys           []struct {
		KeyVersion   int64  `json:"key_version"`
		EncryptedKey string `json:"encrypted_key"`
	} `json:"keys"`
	Members []struct {
		UserID         string `json:"user_id"`
		Role           string `json:"role"`
		Pending        bool   `json:"pending"`
		PublicKey      string `json:"public_key"`
		PQPublicKey    string `json:"pq_public_key"`
		EncryptedLabel string `json:"encrypted_label"`
		You            bool   `json:"you"`
	} `json:"members"`
	Invitations []struct {
		ID             string `json:"id"`
		EncryptedLabel string `json:"encrypted_label"`
	} `json:"invitations"`
	Goals []struct {
		ID             string `json:"id"`
		EncryptedTitle string `json:"encrypted_title"`
		KeyVersion     int64  `json:"key_version"`
		Checkins       []struct {
			UserID        string `json:"user_id"`
			Day           string `json:"day"`
			EncryptedNote string `json:"encrypted_note"`
			KeyVersion    int64  `json:"key_version"`
		} `json:"checkins"`
	} `json:"goals"`
	Stale int `json:"stale"`
}

func getGroup(t *testing.T, m *apptest.Member, id string) *groupJSON {
	t.Helper()
	r := m.C.JSON(t, "GET", "/api/groups/"+id, nil)
	if r.Status != 200 {
		t.Fatalf("GET group as %s: %d %s", m.Email, r.Status, r.Body)
	}
	var g groupJSON
	r.JSON(t, &g)
	return &g
}

// keyOf opens m's copy of version v of the group key.
func (g *groupJSON) keyOf(t *testing.T, m *apptest.Member, v int64) []byte {
	t.Helper()
	for _, k := range g.Keys {
		if k.KeyVersion == v {
			return m.OpenKey(t, k.EncryptedKey)
		}
	}
	t.Fatalf("%s holds no key of version %d", m.Email, v)
	return nil
}

func wantStatus(t *testing.T, r *apptest.Response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: got %d %s, want %d", what, r.Status, r.Body, want)
	}
}

func isPendingFor(gid, uid string) func(apptest.Msg) bool {
	return func(m apptest.Msg) bool {
		if m.Type() != "pending" || m.Str("group_id") != gid {
			return false
		}
		ms, _ := m["members"].([]any)
		for _, x := range ms {
			if p, _ := x.(map[string]any); p["user_id"] == uid {
				return true
			}
		}
		return false
	}
}

func changed(gid, reason string) func(apptest.Msg) bool {
	return func(m apptest.Msg) bool {
		return m.Type() == "group_changed" && m.Str("group_id") == gid && m.Str("reason") == reason
	}
}

// TestGroupLifecycle drives the group protocol through the API and the
// WebSocket with real crypto in Go, on each database: create, invite,
// accept, the pending push, key distribution, content, removal with
// rotation, re-encryption, and the removed member's loss of access.
func TestGroupLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, &apptest.Options{Config: func(c *webapp.Config) { c.SaltLimit = 1000 }})
		a := s.NewMember(t, "alice@example.test")
		b := s.NewMember(t, "bob@example.test")
		c := s.NewMember(t, "carol@example.test")

		k1 := sealkit.GenerateKey()
		ngid := apptest.NewRowID()
		r := a.C.JSON(t, "POST", "/api/groups", map[string]string{"id": ngid,
			"encrypted_name": apptest.Encrypt(t, "Morning runners", k1), "encrypted_key": a.SealKey(t, k1),
			"key_statement": apptest.KeyStatement(t, ngid, a.ID, 1, k1, ""),
		})
		wantStatus(t, r, 201, "create group")
		var created struct {
			ID string `json:"id"`
		}
		r.JSON(t, &created)
		gid := created.ID

		aws := a.C.Dial(t)
		aws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })

		bws0 := b.C.Dial(t)
		bws0.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })

		// Invitations: a known and an unknown address get the same answer.
		for _, email := range []string{"Bob@Example.test", "nobody@example.test", "carol@example.test"} {
			r := a.C.JSON(t, "POST", "/api/groups/"+gid+"/invitations", map[string]any{
				"email": email, "encrypted_label": apptest.Encrypt(t, email, k1), "key_version": 1,
			})
			wantStatus(t, r, 202, "invite "+email)
			if string(r.Body) != "{\"status\":\"invited\"}\n" {
				t.Fatalf("invite answer %q", r.Body)
			}
		}
		// Bob's open pages hear of it (and only the invitee's).
		bws0.Await("invited push", changed(gid, "invited"))
		if g := getGroup(t, a, gid); len(g.Invitations) != 3 {
			t.Fatalf("%d invitations, want 3", len(g.Invitations))
		}
		var list struct {
			Invitations []struct {
				ID      string `json:"id"`
				GroupID string `json:"group_id"`
			} `json:"invitations"`
		}
		b.C.JSON(t, "GET", "/api/groups", nil).JSON(t, &list)
		if len(list.Invitations) != 1 || list.Invitations[0].GroupID != gid {
			t.Fatalf("bob's invitations: %+v", list.Invitations)
		}
		// Carol cannot accept Bob's invitation.
		wantStatus(t, c.C.JSON(t, "POST", "/api/invitations/"+list.Invitations[0].ID+"/accept", nil), 404, "accept another's invitation")
		wantStatus(t, b.C.JSON(t, "POST", "/api/invitations/"+list.Invitations[0].ID+"/accept", nil), 200, "accept")

		// Bob is pending; Alice's socket is told.
		aws.Await("pending push for bob", isPendingFor(gid, b.ID))
		gb := getGroup(t, b, gid)
		if !gb.Pending || len(gb.Keys) != 0 {
			t.Fatalf("bob after accepting: pending %v, %d keys", gb.Pending, len(gb.Keys))
		}
		wantStatus(t, b.C.JSON(t, "POST", "/api/groups/"+gid+"/goals", map[string]any{
			"encrypted_title": apptest.Encrypt(t, "x", sealkit.GenerateKey()), "key_version": 1,
		}), 403, "pending member writes")

		// Bob's socket sees the key arrive; a second delivery is refused.
		bws := b.C.Dial(t)
		bws.Await("hello", func(m apptest.Msg) bool { return m.Type() == "hello" })
		ga := getGroup(t, a, gid)
		var bobPK, bobPQ string
		for _, m := range ga.Members {
			if m.UserID == b.ID {
				bobPK, bobPQ = m.PublicKey, m.PQPublicKey
				if label, err := apptest.Decrypt(m.EncryptedLabel, k1); err != nil || label != "Bob@Example.test" {
					t.Fatalf("bob's label %q %v", label, err)
				}
			}
		}
		sealed := apptest.SealKeyTo(t, k1, bobPK, bobPQ)
		aws.Send(map[string]any{"type": "key_distributed", "ref": "1", "group_id": gid, "user_id": b.ID, "key_version": 1, "encrypted_key": sealed})
		aws.Await("ack", func(m apptest.Msg) bool { return m.Type() == "ack" && m.Str("ref") == "1" })
		bws.Await("key push", changed(gid, "key"))
		aws.Send(map[string]any{"type": "key_distributed", "ref": "2", "group_id": gid, "user_id": b.ID, "key_version": 1, "encrypted_key": sealed})
		e := aws.Await("error", func(m apptest.Msg) bool { return m.Type() == "error" && m.Str("ref") == "2" })
		if e.Str("error") != "user_id: this member is not pending: it already holds the current key" {
			t.Fatalf("second delivery: %v", e)
		}
		gb = getGroup(t, b, gid)
		if gb.Pending {
			t.Fatal("bob still pending")
		}
		if name, err := apptest.Decrypt(gb.EncryptedName, gb.keyOf(t, b, 1)); err != nil || name != "Morning runners" {
			t.Fatalf("bob reads the name: %q %v", name, err)
		}

		// Content under key 1.
		r = a.C.JSON(t, "POST", "/api/groups/"+gid+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "Run 5k", k1), "key_version": 1})
		wantStatus(t, r, 201, "goal")
		var goal struct {
			ID string `json:"id"`
		}
		r.JSON(t, &goal)
		wantStatus(t, b.C.JSON(t, "PUT", "/api/groups/"+gid+"/goals/"+goal.ID+"/checkins/2026-12-01", map[string]any{
			"encrypted_note": apptest.Encrypt(t, "felt great", k1), "key_version": 1,
		}), 204, "bob checks in")

		// Removing Bob needs the new key for exactly Alice (Carol has not accepted).
		k2 := sealkit.GenerateKey()
		wantStatus(t, a.C.JSON(t, "POST", "/api/groups/"+gid+"/members/"+b.ID+"/remove", map[string]any{
			"key_version": 1, "keys": []map[string]string{{"user_id": a.ID, "encrypted_key": a.SealKey(t, k2)}, {"user_id": b.ID, "encrypted_key": b.SealKey(t, k2)}},
			"key_statement": apptest.NextKeyStatement(t, a, gid, k2),
		}), 409, "remove with the key sealed to the removed member too")
		r = a.C.JSON(t, "POST", "/api/groups/"+gid+"/members/"+b.ID+"/remove", map[string]any{
			"key_version": 1, "keys": []map[string]string{{"user_id": a.ID, "encrypted_key": a.SealKey(t, k2)}},
			"key_statement": apptest.NextKeyStatement(t, a, gid, k2),
		})
		wantStatus(t, r, 200, "remove bob")
		bws.Await("removed push", changed(gid, "removed"))
		wantStatus(t, b.C.JSON(t, "GET", "/api/groups/"+gid, nil), 404, "bob reads after removal")
		wantStatus(t, a.C.JSON(t, "POST", "/api/groups/"+gid+"/goals", map[string]any{"encrypted_title": apptest.Encrypt(t, "old key", k1), "key_version": 1}), 409, "write under the old version")

		// Re-encrypt everything under key 2; then the old copies are gone.
		ga = getGroup(t, a, gid)
		// The name, two invitations, the goal and Bob's check-in (Bob's own
		// label left with him).
		if ga.KeyVersion != 2 || ga.Stale != 5 {
			t.Fatalf("after removal: version %d, stale %d; want 2, 5", ga.KeyVersion, ga.Stale)
		}
		for {
			var batch struct {
				Stale int `json:"stale"`
				Items []struct {
					Kind       string `json:"kind"`
					ID         string `json:"id"`
					KeyVersion int64  `json:"key_version"`
					Ciphertext string `json:"ciphertext"`
				} `json:"items"`
			}
			a.C.JSON(t, "GET", "/api/groups/"+gid+"/reencrypt?limit=2", nil).JSON(t, &batch)
			if len(batch.Items) == 0 {
				break
			}
			var items []map[string]any
			for _, it := range batch.Items {
				p, err := apptest.Decrypt(it.Ciphertext, k1)
				if err != nil {
					t.Fatalf("open stale %s: %v", it.Kind, err)
				}
				items = append(items, map[string]any{"kind": it.Kind, "id": it.ID, "from_version": it.KeyVersion, "ciphertext": apptest.Encrypt(t, p, k2)})
			}
			wantStatus(t, a.C.JSON(t, "POST", "/api/groups/"+gid+"/reencrypt", map[string]any{"key_version": 2, "items": items}), 200, "re-encrypt")
		}
		ga = getGroup(t, a, gid)
		if ga.Stale != 0 || len(ga.Keys) != 1 || ga.Keys[0].KeyVersion != 2 {
			t.Fatalf("after re-encryption: stale %d, keys %+v", ga.Stale, ga.Keys)
		}
		k := ga.keyOf(t, a, 2)
		if note, err := apptest.Decrypt(ga.Goals[0].Checkins[0].EncryptedNote, k); err != nil || note != "felt great" {
			t.Fatalf("bob's old check-in under key 2: %q %v", note, err)
		}
		if _, err := apptest.Decrypt(ga.Goals[0].EncryptedTitle, k1); err == nil {
			t.Fatal("content still opens with the old key")
		}
		if n := s.Count(t, "group_keys"); n != 1 {
			t.Fatalf("%d group key rows, want 1", n)
		}
	})
}
