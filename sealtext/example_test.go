package sealtext_test

import (
	"fmt"

	"github.com/sealkit/sealkit/sealtext"
)

// The crate's base64 shapes: keys and ciphertexts are strings, as they
// travel in JSON between the browser and the server.
func Example() {
	level, _ := sealtext.ParseLevel("cat3")
	kp, _ := sealtext.GenerateHybridKeyPair(level)
	sealed, _ := sealtext.HybridSeal([]byte("a resource key"), kp.PublicKey)
	fmt.Println("hybrid:", sealtext.IsHybridCiphertext(sealed))
	opened, _ := sealtext.HybridOpen(sealed, kp.SecretKey)
	fmt.Println(string(opened))

	key := sealtext.GenerateKey()
	box, _ := sealtext.EncryptSecretboxString("a note", key)
	text, _ := sealtext.DecryptSecretboxToString(box, key)
	fmt.Println(text)
	_, err := sealtext.DecryptSecretboxToString(box, sealtext.GenerateKey())
	fmt.Println(err)
	// Output:
	// hybrid: true
	// a resource key
	// a note
	// decryption failed: invalid ciphertext or wrong key
}
