-- 0003: the receipt code (8 characters, see api.MakeCode) of a submitted
-- session, and of each submission's status so the status look-up can ask
-- for it.
ALTER TABLE sessions ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE statuses ADD COLUMN code TEXT NOT NULL DEFAULT '';
