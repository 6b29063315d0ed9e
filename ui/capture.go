package ui

import (
	"context"
	"errors"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/capture"
	"gradphoto/spec"
)

// stuckAfter: with no countdown for this long, the capture screen tells
// the graduate they can cancel or ask the assistant.
var stuckAfter = 30 * time.Second

// captureScreen is the live camera with the head-and-shoulders guide: it
// shows what the capture run decides (one hint at a time, the countdown)
// and stores the shot it takes; the assistant's button or the space bar
// shoots at once.
type captureScreen struct {
	k        *shell
	cam      camScreen
	face     capture.FaceRun
	busy     bool      // shooting, standardising, storing
	progress time.Time // the last countdown or shot; the stuck notice counts from it
	stuck    bool      // the stuck notice shows
	message  *widget.Label
	shoot    *widget.Button
	cancel   *widget.Button
	stopPerf context.CancelFunc // ends the GRADPHOTO_PERF log

	cancelDialog *cancelDialog // the last cancel dialog shown
}

func newCaptureScreen(k *shell) *captureScreen {
	return &captureScreen{k: k, cam: camScreen{k: k, kind: capture.GuideFace}}
}

func (s *captureScreen) content() fyne.CanvasObject {
	if s.k.cam == nil {
		return paragraph(lang.L("capture.no_camera"))
	}
	s.shoot = touchButton(lang.L("capture.shoot"), false, s.onShoot)
	s.cancel = touchButton(lang.L("capture.cancel"), false, s.onCancel)
	s.message = paragraph(lang.L("capture.instructions"))
	switch {
	case s.busy:
		s.message.SetText(lang.L("capture.processing"))
		s.shoot.Disable()
	case s.stuck:
		s.message.SetText(lang.L("capture.stuck"))
	}
	top := container.NewVBox(heading(lang.L("capture.title")), s.message)
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.cancel}, s.shoot), nil, nil, s.cam.preview())
}

// enter starts the camera when the screen appears.
func (s *captureScreen) enter() {
	if s.k.cam == nil {
		return
	}
	v := s.cam.preview()
	v.setGuide(capture.GuideSearching)
	v.setHint(lang.L(string(spec.HintNoFace)))
	v.setCountdown(0)
	started := s.cam.start(func(gen int) (capture.Run, error) {
		run, err := s.k.cam.StartFace(v.view, capture.FaceEvents{
			State:  func(st capture.FaceState) { s.cam.later(gen, func() { s.onState(st) }) },
			Camera: s.cam.onCamera(gen, func() {}),
			Shot:   func(sh capture.Shot, err error) { s.onShot(gen, sh, err) },
		})
		s.face = run
		return run, err
	})
	if !started {
		return
	}
	s.progress, s.stuck = time.Now(), false
	s.k.win.Canvas().SetOnTypedKey(s.onKey)
	var ctx context.Context
	ctx, s.stopPerf = context.WithCancel(s.k.ctx)
	capture.LogPerf(ctx, v.view, log.Printf) // GRADPHOTO_PERF=1: fps shown and latency every 2 s
}

// leave stops the camera when another screen takes over.
func (s *captureScreen) leave() {
	if !s.cam.running() {
		return
	}
	s.cam.stop()
	s.face = nil
	s.busy = false
	s.stopPerf()
	s.k.win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { s.k.touch() })
}

func (s *captureScreen) onKey(ev *fyne.KeyEvent) {
	s.k.touch()
	if ev.Name == fyne.KeySpace {
		s.onShoot()
	}
}

// onState shows what the run decided: guide colour, hint, countdown.
func (s *captureScreen) onState(st capture.FaceState) {
	v := s.cam.view
	if st.Guide != capture.GuideSearching || st.Hint != string(spec.HintNoFace) {
		s.k.touch() // someone is in front of the camera: not idle
	}
	if st.Busy {
		s.setBusy(true)
		v.setCountdown(0)
		v.setHint(lang.L("capture.processing"))
		return
	}
	v.setGuide(st.Guide)
	v.setHint(lang.L(st.Hint))
	v.setCountdown(st.Count)
	switch {
	case st.Count > 0:
		s.progress, s.stuck = time.Now(), false
		s.message.SetText(lang.L("capture.instructions")) // no stale refusal over a new countdown
	case !s.stuck && time.Since(s.progress) > stuckAfter:
		s.stuck = true
		s.message.SetText(lang.L("capture.stuck"))
	}
}

