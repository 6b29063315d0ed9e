// Package kioskflow takes a graduate through the kiosk's domain service
// without a screen, as the screens would: the demo data, the load test and
// the sync tests fill kiosk databases with it.
package kioskflow

import (
	"context"

	"gradphoto/app"
)

// Pictures are one graduate's ID-card sides and photo.
type Pictures struct {
	Front, Back []byte
	Shot        app.Shot
}

// Walk takes g from Welcome to a confirmed submission and back to
// Welcome: its submission id.
func Walk(ctx context.Context, svc *app.Service, g app.RosterEntry, p Pictures) (string, error) {
	if err := Identify(ctx, svc, g, p.Front, p.Back); err != nil {
		return "", err
	}
	return Capture(ctx, svc, p.Shot)
}

// Identify starts a session and takes g through the notice, the identity,
// the roster record and both card sides, up to the photo.
func Identify(ctx context.Context, svc *app.Service, g app.RosterEntry, front, back []byte) error {
	return run(
		func() error { return svc.Start(ctx) },
		func() error { return svc.AcceptConsent(ctx) },
		func() error { _, err := svc.SubmitIdentity(ctx, g.Doc, g.Number, ""); return err },
		func() error { return svc.ConfirmRecord(ctx) },
		func() error { return svc.AddCard(ctx, app.CardFront, front) },
		func() error { return svc.AddCard(ctx, app.CardBack, back) },
		func() error { return svc.CardsDone(ctx) },
	)
}

// Capture stores the shot, accepts and confirms it, and finishes the
// session: the submission id.
func Capture(ctx context.Context, svc *app.Service, shot app.Shot) (string, error) {
	var id string
	err := run(
		func() error { return svc.Capture(ctx, shot) },
		func() error { return svc.AcceptStandard(ctx) },
		func() (err error) { id, err = svc.Confirm(ctx); return err },
		func() error { return svc.Finish(ctx) },
	)
	return id, err
}

// run runs the steps in order up to the first error.
func run(steps ...func() error) error {
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
