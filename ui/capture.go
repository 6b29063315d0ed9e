package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"gocv.io/x/gocv"

	"gradphoto/app"
	"gradphoto/camera"
	"gradphoto/imaging"
)

// Capture timing (DESIGN §4): all checks steady for this long start the
// countdown; then a burst of burstFrames, the sharpest kept.
const (
	steadyFor    = 800 * time.Millisecond
	countFrom    = 3
	burstFrames  = 5
	rawJPEGQ     = 92
	hintWindow   = 6 // frames over which hints are smoothed
	hintNeed     = 4
	shotDeadline = 20 * time.Second
)

// shot is the last capture, shown by the Standardise and Confirm screens.
type shot struct {
	raw       []byte         // the still as taken (JPEG, not mirrored)
	rawReport imaging.Report // the live checks on it
	standard  []byte         // the standardised photo
	report    imaging.Report // the photo checks on that
}

// captureScreen is the live camera with the head-and-shoulders guide: it
// coaches with one hint at a time and shoots by itself when every check has
// held steadily (or when the assistant taps the button / presses space).
type captureScreen struct {
	k      *Kiosk
	view   *Preview
	steady imaging.Steadier // on the checker goroutine only

	counting int  // countdown digit showing (0 = none)
	busy     bool // shooting and standardising
	message  *widget.Label
	shoot    *widget.Button
	running  bool
	stopPerf context.CancelFunc // ends the GRADPHOTO_PERF log
	gen      atomic.Int64       // bumped at each start: verdicts of an earlier run are dropped
}

func newCaptureScreen(k *Kiosk) *captureScreen {
	return &captureScreen{k: k, steady: imaging.Steadier{Window: hintWindow, Need: hintNeed}}
}

func (s *captureScreen) content() fyne.CanvasObject {
	if s.k.cam == nil {
		return paragraph(lang.L("capture.no_camera"))
	}
	if s.view == nil {
		s.view = NewPreview(GuideFace, s.k.cam.profile)
	}
	s.shoot = touchButton(lang.L("capture.shoot"), false, s.onShoot)
	s.message = paragraph(lang.L("capture.instructions"))
	if s.busy {
		s.message.SetText(lang.L("capture.processing"))
		s.shoot.Disable()
	}
	top := container.NewVBox(heading(lang.L("capture.title")), s.message)
	return container.NewBorder(top, buttonRow(nil, s.shoot), nil, nil, s.view)
}

// enter starts the camera when the screen appears.
func (s *captureScreen) enter() {
	if s.running || s.k.cam == nil {
		return
	}
	s.steady.Reset()
	s.gen.Add(1)
	s.view.SetState(GuideSearching)
	s.view.SetHint(lang.L(string(imaging.HintNoFace)))
	err := s.k.cam.start(purposeFace, s.view.SetFrame, s.onFrameChecked, s.onCameraStatus)
	if err != nil {
		s.k.fail(err)
		return
	}
	s.running = true
	s.k.win.Canvas().SetOnTypedKey(s.onKey)
	var ctx context.Context
	ctx, s.stopPerf = context.WithCancel(s.k.ctx)
	LogPerf(ctx, s.view, log.Printf) // GRADPHOTO_PERF=1: fps shown and latency every 2 s
}

// leave stops the camera when another screen takes over.
func (s *captureScreen) leave() {
	if !s.running {
		return
	}
	s.running = false
	s.counting = 0
	s.stopPerf()
	s.k.cam.stop()
	s.k.win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { s.k.touch() })
}

func (s *captureScreen) onKey(ev *fyne.KeyEvent) {
	s.k.touch()
	if ev.Name == fyne.KeySpace {
		s.onShoot()
	}
}

// onFrameChecked runs the live checks on the checker goroutine and hands
// the verdict to the UI.
func (s *captureScreen) onFrameChecked(f camera.Frame) {
	gen := s.gen.Load()
	r, err := s.k.cam.checks.AnalyzeScaled(f.Img, f.Scale, s.k.cam.profile, nil)
	if err != nil {
		log.Print(err)
		return
	}
	hint, steady := s.steady.Push(r, f.At)
	uiDo(func() {
		if gen == s.gen.Load() {
			s.apply(r, hint, steady)
		}
	})
}

func (s *captureScreen) onCameraStatus(connected bool, err error) {
	cameraBanner(s.view, s.cancelCountdown)(connected, err)
}

// cameraBanner is a camera screen's Status callback: a banner while the
// camera is lost (after lost runs on the UI goroutine), none once it is back.
func cameraBanner(v *Preview, lost func()) func(bool, error) {
	return func(connected bool, err error) {
		uiDo(func() {
			if connected {
				v.SetBanner("")
				return
			}
			log.Print(err)
			lost()
			v.SetBanner(lang.L("capture.disconnected"))
		})
	}
}

// apply shows a frame's verdict: guide colour, hint, and the countdown
// that starts when every check has held for steadyFor.
func (s *captureScreen) apply(r imaging.Report, hint imaging.Hint, steady time.Duration) {
	if !s.running || s.busy {
		return
	}
	if one, _ := r.Get(imaging.CheckOneFace); one.Value > 0 {
		s.k.touch() // someone is in front of the camera: not idle
	}
	if state, key, ok := guideFor(hint, r.Pass()); ok {
		s.view.SetState(state)
		s.view.SetHint(lang.L(key))
	}
	if !r.Pass() {
		s.cancelCountdown()
		return
	}
	if s.counting == 0 && steady >= steadyFor {
		s.startCountdown()
	}
}

