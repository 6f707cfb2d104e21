package accounts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/internal/b64"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

// rewrap is what the SDK's rewrapUser makes of u's private keys for a new
// password: a new salt, session key and auth key, the keys re-wrapped.
func rewrap(t *testing.T, u *apptest.User, password string) (keyHash string, authKey, epk, epq []byte) {
	t.Helper()
	salt := sealkit.GenerateSalt()
	sk, err := sealkit.DeriveSessionKey(password, salt)
	if err != nil {
		t.Fatal(err)
	}
	if authKey, err = sealkit.DeriveAuthKey(sk); err != nil {
		t.Fatal(err)
	}
	if epk, err = sealkit.EncryptPrivateKey(u.PrivateKey, sk); err != nil {
		t.Fatal(err)
	}
	if epq, err = sealkit.EncryptPrivateKey(u.PQSeed, sk); err != nil {
		t.Fatal(err)
	}
	return sealkit.FormatKeyHash(salt), authKey, epk, epq
}

// recoveryKey is what the SDK's makeRecovery makes for u: the key as
// shown, its auth key and the wraps.
type recoveryKey struct {
	key      string
	authKey  []byte
	epk, epq []byte
	secret   []byte
}

func newRecoveryKey(t *testing.T, u *apptest.User) recoveryKey {
	t.Helper()
	rk, err := sealkit.GenerateRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	r := recoveryKey{key: rk.Key, secret: rk.Secret}
	if r.authKey, err = accounts.DeriveRecoveryAuthKey(rk.Secret); err != nil {
		t.Fatal(err)
	}
	if r.epk, err = sealkit.EncryptPrivateKeyForRecovery(u.PrivateKey, rk.Secret); err != nil {
		t.Fatal(err)
	}
	if r.epq, err = sealkit.EncryptPrivateKeyForRecovery(u.PQSeed, rk.Secret); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r recoveryKey) setup(u *apptest.User) accounts.RecoverySetup {
	return accounts.RecoverySetup{AuthKey: b64.Encode(u.AuthKey), RecoveryAuthKey: b64.Encode(r.authKey),
		RecoveryEncryptedPrivateKey: b64.Encode(r.epk), RecoveryEncryptedPQPrivateKey: b64.Encode(r.epq)}
}

// userRow is the stored row's columns that no password change or
// recovery may touch, and those it must.
func (f *fixture) userRow(t *testing.T, id string) (kept, swapped [4]string) {
	t.Helper()
	err := f.db.QueryRow(`SELECT encrypted_user_key, encrypted_email, public_key, pq_public_key,
		key_hash, auth_hash, encrypted_private_key, encrypted_pq_private_key FROM users WHERE id = $1`, id).
		Scan(&kept[0], &kept[1], &kept[2], &kept[3], &swapped[0], &swapped[1], &swapped[2], &swapped[3])
	if err != nil {
		t.Fatal(err)
	}
	return kept, swapped
}

