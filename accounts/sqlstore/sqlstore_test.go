package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

func open(t *testing.T, backend string, atRest sqlstore.AtRest) (*sqlstore.Store, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), apptest.NewDB(t, backend).URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ss := sqlstore.New(st.DB, sqlstore.Options{Postgres: backend == "postgres", AtRest: atRest})
	for range 2 { // idempotent
		if err := ss.CreateTables(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return ss, st
}

func account(id string) *accounts.Account {
	return &accounts.Account{ID: id, EmailIndex: "idx-" + id, KeyHash: "kh", AuthSalt: "00", Verifier: "v2$00",
		PublicKey: []byte("pk-" + id), PQPublicKey: []byte("pq-" + id), EncryptedPrivateKey: []byte("epk-" + id),
		EncryptedPQPrivateKey: []byte("epq-" + id), EncryptedUserKey: []byte("euk-" + id), EncryptedEmail: []byte("eem-" + id),
		CreatedAt: time.Unix(1_800_000_000, 0)}
}

// TestRoundTripAndBinding: an account reads back as written, with and
// without the at-rest layer; sealed values are bound to their row, so a
// value moved to another row fails to open and the error names the
// column, not the content.
func TestRoundTripAndBinding(t *testing.T) {
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, ar := range []sqlstore.AtRest{nil, ks} {
			t.Run(fmt.Sprintf("%s/atrest=%v", backend, ar != nil), func(t *testing.T) {
				ss, st := open(t, backend, ar)
				ctx := context.Background()
				for _, id := range []string{"a", "b"} {
					if err := ss.CreateAccount(ctx, account(id)); err != nil {
						t.Fatal(err)
					}
				}
				if err := ss.CreateAccount(ctx, account("a")); !errors.Is(err, accounts.ErrAccountExists) {
					t.Fatalf("duplicate: %v", err)
				}
				got, err := ss.Account(ctx, "idx-a")
				want := account("a")
				if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("read back %+v %v", got, err)
				}
				var raw string
				st.DB.QueryRow(`SELECT encrypted_email FROM users WHERE id = 'a'`).Scan(&raw)
				if (ar != nil) != strings.HasPrefix(raw, "ar1.") {
					t.Fatalf("stored %q", raw)
				}
				if _, err := ss.Account(ctx, "idx-nobody"); !errors.Is(err, accounts.ErrNotFound) {
					t.Fatal(err)
				}
				if ar == nil {
					return
				}
				st.DB.Exec(`UPDATE users SET encrypted_email = (SELECT encrypted_email FROM users WHERE id = 'b') WHERE id = 'a'`)
				_, err = ss.Account(ctx, "idx-a")
				if err == nil || !strings.Contains(err.Error(), "users.encrypted_email") || strings.Contains(err.Error(), "eem-b") {
					t.Fatalf("moved value: %v", err)
				}
			})
		}
	}
}

// TestSessionsAndLinks: expiry, idle, many hashes at once (batched), and
// cleanup of what ended.
func TestSessionsAndLinks(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ss, _ := open(t, backend, nil)
			ctx := context.Background()
			now := time.Unix(1_800_000_000, 0)
			if err := ss.CreateAccount(ctx, account("u")); err != nil {
				t.Fatal(err)
			}
			var hashes []string
			for i := range 1200 {
				h := accounts.TokenHash(fmt.Sprint(i))
				hashes = append(hashes, h)
				if i%2 == 0 {
					if err := ss.CreateSession(ctx, accounts.Session{Hash: h, UserID: "u", Created: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			live, err := ss.LiveSessions(ctx, hashes, now, time.Hour)
			if err != nil || len(live) != 600 || !live[hashes[1198]] || live[hashes[1199]] {
				t.Fatalf("%d live, %v", len(live), err)
			}
			if _, err := ss.SessionUser(ctx, hashes[0], now.Add(2*time.Hour), 24*time.Hour); !errors.Is(err, accounts.ErrNotFound) {
				t.Fatalf("expired: %v", err)
			}
			if err := ss.CreateSignup(ctx, accounts.Signup{TokenHash: "t", EmailIndex: "idx-x", Email: "X@example.test", Created: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if e, err := ss.SignupEmail(ctx, "t", now); err != nil || e != "X@example.test" {
				t.Fatalf("%q %v", e, err)
			}
			if _, err := ss.SignupEmail(ctx, "t", now.Add(time.Hour)); !errors.Is(err, accounts.ErrNotFound) {
				t.Fatalf("expired link: %v", err)
			}
			n, err := ss.Cleanup(ctx, now.Add(2*time.Hour), 24*time.Hour)
			if err != nil || n != 601 {
				t.Fatalf("cleanup %d %v", n, err)
			}
		})
	}
}