// guideFor is the guide's colour and hint (a translation key) for a
// (smoothed) hint; "ready" needs the frame to pass as well. ok is false
// when the screen should keep what it shows.
func guideFor(hint imaging.Hint, pass bool) (GuideState, string, bool) {
	switch {
	case hint == imaging.HintNone && pass:
		return GuideReady, "hint.ready", true
	case hint == imaging.HintOneFace || hint == imaging.HintNoFace:
		return GuideSearching, string(hint), true
	case hint != imaging.HintNone:
		return GuideAdjust, string(hint), true
	}
	return 0, "", false
}

func (s *captureScreen) startCountdown() {
	s.counting = countFrom
	s.view.SetCountdown(s.counting)
	s.tick()
}

// tick counts down once a second on the UI goroutine and shoots at zero.
func (s *captureScreen) tick() {
	time.AfterFunc(time.Second, func() {
		uiDo(func() {
			if s.counting == 0 || s.busy || !s.running {
				return
			}
			s.counting--
			s.view.SetCountdown(s.counting)
			if s.counting == 0 {
				s.onShoot()
				return
			}
			s.tick()
		})
	})
}

func (s *captureScreen) cancelCountdown() {
	if s.counting != 0 {
		s.counting = 0
		s.view.SetCountdown(0)
	}
}

// onShoot takes the burst (countdown at zero, the assistant's button, or
// the space bar) and standardises the sharpest frame off the UI goroutine.
func (s *captureScreen) onShoot() {
	s.k.touch()
	if s.busy || !s.running {
		return
	}
	s.busy, s.counting = true, 0
	s.view.SetCountdown(0)
	s.view.SetHint(lang.L("capture.processing"))
	s.shoot.Disable()
	s.message.SetText(lang.L("capture.processing"))
	go s.capture()
}

func (s *captureScreen) capture() {
	ctx, cancel := context.WithTimeout(s.k.ctx, shotDeadline)
	defer cancel()
	sh, err := s.take(ctx)
	if err == nil {
		err = s.k.svc.Capture(ctx, app.Shot{Raw: sh.raw, RawReport: reportJSON(sh.rawReport),
			Standard: sh.standard, StandardReport: reportJSON(sh.report), Passed: sh.report.Pass()})
	}
	uiDo(func() {
		s.busy = false
		if err != nil {
			s.refused(err)
			return
		}
		s.k.shot = sh
		s.k.show()
	})
}

// take shoots the burst, keeps the sharpest frame with one face and
// standardises it.
func (s *captureScreen) take(ctx context.Context) (shot, error) {
	frames, err := s.k.cam.burst(ctx, burstFrames)
	if err != nil {
		return shot{}, err
	}
	defer func() {
		for _, f := range frames {
			f.Close()
		}
	}()
	best, live := s.sharpest(frames)
	raw, err := encodeJPEG(best, rawJPEGQ)
	if err != nil {
		return shot{}, err
	}
	res, err := s.k.cam.stills.Standardize(best, s.k.cam.profile, imaging.Options{})
	if err != nil {
		return shot{}, err
	}
	return shot{raw: raw, rawReport: live, standard: res.JPEG, report: res.Report}, nil
}

// sharpest is the burst frame whose face is sharpest (the first when none
// can be judged), with its live checks.
func (s *captureScreen) sharpest(frames []gocv.Mat) (gocv.Mat, imaging.Report) {
	best, bestR, bestV := frames[0], imaging.Report{}, -1.0
	for _, f := range frames {
		r, err := s.k.cam.stills.Analyze(f, s.k.cam.profile, nil)
		if err != nil {
			continue
		}
		if c, ok := r.Get(imaging.CheckSharp); ok && c.Unit != "" && c.Value > bestV {
			best, bestR, bestV = f, r, c.Value
		}
	}
	return best, bestR
}

// refused tells the graduate why no photo came out and lets them go again.
func (s *captureScreen) refused(err error) {
	log.Print(err)
	s.shoot.Enable()
	s.message.SetText(lang.L("capture.refused", map[string]any{"Reason": lang.L(refusalKey(err))}))
	s.view.SetHint(lang.L(refusalKey(err)))
	s.steady.Reset()
}

// refusalKey maps a standardisation refusal to its message.
func refusalKey(err error) string {
	for _, r := range []struct {
		err error
		key string
	}{
		{imaging.ErrNoFace, "refuse.no_face"},
		{imaging.ErrManyFaces, "refuse.many_faces"},
		{imaging.ErrEyesNotFound, "refuse.eyes"},
		{imaging.ErrFaceTooSmall, "refuse.too_small"},
		{imaging.ErrHeadCut, "refuse.head_cut"},
		{imaging.ErrShouldersCut, "refuse.shoulders_cut"},
		{imaging.ErrBusyBackdrop, "refuse.background"},
		{imaging.ErrNotSegmented, "refuse.background"},
		{imaging.ErrNoFit, "refuse.no_fit"},
	} {
		if errors.Is(err, r.err) {
			return r.key
		}
	}
	return "refuse.other"
}

// encodeJPEG encodes a frame as it was taken.
func encodeJPEG(img gocv.Mat, q int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		return nil, fmt.Errorf("ui: encode still: %w", err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), nil
}

func reportJSON(r imaging.Report) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		return nil
	}
	return b
}
