package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"gradphoto/app"
)

func TestDocumentRoundTripAndPurge(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sid := newSession(t, s)
	img := bytes.Repeat([]byte{0xff, 0xd8, 1, 2, 3}, 1000)
	front, err := s.SaveDocument(ctx, sid, app.CardFront, img)
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.SaveDocument(ctx, sid, app.CardBack, []byte("back"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Document(ctx, front); err != nil || !bytes.Equal(got, img) {
		t.Fatalf("Document = %d bytes, %v", len(got), err)
	}
	if sess, err := s.GetSession(ctx, sid); err != nil || sess.Cards[app.CardBack] != back {
		t.Fatalf("Cards = %v, %v", sess.Cards, err)
	}

	if n, err := s.PurgeDocuments(ctx, sid); err != nil || n != 2 {
		t.Fatalf("PurgeDocuments = %d, %v; want 2", n, err)
	}
	if _, err := s.Document(ctx, front); !errors.Is(err, ErrPurged) {
		t.Fatalf("Document after purge = %v, want ErrPurged", err)
	}
	if n, err := s.PurgeDocuments(ctx, sid); err != nil || n != 0 {
		t.Fatalf("second PurgeDocuments = %d, %v; want 0", n, err)
	}
	var sum string
	var purged *string
	err = s.r.QueryRowContext(ctx, "SELECT sha256, purged_at FROM documents WHERE id = ?", front).Scan(&sum, &purged)
	if err != nil || len(sum) != 64 || purged == nil {
		t.Fatalf("tombstone = %q, %v, %v", sum, purged, err)
	}
	if sess, err := s.GetSession(ctx, sid); err != nil || sess.Cards[app.CardFront] != front {
		t.Fatalf("Cards after purge = %v, %v", sess.Cards, err)
	}
}

func TestDocumentErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Document(ctx, "nope"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Document(nope) = %v, want app.ErrNotFound", err)
	}
	sid := newSession(t, s)
	if _, err := s.SaveDocument(ctx, sid, "left", []byte("x")); err == nil {
		t.Error("SaveDocument accepted an unknown side")
	}
}

// Saves for an unknown session are refused and leave nothing behind.
func TestSavesNeedTheirSession(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.SaveDocument(ctx, "no-such-session", app.CardFront, []byte("x")); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("SaveDocument for an unknown session = %v, want app.ErrNotFound", err)
	}
	if _, err := s.SavePhoto(ctx, Photo{SessionID: "no-such-session", Kind: "original", Data: []byte("x")}); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("SavePhoto for an unknown session = %v, want app.ErrNotFound", err)
	}
	for _, table := range []string{"documents", "photos", "outbox"} {
		var n int
		if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d rows (%v) after failed saves", table, n, err)
		}
	}
}
