package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// migrate applies the numbered migrations of the handle's dialect not
// applied yet, each in its own transaction with its row in
// schema_migrations. On PostgreSQL the transaction first takes an
// advisory lock, so server processes starting together apply each once.
func migrate(ctx context.Context, db *handle) error {
	if err := createMigrations(ctx, db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	dir := "migrations/sqlite"
	if db.pg {
		dir = "migrations/postgres"
	}
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if err := notNewer(ctx, db, len(names)); err != nil {
		return err
	}
	for i, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil || v != i+1 {
			return fmt.Errorf("migrate: %s: want version %d", name, i+1)
		}
		if err := apply(ctx, db, v, name); err != nil {
			return fmt.Errorf("migrate: %s: %w", name, err)
		}
	}
	return nil
}

// notNewer fails with ErrSchemaNewer when the database holds a migration
// past the last one this server knows: a server older than the schema
// would break the newer ones' rules (its locks, how it numbers rows).
func notNewer(ctx context.Context, db *handle, known int) error {
	var top int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&top); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if top > known {
		return fmt.Errorf("migrate: version %d applied, this server knows %d: %w", top, known, ErrSchemaNewer)
	}
	return nil
}

// lockMigrate is the lock (lock.go) a migration's transaction takes.
const lockMigrate = "migrate"

func createMigrations(ctx context.Context, db *handle) error {
	t, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback()
	tx := &txn{Tx: t, pg: db.pg}
	if err := tx.lock(ctx, []string{lockMigrate}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	return t.Commit()
}

func apply(ctx context.Context, db *handle, v int, name string) error {
	text, err := migrationFS.ReadFile(name)
	if err != nil {
		return err
	}
	t, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback()
	tx := &txn{Tx: t, pg: db.pg}
	if err := tx.lock(ctx, []string{lockMigrate}); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", v).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := t.ExecContext(ctx, string(text)); err != nil { // as written: no ? binding
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", v, path.Base(name)); err != nil {
		return err
	}
	return t.Commit()
}
