package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gradphoto/app"
	"gradphoto/export"
	"gradphoto/store"
)

// readBatch opens an export: its JPEGs by name and the manifest's rows.
func readBatch(t *testing.T, path string) (map[string][]byte, [][]string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	var rows [][]string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != export.ManifestName {
			files[f.Name] = data
			continue
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if rows, err = x.GetRows(x.GetSheetName(0)); err != nil {
			t.Fatal(err)
		}
	}
	return files, rows
}

// The registry's batch: each selected submission's standardised photo,
// named by its document number, and a manifest whose rows match the
// database (name, number kept as text, school, status in words, file,
// SHA-256 of the very bytes in the ZIP). Filters by status, school and
// day select what they say; bad flags write nothing.
func TestExport(t *testing.T) {
	ctx := context.Background()
	dir, db, st := seededStore(t, 4)
	var all []store.ExportRow
	if err := st.Export(ctx, store.ExportFilter{}, func(r store.ExportRow) error { all = append(all, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Fatalf("%d submissions in the store, want 4", len(all))
	}
	var changes []store.StatusChange
	for _, r := range all[:2] {
		changes = append(changes, store.StatusChange{SubmissionID: r.SubmissionID, Version: 1, Status: app.StatusApproved})
	}
	if err := st.ApplyStatuses(ctx, changes); err != nil {
		t.Fatal(err)
	}
	st.Close()

	run := func(args ...string) (int, string) {
		var out, errw bytes.Buffer
		code := runExport(append([]string{"--db", db}, args...), &out, &errw)
		return code, out.String() + errw.String()
	}
	approved := filepath.Join(dir, "approved.zip")
	if code, out := run("--status", "approved", approved); code != ExitOK || !strings.Contains(out, "exported 2 photos") {
		t.Fatalf("export approved: %d %s", code, out)
	}
	files, rows := readBatch(t, approved)
	if len(files) != 2 || len(rows) != 3 {
		t.Fatalf("%d photos, %d manifest rows; want 2 and a header + 2", len(files), len(rows))
	}
	if strings.Join(rows[0], ",") != strings.Join(export.Header, ",") {
		t.Errorf("header %v", rows[0])
	}
	for i, r := range all[:2] {
		row := rows[i+1]
		name := r.Identity.Number + ".jpg"
		sum := sha256.Sum256(files[name])
		want := []string{r.Identity.Name, "居民身份证", r.Identity.Number, r.Roster.StudentNo, r.Roster.School,
			"chsi", "已通过"}
		if !bytes.Equal(files[name], r.Standard.Data) {
			t.Errorf("%s: the ZIP's bytes are not the standardised photo's", name)
		}
		if strings.Join(row[1:8], ",") != strings.Join(want, ",") || row[9] != name ||
			row[10] != hex.EncodeToString(sum[:]) || row[10] != r.Standard.SHA256 {
			t.Errorf("manifest row %v,\nwant %v … %s %s", row, want, name, r.Standard.SHA256)
		}
	}

	everything := filepath.Join(dir, "all.zip")
	if code, out := run(everything); code != ExitOK || !strings.Contains(out, "exported 4 photos") {
		t.Errorf("export all: %d %s", code, out)
	}
	if _, rows := readBatch(t, everything); len(rows) != 5 || rows[3][7] != "待同步" {
		t.Errorf("all: %d rows, third status %q", len(rows), rows[3][7])
	}
	tomorrow := time.Now().In(chinaTime).AddDate(0, 0, 1).Format("2006-01-02")
	for _, args := range [][]string{{"--school", "清华大学"}, {"--since", tomorrow}} {
		out := filepath.Join(dir, "none.zip")
		if code, msg := run(append(args, out)...); code != ExitOK || !strings.Contains(msg, "exported 0 photos") {
			t.Errorf("%v: %d %s", args, code, msg)
		}
		if files, rows := readBatch(t, out); len(files) != 0 || len(rows) != 1 {
			t.Errorf("%v: %d photos, %d rows", args, len(files), len(rows))
		}
	}
	for _, args := range [][]string{{"--status", "lost"}, {"--since", "28/11/2026"}, {"a.zip"}} {
		out := filepath.Join(dir, "bad.zip")
		if code, _ := run(append(args, out)...); code != ExitUnreadable {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUnreadable)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v wrote a file", args)
		}
	}
	if code, _ := run(filepath.Join(dir, "no-such-dir", "x.zip")); code != ExitFailed {
		t.Errorf("an export into a missing folder: exit %d", code)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "export.batch" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d exports audited, want 4", n)
	}
}

// seededStore is a kiosk database in a temporary folder with n confirmed
// demo submissions: the folder, the database's path and the open store.
func seededStore(t *testing.T, n int) (dir, db string, st *store.Store) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "kiosk.db")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(context.Background(), st, n); err != nil {
		t.Fatal(err)
	}
	return dir, db, st
}
