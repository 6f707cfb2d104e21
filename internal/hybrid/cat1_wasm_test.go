//go:build wasm

package hybrid

import (
	"reflect"

	"github.com/sealkit/sealkit/internal/mlkem512"
)

// cat1KeyType is the ML-KEM-512 decapsulation key type of this target.
var cat1KeyType = reflect.TypeOf(mlkem512.DecapsulationKey{})

// newCat1Key derives this target's ML-KEM-512 key from a d‖z seed, and a
// function that wipes it as Cat1's decapsulation does.
func newCat1Key(seed []byte) (key any, wipe func()) {
	dk, err := mlkem512.NewDecapsulationKey(seed)
	if err != nil {
		panic(err)
	}
	return dk, func() { wipeKey(dk, layout512) }
}
