-- Announcements from the operator (`sealkit announce`). NOT zero-knowledge:
-- the operator wrote the text, so the server has seen it. What is stored
-- is one copy per confirmed user, sealed to that user's public keys
-- (crate seal_for_user, hybrid 0x02), inside an at-rest value like every
-- other encrypted_* column; no plaintext of the text is kept anywhere.
-- created_at is unix milliseconds, so that two announcements made within
-- one second still sort newest first.

CREATE TABLE announcements (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- One user's copy. The row id is what the API shows and dismisses: it
-- names one user's copy, never the announcement shared by all.
CREATE TABLE user_announcements (
    id              TEXT PRIMARY KEY,
    announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    encrypted_body  TEXT NOT NULL,
    dismissed_at    BIGINT,
    created_at      BIGINT NOT NULL,
    UNIQUE (announcement_id, user_id)
);
CREATE INDEX user_announcements_user ON user_announcements (user_id, created_at);
