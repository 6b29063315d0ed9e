-- A status change's seq comes from a sequence, so writers for different
-- kiosks no longer wait for each other; each kiosk's changes still commit
-- in seq order, as its writers take the kiosk's lock (lock.go).
CREATE SEQUENCE status_changes_seq OWNED BY status_changes.seq;
SELECT setval('status_changes_seq', COALESCE((SELECT MAX(seq) FROM status_changes), 0) + 1, false);