// TestChangePassword: one request with the current password's proof swaps
// the login secrets and wraps; the user key and the public keys keep
// their bytes; a wrong proof, a replay and a stale generation change
// nothing; other sessions end when asked; every key cache secret changes.
func TestChangePassword(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			f := newFixture(t, backend)
			ctx := context.Background()
			u := newUser(t)
			s1 := f.signUp(t, u)
			a, s2, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey))
			if err != nil {
				t.Fatal(err)
			}
			written := f.clock.Now()
			cache1, _ := f.m.CacheSecret(ctx, s1, written)
			kept, before := f.userRow(t, a.ID)

			kh, newAuth, epk, epq := rewrap(t, u, "a new long password")
			change := accounts.PasswordChange{AuthKey: b64.Encode(u.AuthKey), KeyHash: kh, NewAuthKey: b64.Encode(newAuth),
				EncryptedPrivateKey: b64.Encode(epk), EncryptedPQPrivateKey: b64.Encode(epq), EndOtherSessions: true}

			bad := change
			bad.AuthKey = b64.Encode(sealkit.GenerateKey())
			if _, err := f.m.ChangePassword(ctx, "c", a.ID, accounts.TokenHash(s1), bad); !errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("wrong current password: %v", err)
			}
			var fe *fieldcheck.Error
			for name, mutate := range map[string]func(*accounts.PasswordChange){
				"short wrap":   func(c *accounts.PasswordChange) { c.EncryptedPrivateKey = b64.Encode(epk[:80]) },
				"bad base64":   func(c *accounts.PasswordChange) { c.NewAuthKey = "!!" },
				"same salt":    func(c *accounts.PasswordChange) { c.KeyHash = u.Register["key_hash"] },
				"bad key_hash": func(c *accounts.PasswordChange) { c.KeyHash = "x$argon2id" },
			} {
				c := change
				mutate(&c)
				if _, err := f.m.ChangePassword(ctx, "c", a.ID, accounts.TokenHash(s1), c); !errors.As(err, &fe) {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if k, s := f.userRow(t, a.ID); k != kept || s != before {
				t.Fatal("a refused change changed the row")
			}

			ended, err := f.m.ChangePassword(ctx, "c", a.ID, accounts.TokenHash(s1), change)
			if err != nil {
				t.Fatal(err)
			}
			if len(ended) != 1 || ended[0] != accounts.TokenHash(s2) {
				t.Fatalf("ended %v, want only the other session", ended)
			}
			if _, err := f.m.SessionUser(ctx, s2); !errors.Is(err, accounts.ErrNoSession) {
				t.Fatalf("other session: %v", err)
			}
			if _, err := f.m.SessionUser(ctx, s1); err != nil {
				t.Fatalf("this session: %v", err)
			}
			k, after := f.userRow(t, a.ID)
			if k != kept {
				t.Fatal("the user key, address or public keys changed")
			}
			for i := range after {
				if after[i] == before[i] {
					t.Fatalf("swapped column %d unchanged", i)
				}
			}
			if cache2, _ := f.m.CacheSecret(ctx, s1, written); string(cache2) == string(cache1) {
				t.Fatal("the key cache secret survived the password change")
			}
			if _, _, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey)); !errors.Is(err, accounts.ErrWrongLogin) {
				t.Fatalf("old password: %v", err)
			}
			if _, _, err := f.m.Login(ctx, "c", u.Email, b64.Encode(newAuth)); err != nil {
				t.Fatalf("new password: %v", err)
			}
			// A replay carries the old proof; an old re-wrap with the new
			// proof names a salt that is no longer new... and a swap at a
			// stale generation is refused by the store.
			if _, err := f.m.ChangePassword(ctx, "c", a.ID, accounts.TokenHash(s1), change); !errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("replay: %v", err)
			}
			if _, err := f.store.SwapKeys(ctx, a.ID, 0, accounts.KeySwap{KeyHash: u.Register["key_hash"], AuthSalt: "00", Verifier: "v2$00",
				EncryptedPrivateKey: epk, EncryptedPQPrivateKey: epq}); !errors.Is(err, accounts.ErrStale) {
				t.Fatalf("stale generation: %v", err)
			}
			if _, again := f.userRow(t, a.ID); again != after {
				t.Fatal("a replay changed the row")
			}
		})
	}
}

// TestRecovery: a recovery key set with the password's proof opens the
// private keys; recovering swaps the password, replaces the recovery key
// (the used one stops working), ends every session, keeps the user key;
// failures answer alike for unknown addresses, accounts without a key and
// wrong keys.
func TestRecovery(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			f := newFixture(t, backend)
			ctx := context.Background()
			u, other := newUser(t), newUser(t)
			s1 := f.signUp(t, u)
			f.signUp(t, other)
			a, _ := f.m.Account(ctx, mustUser(t, f, s1))
			rk := newRecoveryKey(t, u)

			if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(rk.authKey)); !errors.Is(err, accounts.ErrWrongRecovery) {
				t.Fatalf("before any recovery key: %v", err)
			}
			wrong := rk.setup(u)
			wrong.AuthKey = b64.Encode(sealkit.GenerateKey())
			if err := f.m.SetRecovery(ctx, "c", a.ID, wrong); !errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("set without the password: %v", err)
			}
			if err := f.m.SetRecovery(ctx, "c", a.ID, rk.setup(u)); err != nil {
				t.Fatal(err)
			}
			for _, email := range []string{"nobody@example.test", other.Email} {
				if _, err := f.m.BeginRecovery(ctx, "c", email, b64.Encode(rk.authKey)); !errors.Is(err, accounts.ErrWrongRecovery) {
					t.Fatalf("%s: %v", email, err)
				}
			}
			if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(sealkit.GenerateKey())); !errors.Is(err, accounts.ErrWrongRecovery) {
				t.Fatalf("wrong key: %v", err)
			}
			bundle, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(rk.authKey))
			if err != nil {
				t.Fatal(err)
			}
			pk, err := sealkit.DecryptPrivateKeyWithRecovery(bundle.RecoveryEncryptedPrivateKey, rk.secret)
			if err != nil || string(pk) != string(u.PrivateKey) {
				t.Fatalf("the recovery wrap does not open: %v", err)
			}
			kept, _ := f.userRow(t, a.ID)

			kh, newAuth, epk, epq := rewrap(t, u, "recovered password")
			next := newRecoveryKey(t, u)
			finish := accounts.RecoveryFinish{Email: u.Email, RecoveryAuthKey: b64.Encode(rk.authKey), KeyGeneration: bundle.KeyGeneration,
				KeyHash: kh, AuthKey: b64.Encode(newAuth), EncryptedPrivateKey: b64.Encode(epk), EncryptedPQPrivateKey: b64.Encode(epq),
				NewRecoveryAuthKey: b64.Encode(next.authKey), RecoveryEncryptedPrivateKey: b64.Encode(next.epk),
				RecoveryEncryptedPQPrivateKey: b64.Encode(next.epq)}
			stale := finish
			stale.KeyGeneration = bundle.KeyGeneration + 1
			if _, _, _, err := f.m.FinishRecovery(ctx, "c", stale); !errors.Is(err, accounts.ErrKeysChanged) {
				t.Fatalf("stale generation: %v", err)
			}
			_, token, ended, err := f.m.FinishRecovery(ctx, "c", finish)
			if err != nil {
				t.Fatal(err)
			}
			if len(ended) != 1 || ended[0] != accounts.TokenHash(s1) {
				t.Fatalf("ended %v, want the old session", ended)
			}
			if _, err := f.m.SessionUser(ctx, token); err != nil {
				t.Fatalf("the new session: %v", err)
			}
			if k, _ := f.userRow(t, a.ID); k != kept {
				t.Fatal("the user key, address or public keys changed")
			}
			if _, _, err := f.m.Login(ctx, "c", u.Email, b64.Encode(u.AuthKey)); !errors.Is(err, accounts.ErrWrongLogin) {
				t.Fatalf("old password: %v", err)
			}
			if _, _, err := f.m.Login(ctx, "c", u.Email, b64.Encode(newAuth)); err != nil {
				t.Fatalf("new password: %v", err)
			}
			if _, _, _, err := f.m.FinishRecovery(ctx, "c", finish); !errors.Is(err, accounts.ErrWrongRecovery) {
				t.Fatalf("replay with the used recovery key: %v", err)
			}
			if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(next.authKey)); err != nil {
				t.Fatalf("the new recovery key: %v", err)
			}
		})
	}
}

