-- Group key statements (issue 15; docs/PROTOCOL.md §10.6): one per key
-- version, signed by the member who made that version (package identity,
-- keychain.go), base64, as the browser sent it. Public: a version number,
-- an HMAC commitment under the key, the previous statement's hash and
-- the signer's user id. Groups made before this migration have none until
-- an owner's or admin's page adds one for the current version.
CREATE TABLE group_key_statements (
    group_id    TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    key_version BIGINT NOT NULL,
    statement   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, key_version)
);
