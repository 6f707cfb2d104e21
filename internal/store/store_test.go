package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/internal/store"
	"github.com/sealkit/sealkit/internal/webapp/apptest"
)

func open(t *testing.T, backend string) *store.Store {
	t.Helper()
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		t.Fatal(err)
	}
	db := apptest.NewDB(t, backend)
	st, err := store.Open(context.Background(), db.URL, func() *atrest.KeySet { return ks })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Twice: migrations must be idempotent (every instance runs them).
	for range 2 {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestEncryptedColumnsListed: every ciphertext column of the schema is in
// EncryptedColumns, so that rotation cannot miss one.
func TestEncryptedColumnsListed(t *testing.T) {
	for _, backend := range apptest.Backends {
		t.Run(backend, func(t *testing.T) {
			st := open(t, backend)
			q := `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`
			if st.Dialect == store.SQLite {
				q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`
			}
			rows, err := st.DB.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			found := 0
			for rows.Next() {
				var table, col string
				if err := rows.Scan(&table, &col); err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(table, "river_") || !(strings.HasPrefix(col, "encrypted_") || col == "sealed") {
					continue
				}
				found++
				if !slices.ContainsFunc(store.EncryptedColumns, func(c store.EncryptedColumn) bool { return c.Table == table && c.Column == col }) {
					t.Errorf("%s.%s holds ciphertext but is not in store.EncryptedColumns", table, col)
				}
			}
			if found != len(store.EncryptedColumns) {
				t.Errorf("schema has %d ciphertext columns, EncryptedColumns lists %d", found, len(store.EncryptedColumns))
			}
		})
	}
}

// TestAtRestBinding: a stored value moved to another row does not decrypt.
func TestAtRestBinding(t *testing.T) {
	st := open(t, "sqlite")
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		u := &store.User{ID: id, EmailIndex: "idx-" + id, KeyHash: "k", AuthSalt: "s", AuthHash: "h", PublicKey: "p", PQPublicKey: "q",
			EncryptedPrivateKey: []byte("pk-" + id), EncryptedPQPrivateKey: []byte("pq-" + id), EncryptedUserKey: []byte("uk-" + id), EncryptedEmail: []byte("em-" + id)}
		if err := st.CreateUser(ctx, st.DB, u); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := st.UserByID(ctx, st.DB, "a"); err != nil || string(u.EncryptedEmail) != "em-a" {
		t.Fatalf("%v %v", u, err)
	}
	if _, err := st.DB.Exec(`UPDATE users SET encrypted_email = (SELECT encrypted_email FROM users WHERE id = 'b') WHERE id = 'a'`); err != nil {
		t.Fatal(err)
	}
	_, err := st.UserByID(ctx, st.DB, "a")
	if err == nil || !strings.Contains(err.Error(), "users.encrypted_email") || strings.Contains(err.Error(), "em-b") {
		t.Fatalf("swapped value: %v", err)
	}
}
