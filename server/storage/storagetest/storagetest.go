// Package storagetest gives tests a fresh, empty server database: a SQLite
// file in the test's temporary folder or, when GRADPHOTO_TEST_PG holds the
// URL of a PostgreSQL server (make test starts a throw-away one with
// scripts/pg.sh and runs the server's tests a second time), a database of
// its own on that server, dropped when the test ends.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// Env names the variable with the PostgreSQL server's URL.
const Env = "GRADPHOTO_TEST_PG"

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(Env) != "" }

// Source is a new database for t: a postgres:// URL or a SQLite path.
func Source(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		return filepath.Join(t.TempDir(), "server.db")
	}
	return newDatabase(t, base)
}

// Flag is what a server command is given for a new database: --db and a
// PostgreSQL URL, or --data and a temporary folder.
func Flag(t testing.TB) (flag, value string) {
	t.Helper()
	if base := os.Getenv(Env); base != "" {
		return "--db", newDatabase(t, base)
	}
	return "--data", t.TempDir()
}

func newDatabase(t testing.TB, base string) string {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := "t_" + randomHex()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("storagetest: create database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storagetest: drop database: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
