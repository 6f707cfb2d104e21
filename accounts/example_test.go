package accounts_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
	"github.com/sealkit/sealkit/accounts/sqlstore"
	"github.com/sealkit/sealkit/atrest"
	"github.com/sealkit/sealkit/ratelimit"
)

// The server side of a zero-knowledge login: store a peppered verifier at
// sign-up, answer the salt endpoint for unknown addresses with a fake
// key_hash, check the auth key at login.
func ExampleKeys() {
	secret := make([]byte, 64) // from the server's secrets file, never the database
	rand.Read(secret)
	fakeSalt := make([]byte, 32)
	rand.Read(fakeSalt)
	keys := accounts.Keys{FakeSalt: fakeSalt, Verifier: accounts.DeriveVerifierKey(secret)}

	// In the browser: password → session key → auth key.
	salt := sealkit.GenerateSalt()
	sessionKey, _ := sealkit.DeriveSessionKey("correct horse battery staple", salt)
	authKey, _ := sealkit.DeriveAuthKey(sessionKey)

	// At sign-up the server stores these two (and the browser's key_hash).
	authSalt, verifier := keys.NewVerifier(authKey)

	// The salt endpoint, for an address without an account.
	fake := keys.FakeKeyHash("nobody@example.test")
	_, err := sealkit.ParseSaltFromKeyHash(fake)

	fmt.Println("fake key_hash parses:", err == nil)
	fmt.Println("right key:", keys.CheckVerifier(authSalt, verifier, authKey))
	fmt.Println("wrong key:", keys.CheckVerifier(authSalt, verifier, sealkit.GenerateKey()))
	// Output:
	// fake key_hash parses: true
	// right key: true
	// wrong key: false
}

// A Manager over SQLite: the whole sign-up (request, job, link) and a
// login, as an app's handlers and job run them. The browser's part — every
// key — is done here in Go the way the JS SDK's account module does it.
func ExampleManager() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "accounts-example")
	defer os.RemoveAll(dir)
	db, _ := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	db.SetMaxOpenConns(1) // SQLite: one writer
	defer db.Close()

	atRest, _ := atrest.GenerateKeySet() // from the secrets file
	st := sqlstore.New(db, sqlstore.Options{AtRest: atRest})
	limiter := &ratelimit.Limiter{DB: db}
	if err := errors.Join(st.CreateTables(ctx), limiter.CreateTable(ctx)); err != nil {
		panic(err)
	}
	keys := accounts.Keys{BlindIndex: random(32), FakeSalt: random(32), Verifier: random(32)}
	m, err := accounts.New(accounts.Config{Store: st, Limiter: limiter, Keys: func() accounts.Keys { return keys }})
	if err != nil {
		panic(err)
	}

	// POST /api/auth/register: the request only queues a job…
	var job string
	err = m.BeginSignup(ctx, "client-id", "Ada@example.test", func(_ context.Context, email string) error {
		job = email // an app seals it into a job queue's arguments
		return nil
	})
	fmt.Println("queued:", err == nil)
	// …which decides what to mail, out of the requester's sight.
	mail, _ := m.SignupMail(ctx, job, true)
	fmt.Println("mail a link:", mail.Kind == accounts.MailFinishSignup)

	// The link's page: the browser makes the keys; the server creates the
	// account for the link's address and logs it in.
	reg, authKey := browserSignup("correct horse battery staple")
	reg.Token = mail.Token
	acct, session, _ := m.FinishSignup(ctx, reg)
	user, _ := m.SessionUser(ctx, session)
	fmt.Println("signed in:", user == acct.ID)

	// Login: the salt, then only the auth key.
	keyHash, _ := m.Salt(ctx, "client-id", "ada@example.test")
	fmt.Println("key_hash is the account's:", keyHash == reg.KeyHash)
	_, _, err = m.Login(ctx, "client-id", "ada@example.test", authKey)
	fmt.Println("login:", err == nil)
	_, _, err = m.Login(ctx, "client-id", "ada@example.test", base64.StdEncoding.EncodeToString(sealkit.GenerateKey()))
	fmt.Println("wrong password:", err)
	// Output:
	// queued: true
	// mail a link: true
	// signed in: true
	// key_hash is the account's: true
	// login: true
	// wrong password: wrong email address or password
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// browserSignup is what the SDK's makeAccountKeys does in the browser.
func browserSignup(password string) (accounts.Registration, string) {
	b64 := base64.StdEncoding.EncodeToString
	salt := sealkit.GenerateSalt()
	sessionKey, _ := sealkit.DeriveSessionKey(password, salt)
	authKey, _ := sealkit.DeriveAuthKey(sessionKey)
	pk, sk, _ := sealkit.GenerateKeyPair()
	pq, seed, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	epk, _ := sealkit.EncryptPrivateKey(sk, sessionKey)
	epq, _ := sealkit.EncryptPrivateKey(seed, sessionKey)
	userKey := sealkit.GenerateKey()
	euk, _ := sealkit.SealForUser([]byte(b64(userKey)), pk, pq)
	eem, _ := sealkit.EncryptSecretbox([]byte("Ada@example.test"), userKey)
	return accounts.Registration{
		KeyHash: sealkit.FormatKeyHash(salt), AuthKey: b64(authKey), PublicKey: b64(pk), PQPublicKey: b64(pq),
		EncryptedPrivateKey: b64(epk), EncryptedPQPrivateKey: b64(epq), EncryptedUserKey: b64(euk), EncryptedEmail: b64(eem),
	}, b64(authKey)
}
