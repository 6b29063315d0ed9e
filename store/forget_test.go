package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"gradphoto/app"
)

// piiLeft counts what a session still holds of the graduate: the number,
// name and look-up hash of its row, document images and photos, read
// straight from the database file.
func piiLeft(t *testing.T, s *Store, id string) (identity bool, images, photos int) {
	t.Helper()
	var number, name, hash []byte
	err := s.r.QueryRow("SELECT number_enc, name_enc, number_hash FROM sessions WHERE id = ?", id).
		Scan(&number, &name, &hash)
	if err != nil {
		t.Fatal(err)
	}
	identity = number != nil || name != nil || hash != nil
	if err := s.r.QueryRow("SELECT COUNT(*) FROM documents WHERE session_id = ? AND image_enc IS NOT NULL", id).
		Scan(&images); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRow("SELECT COUNT(*) FROM photos WHERE session_id = ?", id).Scan(&photos); err != nil {
		t.Fatal(err)
	}
	return identity, images, photos
}

// fullSession saves a session with an identity, both card images and a shot,
// as a graduate leaves it just before confirming.
func fullSession(t *testing.T, s *Store, i int) string {
	t.Helper()
	ctx := context.Background()
	e := rosterEntries(i + 1)[i]
	sess := app.Session{ID: app.NewID(), Step: app.StepCapture, StartedAt: t0, UpdatedAt: t0,
		Identity: &app.Identity{Doc: e.Doc, Number: e.Number, Name: e.Name}}
	if err := s.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	for _, side := range []app.CardSide{app.CardFront, app.CardBack} {
		if _, err := s.SaveDocument(ctx, sess.ID, side, []byte("card "+string(side))); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.SaveShot(ctx, sess.ID, app.Shot{Raw: []byte("raw"), Standard: []byte("std")}); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// A session that ends without a submission keeps no personal data; one
// that was submitted keeps all of it.
func TestEndSessionForgetsUnsubmitted(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i, reason := range []string{app.EndDeclined, app.EndTimeout, app.EndCancel} {
		id := fullSession(t, s, i)
		if who, imgs, ph := piiLeft(t, s, id); !who || imgs != 2 || ph != 2 {
			t.Fatalf("before the end: identity %v, %d images, %d photos", who, imgs, ph)
		}
		if err := s.EndSession(ctx, id, reason, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if who, imgs, ph := piiLeft(t, s, id); who || imgs != 0 || ph != 0 {
			t.Errorf("%s: identity %v, %d images, %d photos left", reason, who, imgs, ph)
		}
		got, err := s.GetSession(ctx, id)
		if err != nil || got.Identity == nil || got.Identity.Number != "" || len(got.Cards) != 2 {
			t.Errorf("%s: the row and tombstones stay readable: %+v, %v", reason, got, err)
		}
	}
	held, purged, err := s.DocumentCounts(ctx)
	if err != nil || held != 0 || purged != 6 {
		t.Errorf("documents held %d purged %d (%v), want 0 and 6", held, purged, err)
	}

	// Submitted: everything stays.
	id := fullSession(t, s, 5)
	if _, err := s.w.Exec("UPDATE sessions SET submission_id = 'sub-1' WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, id, app.EndTimeout, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if who, imgs, ph := piiLeft(t, s, id); !who || imgs != 2 || ph != 2 {
		t.Errorf("submitted: identity %v, %d images, %d photos; want all kept", who, imgs, ph)
	}
}

// Sessions left open by a stopped kiosk are ended at the next start,
// forgetting what was not submitted.
func TestEndAbandoned(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	open := fullSession(t, s, 0)
	ended := fullSession(t, s, 1)
	if err := s.EndSession(ctx, ended, app.EndFinished, t0); err != nil {
		t.Fatal(err)
	}
	n, err := s.EndAbandoned(ctx, t0.Add(time.Hour), "")
	if err != nil || n != 1 {
		t.Fatalf("EndAbandoned = %d, %v; want 1", n, err)
	}
	var reason sql.NullString
	if err := s.r.QueryRow("SELECT end_reason FROM sessions WHERE id = ?", open).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if reason.String != app.EndAbandoned {
		t.Errorf("end reason %q, want %q", reason.String, app.EndAbandoned)
	}
	if who, imgs, ph := piiLeft(t, s, open); who || imgs != 0 || ph != 0 {
		t.Errorf("abandoned: identity %v, %d images, %d photos left", who, imgs, ph)
	}
	if n, err := s.EndAbandoned(ctx, t0.Add(2*time.Hour), ""); err != nil || n != 0 {
		t.Errorf("second EndAbandoned = %d, %v; want 0", n, err)
	}
}

// The session left at Payment most recently (and recently enough) is the
// one a restarted kiosk takes up; EndAbandoned keeps it and ends the rest.
func TestResumableSession(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	save := func(step app.Step, at time.Time) string {
		id := app.NewID()
		if err := s.SaveSession(ctx, app.Session{ID: id, Step: step, StartedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	save(app.StepPayment, t0)                    // too old
	save(app.StepCapture, t0.Add(2*time.Minute)) // not paying
	paying := save(app.StepPayment, t0.Add(time.Minute))
	if _, err := s.ResumableSession(ctx, t0.Add(3*time.Minute)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("nothing recent enough: %v", err)
	}
	got, err := s.ResumableSession(ctx, t0.Add(30*time.Second))
	if err != nil || got.ID != paying || got.Step != app.StepPayment {
		t.Fatalf("ResumableSession = %s %s, %v; want %s", got.ID, got.Step, err, paying)
	}
	n, err := s.EndAbandoned(ctx, t0.Add(3*time.Minute), paying)
	if err != nil || n != 2 {
		t.Fatalf("EndAbandoned keeping one = %d, %v; want 2", n, err)
	}
	if again, err := s.ResumableSession(ctx, t0); err != nil || again.ID != paying {
		t.Errorf("the kept session is gone: %v", err)
	}
}

// The voucher book's key is pinned at first sight: a book signed with
// another key is refused.
func TestVoucherKeyPinned(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.SaveVouchers(ctx, "key-A", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveVouchers(ctx, "key-A", nil); err != nil {
		t.Errorf("the same key again: %v", err)
	}
	if err := s.SaveVouchers(ctx, "key-B", nil); !errors.Is(err, ErrVoucherKey) {
		t.Errorf("another key: %v, want ErrVoucherKey", err)
	}
}
