package server

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/api/bundle"

	"gradphoto/server/storage/storagetest"
)

// `import` reads the passphrase from stdin and stores a bundle's
// submissions under a device of their own (a kiosk never enrolled),
// submitted into review; a second import changes nothing, a damaged file
// stores what came whole before the damage and says so.
func TestImportCommand(t *testing.T) {
	dbFlag, data := storagetest.Flag(t)
	const pass = "a long passphrase"
	var b bytes.Buffer
	w, err := bundle.NewWriter(&b, pass, bundle.Header{Kiosk: "install-1", School: "北京理工大学", CreatedAt: time.Now(), Items: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 2 {
		m := meta(newUUID(), newUUID())
		m.StatusToken = "token-" + m.ID
		ids = append(ids, m.ID)
		if err := w.Add(bundle.Item{Submission: m, Photos: map[string][]byte{
			api.KindStandard: testJPEG(t, i), api.KindRaw: testJPEG(t, i+10)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kiosk.backup")
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (int, string) {
		var out, errw bytes.Buffer
		code := runImport(args, strings.NewReader(stdin), &out, &errw)
		return code, out.String() + errw.String()
	}
	for range 2 {
		if code, out := run(pass+"\n", dbFlag, data, file); code != exitOK || !strings.Contains(out, "imported 2 attempts (4 photos) for kiosk backup-install-1") {
			t.Fatalf("import: %d %s", code, out)
		}
	}
	if code, out := run("wrong passphrase\n", dbFlag, data, file); code != exitFail || !strings.Contains(out, "wrong passphrase") {
		t.Errorf("wrong passphrase: %d %s", code, out)
	}
	cut := filepath.Join(t.TempDir(), "cut.backup")
	os.WriteFile(cut, b.Bytes()[:b.Len()-10], 0o600)
	if code, out := run(pass+"\n", dbFlag, data, cut); code != exitFail || !strings.Contains(out, "damaged or cut short") {
		t.Errorf("a cut file: %d %s", code, out)
	}
	if code, _ := run(pass+"\n", dbFlag, data); code != exitFail {
		t.Errorf("no FILE: %d", code)
	}
	db := openData(t, dbFlag, data)
	defer db.Close()
	for _, id := range ids {
		sub, err := db.Submission(context.Background(), id)
		if err != nil || sub.Status != api.StatusInReview || sub.DeviceID != "backup-install-1" || len(sub.Photos) != 2 {
			t.Errorf("%s: %+v %v", id, sub, err)
		}
	}
}
