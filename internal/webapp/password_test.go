package webapp_test

import (
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// newPassword is what the SDK's rewrapUser makes of u's private keys for
// password: the body fields of a password change (without the proof) and
// the new auth key.
func newPassword(t *testing.T, u *apptest.User, password string) (map[string]any, []byte) {
	t.Helper()
	salt := sealkit.GenerateSalt()
	sk, err := sealkit.DeriveSessionKey(password, salt)
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := sealkit.DeriveAuthKey(sk)
	epk, _ := sealkit.EncryptPrivateKey(u.PrivateKey, sk)
	epq, _ := sealkit.EncryptPrivateKey(u.PQSeed, sk)
	return map[string]any{"key_hash": sealkit.FormatKeyHash(salt), "encrypted_private_key": b64.Encode(epk),
		"encrypted_pq_private_key": b64.Encode(epq)}, ak
}

// newRecovery is what the SDK's makeRecovery makes for u: the request
// fields (recovery_auth_key and the wraps) and the key as shown.
func newRecovery(t *testing.T, u *apptest.User) (map[string]any, string) {
	t.Helper()
	rk, err := sealkit.GenerateRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	ak, _ := accounts.DeriveRecoveryAuthKey(rk.Secret)
	epk, _ := sealkit.EncryptPrivateKeyForRecovery(u.PrivateKey, rk.Secret)
	epq, _ := sealkit.EncryptPrivateKeyForRecovery(u.PQSeed, rk.Secret)
	return map[string]any{"recovery_auth_key": b64.Encode(ak), "recovery_encrypted_private_key": b64.Encode(epk),
		"recovery_encrypted_pq_private_key": b64.Encode(epq)}, rk.Key
}

// usersRow is the whole stored row of a user, to see that a refusal
// changed nothing.
func usersRow(t *testing.T, s *apptest.Server, id string) string {
	t.Helper()
	var kh, ah, epk, rh string
	var gen int64
	if err := s.App.Store().DB.QueryRow(`SELECT key_hash, auth_hash, encrypted_private_key, COALESCE(recovery_hash, ''), key_generation
		FROM users WHERE id = $1`, id).Scan(&kh, &ah, &epk, &rh, &gen); err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{kh, ah, epk, rh, string(rune('0' + gen))}, "|")
}

