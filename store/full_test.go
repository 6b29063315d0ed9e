package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"gradphoto/app"
)

// A disk that fills up: saving a shot fails with app.ErrStorageFull and
// keeps nothing of it (no photo row, the session unchanged), the database
// stays sound, and the same save works once there is room again.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := newSession(t, s)
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := s.LimitPages(ctx, pages+2); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF, 1, 2, 3, 4, 5}, 64<<10) // 512 KB
	shot := app.Shot{Raw: big, Standard: big[:40<<10], Passed: true}
	_, _, err := s.SaveShot(ctx, sess, shot)
	if !errors.Is(err, app.ErrStorageFull) {
		t.Fatalf("save on a full disk: %v, want ErrStorageFull", err)
	}
	if ps, err := s.SessionPhotos(ctx, sess); err != nil || len(ps) != 0 {
		t.Fatalf("after the failed save: %d photos (%v)", len(ps), err)
	}
	if _, err := s.SaveDocument(ctx, sess, app.CardFront, big); !errors.Is(err, app.ErrStorageFull) {
		t.Errorf("a card image on a full disk: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("integrity after a full disk: %v", err)
	}
	if err := s.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	raw, std, err := s.SaveShot(ctx, sess, shot)
	if err != nil {
		t.Fatalf("once there is room: %v", err)
	}
	for _, id := range []string{raw, std} {
		if _, err := s.Photo(ctx, id); err != nil {
			t.Errorf("photo %s: %v", id, err)
		}
	}
}
