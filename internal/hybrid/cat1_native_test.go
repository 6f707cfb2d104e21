//go:build !wasm

package hybrid

import (
	"reflect"

	"github.com/cloudflare/circl/kem/mlkem/mlkem512"
)

// cat1KeyType is the ML-KEM-512 decapsulation key type of this target.
var cat1KeyType = reflect.TypeOf(mlkem512.PrivateKey{})

// newCat1Key derives this target's ML-KEM-512 key from a d‖z seed, and a
// function that wipes it as Cat1's decapsulation does.
func newCat1Key(seed []byte) (key any, wipe func()) {
	_, sk := mlkem512.NewKeyFromSeed(seed)
	return sk, func() { wipeKey(sk, layout512) }
}
