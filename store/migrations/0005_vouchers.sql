-- 0005: the voucher book (pulled from the server: signed hashes, never the
-- codes) and which of its vouchers this kiosk has used.
CREATE TABLE vouchers (
	hash         TEXT PRIMARY KEY,
	school       TEXT NOT NULL DEFAULT '',
	amount_fen   INTEGER NOT NULL,
	expires_at   TEXT NOT NULL,
	sig          TEXT NOT NULL,
	used_at      TEXT,
	used_session TEXT
);
