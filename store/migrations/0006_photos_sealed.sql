-- 0006: face photos (the still as taken and the standardised photo) are
-- biometric data: sealed like ID numbers and card images. Rows written
-- before this are sealed by the store when it opens (sealed = 0 until then).
ALTER TABLE photos ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
