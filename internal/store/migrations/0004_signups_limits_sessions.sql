-- Email-first registration, atomic rate limits and idle sessions
-- (issue 11).
--
-- Sign-up no longer creates an account before the address is proven: a
-- `signups` row is only "someone asked for a link to be mailed to this
-- address". The account (keys, verifier) is created by the page that link
-- opens, already confirmed. Several signups for one address may coexist;
-- none of them changes what the salt endpoint, login or an invitation can
-- observe, because those read only `users`.
--
-- The accounts the old flow left unconfirmed hold keys that someone chose
-- before proving the address: they are dropped, with their tokens, so that
-- their owners (or the real owners of those addresses) can start again.

DELETE FROM email_tokens;
DELETE FROM users WHERE confirmed_at IS NULL;
DROP TABLE email_tokens;

-- sealed_email is an at-rest value of the address as typed (the finishing
-- page shows it and the browser encrypts it under the new user key); the
-- row is found only by the hash of the mailed token.
CREATE TABLE signups (
    token_hash   TEXT PRIMARY KEY,
    email_index  TEXT NOT NULL,
    sealed_email TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX signups_email_index ON signups (email_index);
CREATE INDEX signups_expires ON signups (expires_at);

-- One counter per bucket and fixed window, incremented with one atomic
-- upsert (INSERT … ON CONFLICT … DO UPDATE … RETURNING), so concurrent
-- requests each see a distinct count. The limiter weighs the previous
-- window's count by how much of it still overlaps the sliding window.
-- expires_at (unix ms) is when the row stops mattering, for cleanup.
DROP TABLE rate_events;
CREATE TABLE rate_counters (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_expires ON rate_counters (expires_at);

-- Idle timeout: a session not used for store.SessionIdle ends.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
