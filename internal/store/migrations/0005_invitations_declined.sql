-- Invitations that tell the admins nothing (issue 11 §2).
--
-- Declining no longer deletes the invitation: the row stays, marked with
-- declined_at, so that the admins' list (which shows it until it expires
-- or they withdraw it) looks exactly as if nobody had answered. Only the
-- invitee's own view leaves it out. Every invitation expires
-- store.InvitationLifetime after created_at, declined or not, and the
-- cleanup job deletes it then.
ALTER TABLE group_invitations ADD COLUMN declined_at BIGINT;
CREATE INDEX group_invitations_created ON group_invitations (created_at);
