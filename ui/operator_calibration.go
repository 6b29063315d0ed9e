package ui

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"gradphoto/capture"
)

// calibration is the backdrop calibration tab: the camera's live picture,
// "learn the backdrop" with nobody in front of it, and the backdrop learnt
// (what the photo engine tells the person from).
type calibration struct {
	s        *operatorScreen
	cam      camScreen
	backdrop *canvas.Image
	matte    *canvas.Image // the last try: the person cut out on the profile's background
	busy     bool
	done     func(err error) // tests wait on it
}

func newCalibration(s *operatorScreen) *calibration {
	c := &calibration{s: s, cam: camScreen{k: s.k, kind: capture.GuideFace}}
	c.backdrop = canvas.NewImageFromImage(nil)
	c.backdrop.FillMode = canvas.ImageFillContain
	c.backdrop.SetMinSize(fyne.NewSize(210, 120))
	c.matte = canvas.NewImageFromImage(nil)
	c.matte.FillMode = canvas.ImageFillContain
	c.matte.SetMinSize(fyne.NewSize(165, 220))
	return c
}

func (c *calibration) content() fyne.CanvasObject {
	if c.s.k.cam == nil {
		return paragraph(lang.L("operator.no_camera"))
	}
	show := touchButton(lang.L("operator.calib_preview"), false, c.onPreview)
	learn := touchButton(lang.L("operator.calib_learn"), true, c.onLearn)
	try := touchButton(lang.L("operator.calib_try"), false, c.onTry)
	c.showBackdrop()
	pictures := container.NewGridWithColumns(2,
		container.NewBorder(caption(lang.L("operator.calib_learnt")), nil, nil, nil, c.backdrop),
		container.NewBorder(caption(lang.L("operator.calib_cutout")), nil, nil, nil, c.matte))
	side := container.NewVBox(paragraph(lang.L("operator.calib_help")),
		container.NewGridWithColumns(2, sized(show), sized(learn)), sized(try), pictures)
	return container.NewBorder(nil, nil, nil, atLeast(newTouchScroll(side), 440, 0), c.cam.preview())
}

// caption is a small caption.
func caption(s string) fyne.CanvasObject { return text(s, 16, colMuted, false) }

// onPreview starts the camera (the graduate's guide shows where they sit).
func (c *calibration) onPreview() {
	c.s.k.touch()
	c.cam.start(func(gen int) (capture.Run, error) {
		return c.s.k.cam.StartFace(c.cam.preview().view, capture.FaceEvents{
			State:  func(capture.FaceState) {},
			Camera: c.cam.onCamera(gen, func() {}),
			Shot:   func(capture.Shot, error) {},
		})
	})
}

// onLearn learns the empty backdrop from the running camera.
func (c *calibration) onLearn() {
	c.work("operator.calib_working", func(k *shell) func() {
		err := k.cam.CalibrateBackdrop(k.ctx)
		return func() { c.onLearnt(err) }
	})
}

// onTry makes a photo of whoever sits in front of the camera with the
// backdrop learnt, so the operator sees how well the person is cut out.
func (c *calibration) onTry() {
	c.work("operator.calib_trying", func(k *shell) func() {
		data, err := k.cam.TryMatte(k.ctx)
		return func() { c.onTried(data, err) }
	})
}

// work runs job off the UI goroutine with the camera on (one job at a
// time), saying the message of key meanwhile; job returns what the UI
// does with its outcome.
func (c *calibration) work(key string, job func(k *shell) func()) {
	k := c.s.k
	k.touch()
	if c.busy {
		return
	}
	if !c.cam.running() {
		c.onPreview()
	}
	c.busy = true
	c.s.say(lang.L(key))
	k.calls.Add(1)
	go func() {
		defer k.calls.Done()
		uiDo(job(k))
	}()
}

func (c *calibration) onTried(data []byte, err error) {
	c.busy = false
	if err == nil {
		var img image.Image
		if img, err = jpeg.Decode(bytes.NewReader(data)); err == nil {
			c.matte.Image = img
			c.matte.Refresh()
			c.s.say(lang.L("operator.calib_tried"))
		}
	}
	switch {
	case errors.Is(err, capture.ErrNoBackdrop):
		c.s.say(lang.L("operator.calib_first"))
	case err != nil:
		log.Print(err)
		c.s.say(lang.L("operator.calib_try_failed", map[string]any{"Why": lang.L(refusalKey(err))}))
	}
	if c.done != nil {
		c.done(err)
	}
}

func (c *calibration) onLearnt(err error) {
	c.busy = false
	if err != nil {
		log.Print(err)
		c.s.say(lang.L("operator.calib_failed", map[string]any{"Why": err.Error()}))
	} else {
		c.s.k.operatorAudit("backdrop.calibrate", "")
		c.s.say(lang.L("operator.calib_done"))
		c.showBackdrop()
	}
	if c.done != nil {
		c.done(err)
	}
}

// showBackdrop shows the backdrop learnt, if any.
func (c *calibration) showBackdrop() {
	data, err := c.s.k.cam.Backdrop()
	if err != nil {
		if !errors.Is(err, capture.ErrNoBackdrop) {
			log.Print(err)
		}
		return
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		log.Print(err)
		return
	}
	c.backdrop.Image = img
	c.backdrop.Refresh()
}

// stop ends the camera.
func (c *calibration) stop() {
	if c != nil {
		c.cam.stop()
	}
}
