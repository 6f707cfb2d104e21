package sealkit_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/sealkit/sealkit"
)

// A per-resource key encrypts the data; the key itself is sealed to each
// reader's public key.
func Example() {
	readerPub, readerPriv, err := sealkit.GenerateKeyPair()
	if err != nil {
		log.Fatal(err)
	}

	resourceKey := sealkit.GenerateKey()
	note, _ := sealkit.EncryptSecretbox([]byte("walk 10 000 steps"), resourceKey)
	sealedKey, _ := sealkit.SealForUser(resourceKey, readerPub, nil)

	// The reader's side.
	key, err := sealkit.UnsealFromUser(sealedKey, readerPub, readerPriv, nil)
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := sealkit.DecryptSecretbox(note, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plaintext))
	// Output: walk 10 000 steps
}

func ExampleEncryptSecretbox() {
	key := sealkit.GenerateKey()
	ct, err := sealkit.EncryptSecretbox([]byte("hello"), key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ct)) // nonce(24) + tag(16) + 5

	pt, err := sealkit.DecryptSecretbox(ct, key)
	fmt.Println(string(pt), err)

	ct[len(ct)-1] ^= 1
	_, err = sealkit.DecryptSecretbox(ct, key)
	fmt.Println(errors.Is(err, sealkit.ErrDecryption))
	// Output:
	// 45
	// hello <nil>
	// true
}

func ExampleDecryptSecretbox_errors() {
	_, err := sealkit.DecryptSecretbox(make([]byte, 40), make([]byte, 16))
	fmt.Println(err)
	var le *sealkit.InvalidLengthError
	fmt.Println(errors.As(err, &le), le.Expected, le.Got)

	_, err = sealkit.DecryptSecretbox(make([]byte, 39), make([]byte, 32))
	fmt.Println(err)
	// Output:
	// invalid length: expected 32 bytes, got 16
	// true 32 16
	// ciphertext too short to be valid
}

func ExampleBoxSeal() {
	pub, priv, _ := sealkit.GenerateKeyPair()
	ct, _ := sealkit.BoxSeal([]byte("for your eyes only"), pub)
	pt, err := sealkit.BoxSealOpen(ct, pub, priv)
	fmt.Println(len(ct), string(pt), err)
	// Output: 66 for your eyes only <nil>
}

func ExampleHybridSeal() {
	pub, seed, err := sealkit.GenerateHybridKeyPair(sealkit.Cat3)
	if err != nil {
		log.Fatal(err)
	}
	ct, err := sealkit.HybridSeal([]byte("post-quantum"), pub)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("public key %d bytes, tag %#02x, ciphertext %d bytes\n", len(pub), ct[0], len(ct))

	pt, err := sealkit.HybridOpen(ct, seed)
	fmt.Println(string(pt), err)
	// Output:
	// public key 1216 bytes, tag 0x02, ciphertext 1173 bytes
	// post-quantum <nil>
}

func ExampleSealForUser() {
	pub, priv, _ := sealkit.GenerateKeyPair()
	pqPub, pqSeed, _ := sealkit.GenerateHybridKeyPair(sealkit.Cat3)

	classic, _ := sealkit.SealForUser([]byte("k"), pub, nil)
	hybrid, _ := sealkit.SealForUser([]byte("k"), pub, pqPub)
	fmt.Println(sealkit.IsHybridCiphertext(classic), sealkit.IsHybridCiphertext(hybrid))

	// One call opens both: a user who migrated to post-quantum keys still
	// reads what was sealed to their classic key.
	for _, ct := range [][]byte{classic, hybrid} {
		pt, err := sealkit.UnsealFromUser(ct, pub, priv, pqSeed)
		fmt.Println(string(pt), err)
	}
	// Output:
	// false true
	// k <nil>
	// k <nil>
}

func ExampleDeriveSessionKey() {
	salt, _ := sealkit.DecodeBase64("AAAAAAAAAAAAAAAAAAAAAA==")
	key, err := sealkit.DeriveSessionKey("password", salt)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sealkit.EncodeBase64(key))
	fmt.Println(sealkit.FormatKeyHash(salt))
	// Output:
	// P1UeG0Pw0gTuo5X6g2XhcOHt/7eQJCro8ZYxBgBI7gI=
	// AAAAAAAAAAAAAAAAAAAAAA==$argon2id
}