func with(m map[string]any, kv ...any) map[string]any {
	out := maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// TestPasswordAndRecoveryRoutes, on each database: bad input to every new
// route is a 4xx naming the problem and changes nothing; another user's
// session cannot act on your account; a replayed or concurrent duplicate
// password change is refused; the recovery answers alike for unknown
// addresses, accounts without a key and wrong keys; a recovery ends every
// session and replaces the recovery key.
func TestPasswordAndRecoveryRoutes(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *apptest.DB) {
		s := apptest.Start(t, db, nil)
		alice, bob := s.NewMember(t, "alice@example.test"), s.NewMember(t, "bob@example.test")
		anon := apptest.NewClient(s.URL)
		short := strings.Repeat("A", 42) + "==" // 31 bytes
		readable := b64.Encode([]byte(strings.Repeat("my private key in the clear, oops! ", 3)[:84]))

		// A recovery key for alice, with her password's proof.
		rec, _ := newRecovery(t, alice.User)
		setRec := with(rec, "auth_key", b64.Encode(alice.AuthKey))
		fields, newAuth := newPassword(t, alice.User, "alice's new password")
		change := with(fields, "auth_key", b64.Encode(alice.AuthKey), "new_auth_key", b64.Encode(newAuth), "end_other_sessions", false)

		before := usersRow(t, s, alice.ID)
		for _, c := range []struct {
			name, method, path string
			client             *apptest.Client
			body               any
			status             int
			msg                string
		}{
			{"password/anonymous", "POST", "/api/auth/password", anon, change, 401, "log in first"},
			{"password/bad base64", "POST", "/api/auth/password", alice.C, with(change, "new_auth_key", "!!"), 400, "new_auth_key: not valid base64"},
			{"password/short auth key", "POST", "/api/auth/password", alice.C, with(change, "auth_key", short), 400, "auth_key: wrong length"},
			{"password/short wrap", "POST", "/api/auth/password", alice.C, with(change, "encrypted_private_key", short), 400, "encrypted_private_key: wrong length: expected 84"},
			{"password/plaintext wrap", "POST", "/api/auth/password", alice.C, with(change, "encrypted_pq_private_key", readable), 400, "readable text"},
			{"password/bad key_hash", "POST", "/api/auth/password", alice.C, with(change, "key_hash", "AAAA$argon2id"), 400, "key_hash"},
			{"password/same salt", "POST", "/api/auth/password", alice.C, with(change, "key_hash", alice.Register["key_hash"]), 400, "key_hash: must carry a new salt"},
			{"password/missing field", "POST", "/api/auth/password", alice.C, with(change, "encrypted_private_key", nil), 400, "encrypted_private_key: missing"},
			{"password/unknown field", "POST", "/api/auth/password", alice.C, with(change, "password", "x"), 400, "unknown field"},
			{"password/wrong proof", "POST", "/api/auth/password", alice.C, with(change, "auth_key", b64.Encode(sealkit.GenerateKey())), 403, "wrong password"},
			// Bob's session with Alice's proof acts on Bob's account only,
			// where Alice's proof is wrong.
			{"password/another user's proof", "POST", "/api/auth/password", bob.C, change, 403, "wrong password"},
			{"password/GET", "GET", "/api/auth/password", alice.C, nil, 405, ""},
			{"recovery/anonymous", "PUT", "/api/auth/recovery", anon, setRec, 401, "log in first"},
			{"recovery/short key", "PUT", "/api/auth/recovery", alice.C, with(setRec, "recovery_auth_key", short), 400, "recovery_auth_key: wrong length"},
			{"recovery/plaintext wrap", "PUT", "/api/auth/recovery", alice.C, with(setRec, "recovery_encrypted_private_key", readable), 400, "readable text"},
			{"recovery/no proof", "PUT", "/api/auth/recovery", alice.C, with(setRec, "auth_key", nil), 400, "auth_key: missing"},
			{"recovery/another user's proof", "PUT", "/api/auth/recovery", bob.C, setRec, 403, "wrong password"},
			{"recover/bad email", "POST", "/api/auth/recover", anon, map[string]any{"email": "nope", "recovery_auth_key": rec["recovery_auth_key"]}, 400, "email"},
			{"recover/short key", "POST", "/api/auth/recover", anon, map[string]any{"email": alice.Email, "recovery_auth_key": short}, 400, "recovery_auth_key: wrong length"},
			{"recover/unknown field", "POST", "/api/auth/recover", anon, map[string]any{"email": alice.Email, "recovery_key": "x"}, 400, "unknown field"},
			{"recover/no recovery key yet", "POST", "/api/auth/recover", anon, map[string]any{"email": alice.Email, "recovery_auth_key": rec["recovery_auth_key"]}, 401, "wrong email address or recovery key"},
			{"recover/finish without proof", "POST", "/api/auth/recover/finish", anon, map[string]any{"email": alice.Email}, 400, "recovery_auth_key: missing"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.client.JSON(t, c.method, c.path, c.body)
				if r.Status != c.status || !strings.Contains(r.Error(), c.msg) {
					t.Errorf("%d %q, want %d and %q", r.Status, r.Error(), c.status, c.msg)
				}
			})
		}
		if usersRow(t, s, alice.ID) != before {
			t.Fatal("a refused request changed alice's row")
		}

		if r := alice.C.JSON(t, "PUT", "/api/auth/recovery", setRec); r.Status != 204 {
			t.Fatalf("set recovery: %d %s", r.Status, r.Error())
		}
		var me struct {
			HasRecovery bool `json:"has_recovery"`
		}
		alice.C.JSON(t, "GET", "/api/me", nil).JSON(t, &me)
		if !me.HasRecovery {
			t.Error("/api/me has_recovery false after setting one")
		}

		// Two identical changes at once: one succeeds, the other is refused
		// (its proof or its generation is stale); a replay afterwards too.
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := alice.C.TryJSON("POST", "/api/auth/password", change)
				if err == nil {
					statuses[i] = r.Status
				}
			}()
		}
		wg.Wait()
		if ok := (statuses[0] == 200) != (statuses[1] == 200); !ok || statuses[0]+statuses[1] != 200+403 && statuses[0]+statuses[1] != 200+409 {
			t.Fatalf("two identical changes at once: %v, want one 200 and one 403 or 409", statuses)
		}
		after := usersRow(t, s, alice.ID)
		if r := alice.C.JSON(t, "POST", "/api/auth/password", change); r.Status != 403 {
			t.Errorf("replay: %d %s", r.Status, r.Error())
		}
		if usersRow(t, s, alice.ID) != after {
			t.Error("the replay changed the row")
		}
		alice.AuthKey = newAuth

		// Recovery: unknown address, bob (no key) and a wrong key answer alike.
		wrong := map[string]any{"email": alice.Email, "recovery_auth_key": b64.Encode(sealkit.GenerateKey())}
		for _, body := range []map[string]any{wrong, with(wrong, "email", "nobody@example.test"), with(rec, "email", bob.Email, "recovery_encrypted_private_key", nil, "recovery_encrypted_pq_private_key", nil)} {
			if r := anon.JSON(t, "POST", "/api/auth/recover", body); r.Status != 401 || r.Error() != "wrong email address or recovery key" {
				t.Errorf("%v: %d %q", body["email"], r.Status, r.Error())
			}
		}
		var bundle accounts.RecoveryBundle
		r := anon.JSON(t, "POST", "/api/auth/recover", map[string]any{"email": alice.Email, "recovery_auth_key": rec["recovery_auth_key"]})
		if r.Status != 200 {
			t.Fatalf("recover: %d %s", r.Status, r.Error())
		}
		r.JSON(t, &bundle)
		nf, nAuth := newPassword(t, alice.User, "alice's recovered password")
		next, _ := newRecovery(t, alice.User)
		finish := with(nf, "email", alice.Email, "recovery_auth_key", rec["recovery_auth_key"], "key_generation", bundle.KeyGeneration,
			"auth_key", b64.Encode(nAuth), "new_recovery_auth_key", next["recovery_auth_key"],
			"recovery_encrypted_private_key", next["recovery_encrypted_private_key"],
			"recovery_encrypted_pq_private_key", next["recovery_encrypted_pq_private_key"])
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", with(finish, "key_generation", bundle.KeyGeneration-1)); r.Status != 409 {
			t.Errorf("stale generation: %d %s", r.Status, r.Error())
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", with(finish, "auth_key", short)); r.Status != 400 {
			t.Errorf("short auth key: %d %s", r.Status, r.Error())
		}
		rc := apptest.NewClient(s.URL)
		if r := rc.JSON(t, "POST", "/api/auth/recover/finish", finish); r.Status != 200 {
			t.Fatalf("finish: %d %s", r.Status, r.Error())
		}
		if r := alice.C.JSON(t, "GET", "/api/me", nil); r.Status != 401 {
			t.Errorf("alice's old session after the recovery: %d", r.Status)
		}
		if r := rc.JSON(t, "GET", "/api/me", nil); r.Status != 200 {
			t.Errorf("the recovering browser's new session: %d", r.Status)
		}
		if r := bob.C.JSON(t, "GET", "/api/me", nil); r.Status != 200 {
			t.Errorf("bob's session after alice's recovery: %d", r.Status)
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover/finish", finish); r.Status != 401 {
			t.Errorf("replayed finish (the used key): %d %s", r.Status, r.Error())
		}
		if r := anon.JSON(t, "POST", "/api/auth/recover", map[string]any{"email": alice.Email, "recovery_auth_key": next["recovery_auth_key"]}); r.Status != 200 {
			t.Errorf("the new recovery key: %d %s", r.Status, r.Error())
		}
		for _, line := range strings.Split(s.Log.String(), "\n") {
			for _, secret := range []string{b64.Encode(nAuth), rec["recovery_auth_key"].(string), next["recovery_auth_key"].(string)} {
				if strings.Contains(line, secret) {
					t.Errorf("the log holds a key: %s", line)
				}
			}
		}
	})
}
