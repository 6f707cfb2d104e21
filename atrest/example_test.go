package atrest_test

import (
	"fmt"
	"log"

	"github.com/sealkit/sealkit/atrest"
)

func Example() {
	ks, err := atrest.GenerateKeySet()
	if err != nil {
		log.Fatal(err)
	}

	// Store: bind the value to its cell.
	aad := atrest.AAD("users", "encrypted_private_key", "42")
	stored, err := ks.Encrypt([]byte("end-to-end ciphertext"), aad)
	if err != nil {
		log.Fatal(err)
	}

	// Later, after a rotation: the old value still decrypts, but is no
	// longer current, so the background job re-encrypts it.
	ks2, err := ks.Rotate()
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := ks2.Decrypt(stored, aad)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, current: %v\n", plaintext, ks2.IsCurrent(stored))

	restored, err := ks2.Encrypt(plaintext, aad)
	if err != nil {
		log.Fatal(err)
	}
	id, _ := atrest.KeyID(restored)
	fmt.Printf("re-encrypted under key %d, current: %v\n", id, ks2.IsCurrent(restored))

	// The same value does not decrypt in another row.
	_, err = ks2.Decrypt(restored, atrest.AAD("users", "encrypted_private_key", "43"))
	fmt.Println(err)
	// Output:
	// end-to-end ciphertext, current: false
	// re-encrypted under key 2, current: true
	// atrest: decryption failed (wrong key, row or column, or tampered value)
}