func ExampleParseSaltFromKeyHash() {
	for _, kh := range []string{"c2FsdA==$argon2id", "x$anything", "noseparator", "a$b$c"} {
		salt, err := sealkit.ParseSaltFromKeyHash(kh)
		fmt.Printf("%q %v\n", salt, err)
	}
	// Output:
	// "c2FsdA==" <nil>
	// "x" <nil>
	// "" invalid key_hash format (expected `salt$argon2id`)
	// "" invalid key_hash format (expected `salt$argon2id`)
}

func ExampleEncryptPrivateKey() {
	_, priv, _ := sealkit.GenerateKeyPair()
	sessionKey := sealkit.GenerateKey()

	wrapped, _ := sealkit.EncryptPrivateKey(priv, sessionKey)
	fmt.Println(len(wrapped)) // 40 + the 44-character base64 text of the key

	unwrapped, err := sealkit.DecryptPrivateKey(wrapped, sessionKey)
	fmt.Println(len(unwrapped), err)
	// Output:
	// 84
	// 32 <nil>
}

func ExampleRecoveryKeyToSecret() {
	secret, err := sealkit.RecoveryKeyToSecret("AABAC-ADAEA-FAGAH-AJBKB-LBMBN-BPBQB-RBSCT-CUCVC-WCXCY-CZC2D-3D4D5-D6D7D-8D9D")
	fmt.Printf("%x %v\n", secret, err)

	_, err = sealkit.RecoveryKeyToSecret("IIIII-OOOOO")
	fmt.Println(err)
	// Output:
	// 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f <nil>
	// invalid recovery key character
}

func ExampleGenerateRecoveryKey() {
	rk, err := sealkit.GenerateRecoveryKey()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(rk.Key), len(rk.Secret))
	// Output: 76 32
}

func ExampleBlindIndexEmail() {
	key := []byte("server-side blind index key, 32B")
	a := sealkit.BlindIndexEmail(key, "Alice@Example.com")
	b := sealkit.BlindIndexEmail(key, "alice@example.com")
	fmt.Println(len(a), sealkit.EncodeBase64(a) == sealkit.EncodeBase64(b))
	// Output: 64 true
}

func ExampleDecodeBase64() {
	for _, s := range []string{"aGVsbG8=", "aGVsbG8", "aGVsbG8=\n", "aGVsbG9="} {
		b, err := sealkit.DecodeBase64(s)
		fmt.Printf("%q %v\n", b, err)
	}
	// Output:
	// "hello" <nil>
	// "" base64 decode: Invalid padding
	// "" base64 decode: Invalid symbol 10, offset 8.
	// "" base64 decode: Invalid last symbol 57, offset 6.
}

// An identity key signs a statement; anyone with the public key checks it.
// Both halves (Ed25519 and ML-DSA-65) must verify.
func ExampleSign() {
	publicKey, secretKey, err := sealkit.GenerateSigningKeyPair(sealkit.SignCat3)
	if err != nil {
		log.Fatal(err)
	}
	statement := []byte("alice's keys are 0x02…")
	sig, err := sealkit.Sign(statement, sealkit.SignContextV1, secretKey)
	if err != nil {
		log.Fatal(err)
	}
	ok, err := sealkit.Verify(statement, sealkit.SignContextV1, sig, publicKey)
	fmt.Println(ok, err, len(sig))
	// Another context is another statement.
	ok, _ = sealkit.Verify(statement, "another/context", sig, publicKey)
	fmt.Println(ok)
	suite, level, _ := sealkit.SignaturePosture(publicKey)
	fmt.Println(suite, level)
	// Output:
	// true <nil> 3374
	// false
	// hybrid cat3
}

// Verify returns an error only for input that is not signature data.
func ExampleVerify() {
	_, err := sealkit.Verify([]byte("m"), sealkit.SignContextV1, []byte{0x09}, []byte{0x09})
	fmt.Println(errors.Is(err, sealkit.ErrSignature), err)
	// Output: true signature: unknown or missing signature version tag
}
