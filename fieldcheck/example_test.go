package fieldcheck_test

import (
	"encoding/base64"
	"fmt"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
)

// A handler runs every check of a request in order and answers once: the
// first problem, naming the field and the rule, never the value.
func Example() {
	pk, _, _ := sealkit.GenerateKeyPair()
	body := map[string]string{
		"email":      "Alice@Example.test",
		"public_key": base64.StdEncoding.EncodeToString(pk),
		// A careless client sent the note in the clear.
		"encrypted_note": base64.StdEncoding.EncodeToString([]byte("Ran ten kilometres along the river this morning")),
	}

	var c fieldcheck.Checker
	email := c.Email(body["email"])
	publicKey := c.Bytes("public_key", body["public_key"], 32, 32)
	note := c.Bytes("encrypted_note", body["encrypted_note"], 40, 16384)
	if err := c.Err(); err != nil {
		fmt.Println("400:", err)
		return
	}
	fmt.Println(email, len(publicKey), len(note))
	// Output:
	// 400: encrypted_note: readable text, not ciphertext: it must be encrypted in the browser before it is sent
}