func mustUser(t *testing.T, f *fixture, token string) string {
	t.Helper()
	id, err := f.m.SessionUser(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRecoveryLimits: wrong recovery keys are limited per client and
// address, and the sixth is refused even with the right key.
func TestRecoveryLimits(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	s := f.signUp(t, u)
	rk := newRecoveryKey(t, u)
	if err := f.m.SetRecovery(ctx, "c", mustUser(t, f, s), rk.setup(u)); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(sealkit.GenerateKey())); !errors.Is(err, accounts.ErrWrongRecovery) {
			t.Fatal(err)
		}
	}
	var le *accounts.LimitError
	if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(rk.authKey)); !errors.As(err, &le) {
		t.Fatalf("sixth attempt: %v", err)
	}
	if _, err := f.m.BeginRecovery(ctx, "c2", u.Email, b64.Encode(rk.authKey)); err != nil {
		t.Fatalf("another client: %v", err)
	}
}

// TestSignupWithRecovery: a registration may carry a recovery key (all
// three fields or none).
func TestSignupWithRecovery(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	u := newUser(t)
	rk := newRecoveryKey(t, u)
	mail, err := f.m.SignupMail(ctx, u.Email, true)
	if err != nil {
		t.Fatal(err)
	}
	r := registration(u, mail.Token)
	r.RecoveryAuthKey = b64.Encode(rk.authKey)
	var fe *fieldcheck.Error
	if _, _, err := f.m.FinishSignup(ctx, r); !errors.As(err, &fe) {
		t.Fatalf("half a recovery key: %v", err)
	}
	r.RecoveryEncryptedPrivateKey, r.RecoveryEncryptedPQPrivateKey = b64.Encode(rk.epk), b64.Encode(rk.epq)
	if _, _, err := f.m.FinishSignup(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.BeginRecovery(ctx, "c", u.Email, b64.Encode(rk.authKey)); err != nil {
		t.Fatal(err)
	}
}

// TestDeriveRecoveryAuthKey: the vector the JS SDK checks too
// (js/test/recovery.test.mjs).
func TestDeriveRecoveryAuthKey(t *testing.T) {
	s := make([]byte, 32)
	for i := range s {
		s[i] = byte(i)
	}
	k, err := accounts.DeriveRecoveryAuthKey(s)
	if err != nil || b64.Encode(k) != "ttzwJCmMyV4IC/dfTNdesZaUOzxI2RrDdD7MpqIw3xA=" {
		t.Fatalf("%s %v", b64.Encode(k), err)
	}
	if _, err := accounts.DeriveRecoveryAuthKey(s[:31]); err == nil {
		t.Fatal("a 31-byte secret")
	}
}
