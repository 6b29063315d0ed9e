package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"gradphoto/app"
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
