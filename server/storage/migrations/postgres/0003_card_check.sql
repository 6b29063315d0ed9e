-- 0003: how the ID card read at the kiosk compared with the typed number
-- and the roster's name (api.Submission.CardCheck), for the reviewer.
ALTER TABLE submissions ADD COLUMN card_check TEXT NOT NULL DEFAULT '';
