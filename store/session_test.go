package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"gradphoto/app"
)

// TestSessionRoundTrip saves a session with every field set and reads it back.
func TestSessionRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	entry := rosterEntries(1)[0]
	if _, err := s.ImportRoster(ctx, []app.RosterEntry{entry}); err != nil {
		t.Fatal(err)
	}
	prior := app.StatusRecord{SubmissionID: "sub-0", Number: entry.Number, Status: app.StatusRejected,
		Reason: "背景不纯净", UpdatedAt: t0.Add(-48 * time.Hour)}
	if err := s.PutStatus(ctx, prior); err != nil {
		t.Fatal(err)
	}
	sess := app.Session{
		ID: "0190b7a0-0000-7000-8000-000000000001", Step: app.StepIdentity,
		StartedAt: t0, UpdatedAt: t0.Add(time.Second),
		Consent:  &app.Consent{Version: app.ConsentVersion, AcceptedAt: t0.Add(500 * time.Millisecond)},
		Identity: &app.Identity{Doc: entry.Doc, Number: entry.Number, Name: entry.Name},
	}
	if err := s.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	front, err := s.SaveDocument(ctx, sess.ID, app.CardFront, []byte("front-1"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.SaveDocument(ctx, sess.ID, app.CardBack, []byte("back"))
	if err != nil {
		t.Fatal(err)
	}
	front2, err := s.SaveDocument(ctx, sess.ID, app.CardFront, []byte("front-2")) // recaptured
	if err != nil {
		t.Fatal(err)
	}

	e := entry
	p := prior
	sess.Step, sess.UpdatedAt = app.StepSubmitted, t0.Add(3*time.Minute)
	sess.Cards = map[app.CardSide]string{app.CardFront: front2, app.CardBack: back}
	sess.Roster, sess.Eligibility, sess.Prior = &e, app.EligibilityOK, &p
	sess.Services, sess.Payment, sess.OrderRef = []string{"degree-photo", "extra-copy"}, app.PaymentRetake, "ord-1"
	sess.Code, sess.CardCheck = "ABCD2345", app.CardCheck{Number: app.AgreeMatch, Name: app.AgreeDiffers}
	sess.PhotoID, sess.StandardID, sess.SubmissionID, sess.Retake = "ph-1", "ph-2", "sub-1", true
	if err := s.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSession(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sess) {
		t.Fatalf("GetSession =\n%+v\nwant\n%+v", got, sess)
	}
	if got.Cards[app.CardFront] == front {
		t.Error("Cards kept the first front photo, not the recaptured one")
	}
}

func TestSessionMinimal(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sess := app.Session{ID: "s-min", Step: app.StepConsent, StartedAt: t0, UpdatedAt: t0}
	if err := s.SaveSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSession(ctx, sess.ID)
	if err != nil || !reflect.DeepEqual(got, sess) {
		t.Fatalf("GetSession = %+v, %v; want %+v", got, err, sess)
	}
	if err := s.SaveSession(ctx, app.Session{}); err == nil {
		t.Error("SaveSession accepted a session without an id")
	}
}

func TestEndSession(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	id := newSession(t, s)
	if err := s.EndSession(ctx, id, app.EndTimeout, t0.Add(90*time.Second)); err != nil {
		t.Fatal(err)
	}
	var reason, at string
	err := s.r.QueryRowContext(ctx, "SELECT end_reason, ended_at FROM sessions WHERE id = ?", id).Scan(&reason, &at)
	if err != nil || reason != app.EndTimeout || at != formatTime(t0.Add(90*time.Second)) {
		t.Fatalf("ended = %q at %q, %v", reason, at, err)
	}
	if err := s.EndSession(ctx, "nope", app.EndCancel, t0); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("EndSession of an unknown session = %v, want app.ErrNotFound", err)
	}
	if _, err := s.GetSession(ctx, "nope"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("GetSession of an unknown session = %v, want app.ErrNotFound", err)
	}
}

// TestKioskOnStore drives the domain service on the real store.
func TestKioskOnStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	entry := rosterEntries(1)[0]
	if _, err := s.ImportRoster(ctx, []app.RosterEntry{entry}); err != nil {
		t.Fatal(err)
	}
	k := app.NewService(app.Deps{Roster: s, Statuses: s, Sessions: s, Audit: s,
		Now: func() time.Time { return t0 }, NewID: app.NewID})
	if err := k.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := k.AcceptConsent(ctx); err != nil {
		t.Fatal(err)
	}
	el, err := k.SubmitIdentity(ctx, app.DocResidentID, entry.Number, entry.Name)
	if err != nil || el != app.EligibilityOK {
		t.Fatalf("SubmitIdentity = %v, %v", el, err)
	}
	want := k.Session()
	got, err := s.GetSession(ctx, want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("stored session =\n%+v, %v\nwant\n%+v", got, err, want)
	}
	if err := k.Reset(ctx, app.EndTimeout); err != nil {
		t.Fatal(err)
	}
	if log, err := s.AuditLog(ctx, 1); err != nil || len(log) != 1 || log[0].Action != "session.timeout" {
		t.Fatalf("AuditLog = %+v, %v", log, err)
	}
}
