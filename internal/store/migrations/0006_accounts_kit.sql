-- The account tables are now the kit's (package accounts/sqlstore, whose
-- Schema they match, plus the app's own columns encrypted_display_name and
-- always_require_password). confirmed_at goes: since 0004 an account is
-- created only from a proven address, so every row was confirmed, and the
-- kit's store does not know the column.
ALTER TABLE users DROP COLUMN confirmed_at;
