-- 0001: the first schema. Times are UTC text in a fixed-width RFC 3339
-- form (so text order is time order), money is integer fen, IDs are
-- UUIDv7 text. Columns ending in _enc are AES-256-GCM ciphertexts and
-- columns ending in _hash are HMAC-SHA256 look-up keys (see crypto.go).

-- Internal values of the store itself (the key check).
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE roster (
	number_hash    BLOB PRIMARY KEY,  -- keyed hash of the normalised ID number
	doc_type       TEXT NOT NULL,
	number_enc     BLOB NOT NULL,
	name_enc       BLOB NOT NULL,
	student_no_enc BLOB NOT NULL,
	school         TEXT NOT NULL DEFAULT '',
	college        TEXT NOT NULL DEFAULT '',
	major          TEXT NOT NULL DEFAULT '',
	degree         TEXT NOT NULL DEFAULT '',
	grad_year      INTEGER NOT NULL DEFAULT 0,
	prepaid        INTEGER NOT NULL DEFAULT 0 CHECK (prepaid IN (0, 1)),
	imported_at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
	id                  TEXT PRIMARY KEY,
	step                TEXT NOT NULL,
	started_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	consent_version     TEXT,            -- NULL: not accepted
	consent_at          TEXT,
	doc_type            TEXT,            -- NULL: no identity yet
	number_hash         BLOB,
	number_enc          BLOB,
	name_enc            BLOB,
	eligibility         INTEGER NOT NULL DEFAULT 0,
	roster_matched      INTEGER NOT NULL DEFAULT 0 CHECK (roster_matched IN (0, 1)),
	prior_submission_id TEXT,
	services            TEXT NOT NULL DEFAULT '[]',  -- JSON array of catalog codes
	payment             TEXT NOT NULL DEFAULT '',
	order_ref           TEXT NOT NULL DEFAULT '',
	photo_id            TEXT NOT NULL DEFAULT '',
	standard_id         TEXT NOT NULL DEFAULT '',
	submission_id       TEXT NOT NULL DEFAULT '',
	retake              INTEGER NOT NULL DEFAULT 0 CHECK (retake IN (0, 1)),
	ended_at            TEXT,
	end_reason          TEXT
);
CREATE INDEX sessions_number ON sessions (number_hash);

-- ID-card images. image_enc is NULL once purged; the row stays as a tombstone.
CREATE TABLE documents (
	id         TEXT PRIMARY KEY,
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	side       TEXT NOT NULL CHECK (side IN ('front', 'back')),
	image_enc  BLOB,
	sha256     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	purged_at  TEXT
);
CREATE INDEX documents_session ON documents (session_id, created_at);

CREATE TABLE photos (
	id         TEXT PRIMARY KEY,
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	data       BLOB NOT NULL,
	sha256     TEXT NOT NULL,
	size       INTEGER NOT NULL,
	report     BLOB,
	created_at TEXT NOT NULL
);
CREATE INDEX photos_session ON photos (session_id, created_at);

CREATE TABLE orders (
	id         TEXT PRIMARY KEY,
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	method     TEXT NOT NULL,
	status     TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
	qr_payload TEXT NOT NULL DEFAULT '',
	expires_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX orders_session ON orders (session_id);

-- Write-back queue to the server: a row per thing to send, retried with backoff.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT NOT NULL,
	ref        TEXT NOT NULL,
	payload    BLOB,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    TEXT NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_at, id);
CREATE INDEX outbox_ref ON outbox (kind, ref);

-- Latest review status per submission, as reported by the server.
CREATE TABLE statuses (
	submission_id TEXT PRIMARY KEY,
	number_hash   BLOB NOT NULL,
	number_enc    BLOB NOT NULL,
	status        TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	updated_at    TEXT NOT NULL
);
CREATE INDEX statuses_number ON statuses (number_hash, updated_at);

-- Append-only: the triggers refuse to change or delete an entry.
CREATE TABLE audit_log (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at TEXT NOT NULL
) WITHOUT ROWID;
