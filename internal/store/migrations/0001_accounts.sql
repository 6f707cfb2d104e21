-- Accounts, sessions, email tokens, rate-limit events and the development
-- mailbox. One file for SQLite and PostgreSQL: only types and statements
-- both understand (TEXT, BIGINT, no autoincrement: ids are random and made
-- in Go). Every encrypted_* column and dev_mail.sealed holds an at-rest
-- value "ar1.<key id>.<base64>" (package atrest) around the browser's
-- ciphertext; nothing here is plaintext user content.

CREATE TABLE users (
    id                       TEXT PRIMARY KEY,
    email_index              TEXT NOT NULL UNIQUE,
    key_hash                 TEXT NOT NULL,
    auth_salt                TEXT NOT NULL,
    auth_hash                TEXT NOT NULL,
    public_key               TEXT NOT NULL,
    pq_public_key            TEXT NOT NULL,
    encrypted_private_key    TEXT NOT NULL,
    encrypted_pq_private_key TEXT NOT NULL,
    encrypted_user_key       TEXT NOT NULL,
    encrypted_email          TEXT NOT NULL,
    encrypted_display_name   TEXT,
    always_require_password  BIGINT NOT NULL DEFAULT 0,
    confirmed_at             BIGINT,
    created_at               BIGINT NOT NULL
);

CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE rate_events (
    bucket TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX rate_events_bucket_at ON rate_events (bucket, at);

CREATE TABLE dev_mail (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    sealed     TEXT NOT NULL
);
