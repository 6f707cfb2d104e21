package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
)

// The store of an app on SQLite, with the at-rest layer: what
// accounts.Config.Store takes. On PostgreSQL, open the pool with pgx's
// stdlib driver and set Options.Postgres.
func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "sqlstore-example")
	defer os.RemoveAll(dir)
	db, _ := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	db.SetMaxOpenConns(1)
	defer db.Close()

	atRest, _ := atrest.GenerateKeySet() // from the secrets file, never the database
	st := sqlstore.New(db, sqlstore.Options{AtRest: atRest})
	if err := st.CreateTables(ctx); err != nil {
		panic(err)
	}

	// Accounts are created by accounts.Manager.FinishSignup; an import
	// tool may insert one directly.
	err := st.CreateAccount(ctx, &accounts.Account{ID: "0123", EmailIndex: "ab12", KeyHash: "…", AuthSalt: "…", Verifier: "…",
		EncryptedEmail: []byte("ciphertext from the browser"), CreatedAt: time.Now()})
	fmt.Println("created:", err == nil)

	var stored string
	db.QueryRow(`SELECT encrypted_email FROM users`).Scan(&stored)
	fmt.Println("stored at rest:", stored[:4])
	a, _ := st.Account(ctx, "ab12")
	fmt.Println("read back:", string(a.EncryptedEmail))
	// Output:
	// created: true
	// stored at rest: ar1.
	// read back: ciphertext from the browser
}
