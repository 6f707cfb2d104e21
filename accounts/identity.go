package accounts

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/sealkit/sealkit"
	"github.com/sealkit/sealkit/fieldcheck"
	"github.com/sealkit/sealkit/identity"
)

// Signed identities (docs/PROTOCOL.md §10). An account's identity signing
// key is made in the browser — at sign-up, or for an older account at an
// unlock with the password — and wrapped like the private keys: under the
// session key, and under the recovery secret when the account has a
// recovery key. Its public half is stored as given, and so is the
// account's bundle of public keys self-signed with it (package identity),
// which the browser publishes once it knows its user id. The server
// serves both as they are; clients verify the bundle before they seal to
// its keys, so what the server checks here only keeps garbage and a
// stolen cookie's tricks out — it is no trust anchor.
//
// Who may set what:
//   - the identity key (SetIdentity): only with the password's proof, so
//     a stolen session cookie cannot plant a key of its own;
//   - the bundle (PublishBundle): with the session, when the bundle is
//     signed by the stored identity key (VerifySignature, when set,
//     checks that) — a cookie without the signing key can sign nothing.

// Identity is what the server keeps of an account's identity.
type Identity struct {
	// PublicKey is the identity signing key's public half (a composite
	// public key), as the browser sent it; nil when the account has none
	// (any more: a recovery dropped it) but keeps a published bundle.
	PublicKey []byte
	// EncryptedSigningKey is the signing key wrapped under the session
	// key, as EncryptedPrivateKey.
	EncryptedSigningKey []byte
	// SignedBundle is the signed bundle (identity.Decode), public; nil
	// until the browser publishes one.
	SignedBundle []byte
}

// Sizes the server accepts. A wrapped signing key is crate
// encrypt_private_key over a composite secret key (65 bytes for the tags
// 0x01–0x03, up to 99 for the others): 24 + 16 + its base64.
const (
	MinWrappedSigningKey = 24 + 16 + 1
	MaxWrappedSigningKey = 512
	MinIdentityKey       = 33
)

// IdentitySetup is the body that sets an account's identity key: the
// proof of the password, the public key, the signing key wrapped under
// the session key and — optional — under the recovery secret, and
// optionally the bundle signed with the new key, base64.
type IdentitySetup struct {
	AuthKey                     string `json:"auth_key"`
	IdentityPublicKey           string `json:"identity_public_key"`
	EncryptedSigningKey         string `json:"encrypted_signing_key"`
	RecoveryEncryptedSigningKey string `json:"recovery_encrypted_signing_key,omitempty"`
	IdentityBundle              string `json:"identity_bundle,omitempty"`
}

// BundlePublish is the body that publishes a signed bundle.
type BundlePublish struct {
	IdentityBundle string `json:"identity_bundle"`
}

// identityRequired: the account has an identity key, so a password
// change, recovery key or recovery must carry its signing key re-wrapped
// (else the key would be lost with the old wrap).
const identityRequired = "required: the account has an identity key"

// signingKeyField checks a wrapped signing key field: required when need,
// else refused (there is no such signing key to wrap).
func signingKeyField(c *fieldcheck.Checker, field, v string, need bool) []byte {
	if !need {
		if v != "" {
			c.Fail(field, "the account has no identity key to wrap here")
		}
		return nil
	}
	if v == "" {
		c.Fail(field, identityRequired)
		return nil
	}
	return c.Bytes(field, v, MinWrappedSigningKey, MaxWrappedSigningKey)
}

// identityFields checks a sign-up's identity fields: both or neither, and
// the recovery wrap exactly when there is an identity and a recovery key.
func identityFields(c *fieldcheck.Checker, pkB64, eskB64, reskB64 string, recovery bool) (*Identity, []byte) {
	if pkB64 == "" && eskB64 == "" {
		signingKeyField(c, "recovery_encrypted_signing_key", reskB64, false)
		return nil, nil
	}
	i := &Identity{
		PublicKey:           identityKeyField(c, pkB64),
		EncryptedSigningKey: c.Bytes("encrypted_signing_key", eskB64, MinWrappedSigningKey, MaxWrappedSigningKey),
	}
	return i, signingKeyField(c, "recovery_encrypted_signing_key", reskB64, recovery)
}

// identityKeyField checks an identity public key: a composite signing
// public key of a known suite and its exact size (sealkit.SignaturePosture).
func identityKeyField(c *fieldcheck.Checker, v string) []byte {
	pk := c.Bytes("identity_public_key", v, MinIdentityKey, identity.MaxKey)
	if pk != nil {
		if _, _, err := sealkit.SignaturePosture(pk); err != nil {
			c.Fail("identity_public_key", "not a signing public key")
		}
	}
	return pk
}

