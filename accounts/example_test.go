package accounts_test

import (
	"crypto/rand"
	"fmt"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/accounts"
)

// The server side of a zero-knowledge login: store a peppered verifier at
// sign-up, answer the salt endpoint for unknown addresses with a fake
// key_hash, check the auth key at login.
func Example() {
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
