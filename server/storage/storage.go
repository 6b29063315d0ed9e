// Package storage keeps the reference server's data: enrolment codes and
// devices, submissions with their versions and photos, the status changes
// the kiosks pull, reviewers and their log-in sessions, rosters and the
// audit log. One file per entity; SQL through database/sql, schema by
// embedded numbered migrations.
//
// It opens SQLite (the default, one file in the data folder): a writer
// connection, every write in a BEGIN IMMEDIATE transaction so writers
// queue in Go, and a read pool that WAL lets run beside it. Idempotency
// lives in the schema's keys and unique constraints, not in memory, so
// any server process can take any retry.
package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Errors the handlers map to HTTP statuses; test with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")  // same id, other content, where it can no longer change
	ErrForbidden = errors.New("forbidden") // another device's submission, a used or expired code
	ErrNotReady  = errors.New("not ready") // submit before the standardised photo is there
	ErrBadInput  = errors.New("bad input") // a cursor or value the database cannot take
)

// DB is the server's database. It is safe for concurrent use.
type DB struct {
	w   *sql.DB // the one writer connection
	r   *sql.DB // read pool
	now func() time.Time
}

// readConns is the size of the read pool.
const readConns = 8

// Open opens (creating if needed) the SQLite database at path and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	return db, nil
}

func open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	db := &DB{now: time.Now}
	var err error
	if db.w, err = sql.Open("sqlite3", dsn); err != nil {
		return nil, err
	}
	db.w.SetMaxOpenConns(1)
	if err := migrate(ctx, db.w); err != nil {
		db.w.Close()
		return nil, err
	}
	q.Set("mode", "ro")
	q.Del("_txlock")
	if db.r, err = sql.Open("sqlite3", "file:"+path+"?"+q.Encode()); err != nil {
		db.w.Close()
		return nil, err
	}
	db.r.SetMaxOpenConns(readConns)
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

// SetClock replaces the clock (tests).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// IntegrityCheck runs SQLite's integrity check: nil when it says "ok".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("storage: integrity check: %s", res)
	}
	return nil
}

// withTx runs fn in a write transaction: committed when fn returns nil.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// timeFormat is RFC 3339 with a fixed nine-digit fraction and always Z,
// so that comparing the text compares the times.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

// Hash is the SHA-256 of a secret (token, code): what the database keeps.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
