package storage

import (
	"context"
	"errors"
	"testing"

	"gradphoto/server/storage/storagetest"
)

// A server older than the database's schema refuses to run on it (its
// locks and numbering would break the newer rules), and says why.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	src := storagetest.Source(t)
	db, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", 999, "0999_future.sql"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err := Open(ctx, src); !errors.Is(err, ErrSchemaNewer) {
		if err == nil {
			db.Close()
		}
		t.Fatalf("open on a newer schema: %v, want ErrSchemaNewer", err)
	}
}
