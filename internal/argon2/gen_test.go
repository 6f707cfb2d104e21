package argon2

import (
	"testing"

	"github.com/sealkit/sealkit/internal/gentest"
)

// TestGeneratedUpToDate runs gen.go in a temporary directory and checks
// that blamka.go is what it writes, so that a change to the generator
// cannot be committed without regenerating.
func TestGeneratedUpToDate(t *testing.T) {
	gentest.Check(t, "blamka.go")
}
