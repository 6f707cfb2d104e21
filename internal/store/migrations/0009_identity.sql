-- Signed identities (issue 15; docs/PROTOCOL.md §10). Matches
-- accounts/sqlstore's Schema for the first four columns:
--   identity_public_key: the identity signing key's public half, base64,
--     as the browser made it (at sign-up, or at an unlock with the
--     password for an older account);
--   identity_bundle: the account's public keys and identity key, signed
--     with that key by the browser (package identity), base64, public, as
--     the browser sent it; NULL until the browser sets an identity;
--   encrypted_signing_key, encrypted_recovery_signing_key: the identity
--     signing key wrapped under the session key and under the recovery
--     secret (the browser's ciphertext, sealed again at rest).
-- App-only: the user's contacts (pinned identity keys and verified
-- marks), encrypted by the browser under the user's user key, sealed
-- again at rest, with a version each write must name (compare-and-swap).
ALTER TABLE users ADD COLUMN identity_public_key TEXT;
ALTER TABLE users ADD COLUMN identity_bundle TEXT;
ALTER TABLE users ADD COLUMN encrypted_signing_key TEXT;
ALTER TABLE users ADD COLUMN encrypted_recovery_signing_key TEXT;
ALTER TABLE users ADD COLUMN encrypted_contacts TEXT;
ALTER TABLE users ADD COLUMN contacts_version BIGINT NOT NULL DEFAULT 0;
