package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"gradphoto/app"
	"gradphoto/internal/argonhash"
)

// Wrong operator PINs in a row make the next try wait, from the third on,
// and the wait outlives a restart of the kiosk (a new store and service on
// the same file); the right PIN after the wait opens and starts the count
// again.
func TestPINWaitSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	open := func() (*Store, *app.Service) {
		s := openAt(t, dir)
		return s, app.NewService(app.Deps{Roster: s, Sessions: s, Audit: s, PINs: s, Now: clock, NewID: app.NewID})
	}
	s, svc := open()
	if err := svc.CheckPIN(ctx, "1234"); !errors.Is(err, app.ErrPINNotSet) {
		t.Fatalf("no PIN set: %v", err)
	}
	if err := s.SetOperatorPIN(ctx, argonhash.Hash("246810")); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := svc.CheckPIN(ctx, "135790"); !errors.Is(err, app.ErrPINWrong) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	var wait *app.PINWaitError
	if err := svc.CheckPIN(ctx, "246810"); !errors.As(err, &wait) || wait.Wait != time.Second {
		t.Fatalf("after three wrong PINs: %v, want a wait of 1s", err)
	}
	s.Close()

	s, svc = open() // the kiosk restarts: still waiting
	if err := svc.CheckPIN(ctx, "246810"); !errors.As(err, &wait) {
		t.Fatalf("after a restart: %v, want a wait", err)
	}
	now = now.Add(time.Second)
	if err := svc.CheckPIN(ctx, "135790"); !errors.Is(err, app.ErrPINWrong) {
		t.Fatalf("a fourth wrong PIN: %v", err)
	}
	if err := svc.CheckPIN(ctx, "246810"); !errors.As(err, &wait) || wait.Wait != 2*time.Second {
		t.Fatalf("after four wrong PINs: %v, want a wait of 2s", err)
	}
	now = now.Add(2 * time.Second)
	if err := svc.CheckPIN(ctx, "246810"); err != nil {
		t.Fatalf("the right PIN after the wait: %v", err)
	}
	if f, err := s.PINFailures(ctx); err != nil || f.Count != 0 {
		t.Errorf("after the right PIN: %+v %v, want none in a row", f, err)
	}
	if err := svc.CheckPIN(ctx, "135790"); !errors.Is(err, app.ErrPINWrong) {
		t.Fatalf("a wrong PIN after the right one: %v", err)
	}
	if err := svc.CheckPIN(ctx, "246810"); err != nil {
		t.Errorf("the first wrong PIN after a right one made the next wait: %v", err)
	}
	s.Close()
}
