package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fileHolds reports whether the database's files (and its WAL) hold b.
func fileHolds(t *testing.T, dir string, b []byte) bool {
	t.Helper()
	for _, name := range []string{"gradphoto.db", "gradphoto.db-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil && bytes.Contains(data, b) {
			return true
		}
	}
	return false
}

// photoBytes is a distinctive stand-in for a JPEG.
func photoBytes(seed byte) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE0}
	for i := range 4000 {
		b = append(b, byte(i*7)^seed)
	}
	return b
}

// Face photos are sealed at rest: their bytes are nowhere in the database
// file, they read back whole, and a photo's sealed bytes flipped or moved
// to another row are refused with ErrDecrypt, never shown.
func TestPhotosSealed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	sess := newSession(t, s)
	a, err := s.SavePhoto(ctx, Photo{SessionID: sess, Kind: "original", Data: photoBytes(1)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SavePhoto(ctx, Photo{SessionID: sess, Kind: "standard", Data: photoBytes(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if fileHolds(t, dir, photoBytes(1)[100:300]) || fileHolds(t, dir, photoBytes(2)[100:300]) {
		t.Fatal("a face photo is stored in the clear")
	}
	got, err := s.Photo(ctx, a.ID)
	if err != nil || !bytes.Equal(got.Data, photoBytes(1)) || got.SHA256 != a.SHA256 {
		t.Fatalf("read back: %d bytes, %v", len(got.Data), err)
	}

	if _, err := s.w.ExecContext(ctx, "UPDATE photos SET data = (SELECT data FROM photos WHERE id = ?) WHERE id = ?", a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Photo(ctx, b.ID); !errors.Is(err, ErrDecrypt) {
		t.Errorf("a photo moved to another row: %v, want ErrDecrypt", err)
	}
	if _, err := s.w.ExecContext(ctx, "UPDATE photos SET data = substr(data, 1, 40) || X'00' || substr(data, 42) WHERE id = ?", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Photo(ctx, a.ID); !errors.Is(err, ErrDecrypt) {
		t.Errorf("a flipped byte: %v, want ErrDecrypt", err)
	}
}

// Photos written in the clear by an older kiosk are sealed when the store
// opens, and read back the same.
func TestOldPhotosSealedAtOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	sess := newSession(t, s)
	var ids []string
	for i := range 45 { // more than one batch
		p, err := s.SavePhoto(ctx, Photo{SessionID: sess, Kind: "original", Data: photoBytes(byte(i))})
		if err != nil {
			t.Fatal(err)
		}
		// as an older kiosk stored it: the bytes in the clear
		if _, err := s.w.ExecContext(ctx, "UPDATE photos SET data = ?, sealed = 0 WHERE id = ?", photoBytes(byte(i)), p.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	s.Close()
	s = openAt(t, dir)
	var clear int
	if err := s.r.QueryRow("SELECT COUNT(*) FROM photos WHERE sealed = 0").Scan(&clear); err != nil || clear != 0 {
		t.Fatalf("%d photos still in the clear (%v)", clear, err)
	}
	for i, id := range ids {
		p, err := s.Photo(ctx, id)
		if err != nil || !bytes.Equal(p.Data, photoBytes(byte(i))) {
			t.Fatalf("photo %d after sealing: %d bytes, %v", i, len(p.Data), err)
		}
	}
}
