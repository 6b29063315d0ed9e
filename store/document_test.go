package store

import (
	"bytes"
	"context"
	"encoding/json"
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
	items, err := s.DueOutbox(ctx, t0, 0)
	if err != nil || len(items) != 2 || items[0].Kind != KindDocumentUpload || items[0].Ref != front || items[1].Ref != back {
		t.Fatalf("outbox = %+v, %v", items, err)
	}
	var p uploadPayload
	if err := json.Unmarshal(items[0].Payload, &p); err != nil || p.SessionID != sid || p.Side != "front" || len(p.SHA256) != 64 {
		t.Fatalf("payload = %s, %v", items[0].Payload, err)
	}

	if n, err := s.PurgeDocuments(ctx, sid); err != nil || n != 2 {
		t.Fatalf("PurgeDocuments = %d, %v; want 2", n, err)
	}
	if _, err := s.Document(ctx, front); !errors.Is(err, ErrPurged) {
		t.Fatalf("Document after purge = %v, want ErrPurged", err)
	}
	if n, _ := s.OutboxLen(ctx); n != 0 {
		t.Errorf("purge left %d uploads queued", n)
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

// TestOutboxInSameTx: when the domain row or its outbox row fails, neither
// is written.
func TestOutboxInSameTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.SaveDocument(ctx, "no-such-session", app.CardFront, []byte("x")); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("SaveDocument for an unknown session = %v, want app.ErrNotFound", err)
	}
	if _, err := s.SavePhoto(ctx, Photo{SessionID: "no-such-session", Kind: "original", Data: []byte("x")}); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("SavePhoto for an unknown session = %v, want app.ErrNotFound", err)
	}
	sid := newSession(t, s)
	// Make every outbox insert fail on the writer connection.
	_, err := s.w.ExecContext(ctx, `CREATE TEMP TRIGGER outbox_down BEFORE INSERT ON main.outbox
		BEGIN SELECT RAISE(ABORT, 'outbox down'); END`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDocument(ctx, sid, app.CardFront, []byte("x")); err == nil {
		t.Fatal("SaveDocument succeeded without its outbox row")
	}
	if _, err := s.SavePhoto(ctx, Photo{SessionID: sid, Kind: "original", Data: []byte("x")}); err == nil {
		t.Fatal("SavePhoto succeeded without its outbox row")
	}
	for _, table := range []string{"documents", "photos", "outbox"} {
		var n int
		if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d rows (%v) after failed saves", table, n, err)
		}
	}
	if _, err := s.w.ExecContext(ctx, "DROP TRIGGER temp.outbox_down"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDocument(ctx, sid, app.CardFront, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.OutboxLen(ctx); n != 1 {
		t.Fatalf("OutboxLen = %d, want 1", n)
	}
}
