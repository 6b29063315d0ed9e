// Package storage keeps the reference server's data: enrolment codes and
// devices, submissions with their versions and photos, the status changes
// the kiosks pull, reviewers and their log-in sessions, rosters and the
// audit log. One file per entity; SQL through database/sql, schema by
// embedded numbered migrations.
//
// It opens SQLite (the default, one file in the data folder): a writer
// connection, every write in a BEGIN IMMEDIATE transaction so writers
// queue in Go, and a read pool that WAL lets run beside it. Or PostgreSQL
// (a postgres:// URL, through pgx), which several server processes share:
// there a write transaction first takes the advisory locks (lock.go) of
// what it reads and changes — the whole database for rare writes, a kiosk,
// a submission, a voucher — so the sync's writes for different kiosks go
// in side by side. Queries are written once, with ?
// placeholders; each dialect has its own numbered migrations. Idempotency
// lives in the schema's keys and unique constraints, not in memory, so
// any server process can take any retry.
package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/mattn/go-sqlite3"
)

// Errors the handlers map to HTTP statuses; test with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")  // same id, other content, where it can no longer change
	ErrForbidden = errors.New("forbidden") // another device's submission, a used or expired code
	ErrNotReady  = errors.New("not ready") // submit before the standardised photo is there
	ErrBadInput  = errors.New("bad input") // a cursor or value the database cannot take
	// ErrSchemaNewer: the database was migrated by a newer server than
	// this one; it refuses to run on it (stop every older instance before
	// an upgrade: README).
	ErrSchemaNewer = errors.New("the database's schema is newer than this server")
)

// DB is the server's database. It is safe for concurrent use.
type DB struct {
	w   *handle // SQLite: the one writer connection; PostgreSQL: the pool
	r   *handle // SQLite: the read pool; PostgreSQL: the same pool as w
	now func() time.Time
}

// readConns is the size of SQLite's read pool; pgConns of the PostgreSQL
// pool of one server process.
const (
	readConns = 8
	pgConns   = 16
)

// Open opens the database at source — a PostgreSQL URL (postgres://…),
// else the path of a SQLite file, made if missing — and brings its schema
// up to date.
func Open(ctx context.Context, source string) (*DB, error) {
	open := openSQLite
	if isPostgres(source) {
		open = openPostgres
	}
	db, err := open(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", redact(source), err)
	}
	return db, nil
}

// isPostgres reports whether source names a PostgreSQL database.
func isPostgres(source string) bool {
	return strings.HasPrefix(source, "postgres://") || strings.HasPrefix(source, "postgresql://")
}

// redact is source without a password, for messages.
func redact(source string) string {
	u, err := url.Parse(source)
	if err != nil || u.User == nil {
		return source
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func openPostgres(ctx context.Context, source string) (*DB, error) {
	pool, err := sql.Open("pgx", source)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(pgConns)
	pool.SetMaxIdleConns(pgConns)
	h := &handle{DB: pool, pg: true}
	if err := migrate(ctx, h); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{w: h, r: h, now: time.Now}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
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
	w, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	db := &DB{w: &handle{DB: w}, now: time.Now}
	if err := migrate(ctx, db.w); err != nil {
		w.Close()
		return nil, err
	}
	q.Set("mode", "ro")
	q.Del("_txlock")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readConns)
	db.r = &handle{DB: r}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.r == db.w {
		return db.w.Close()
	}
	return errors.Join(db.r.Close(), db.w.Close())
}

// SetClock replaces the clock (tests).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// IntegrityCheck runs SQLite's integrity check: nil when it says "ok".
// PostgreSQL keeps its own: there it checks the database answers.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.r.pg {
		if err := db.r.PingContext(ctx); err != nil {
			return fmt.Errorf("storage: integrity check: %w", err)
		}
		return nil
	}
	var res string
	if err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("storage: integrity check: %s", res)
	}
	return nil
}

// withTx runs fn in a write transaction that holds lockAll: it waits for
// the other lockAll writers only, not for those that take narrower locks
// (lock.go). Committed when fn returns nil.
func (db *DB) withTx(ctx context.Context, fn func(tx *txn) error) error {
	return db.withLocks(ctx, []string{lockAll}, fn)
}

// withLocks runs fn in a write transaction holding the locks named (on
// PostgreSQL; SQLite's one writer is lock enough). A deadlock the
// database broke runs it again, up to txTries times, so fn must do
// nothing but through tx.
func (db *DB) withLocks(ctx context.Context, locks []string, fn func(tx *txn) error) error {
	var err error
	for range txTries {
		if err = db.tryTx(ctx, locks, fn); !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(1+rand.IntN(10)) * time.Millisecond)
	}
	return err
}

// txTries: how many times a transaction runs before its deadlock is
// returned.
const txTries = 5

func (db *DB) tryTx(ctx context.Context, locks []string, fn func(tx *txn) error) error {
	t, err := db.w.begin(ctx)
	if err != nil {
		return err
	}
	tx := &txn{Tx: t, pg: db.w.pg}
	if err := tx.lock(ctx, locks); err != nil {
		return errors.Join(err, t.Rollback())
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, t.Rollback())
	}
	return t.Commit()
}

// retryable reports whether err is PostgreSQL's serialization failure or
// deadlock: the transaction may simply be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
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
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
