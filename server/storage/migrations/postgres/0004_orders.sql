-- 0004: payment orders. One per (device, idempotency key): a retry or a
-- kiosk restarted mid-payment gets the same order back, never a second
-- one. A provider's transaction is recorded once.
CREATE TABLE orders (
	id             TEXT PRIMARY KEY,
	device_id      TEXT NOT NULL REFERENCES devices (id),
	idem_key       TEXT NOT NULL,
	session_id     TEXT NOT NULL,
	services       TEXT NOT NULL,           -- JSON array of catalog codes
	amount_fen     BIGINT NOT NULL CHECK (amount_fen >= 0),
	provider       TEXT NOT NULL,
	status         TEXT NOT NULL,           -- api.Order* states
	qr             TEXT NOT NULL DEFAULT '', -- '' until the provider's prepay answered
	transaction_id TEXT NOT NULL DEFAULT '',
	expires_at     TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	paid_at        TEXT,
	UNIQUE (device_id, idem_key)
);
CREATE UNIQUE INDEX orders_transaction ON orders (provider, transaction_id) WHERE transaction_id <> '';
