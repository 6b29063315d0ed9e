-- 0005: vouchers and the key that signs them. A voucher is kept by the
-- hash of its code; used_by is the one submission it paid for.
CREATE TABLE signing_keys (
	name       TEXT PRIMARY KEY,
	private    BYTEA NOT NULL,
	created_at TEXT NOT NULL
);
CREATE TABLE vouchers (
	seq        BIGINT PRIMARY KEY, -- the voucher book's cursor (MAX + 1 under the write lock (lock.go): commit order is cursor order)
	hash       TEXT NOT NULL UNIQUE,
	school     TEXT NOT NULL DEFAULT '',
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	expires_at TEXT NOT NULL,
	sig        TEXT NOT NULL,
	created_at TEXT NOT NULL,
	used_by    TEXT,
	used_at    TEXT
);