// checkBundle refuses a signed bundle that is not a's under identity key
// idKey: it must decode, name a.ID, list a's public keys as stored and
// idKey as its identity key, carry a version above the stored bundle's,
// and (with VerifySignature) verify.
func (m *Manager) checkBundle(c *fieldcheck.Checker, a *Account, idKey, signed []byte) {
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
	case !bytes.Equal(b.IdentityKey, idKey):
		c.Fail("identity_bundle", "must list the account's identity key")
	case m.cfg.VerifySignature != nil && !verified(m.cfg.VerifySignature, msg, sig, b.IdentityKey):
		c.Fail("identity_bundle", "signature does not verify")
	}
	if a.Identity != nil && a.Identity.SignedBundle != nil {
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

// SetIdentity sets or replaces the signed-in user's identity key, proven
// by the password's auth key, as a compare-and-swap on the account's
// generation (a password change meanwhile makes it ErrKeysChanged). A
// bundle, when given, must pass checkBundle under the new key; without
// one the stored bundle stays (clients refuse it once it no longer
// matches: the browser publishes a new one). Errors: *fieldcheck.Error,
// *LimitError, ErrWrongPassword, ErrKeysChanged, ErrNoSession.
func (m *Manager) SetIdentity(ctx context.Context, client, userID string, s IdentitySetup) error {
	var c fieldcheck.Checker
	key := c.Bytes("auth_key", s.AuthKey, sealkit.AuthKeySize, sealkit.AuthKeySize)
	i := Identity{
		PublicKey:           identityKeyField(&c, s.IdentityPublicKey),
		EncryptedSigningKey: c.Bytes("encrypted_signing_key", s.EncryptedSigningKey, MinWrappedSigningKey, MaxWrappedSigningKey),
	}
	if s.IdentityBundle != "" {
		i.SignedBundle = c.Bytes("identity_bundle", s.IdentityBundle, 1, identity.MaxSigned)
	}
	if err := c.Err(); err != nil {
		return err
	}
	a, err := m.provePassword(ctx, client, userID, key)
	if err != nil {
		return err
	}
	if i.SignedBundle != nil {
		m.checkBundle(&c, a, i.PublicKey, i.SignedBundle)
	} else if a.Identity != nil {
		i.SignedBundle = a.Identity.SignedBundle
	}
	var resk []byte
	if s.RecoveryEncryptedSigningKey != "" {
		resk = signingKeyField(&c, "recovery_encrypted_signing_key", s.RecoveryEncryptedSigningKey, a.Recovery != nil)
	}
	if err := c.Err(); err != nil {
		return err
	}
	err = m.cfg.Store.SetIdentity(ctx, a.ID, a.KeyGeneration, i, resk)
	if errors.Is(err, ErrStale) {
		return ErrKeysChanged
	}
	return err
}

// PublishBundle stores the signed-in user's signed bundle: it must pass
// checkBundle under the stored identity key (so a stolen cookie, which
// cannot sign with that key, can only replay one of the account's own
// older bundles — refused for its version). Errors: *fieldcheck.Error,
// ErrNoSession, ErrKeysChanged (the identity changed meanwhile).
func (m *Manager) PublishBundle(ctx context.Context, userID string, p BundlePublish) error {
	var c fieldcheck.Checker
	bundle := c.Bytes("identity_bundle", p.IdentityBundle, 1, identity.MaxSigned)
	if err := c.Err(); err != nil {
		return err
	}
	a, err := m.cfg.Store.AccountByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return ErrNoSession
	}
	if err != nil {
		return err
	}
	if !a.HasIdentityKey() {
		return &fieldcheck.Error{Field: "identity_bundle", Problem: "the account has no identity key yet"}
	}
	m.checkBundle(&c, a, a.Identity.PublicKey, bundle)
	if err := c.Err(); err != nil {
		return err
	}
	err = m.cfg.Store.SetBundle(ctx, a.ID, a.Identity.PublicKey, a.Identity.SignedBundle, bundle)
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
		h.log().Info("identity key set", "user", user, "ip", client)
		h.identityChanged(r.Context(), user)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

// PublishBundle is PUT BundlePublish → 204: Manager.PublishBundle for
// the request's user (wrap it in Require).
func (h *Handlers) PublishBundle() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b BundlePublish
		if !readJSON(w, r, &b) {
			return
		}
		user := UserID(r.Context())
		if err := h.Manager.PublishBundle(r.Context(), user, b); err != nil {
			h.fail(w, err, "try again shortly")
			return
		}
		h.log().Info("identity bundle published", "user", user)
		h.identityChanged(r.Context(), user)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

func (h *Handlers) identityChanged(ctx context.Context, userID string) {
	if h.IdentityChanged != nil {
		h.IdentityChanged(ctx, userID)
	}
}
