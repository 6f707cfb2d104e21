package identity

// Group key statements (docs/PROTOCOL.md §10.6): each version of a group
// key is announced by a statement, signed with the identity key of the
// member who made it (the admin who created the group or rotated the
// key), that binds the version to a commitment of the key and to the
// statement before it. A page holding the chain can tell the version the
// server calls current from the one an admin made last, and a key the
// server sealed itself from the one the admin committed to.
//
// A signed statement is (all integers big-endian):
//
//	format         0x01
//	group id       u8 length (1–64) ‖ printable ASCII
//	version        u32 (≥ 1)
//	commitment     32 bytes: KeyCommitment(key, CommitmentLabel(group, version))
//	previous       32 bytes: SHA-256 of the previous signed statement (zeros for the first)
//	signer         u8 length (1–64) ‖ printable ASCII: the signer's user id
//	signature      the rest (1–8192 bytes): Sign(statement above, StatementContext)

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// StatementFormat is the first byte of a statement of this layout.
const StatementFormat = 0x01

// StatementContext is the signing context of a group key statement.
const StatementContext = "sealkit/v1/group-key-statement"

// CommitmentContext prefixes the HMAC message of a key commitment.
const CommitmentContext = "sealkit/v1/group-key-commitment"

// HashSize is the size of a commitment and of a previous-statement hash.
const HashSize = 32

// MaxStatement is the largest signed statement DecodeStatement accepts.
const MaxStatement = 1 + 1 + MaxUserID + 4 + 2*HashSize + 1 + MaxUserID + MaxSignature

// ErrStatement: the bytes are not a group key statement of this format.
var ErrStatement = errors.New("identity: malformed group key statement")

// Statement is one group key version's statement.
type Statement struct {
	GroupID    string
	Version    uint32
	Commitment []byte // HashSize bytes
	Previous   []byte // HashSize bytes: SHA-256 of the previous signed statement, zeros for version 1
	Signer     string // the signer's user id
}

// KeyCommitment is HMAC-SHA256(key, CommitmentContext ‖ 0x00 ‖ label):
// it names the key without revealing anything that helps find it (HMAC
// is a PRF under the key), so a statement can commit to a key that only
// members hold. The SDK computes it in its worker (keyCommitment).
func KeyCommitment(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(CommitmentContext))
	m.Write([]byte{0})
	m.Write([]byte(label))
	return m.Sum(nil)
}

// CommitmentLabel is the label of version's commitment in a group:
// "<group id>/<version>", so a commitment cannot be moved to another
// group or version.
func CommitmentLabel(groupID string, version uint32) string {
	return groupID + "/" + strconv.FormatUint(uint64(version), 10)
}

// StatementHash is SHA-256 of a signed statement: the next one's Previous.
func StatementHash(signed []byte) []byte {
	sum := sha256.Sum256(signed)
	return sum[:]
}

func (s *Statement) check() error {
	switch {
	case !validUserID(s.GroupID):
		return fmt.Errorf("%w: group id", ErrStatement)
	case s.Version == 0:
		return fmt.Errorf("%w: version 0", ErrStatement)
	case len(s.Commitment) != HashSize || len(s.Previous) != HashSize:
		return fmt.Errorf("%w: hash sizes", ErrStatement)
	case !validUserID(s.Signer):
		return fmt.Errorf("%w: signer", ErrStatement)
	}
	return nil
}

// Encode returns the statement's canonical bytes (what is signed).
func (s *Statement) Encode() ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	out := make([]byte, 0, 1+1+len(s.GroupID)+4+2*HashSize+1+len(s.Signer))
	out = append(out, StatementFormat, byte(len(s.GroupID)))
	out = append(out, s.GroupID...)
	out = binary.BigEndian.AppendUint32(out, s.Version)
	out = append(out, s.Commitment...)
	out = append(out, s.Previous...)
	out = append(out, byte(len(s.Signer)))
	return append(out, s.Signer...), nil
}

// Sign encodes the statement and appends sign's signature (under
// StatementContext).
func (s *Statement) Sign(sign Signer) ([]byte, error) {
	msg, err := s.Encode()
	if err != nil {
		return nil, err
	}
	return signed(msg, StatementContext, "sign statement", sign)
}

// DecodeStatement parses a signed statement without verifying it: the
// statement, the signed bytes and the signature. Anything else is
// ErrStatement.
func DecodeStatement(signed []byte) (s *Statement, message, signature []byte, err error) {
	bad := func(what string) (*Statement, []byte, []byte, error) {
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrStatement, what)
	}
	if len(signed) > MaxStatement {
		return bad("too long")
	}
	r := signed
	if len(r) < 2 || r[0] != StatementFormat {
		return bad("format byte")
	}
	n := int(r[1])
	r = r[2:]
	if n+4+2*HashSize+1 > len(r) {
		return bad("truncated")
	}
	out := &Statement{GroupID: string(r[:n])}
	r = r[n:]
	out.Version = binary.BigEndian.Uint32(r)
	r = r[4:]
	out.Commitment = bytes.Clone(r[:HashSize])
	out.Previous = bytes.Clone(r[HashSize : 2*HashSize])
	r = r[2*HashSize:]
	n = int(r[0])
	r = r[1:]
	if n > len(r) {
		return bad("signer")
	}
	out.Signer = string(r[:n])
	r = r[n:]
	if err := out.check(); err != nil {
		return nil, nil, nil, err
	}
	if len(r) == 0 || len(r) > MaxSignature {
		return bad("signature length")
	}
	body := len(signed) - len(r)
	return out, bytes.Clone(signed[:body]), bytes.Clone(r), nil
}

// VerifyStatement decodes a signed statement and checks its signature
// under identityKey (the signer's, from its verified bundle).
func VerifyStatement(signed, identityKey []byte, verify Verifier) (*Statement, error) {
	s, msg, sig, err := DecodeStatement(signed)
	if err != nil {
		return nil, err
	}
	ok, err := verify(msg, StatementContext, sig, identityKey)
	if err != nil || !ok {
		return nil, ErrSignature
	}
	return s, nil
}
