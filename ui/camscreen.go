package ui

import (
	"log"

	"fyne.io/fyne/v2/lang"

	"gradphoto/capture"
)

// camScreen is what the capture and card screens share: the preview, a
// camera run that starts when the screen shows and stops when it leaves,
// the banner while the camera is lost, and the rule that what an earlier
// run reports is dropped. UI goroutine only.
type camScreen struct {
	k    *shell
	kind capture.GuideKind
	view *preview
	run  capture.Run
	gen  int // bumped at each start and stop
}

// preview is the screen's preview, made on first use.
func (c *camScreen) preview() *preview {
	if c.view == nil {
		c.view = newPreview(c.k.cam.NewView(c.kind, colError))
	}
	return c.view
}

// running reports whether the camera runs for this screen.
func (c *camScreen) running() bool { return c.run != nil }

// start starts a run; begin gets the generation its callbacks must hand
// to later (see later). A failure goes to the error dialog.
func (c *camScreen) start(begin func(gen int) (capture.Run, error)) bool {
	if c.run != nil || c.k.cam == nil {
		return false
	}
	c.gen++
	c.preview().setBanner("")
	run, err := begin(c.gen)
	if err != nil {
		c.k.fail(err)
		return false
	}
	c.run = run
	return true
}

// stop ends the run, if any; nothing it reported afterwards is shown.
func (c *camScreen) stop() {
	if c.run == nil {
		return
	}
	c.gen++
	c.run.Stop()
	c.run = nil
}

// later hands f to the UI goroutine, where it runs only if the run of
// generation gen is still the screen's.
func (c *camScreen) later(gen int, f func()) {
	uiDo(func() {
		if gen == c.gen && c.run != nil {
			f()
		}
	})
}

// onCamera is a run's Camera callback: a banner while the camera is lost
// (lost runs first, on the UI goroutine), none once it is back.
func (c *camScreen) onCamera(gen int, lost func()) func(bool, error) {
	return func(connected bool, err error) {
		c.later(gen, func() {
			if connected {
				c.view.setBanner("")
				return
			}
			log.Print(err)
			lost()
			c.view.setBanner(lang.L("capture.disconnected"))
		})
	}
}
