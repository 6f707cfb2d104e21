-- Habits with per-resource keys, and groups with a shared, versioned
-- group key. Every encrypted_* column holds an at-rest value around the
-- browser's ciphertext (a secretbox blob, or a key sealed to a user);
-- every other column is plaintext metadata on purpose (docs/PROTOCOL.md
-- §6 lists which is which). Join rows carry their own id so that the
-- at-rest layer (one AAD per row) and key rotation can address them.

CREATE TABLE habits (
    id                    TEXT PRIMARY KEY,
    owner_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    encrypted_name        TEXT NOT NULL,
    encrypted_description TEXT,
    colour                TEXT NOT NULL,
    position              BIGINT NOT NULL,
    archived_at           BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX habits_owner ON habits (owner_id, position);

-- The habit key sealed to a reader: the join row is the access right.
CREATE TABLE user_habits (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    habit_id      TEXT NOT NULL REFERENCES habits (id) ON DELETE CASCADE,
    encrypted_key TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (user_id, habit_id)
);
CREATE INDEX user_habits_habit ON user_habits (habit_id);

CREATE TABLE checkins (
    id             TEXT PRIMARY KEY,
    habit_id       TEXT NOT NULL REFERENCES habits (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    encrypted_note TEXT,
    created_at     BIGINT NOT NULL,
    UNIQUE (habit_id, day)
);

-- key_version is the current group key; every ciphertext row records the
-- version it is under (name_key_version here). rotation_needed is set
-- when a member leaves on their own: an admin's browser must rotate
-- before anyone writes again.
CREATE TABLE groups (
    id               TEXT PRIMARY KEY,
    encrypted_name   TEXT NOT NULL,
    name_key_version BIGINT NOT NULL,
    key_version      BIGINT NOT NULL,
    rotation_needed  BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);

CREATE TABLE group_members (
    id                TEXT PRIMARY KEY,
    group_id          TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role              TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    encrypted_label   TEXT,
    label_key_version BIGINT,
    created_at        BIGINT NOT NULL,
    UNIQUE (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- The group key of one version sealed to one member. A member without a
-- row for the group's current version is pending.
CREATE TABLE group_keys (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_version   BIGINT NOT NULL,
    encrypted_key TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (group_id, user_id, key_version)
);

CREATE TABLE group_invitations (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    email_index     TEXT NOT NULL,
    encrypted_label TEXT NOT NULL,
    key_version     BIGINT NOT NULL,
    invited_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (group_id, email_index)
);
CREATE INDEX group_invitations_email ON group_invitations (email_index);

CREATE TABLE group_goals (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    author_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    encrypted_title TEXT NOT NULL,
    key_version     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX group_goals_group ON group_goals (group_id, key_version);

CREATE TABLE group_checkins (
    id             TEXT PRIMARY KEY,
    group_id       TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    goal_id        TEXT NOT NULL REFERENCES group_goals (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    encrypted_note TEXT NOT NULL,
    key_version    BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (goal_id, user_id, day)
);
CREATE INDEX group_checkins_group ON group_checkins (group_id, key_version);
