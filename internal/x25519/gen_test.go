package x25519

import (
	"testing"

	"github.com/sealkit/sealkit/internal/gentest"
)

// TestGeneratedUpToDate runs gen.go in a temporary directory and checks
// that ladder.go and base.go are what it writes, so that a change to the
// generator cannot be committed without regenerating.
func TestGeneratedUpToDate(t *testing.T) {
	gentest.Check(t, "ladder.go", "base.go")
}
