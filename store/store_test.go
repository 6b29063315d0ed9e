package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gradphoto/app"
)

func TestMigrateFromEmptyAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	want, err := latestVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != want || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, want)
	}
	if err := s.SetSetting(ctx, "school", "北京大学"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir)
	if v, err := s.SchemaVersion(ctx); err != nil || v != want {
		t.Fatalf("after reopen SchemaVersion = %d, %v; want %d", v, err, want)
	}
	if got, err := s.Setting(ctx, "school"); err != nil || got != "北京大学" {
		t.Fatalf("after reopen Setting = %q, %v", got, err)
	}
}

func TestPragmas(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"synchronous", "2"}, {"busy_timeout", "5000"},
	} {
		var got string
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil || got != c.want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", c.pragma, got, err, c.want)
		}
	}
	if _, err := s.r.ExecContext(ctx, "INSERT INTO settings VALUES ('k', 'v', 'x')"); err == nil {
		t.Error("read pool accepted a write")
	}
}

func TestFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "gradphoto")
	openAt(t, dir)
	for name, want := range map[string]os.FileMode{"": 0o700, "gradphoto.db": 0o600, "gradphoto.key": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%q mode = %04o, want %04o", name, got, want)
		}
	}
}

func TestSchemaTooNew(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	s.Close()
	db, err := sql.Open("sqlite3", filepath.Join(dir, "gradphoto.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open = %v, want ErrSchemaTooNew", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/xdg")
	if p, err := DefaultPath(); err != nil || p != "/data/xdg/gradphoto/gradphoto.db" {
		t.Errorf("DefaultPath with XDG = %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/kiosk")
	if p, err := DefaultPath(); err != nil || p != "/home/kiosk/.local/share/gradphoto/gradphoto.db" {
		t.Errorf("DefaultPath without XDG = %q, %v", p, err)
	}
}

// TestReadsDuringWrite holds the writer in an open transaction and shows
// that the read pool neither blocks nor sees uncommitted rows.
func TestReadsDuringWrite(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := rosterEntries(200)
	if _, err := s.ImportRoster(ctx, es[:100]); err != nil {
		t.Fatal(err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := s.rosterRows(es[100:])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importRows(ctx, tx, rows, formatTime(t0)); err != nil {
		t.Fatal(err)
	}

	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	errs := make(chan error, 200)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.FindRoster(rctx, es[i].Number)
			if i >= 100 && errors.Is(err, app.ErrNotFound) {
				err = nil // not committed yet: invisible, as it should be
			} else if i >= 100 && err == nil {
				err = errors.New("uncommitted row visible")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("200 reads took %v while the writer was busy", d)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if e, err := s.FindRoster(ctx, es[150].Number); err != nil || e.Name != es[150].Name {
		t.Fatalf("after commit FindRoster = %+v, %v", e, err)
	}
	if n, err := s.RosterCount(ctx); err != nil || n != 200 {
		t.Fatalf("RosterCount = %d, %v; want 200", n, err)
	}
}

// TestNoPlaintextOnDisk writes every kind of personal data, then reads the
// raw database files and finds none of it.
func TestNoPlaintextOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	const number, name = "11010519491231002X", "张三明"
	if app.CheckChar(number[:17]) != number[17] {
		t.Fatal("test number is not valid")
	}
	image := bytes.Repeat([]byte("ID-CARD-PIXELS-"), 100)
	entry := app.RosterEntry{Doc: app.DocResidentID, Number: number, Name: name,
		StudentNo: "2022999001", School: "北京大学", GradYear: 2026}
	if _, err := s.ImportRoster(ctx, []app.RosterEntry{entry}); err != nil {
		t.Fatal(err)
	}
	sess := app.Session{ID: "s1", Step: app.StepEligibility, StartedAt: t0, UpdatedAt: t0,
		Identity: &app.Identity{Doc: app.DocResidentID, Number: number, Name: name}}
	if err := s.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDocument(ctx, "s1", app.CardFront, image); err != nil {
		t.Fatal(err)
	}
	rec := app.StatusRecord{SubmissionID: "sub1", Number: number, Status: app.StatusInReview, UpdatedAt: t0}
	if err := s.PutStatus(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "gradphoto.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{number, name, "2022999001", "ID-CARD-PIXELS-", number[:17]} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s contains plaintext %q", filepath.Base(f), secret)
			}
		}
	}

	s = openAt(t, dir)
	got, err := s.FindRoster(ctx, strings.ToLower(number)) // look-up normalises
	if err != nil || got != entry {
		t.Fatalf("FindRoster = %+v, %v; want %+v", got, err, entry)
	}
	if st, err := s.FindStatus(ctx, number); err != nil || st != rec {
		t.Fatalf("FindStatus = %+v, %v", st, err)
	}
}

func TestPathWithURIChars(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kiosk data?#%20x")
	s := openAt(t, dir)
	if err := s.SetSetting(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gradphoto.db")); err != nil {
		t.Fatal(err)
	}
}
