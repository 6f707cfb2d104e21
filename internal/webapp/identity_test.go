package webapp_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/identity"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// idKeys is an identity signing key pair made as the SDK makes one, with
// the signing key wrapped under the user's session key.
type idKeys struct {
	pk, sk, wrapped []byte
}

func newIDKeys(t *testing.T, u *apptest.User) idKeys {
	t.Helper()
	pk, sk, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		t.Fatal(err)
	}
	w, err := sealkit.EncryptPrivateKey(sk, u.SessionKey)
	if err != nil {
		t.Fatal(err)
	}
	return idKeys{pk, sk, w}
}

// signedBundle is m's bundle of version v under k, base64; mutate, when
// set, changes it before it is signed.
func signedBundle(t *testing.T, m *apptest.Member, k idKeys, v uint32, mutate func(*identity.Bundle)) string {
	t.Helper()
	b := &identity.Bundle{UserID: m.ID, X25519: m.PublicKey, Hybrid: m.PQPublicKey, IdentityKey: k.pk, Version: v}
	if mutate != nil {
		mutate(b)
	}
	signed, err := b.Sign(func(msg []byte, ctx string) ([]byte, error) { return sealkit.Sign(msg, ctx, k.sk) })
	if err != nil {
		t.Fatal(err)
	}
	return b64.Encode(signed)
}

func identityRow(t *testing.T, s *apptest.Server, id string) string {
	t.Helper()
	var pk, b, esk, resk string
	if err := s.App.Store().DB.QueryRow(`SELECT COALESCE(identity_public_key, ''), COALESCE(identity_bundle, ''),
		COALESCE(encrypted_signing_key, ''), COALESCE(encrypted_recovery_signing_key, '') FROM users WHERE id = $1`, id).Scan(&pk, &b, &esk, &resk); err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{pk, b, esk, resk}, "|")
}

