-- 0007: retention. A raw still purged after its submission was approved
-- keeps its row (SHA-256, report) with empty data; a session purged after
-- the retention period keeps its times, steps and reason, nothing of the
-- graduate.
ALTER TABLE photos ADD COLUMN purged_at TEXT;
ALTER TABLE sessions ADD COLUMN purged_at TEXT;
