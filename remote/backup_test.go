package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"testing"
	"time"

	"gradphoto/api/bundle"
	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/store"
)

// importInto imports a bundle into the server of r.
func (r *serverRig) importInto(t testing.TB, data []byte, pass string) (server.ImportStats, error) {
	t.Helper()
	s, err := server.New(server.Config{Store: r.db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s.Import(context.Background(), bytes.NewReader(data), pass)
}

// A kiosk that never had a network writes a backup; the server that
// imports it ends with what a sync gives another server: the same
// submissions, versions, photo kinds and SHA-256s, in review. Importing
// it again changes nothing; a backup of the same kiosk once enrolled and
// synced, imported into its own server, changes nothing either. A wrong
// passphrase stores nothing.
func TestBackupImportEqualsSync(t *testing.T) {
	ctx := context.Background()
	k := newKiosk(t)
	ids := k.seed(t, 0, 4, 320)
	const pass = "a long passphrase"
	var offline bytes.Buffer
	if n, err := Backup(ctx, k.st, &offline, pass, time.Now()); err != nil || n != 4 {
		t.Fatalf("backup: %d %v", n, err)
	}

	imported := newServer(t, nil)
	if _, err := imported.importInto(t, offline.Bytes(), "not the passphrase"); !errors.Is(err, bundle.ErrPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if m := imported.manifest(t); len(m) != 0 {
		t.Fatalf("a refused import stored %d lines", len(m))
	}
	for range 2 {
		st, err := imported.importInto(t, offline.Bytes(), pass)
		if err != nil || st.Attempts != 4 || st.Photos != 16 {
			t.Fatalf("import: %+v %v", st, err)
		}
	}

	synced := newServer(t, nil)
	c, token := synced.enrol(t, "")
	d, err := synced.db.DeviceByToken(ctx, storage.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.st.SetServerConfig(ctx, store.ServerConfig{URL: synced.srv.URL, DeviceID: d.ID, Token: token}); err != nil {
		t.Fatal(err)
	}
	w := &Worker{Store: k.st, Client: c}
	if st, err := w.Round(ctx); err != nil || st.Pending != 0 {
		t.Fatalf("sync: %+v %v", st, err)
	}
	im, sm := imported.manifest(t), synced.manifest(t)
	if !maps.Equal(im, sm) || len(im) != 16 {
		t.Fatalf("imported %d lines, synced %d; equal %v", len(im), len(sm), maps.Equal(im, sm))
	}
	for _, id := range ids {
		a, err := imported.db.Submission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := synced.db.Submission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != "in_review" || a.Status != b.Status || a.Number != b.Number || a.Name != b.Name ||
			a.School != b.School || a.Code != b.Code || a.Version != b.Version {
			t.Errorf("%s: imported %+v\nsynced %+v", id, a, b)
		}
	}

	var after bytes.Buffer // enrolled and synced: the card images are gone from the kiosk
	if _, err := Backup(ctx, k.st, &after, pass, time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := synced.importInto(t, after.Bytes(), pass); err != nil || st.Attempts != 4 || st.Photos != 8 {
		t.Fatalf("import into the kiosk's own server: %+v %v", st, err)
	}
	if m := synced.manifest(t); !maps.Equal(m, sm) {
		t.Errorf("importing a synced kiosk's backup changed the manifest: %d lines, was %d", len(m), len(sm))
	}
	if _, err := imported.importInto(t, after.Bytes(), pass); err == nil {
		t.Error("a server took the backup of a kiosk enrolled with another server")
	}
}
