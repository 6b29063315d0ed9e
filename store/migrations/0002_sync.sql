-- 0002: sync with the server. A confirmed session carries the token of the
-- graduate's status page (the receipt's QR). Uploads are driven by the
-- submission's outbox row alone: the per-photo and per-document rows of
-- 0001 are gone.
ALTER TABLE sessions ADD COLUMN status_token TEXT NOT NULL DEFAULT '';
DELETE FROM outbox WHERE kind IN ('photo.upload', 'document.upload');
CREATE INDEX sessions_submission ON sessions (submission_id);
