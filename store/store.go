package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"

	"gradphoto/app"
)

// The store satisfies the storage interfaces the domain declares.
var (
	_ app.RosterFinder = (*Store)(nil)
	_ app.StatusFinder = (*Store)(nil)
	_ app.SessionStore = (*Store)(nil)
	_ app.Auditor      = (*Store)(nil)
)

// readConns is the size of the read-only pool.
const readConns = 4

// Options tune Open.
type Options struct {
	// KeyPath is the per-install key file; "" means gradphoto.key next to
	// the database file.
	KeyPath string
	// Now is the clock for the times the store stamps itself (audit
	// entries, outbox rows, imports); nil means time.Now.
	Now func() time.Time
}

// Store is GradPhoto's SQLite database. It is safe for concurrent use.
type Store struct {
	w    *sql.DB // the one writer connection
	r    *sql.DB // read-only pool
	c    *crypter
	now  func() time.Time
	path string // the database file
}

// DefaultPath is where the kiosk keeps its database:
// $XDG_DATA_HOME/gradphoto/gradphoto.db, or ~/.local/share/gradphoto/gradphoto.db.
func DefaultPath() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(base) { // the XDG spec says to ignore relative values
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("store: default path: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "gradphoto", "gradphoto.db"), nil
}

// Open opens (creating if needed) the database at path, brings its schema
// up to date and loads the key. A database written by a newer GradPhoto
// fails with ErrSchemaTooNew; a key that does not belong to the database
// fails with ErrKeyMismatch.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	s, err := open(ctx, path, opt)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

func open(ctx context.Context, path string, opt Options) (*Store, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := prepareFile(path); err != nil {
		return nil, err
	}
	s := &Store{now: opt.Now, path: path}
	if s.now == nil {
		s.now = time.Now
	}
	if s.w, err = openWriter(ctx, path); err != nil {
		return nil, err
	}
	if err := s.setUp(ctx, path, opt); err != nil {
		s.closeAll()
		return nil, err
	}
	return s, nil
}

// setUp migrates, loads the key and opens the read pool.
func (s *Store) setUp(ctx context.Context, path string, opt Options) error {
	if err := migrate(ctx, s.w); err != nil {
		return err
	}
	keyPath := opt.KeyPath
	if keyPath == "" {
		keyPath = filepath.Join(filepath.Dir(path), "gradphoto.key")
	}
	c, err := s.loadCrypter(ctx, keyPath)
	if err != nil {
		return err
	}
	s.c = c
	if err := s.sealOldPhotos(ctx); err != nil {
		return err
	}
	s.r, err = openReader(ctx, path)
	return err
}

// prepareFile creates the directory (0700) and an empty database file
// (0600) so SQLite, which copies the file's mode to -wal and -shm, never
// makes a world-readable file.
func prepareFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// dsn builds a file: URI for mattn/go-sqlite3 with the given parameters.
func dsn(path string, params url.Values) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params.Encode()
}

// openWriter opens the single writer connection.
//
// synchronous=FULL: in WAL mode NORMAL syncs only at checkpoints, so a
// power cut can roll back the last commits; FULL syncs the WAL at every
// commit, and the kiosk must not lose a graduate's paid session or photo.
// secure_delete zeroes freed content, so purged ID-card ciphertexts do not
// linger in free pages.
func openWriter(ctx context.Context, path string) (*sql.DB, error) {
	p := url.Values{}
	p.Set("_journal_mode", "WAL")
	p.Set("_synchronous", "FULL")
	p.Set("_foreign_keys", "on")
	p.Set("_busy_timeout", "5000")
	p.Set("_txlock", "immediate")
	p.Set("_secure_delete", "on")
	p.Set("_stmt_cache_size", "32")
	db, err := sql.Open("sqlite3", dsn(path, p))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := checkJournal(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func checkJournal(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	return nil
}

// openReader opens the read-only pool. Readers never wait for the writer
// in WAL mode; the busy timeout covers WAL recovery and restarts.
func openReader(ctx context.Context, path string) (*sql.DB, error) {
	p := url.Values{}
	p.Set("mode", "ro")
	p.Set("_busy_timeout", "5000")
	p.Set("_stmt_cache_size", "32")
	db, err := sql.Open("sqlite3", dsn(path, p))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(readConns)
	db.SetMaxIdleConns(readConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close checkpoints the WAL into the database file and closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

func (s *Store) closeAll() {
	if s.r != nil {
		s.r.Close()
	}
	s.w.Close()
}

// withTx runs fn in one write transaction, committing when fn returns nil.
// A full disk is app.ErrStorageFull, and nothing of the transaction stays.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return storageFull(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return storageFull(err)
	}
	return storageFull(tx.Commit())
}

// storageFull marks SQLite's "database or disk is full" as
// app.ErrStorageFull.
func storageFull(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return fmt.Errorf("%w: %w", app.ErrStorageFull, err)
	}
	return err
}

// LimitPages caps the database at n pages (n <= 0: no cap): a disk that
// fills up, for tests, or a cap an operator sets. Writes past it fail
// with app.ErrStorageFull.
func (s *Store) LimitPages(ctx context.Context, n int) error {
	if n <= 0 {
		n = 2147483646
	}
	_, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", n))
	return err
}

// affectedOne turns "no row changed" into app.ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return app.ErrNotFound
	}
	return nil
}

// notFound maps sql.ErrNoRows to app.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return app.ErrNotFound
	}
	return err
}

// unknownSession maps a foreign-key failure on session_id to app.ErrNotFound.
func unknownSession(err error, sessionID string) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
		return fmt.Errorf("session %q: %w", sessionID, app.ErrNotFound)
	}
	return err
}

// timeFormat is RFC 3339 with a fixed nine-digit fraction and always Z,
// so that comparing the text compares the times.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// IntegrityCheck runs SQLite's integrity check: nil when it says "ok".
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check: %s", res)
	}
	return nil
}
