-- 0001: the reference server's first schema (PostgreSQL; the same as
-- SQLite's but for types). Times are UTC text in a
-- fixed-width RFC 3339 form (text order is time order); hashes are
-- SHA-256 bytes; ids made by kiosks are UUIDv7 text.

-- One-time enrolment codes (only their hash), used once.
CREATE TABLE enrol_codes (
	code_hash  BYTEA PRIMARY KEY,
	school     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT,
	device_id  TEXT
);

-- Enrolled kiosks; the bearer token is kept only as its hash.
CREATE TABLE devices (
	id         TEXT PRIMARY KEY,
	token_hash BYTEA NOT NULL UNIQUE,
	school     TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	revoked_at TEXT
);

-- One row per submission: its current version and status.
CREATE TABLE submissions (
	id           TEXT PRIMARY KEY,
	device_id    TEXT NOT NULL REFERENCES devices (id),
	school       TEXT NOT NULL,
	doc_type     TEXT NOT NULL,
	number       TEXT NOT NULL,
	name         TEXT NOT NULL,
	student_no   TEXT NOT NULL DEFAULT '',
	college      TEXT NOT NULL DEFAULT '',
	major        TEXT NOT NULL DEFAULT '',
	degree       TEXT NOT NULL DEFAULT '',
	grad_year    BIGINT NOT NULL DEFAULT 0,
	payment      TEXT NOT NULL DEFAULT '',
	order_ref    TEXT NOT NULL DEFAULT '',
	code         TEXT NOT NULL DEFAULT '',
	token_hash   BYTEA NOT NULL UNIQUE,
	version      BIGINT NOT NULL,
	session_id   TEXT NOT NULL,
	status       TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	reviewer     TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	submitted_at TEXT
);
CREATE INDEX submissions_queue ON submissions (status, school, updated_at);
CREATE INDEX submissions_device ON submissions (device_id);

-- Every version of a submission: the kiosk session it came from and the
-- metadata as received (its hash makes a repeated PUT a no-op).
CREATE TABLE versions (
	submission_id TEXT NOT NULL REFERENCES submissions (id),
	version       BIGINT NOT NULL,
	session_id    TEXT NOT NULL,
	meta          BYTEA NOT NULL,
	meta_hash     BYTEA NOT NULL,
	created_at    TEXT NOT NULL,
	PRIMARY KEY (submission_id, version),
	UNIQUE (submission_id, session_id)
);

-- The photos of each version; their bytes are in blobs, by hash.
CREATE TABLE photos (
	submission_id TEXT NOT NULL REFERENCES submissions (id),
	version       BIGINT NOT NULL,
	kind          TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	size          BIGINT NOT NULL,
	created_at    TEXT NOT NULL,
	PRIMARY KEY (submission_id, version, kind)
);

CREATE TABLE blobs (
	sha256 TEXT PRIMARY KEY,
	data   BYTEA NOT NULL
);

-- Each status a submission takes, for the kiosks' cursor (seq).
CREATE TABLE status_changes (
	seq           BIGINT PRIMARY KEY, -- MAX + 1 under the write lock (lock.go): commit order is cursor order
	submission_id TEXT NOT NULL REFERENCES submissions (id),
	device_id     TEXT NOT NULL,
	version       BIGINT NOT NULL,
	status        TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL
);
CREATE INDEX status_changes_device ON status_changes (device_id, seq);

CREATE TABLE reviewers (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL
);

-- The schools a reviewer may see; '*' is every school.
CREATE TABLE reviewer_schools (
	reviewer_id TEXT NOT NULL REFERENCES reviewers (id),
	school      TEXT NOT NULL,
	PRIMARY KEY (reviewer_id, school)
);

-- Reviewers' log-in sessions (in the database, so any instance serves them).
CREATE TABLE web_sessions (
	token_hash  BYTEA PRIMARY KEY,
	reviewer_id TEXT NOT NULL REFERENCES reviewers (id),
	csrf        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL
);

-- Rosters by school; seq orders the changes for the kiosks' delta cursor.
CREATE TABLE roster (
	school     TEXT NOT NULL,
	number     TEXT NOT NULL,
	doc_type   TEXT NOT NULL,
	name       TEXT NOT NULL,
	student_no TEXT NOT NULL DEFAULT '',
	college    TEXT NOT NULL DEFAULT '',
	major      TEXT NOT NULL DEFAULT '',
	degree     TEXT NOT NULL DEFAULT '',
	grad_year  BIGINT NOT NULL DEFAULT 0,
	prepaid    BOOLEAN NOT NULL DEFAULT FALSE,
	seq        BIGINT NOT NULL,
	PRIMARY KEY (school, number)
);
CREATE INDEX roster_seq ON roster (school, seq);

CREATE TABLE audit_log (
	id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at     TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
