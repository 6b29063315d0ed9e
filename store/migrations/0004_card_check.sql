-- 0004: how the ID card read by OCR compared with the typed number and the
-- roster's name ("number:match name:differs", see app.CardCheck); no text
-- read off the card is kept.
ALTER TABLE sessions ADD COLUMN card_check TEXT NOT NULL DEFAULT '';
