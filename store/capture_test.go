package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"gradphoto/app"
)

var _ app.CaptureStore = (*Store)(nil)

func TestSaveShot(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sid := newSession(t, s)
	shot := app.Shot{Raw: []byte("raw jpeg"), RawReport: []byte(`{"pass":true}`),
		Standard: []byte("standard jpeg"), StandardReport: []byte(`{"pass":true}`), Passed: true}
	rawID, stdID, err := s.SaveShot(ctx, sid, shot)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]byte{rawID: shot.Raw, stdID: shot.Standard} {
		p, err := s.Photo(ctx, id)
		if err != nil || !bytes.Equal(p.Data, want) || p.SessionID != sid || len(p.Report) == 0 {
			t.Errorf("photo %s: %+v, %v", id, p, err)
		}
	}
	if n, err := s.OutboxLen(ctx); err != nil || n != 0 {
		t.Fatalf("outbox holds %d items (%v): a capture is sent only once it is confirmed", n, err)
	}
	if _, _, err := s.SaveShot(ctx, "no-such-session", shot); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	if _, _, err := s.SaveShot(ctx, sid, app.Shot{Raw: []byte("x")}); err == nil {
		t.Error("a shot without the standard photo was saved")
	}
}

// Submit writes the session, its queued status and its outbox item
// together, or nothing.
func TestSubmit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sid := newSession(t, s)
	number := idNumber(t0.AddDate(-22, 0, 0), 7)
	sess := app.Session{ID: sid, Step: app.StepSubmitted, StartedAt: t0, UpdatedAt: t0,
		Identity: &app.Identity{Doc: app.DocResidentID, Number: number, Name: "王小明"},
		Payment:  app.PaymentDeferred, OrderRef: app.PaymentNotOnKiosk, SubmissionID: "sub-1", StandardID: "std-1"}
	if _, err := s.w.ExecContext(ctx, `CREATE TEMP TRIGGER outbox_down BEFORE INSERT ON main.outbox
		BEGIN SELECT RAISE(ABORT, 'outbox down'); END`); err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(ctx, sess); err == nil {
		t.Fatal("Submit succeeded without its outbox row")
	}
	if _, err := s.FindStatus(ctx, number); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("status kept after a failed submit: %v", err)
	}
	if got, _ := s.GetSession(ctx, sid); got.SubmissionID != "" {
		t.Errorf("session kept the submission id after a failed submit")
	}
	if _, err := s.w.ExecContext(ctx, "DROP TRIGGER temp.outbox_down"); err != nil {
		t.Fatal(err)
	}
	if err := s.Submit(ctx, sess); err != nil {
		t.Fatal(err)
	}
	st, err := s.FindStatus(ctx, number)
	if err != nil || st.Status != app.StatusQueued || st.SubmissionID != "sub-1" {
		t.Errorf("status after submit: %+v, %v; want queued", st, err)
	}
	got, err := s.GetSession(ctx, sid)
	if err != nil || got.SubmissionID != "sub-1" || got.Step != app.StepSubmitted {
		t.Errorf("session after submit: %+v, %v", got, err)
	}
	items, _ := s.DueOutbox(ctx, t0.AddDate(10, 0, 0), 0)
	if len(items) != 1 || items[0].Kind != KindSubmit || items[0].Ref != "sub-1" {
		t.Errorf("outbox %+v, want one submission.submit", items)
	}
	if err := s.Submit(ctx, app.Session{ID: sid}); err == nil {
		t.Error("a session without submission id was submitted")
	}
}