// onCancel asks before it ends the session: a tap by mistake must not
// throw away what the graduate did. The camera stops while the question
// shows, so no photo is taken behind it; "keep going" starts it again.
func (s *captureScreen) onCancel() {
	s.k.touch()
	s.leave()
	s.cancelDialog = s.k.askCancel("capture", s.enter)
}

// cancelDialog holds the cancel dialog's buttons (tests tap them).
type cancelDialog struct{ stay, leave *widget.Button }

// askCancel asks whether to end the session, in the words of the
// translation keys PREFIX.cancel_title, _text, _stay and _leave: "stay"
// runs stay (nil: nothing more), "leave" goes back to Welcome.
func (k *shell) askCancel(prefix string, stay func()) *cancelDialog {
	var pop *widget.PopUp
	d := &cancelDialog{
		stay: touchButton(lang.L(prefix+".cancel_stay"), true, func() {
			pop.Hide()
			k.touch()
			if stay != nil {
				stay()
			}
		}),
		leave: touchButton(lang.L(prefix+".cancel_leave"), false, func() {
			pop.Hide()
			k.onHome()
		}),
	}
	pop = widget.NewModalPopUp(card(container.NewVBox(heading(lang.L(prefix+".cancel_title")),
		atLeast(paragraph(lang.L(prefix+".cancel_text")), 520, 0), buttonRow([]fyne.CanvasObject{d.leave}, d.stay))),
		k.win.Canvas())
	pop.Show()
	return d
}

// onShoot is the assistant's button (or the space bar): shoot now.
func (s *captureScreen) onShoot() {
	s.k.touch()
	if s.face != nil && !s.busy {
		s.face.Shoot()
	}
}

func (s *captureScreen) setBusy(on bool) {
	s.busy = on
	if on {
		s.shoot.Disable()
		s.message.SetText(lang.L("capture.processing"))
	} else {
		s.shoot.Enable()
	}
}

// onShot runs on the run's shot goroutine: a good shot is stored (off the
// UI goroutine) and the screen moves on; a refusal is explained.
func (s *captureScreen) onShot(gen int, sh capture.Shot, err error) {
	if err == nil {
		err = s.k.svc.Capture(s.k.ctx, sh.App())
	}
	s.cam.later(gen, func() {
		s.setBusy(false)
		s.progress, s.stuck = time.Now(), false
		if err != nil {
			s.refused(err)
			return
		}
		s.k.shot = sh
		s.k.show()
	})
}

// refused tells the graduate why no photo came out and lets them go again.
func (s *captureScreen) refused(err error) {
	log.Print(err)
	s.message.SetText(lang.L("capture.refused", map[string]any{"Reason": lang.L(refusalKey(err))}))
	hint := refusalKey(err)
	if te := (*spec.TurnedError)(nil); errors.As(err, &te) {
		hint = string(te.Hint()) // which way to turn back
	}
	s.cam.view.setHint(lang.L(hint))
}

// refusalKey maps a standardisation refusal to its message.
func refusalKey(err error) string {
	return keyOf(err, []errKey{
		{spec.ErrNoFace, "refuse.no_face"},
		{spec.ErrManyFaces, "refuse.many_faces"},
		{spec.ErrEyesNotFound, "refuse.eyes"},
		{spec.ErrFaceTooSmall, "refuse.too_small"},
		{spec.ErrHeadCut, "refuse.head_cut"},
		{spec.ErrShouldersCut, "refuse.shoulders_cut"},
		{spec.ErrBusyBackdrop, "refuse.background"},
		{spec.ErrNotSegmented, "refuse.background"},
		{spec.ErrNoFit, "refuse.no_fit"},
		{spec.ErrTurned, "refuse.turned"},
	}, "refuse.other")
}
