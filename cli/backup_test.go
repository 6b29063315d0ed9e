package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gradphoto/api/bundle"
)

// `backup` seals every confirmed submission with the passphrase read from
// stdin; a short passphrase or no OUT writes nothing.
func TestBackupCommand(t *testing.T) {
	dir, db, st := seededStore(t, 2)
	st.Close()
	out := filepath.Join(dir, "kiosk.backup")
	run := func(stdin string, args ...string) (int, string) {
		var o, e bytes.Buffer
		code := runBackup(append([]string{"--db", db}, args...), strings.NewReader(stdin), &o, &e)
		return code, o.String() + e.String()
	}
	if code, _ := run("short\n", out); code != ExitUnreadable {
		t.Errorf("a short passphrase: exit %d", code)
	}
	if code, _ := run("a long passphrase\n"); code != ExitUnreadable {
		t.Errorf("no OUT: exit %d", code)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused backup wrote a file")
	}
	if code, msg := run("a long passphrase\n", out); code != ExitOK || !strings.Contains(msg, "backed up 2 submissions") {
		t.Fatalf("backup: %d %s", code, msg)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the backup file: %v %v", fi, err)
	}
	f, _ := os.Open(out)
	defer f.Close()
	r, err := bundle.NewReader(f, "a long passphrase")
	if err != nil || r.Header.Items != 2 || r.Header.Enrolled {
		t.Fatalf("read back: %+v %v", r, err)
	}
	n := 0
	for {
		it, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || len(it.Photos) != 4 {
			t.Fatalf("item %d: %d photos, %v", n, len(it.Photos), err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d items", n)
	}
}
