package accounts

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/identity"
)

// Signed identities (docs/PROTOCOL.md §9): the account's identity signing
// key, made in the browser, wrapped like the private keys (under the
// session key, and under the recovery secret when the account has a
// recovery key), and the account's bundle of public keys self-signed with
// it (package identity). The server stores and serves the signed bundle
// as it got it; clients verify it before they seal to its keys, so what
// the server checks here only keeps garbage out — it is no trust anchor.

// Identity is what the server keeps of an account's identity.
type Identity struct {
	// SignedBundle is the signed bundle (identity.Decode), public.
	SignedBundle []byte
	// EncryptedSigningKey is the identity signing key wrapped under the
	// session key, as EncryptedPrivateKey.
	EncryptedSigningKey []byte
}

// Sizes of a wrapped signing key the server accepts: crate
// encrypt_private_key over a composite secret key (65 bytes for the tags
// 0x01–0x03, up to 99 for the others) is 24 + 16 + its base64; the bounds
// leave room for any suite without naming one.
const (
	MinWrappedSigningKey = 24 + 16 + 1
	MaxWrappedSigningKey = 512
)

// IdentitySetup is the body that sets an account's identity: the proof of
// the password (a stolen session cookie must not plant an identity key),
// the signed bundle, and the signing key wrapped under the session key
// and — required when the account has a recovery key — under the recovery
// secret, base64.
type IdentitySetup struct {
	AuthKey                     string `json:"auth_key"`
	IdentityBundle              string `json:"identity_bundle"`
	EncryptedSigningKey         string `json:"encrypted_signing_key"`
	RecoveryEncryptedSigningKey string `json:"recovery_encrypted_signing_key"`
}

// identityRequired: the account has an identity key, so a password
// change, recovery key or recovery must carry its signing key re-wrapped
// (else the key would be lost with the old wrap).
const identityRequired = "required: the account has an identity key"

// signingKeyField checks a wrapped signing key field: required when need,
// else optional and then refused (an account without an identity has no
// signing key to wrap).
func signingKeyField(c *fieldcheck.Checker, field, v string, need bool) []byte {
	if !need {
		if v != "" {
			c.Fail(field, "the account has no identity key")
		}
		return nil
	}
	if v == "" {
		c.Fail(field, identityRequired)
		return nil
	}
	return c.Bytes(field, v, MinWrappedSigningKey, MaxWrappedSigningKey)
}

// checkBundle refuses a signed bundle that is not a's: it must decode,
// name a.ID, list a's public keys as they are stored, and carry a version
// above the stored bundle's. Its signature is the clients' to check
// (Verify, when the Manager has one, checks it here too).
func (m *Manager) checkBundle(c *fieldcheck.Checker, a *Account, signed []byte) {
	b, msg, sig, err := identity.Decode(signed)
	if err != nil {
		c.Fail("identity_bundle", "is not a signed identity bundle")
		return
	}
	switch {
	case b.UserID != a.ID:
		c.Fail("identity_bundle", "names another account")
	case !bytes.Equal(b.X25519, a.PublicKey) || !bytes.Equal(b.Hybrid, nilIfEmpty(a.PQPublicKey)):
		c.Fail("identity_bundle", "must list the account's public keys")
	case m.cfg.VerifySignature != nil && !verified(m.cfg.VerifySignature, msg, sig, b.IdentityKey):
		c.Fail("identity_bundle", "signature does not verify")
	}
	if a.Identity != nil {
		if old, _, _, err := identity.Decode(a.Identity.SignedBundle); err == nil && b.Version <= old.Version {
			c.Fail("identity_bundle", "version must be above the current bundle's")
		}
	}
}

func verified(v identity.Verifier, msg, sig, pk []byte) bool {
	ok, err := v(msg, identity.Context, sig, pk)
	return err == nil && ok
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// SetIdentity sets or replaces the signed-in user's identity, proven by
// the password's auth key, as a compare-and-swap on the account's
// generation (a password change meanwhile makes it ErrKeysChanged). The
// bundle must pass checkBundle. Errors: *fieldcheck.Error, *LimitError,
// ErrWrongPassword, ErrKeysChanged, ErrNoSession.
func (m *Manager) SetIdentity(ctx context.Context, client, userID string, s IdentitySetup) error {
	var c fieldcheck.Checker
	key := c.Bytes("auth_key", s.AuthKey, 32, 32)
	bundle := c.Bytes("identity_bundle", s.IdentityBundle, 1, identity.MaxSigned)
	esk := c.Bytes("encrypted_signing_key", s.EncryptedSigningKey, MinWrappedSigningKey, MaxWrappedSigningKey)
	if err := c.Err(); err != nil {
		return err
	}
	a, err := m.provePassword(ctx, client, userID, key)
	if err != nil {
		return err
	}
	m.checkBundle(&c, a, bundle)
	resk := signingKeyField(&c, "recovery_encrypted_signing_key", s.RecoveryEncryptedSigningKey, a.Recovery != nil)
	if err := c.Err(); err != nil {
		return err
	}
	err = m.cfg.Store.SetIdentity(ctx, a.ID, a.KeyGeneration, Identity{SignedBundle: bundle, EncryptedSigningKey: esk}, resk)
	if errors.Is(err, ErrStale) {
		return ErrKeysChanged
	}
	return err
}

// SetIdentity is PUT IdentitySetup → 204: Manager.SetIdentity for the
// request's user (wrap it in Require). 403 for a wrong password.
func (h *Handlers) SetIdentity() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b IdentitySetup
		if !readJSON(w, r, &b) {
			return
		}
		user, client := UserID(r.Context()), h.client(r)
		if err := h.Manager.SetIdentity(r.Context(), client, user, b); err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.log().Info("identity set", "user", user, "ip", client)
		if h.IdentityChanged != nil {
			h.IdentityChanged(r.Context(), user)
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}
