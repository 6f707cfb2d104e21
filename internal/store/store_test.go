package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sealkit/sealkit/accounts"
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

// TestEncryptedColumnsListed: every ciphertext column of the schema (named
// encrypted_* or sealed*) is in EncryptedColumns, so that rotation cannot
// miss one.
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
				if strings.HasPrefix(table, "river_") || !(strings.HasPrefix(col, "encrypted_") || strings.HasPrefix(col, "sealed")) {
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
		a := &accounts.Account{ID: id, EmailIndex: "idx-" + id, KeyHash: "k", AuthSalt: "s", Verifier: "h", PublicKey: []byte("p"), PQPublicKey: []byte("q"),
			EncryptedPrivateKey: []byte("pk-" + id), EncryptedPQPrivateKey: []byte("pq-" + id), EncryptedUserKey: []byte("uk-" + id), EncryptedEmail: []byte("em-" + id)}
		if err := st.Accounts.CreateAccount(ctx, a); err != nil {
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

// TestReencryptBatchResumes: rotation proceeds in batches, stops anywhere
// and picks up where the data says it is; a row changed under it is not
// overwritten.
func TestReencryptBatchResumes(t *testing.T) {
	ks1, _ := atrest.GenerateKeySet()
	current := ks1
	db := apptest.NewDB(t, "sqlite")
	ctx := context.Background()
	st, err := store.Open(ctx, db.URL, func() *atrest.KeySet { return current })
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		id := string(rune('a' + i))
		if err := st.PutDevMail(ctx, id, []byte("mail "+id), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ks2, _ := ks1.Rotate()
	current = ks2
	col := store.EncryptedColumn{Table: "dev_mail", ID: "id", Column: "sealed"}
	n, seen, err := st.ReencryptBatch(ctx, ks2, col, 2)
	if err != nil || n != 2 || seen != 2 {
		t.Fatalf("first batch: %d/%d %v", n, seen, err)
	}
	if left, _ := st.CountNotUnder(ctx, col, ks2.PrimaryID()); left != 3 {
		t.Fatalf("%d left after one batch, want 3", left)
	}
	// "Crash" here; a new run continues with what is left.
	n, seen, err = st.ReencryptBatch(ctx, ks2, col, 100)
	if err != nil || n != 3 || seen != 3 {
		t.Fatalf("second batch: %d/%d %v", n, seen, err)
	}
	if n, seen, _ := st.ReencryptBatch(ctx, ks2, col, 100); n != 0 || seen != 0 {
		t.Fatalf("a finished rotation still finds %d", seen)
	}
	mails, err := st.DevMails(ctx, 10)
	if err != nil || len(mails) != 5 {
		t.Fatalf("after rotation: %d mails, %v", len(mails), err)
	}
	// Only key 2 is needed now: every value decrypts without key 1.
	only2, _ := atrest.NewKeySet(2, map[uint32][]byte{2: exportKey(t, ks2, 2)})
	current = only2
	if _, err := st.DevMails(ctx, 10); err != nil {
		t.Fatalf("values still need key 1: %v", err)
	}
}

// exportKey gets key id's bytes through the key set's JSON form.
func exportKey(t *testing.T, ks *atrest.KeySet, id uint32) []byte {
	t.Helper()
	b, err := ks.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Keys map[string][]byte `json:"keys"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v.Keys[strconv.Itoa(int(id))]
}
