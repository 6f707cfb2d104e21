-- Password change and account recovery (accounts/sqlstore Schema):
-- key_generation counts the swaps of the login secrets (each is a
-- compare-and-swap on it, and the key cache's server secret is bound to
-- it); the recovery key's verifier and the private keys wrapped under its
-- secret, NULL for an account without a recovery key.
ALTER TABLE users ADD COLUMN key_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recovery_salt TEXT;
ALTER TABLE users ADD COLUMN recovery_hash TEXT;
ALTER TABLE users ADD COLUMN encrypted_recovery_private_key TEXT;
ALTER TABLE users ADD COLUMN encrypted_recovery_pq_private_key TEXT;
