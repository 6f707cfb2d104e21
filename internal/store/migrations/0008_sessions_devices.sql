-- Devices and sessions, account deletion (issue 14).
--
-- A session may carry a coarse device label ("Chrome on Linux") that the
-- browser encrypts under the user's user_key before sending it; the
-- server wraps it again at rest (bound to the session's id_hash) and can
-- read neither layer's content. The page names a session by a public id
-- that the server derives from the hash with a keyed HMAC
-- (accounts.Manager), so no column holds it and no token or hash is ever
-- shown. Matches accounts/sqlstore's Schema.
ALTER TABLE sessions ADD COLUMN encrypted_device TEXT;
