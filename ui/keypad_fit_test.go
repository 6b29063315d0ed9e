package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/spec"
)

// Every keypad — digits, and letters for a passport — fits the Identity
// and status screens at the kiosk's screen sizes: every key inside the
// window, and nothing to scroll.
func TestKeypadFits(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 1920, Height: 1080}} {
		for _, letters := range []bool{false, true} {
			for _, screen := range []string{"identity", "status", "question"} {
				r := newRig(t, config{})
				r.win.Resize(size)
				var in *numberInput
				if screen == "identity" {
					r.walkToIdentity(t)
					in = r.k.identity.input
				} else {
					test.Tap(r.k.welcome.lookup)
					in = r.k.status.input
				}
				if screen == "question" { // the status look-up's second question
					r.typeNumber(t, in, demoRejected.Number)
					test.Tap(r.k.status.search)
					in = r.k.status.answer
					if letters {
						test.Tap(in.keypad.button("ABC"))
					}
				} else if letters {
					test.Tap(in.docButtons[app.DocPassport])
					test.Tap(in.keypad.button("ABC"))
				}
				win := r.win.Canvas().Size()
				d := fyne.CurrentApp().Driver()
				for key, b := range in.keypad.buttons {
					pos := d.AbsolutePositionForObject(b)
					if pos.X < 0 || pos.Y < 0 || pos.X+b.Size().Width > win.Width+0.5 || pos.Y+b.Size().Height > win.Height+0.5 {
						t.Errorf("%v %s letters=%v: key %q at %v size %v outside the window %v", size, screen, letters, key, pos, b.Size(), win)
					}
				}
				for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
					if sc, ok := o.(*container.Scroll); ok && sc.Content.MinSize().Height > sc.Size().Height+0.5 {
						t.Errorf("%v %s letters=%v: the page scrolls (%v in %v)", size, screen, letters, sc.Content.MinSize(), sc.Size())
					}
				}
			}
		}
	}
}

// No screen is wider than a 1280 px kiosk screen, in either language: the
// step bar drops the labels of the other stages when all seven do not fit.
func TestScreensFitWidth(t *testing.T) {
	t.Cleanup(func() { setLanguage(langZH) })
	for _, code := range []string{langZH, langEN} {
		r := newRig(t, config{Lang: code})
		r.k = newShell(r.win, newService(r.st, app.Policy{RequireCards: true}), nil, config{Lang: code})
		r.k.setLang(code)
		r.win.Resize(fyne.NewSize(1280, 800))
		check := func(where string) {
			t.Helper()
			if w := r.win.Content().MinSize().Width; w > 1280 {
				t.Errorf("%s, %s: the screen needs %.0f px", code, where, w)
			}
		}
		test.Tap(r.k.welcome.start)
		r.k.show()
		check("consent")
		test.Tap(r.k.consent.check)
		test.Tap(r.k.consent.accept)
		check("identity")
		r.typeNumber(t, r.k.identity.input, demoGraduate.Number)
		test.Tap(r.k.identity.next)
		check("eligibility")
		test.Tap(r.k.eligibility.enter)
		if err := r.k.svc.AddCard(context.Background(), app.CardFront, smallJPEG(t)); err != nil {
			t.Fatal(err)
		}
		if err := r.k.svc.AddCard(context.Background(), app.CardBack, smallJPEG(t)); err != nil {
			t.Fatal(err)
		}
		if err := r.k.svc.CardsDone(context.Background()); err != nil {
			t.Fatal(err)
		}
		jpeg := smallJPEG(t)
		r.k.shot = capture.Shot{Raw: jpeg, Standard: jpeg, Report: everyCheck(true)}
		if err := r.k.svc.Capture(context.Background(), r.k.shot.App()); err != nil {
			t.Fatal(err)
		}
		r.k.show()
		check("standardise")
		test.Tap(r.k.standardise.toggle)
		check("standardise with the figures")
		test.Tap(r.k.standardise.accept)
		check("confirm")
		test.Tap(r.k.confirm.confirm)
		check("receipt")
		test.Tap(r.k.submitted.done) // ends the session and its countdown
	}
}

// everyCheck is a photo report with every check the photo engine makes,
// passing or not, with its figures.
func everyCheck(pass bool) spec.Report {
	lo, hi := 200.0, 300.0
	var r spec.Report
	for _, id := range []spec.CheckID{spec.CheckSize, spec.CheckFileSize, spec.CheckDPI, spec.CheckOneFace,
		spec.CheckEyes, spec.CheckFaceWidth, spec.CheckEyeLine, spec.CheckHeadTop, spec.CheckCentre,
		spec.CheckLevel, spec.CheckLight, spec.CheckSharp, spec.CheckBgColour, spec.CheckClean} {
		r.Checks = append(r.Checks, spec.Check{ID: id, Pass: pass, Value: 250.5, Min: &lo, Max: &hi, Unit: "px from top"})
	}
	return r
}
