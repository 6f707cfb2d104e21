package secrets

import "github.com/sealkit/sealkit/accounts"

// VerifierKeySize is the length of VerifierKey's output.
const VerifierKeySize = 32

// VerifierKey is the server secret ("pepper") that the stored login
// verifiers depend on, so that a copy of the database alone does not allow
// offline password guessing.
//
// It is derived from the blind-index key (accounts.DeriveVerifierKey:
// HKDF-SHA256, info "sealkit/v1/verifier-key"), not stored as a field of its own: every
// secrets file already written, and every instance sharing one, gets the
// same key without a file upgrade that concurrent instances could race.
// Whoever has the file has the blind-index key anyway, so a separate field
// would protect nothing more.
func (s *Secrets) VerifierKey() []byte {
	return accounts.DeriveVerifierKey(s.BlindIndexKey)
}