// TestIdentityAPI, on each database: setting an identity key takes the
// password's proof (a stolen cookie plants nothing), a bundle is stored
// only when it is the account's, lists its keys and identity key, verifies
// and raises the version; /api/me and the group member list serve it as
// stored; a password change must carry the signing key; bad input to
// every new field is a clear 400 with nothing changed.
func TestIdentityAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		alice, bob := s.NewMember(t, "alice@example.test"), s.NewMember(t, "bob@example.test")
		anon := apptest.NewClient(s.URL)
		k := newIDKeys(t, alice.User)
		other := newIDKeys(t, alice.User)
		set := map[string]any{"auth_key": b64.Encode(alice.AuthKey), "identity_public_key": b64.Encode(k.pk),
			"encrypted_signing_key": b64.Encode(k.wrapped)}
		v1 := signedBundle(t, alice, k, 1, nil)
		short := strings.Repeat("A", 40)

		before := identityRow(t, s, alice.ID)
		for _, c := range []struct {
			name, method, path string
			client             *apptest.Client
			body               any
			status             int
			msg                string
		}{
			{"set/anonymous", "PUT", "/api/me/identity", anon, set, 401, "log in first"},
			{"set/no proof", "PUT", "/api/me/identity", alice.C, with(set, "auth_key", nil), 400, "auth_key: missing"},
			{"set/wrong proof", "PUT", "/api/me/identity", alice.C, with(set, "auth_key", b64.Encode(sealkit.GenerateKey())), 403, "wrong password"},
			{"set/another user's proof", "PUT", "/api/me/identity", bob.C, set, 403, "wrong password"},
			{"set/not a signing key", "PUT", "/api/me/identity", alice.C, with(set, "identity_public_key", b64.Encode(alice.PQPublicKey)), 400, "identity_public_key: not a signing public key"},
			{"set/short wrap", "PUT", "/api/me/identity", alice.C, with(set, "encrypted_signing_key", short), 400, "encrypted_signing_key"},
			{"set/bad base64", "PUT", "/api/me/identity", alice.C, with(set, "identity_public_key", "!!"), 400, "identity_public_key: not valid base64"},
			{"set/unknown field", "PUT", "/api/me/identity", alice.C, with(set, "signing_key", "x"), 400, "unknown field"},
			{"set/recovery wrap without recovery key", "PUT", "/api/me/identity", alice.C, with(set, "recovery_encrypted_signing_key", b64.Encode(k.wrapped)), 400, "recovery_encrypted_signing_key"},
			{"set/bundle of another user", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", signedBundle(t, alice, k, 1, func(b *identity.Bundle) { b.UserID = bob.ID })), 400, "names another account"},
			{"set/bundle with other keys", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", signedBundle(t, alice, k, 1, func(b *identity.Bundle) { b.X25519 = bob.PublicKey })), 400, "must list the account's public keys"},
			{"set/bundle without the PQ key", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", signedBundle(t, alice, k, 1, func(b *identity.Bundle) { b.Hybrid = nil })), 400, "must list the account's public keys"},
			{"set/bundle of another identity key", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", signedBundle(t, alice, other, 1, nil)), 400, "must list the account's identity key"},
			{"set/bundle signed by another key", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", signedBundle(t, alice, other, 1, func(b *identity.Bundle) { b.IdentityKey = k.pk })), 400, "signature does not verify"},
			{"set/garbage bundle", "PUT", "/api/me/identity", alice.C, with(set, "identity_bundle", b64.Encode([]byte{1, 2, 3})), 400, "is not a signed identity bundle"},
			{"publish/anonymous", "PUT", "/api/me/identity/bundle", anon, map[string]any{"identity_bundle": v1}, 401, "log in first"},
			{"publish/no identity key yet", "PUT", "/api/me/identity/bundle", alice.C, map[string]any{"identity_bundle": v1}, 400, "no identity key yet"},
			{"contacts/anonymous", "PUT", "/api/me/contacts", anon, map[string]any{"version": 0, "encrypted_contacts": b64.Encode(k.wrapped)}, 401, "log in first"},
			{"contacts/no version", "PUT", "/api/me/contacts", alice.C, map[string]any{"encrypted_contacts": b64.Encode(k.wrapped)}, 400, "version"},
			{"contacts/negative version", "PUT", "/api/me/contacts", alice.C, map[string]any{"version": -1, "encrypted_contacts": b64.Encode(k.wrapped)}, 400, "version"},
			{"contacts/stale version", "PUT", "/api/me/contacts", alice.C, map[string]any{"version": 5, "encrypted_contacts": b64.Encode(k.wrapped)}, 409, "changed meanwhile"},
			{"contacts/plaintext", "PUT", "/api/me/contacts", alice.C, map[string]any{"version": 0, "encrypted_contacts": b64.Encode([]byte(`{"v":1,"contacts":{"bob":{"fp":"AAAA","verified":true}}}`))}, 400, "readable text"},
			{"contacts/bad base64", "PUT", "/api/me/contacts", alice.C, map[string]any{"version": 0, "encrypted_contacts": "!!"}, 400, "not valid base64"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.client.JSON(t, c.method, c.path, c.body)
				if r.Status != c.status || !strings.Contains(r.Error(), c.msg) {
					t.Errorf("%d %q, want %d and %q", r.Status, r.Error(), c.status, c.msg)
				}
			})
		}
		if identityRow(t, s, alice.ID) != before {
			t.Fatal("a refused request changed alice's identity")
		}

		// The identity key with the password, then the bundle with the session.
		if r := alice.C.JSON(t, "PUT", "/api/me/identity", set); r.Status != 204 {
			t.Fatalf("set identity: %d %s", r.Status, r.Error())
		}
		if r := alice.C.JSON(t, "PUT", "/api/me/identity/bundle", map[string]any{"identity_bundle": signedBundle(t, alice, other, 1, nil)}); r.Status != 400 {
			t.Fatalf("bundle of another identity key: %d", r.Status)
		}
		if r := alice.C.JSON(t, "PUT", "/api/me/identity/bundle", map[string]any{"identity_bundle": v1}); r.Status != 204 {
			t.Fatalf("publish: %d %s", r.Status, r.Error())
		}
		// Replaying it (or any version not above) is refused.
		if r := alice.C.JSON(t, "PUT", "/api/me/identity/bundle", map[string]any{"identity_bundle": v1}); r.Status != 400 || !strings.Contains(r.Error(), "version must be above") {
			t.Fatalf("replay: %d %s", r.Status, r.Error())
		}
		var me map[string]any
		alice.C.JSON(t, "GET", "/api/me", nil).JSON(t, &me)
		if me["identity_bundle"] != v1 || me["identity_public_key"] != b64.Encode(k.pk) || me["encrypted_signing_key"] != b64.Encode(k.wrapped) {
			t.Fatalf("/api/me: %v %v", me["identity_bundle"] == v1, me["identity_public_key"] == b64.Encode(k.pk))
		}
		served, err := b64.Decode(me["identity_bundle"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := identity.OpenComposite(served, alice.ID, nil); err != nil {
			t.Fatalf("served bundle: %v", err)
		}

		// A password change must carry the signing key now.
		fields, newAuth := newPassword(t, alice.User, "alice's new password")
		change := with(fields, "auth_key", b64.Encode(alice.AuthKey), "new_auth_key", b64.Encode(newAuth), "end_other_sessions", false)
		if r := alice.C.JSON(t, "POST", "/api/auth/password", change); r.Status != 400 || !strings.Contains(r.Error(), "encrypted_signing_key: required") {
			t.Fatalf("password change without the signing key: %d %s", r.Status, r.Error())
		}
		if r := bob.C.JSON(t, "POST", "/api/auth/password", with(change, "auth_key", b64.Encode(bob.AuthKey), "encrypted_signing_key", b64.Encode(k.wrapped))); r.Status != 400 || !strings.Contains(r.Error(), "no identity key") {
			t.Fatalf("password change of an account without identity, with a signing key: %d %s", r.Status, r.Error())
		}
		if r := alice.C.JSON(t, "POST", "/api/auth/password", with(change, "encrypted_signing_key", b64.Encode(k.wrapped))); r.Status != 200 {
			t.Fatalf("password change: %d %s", r.Status, r.Error())
		}

		// Contacts: a compare-and-swap on their version.
		ct, _ := sealkit.EncryptSecretbox([]byte(`{"v":1,"contacts":{}}`), alice.UserKey)
		var got struct{ Version int64 }
		if r := alice.C.JSON(t, "PUT", "/api/me/contacts", map[string]any{"version": 0, "encrypted_contacts": b64.Encode(ct)}); r.Status != 200 {
			t.Fatalf("contacts: %d %s", r.Status, r.Error())
		} else {
			r.JSON(t, &got)
		}
		if got.Version != 1 {
			t.Fatalf("contacts version %d", got.Version)
		}
		if r := alice.C.JSON(t, "PUT", "/api/me/contacts", map[string]any{"version": 0, "encrypted_contacts": b64.Encode(ct)}); r.Status != 409 {
			t.Fatalf("second write at version 0: %d", r.Status)
		}
	})
}

// TestIdentityRecovery, on each database: a recovery key set after the
// identity key must wrap it too, and the recovery then carries it (both
// new wraps required); a recovery key older than the identity key holds no
// wrap of it, so the recovery drops the identity key — not the bundle,
// whose version the next one must exceed.
func TestIdentityRecovery(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		anon := apptest.NewClient(s.URL)
		var nAuth []byte // the recovered password's auth key
		recoverAs := func(m *apptest.Member, rec map[string]any) (accounts.RecoveryBundle, map[string]any) {
			t.Helper()
			var bundle accounts.RecoveryBundle
			r := anon.JSON(t, "POST", "/api/auth/recover", map[string]any{"email": m.Email, "recovery_auth_key": rec["recovery_auth_key"]})
			if r.Status != 200 {
				t.Fatalf("recover: %d %s", r.Status, r.Error())
			}
			r.JSON(t, &bundle)
			var nf map[string]any
			nf, nAuth = newPassword(t, m.User, "recovered password of "+m.Email)
			next, _ := newRecovery(t, m.User)
			return bundle, with(nf, "email", m.Email, "recovery_auth_key", rec["recovery_auth_key"], "key_generation", bundle.KeyGeneration,
				"auth_key", b64.Encode(nAuth), "new_recovery_auth_key", next["recovery_auth_key"],
				"recovery_encrypted_private_key", next["recovery_encrypted_private_key"],
				"recovery_encrypted_pq_private_key", next["recovery_encrypted_pq_private_key"])
		}

		// Bob: identity first, then a recovery key that must wrap it.
		bob := s.NewMember(t, "bob@example.test")
		k := giveIdentity(t, bob, 1)
		rec, _ := newRecovery(t, bob.User)
		setRec := with(rec, "auth_key", b64.Encode(bob.AuthKey))
		if r := bob.C.JSON(t, "PUT", "/api/auth/recovery", setRec); r.Status != 400 || !strings.Contains(r.Error(), "recovery_encrypted_signing_key: required") {
			t.Fatalf("recovery key without the signing key's wrap: %d %s", r.Status, r.Error())
		}
		wrap := b64.Encode(bytes.Repeat([]byte{0x5a, 0xc3, 0x11, 0x8f}, 32)) // 128 bytes, as a wrap is
		if r := bob.C.JSON(t, "PUT", "/api/auth/recovery", with(setRec, "recovery_encrypted_signing_key", wrap)); r.Status != 204 {
			t.Fatalf("recovery key: %d %s", r.Status, r.Error())
		}
		bundle, finish := recoverAs(bob, rec)
		if b64.Encode(bundle.RecoveryEncryptedSigningKey) != wrap || !bytes.Equal(bundle.IdentityPublicKey, k.pk) {
			t.Fatal("the recovery does not hand out the signing key's wrap and identity key")
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", finish); r.Status != 400 || !strings.Contains(r.Error(), "encrypted_signing_key: required") {
			t.Fatalf("recovery without the signing key: %d %s", r.Status, r.Error())
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", with(finish, "encrypted_signing_key", b64.Encode(k.wrapped), "recovery_encrypted_signing_key", wrap)); r.Status != 200 {
			t.Fatalf("recovery: %d %s\n%s", r.Status, r.Error(), s.Log.String())
		}
		if row := strings.Split(identityRow(t, s, bob.ID), "|"); row[0] != b64.Encode(k.pk) || row[1] == "" || row[3] == "" {
			t.Fatal("bob's identity did not survive the recovery")
		}

		// Alice: a recovery key first, then an identity key it cannot wrap.
		alice := s.NewMember(t, "alice@example.test")
		rec, _ = newRecovery(t, alice.User)
		if r := alice.C.JSON(t, "PUT", "/api/auth/recovery", with(rec, "auth_key", b64.Encode(alice.AuthKey))); r.Status != 204 {
			t.Fatalf("recovery key: %d %s", r.Status, r.Error())
		}
		giveIdentity(t, alice, 1)
		bundle, finish = recoverAs(alice, rec)
		if bundle.RecoveryEncryptedSigningKey != nil || bundle.IdentityPublicKey != nil {
			t.Fatal("a recovery key older than the identity key hands out a signing key")
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", with(finish, "encrypted_signing_key", wrap)); r.Status != 400 {
			t.Fatalf("a signing key the recovery cannot have opened: %d", r.Status)
		}
		rc := apptest.NewClient(s.URL) // logged in by the recovery
		if r := rc.JSON(t, "POST", "/api/auth/recover/finish", finish); r.Status != 200 {
			t.Fatalf("recovery: %d %s", r.Status, r.Error())
		}
		row := strings.Split(identityRow(t, s, alice.ID), "|")
		if row[0] != "" || row[2] != "" || row[1] == "" {
			t.Fatalf("after the recovery alice's identity key must be gone and her bundle kept: %v", []bool{row[0] == "", row[1] == "", row[2] == ""})
		}
		// A new identity key: its bundle must be above the kept one.
		nk := newIDKeys(t, alice.User)
		set := map[string]any{"auth_key": b64.Encode(nAuth), "identity_public_key": b64.Encode(nk.pk), "encrypted_signing_key": b64.Encode(nk.wrapped)}
		if r := rc.JSON(t, "PUT", "/api/me/identity", with(set, "identity_bundle", signedBundle(t, alice, nk, 1, nil))); r.Status != 400 || !strings.Contains(r.Error(), "version must be above") {
			t.Fatalf("a new key's bundle at the old version: %d %s", r.Status, r.Error())
		}
		if r := rc.JSON(t, "PUT", "/api/me/identity", with(set, "identity_bundle", signedBundle(t, alice, nk, 2, nil))); r.Status != 204 {
			t.Fatalf("a new key's bundle, version 2: %d %s", r.Status, r.Error())
		}
	})
}
