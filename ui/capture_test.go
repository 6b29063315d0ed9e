package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"gocv.io/x/gocv"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/capture/opencv"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
)

// uiLoop stands in for the GL driver's main goroutine: uiDo queues work on
// it, as fyne.Do does in the real driver, and the test runs its taps there
// too, so camera goroutines and the test never touch widgets at once.
type uiLoop struct{ ch chan func() }

func startUILoop(t *testing.T) *uiLoop {
	l := &uiLoop{ch: make(chan func(), 1024)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range l.ch {
			// each on its own goroutine, one at a time: a t.Fatal inside
			// ends that goroutine, not the loop (a hang until the timeout)
			fin := make(chan struct{})
			go func() { defer close(fin); f() }()
			<-fin
		}
	}()
	old := uiDo
	uiDo = func(f func()) { l.ch <- f }
	t.Cleanup(func() {
		uiDo = old
		close(l.ch)
		<-done
	})
	return l
}

// run does f on the UI loop and waits for it.
func (l *uiLoop) run(f func()) {
	done := make(chan struct{})
	l.ch <- func() { defer close(done); f() }
	<-done
}

// waitStep polls the session's step on the UI loop until it is want.
func (l *uiLoop) waitStep(t *testing.T, r *rig, want app.Step, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var got app.Step
		l.run(func() { got = r.step() })
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("step %s after %v, want %s", got, within, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// writeClip writes a kiosk clip of a portrait sitting still in place.
func writeClip(t *testing.T, seconds float64) string {
	t.Helper()
	ph, err := fixture.Load("pigo_sample")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	path := filepath.Join(t.TempDir(), "settled.mp4")
	if err := fixture.WriteStillClip(path, ph, fixture.Scene{FaceWidth: 250, Level: true}, seconds); err != nil {
		t.Fatal(err)
	}
	return path
}

// emptyClip is a second of an empty room: nobody to photograph.
func emptyClip(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "empty.mp4")
	err := fixture.WriteClip(path, 30, func(int) (gocv.Mat, error) {
		return gocv.NewMatWithSizeFromScalar(gocv.NewScalar(200, 190, 180, 0), 720, 1280, gocv.MatTypeCV8UC3), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// walkToCapture taps the demo graduate through to the camera (no card
// photos asked for).
func (r *rig) walkToCapture(t *testing.T) {
	t.Helper()
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, demoGraduate.Number)
	test.Tap(r.k.identity.next)
	test.Tap(r.k.eligibility.enter)
}

// newCamRig is a kiosk with the camera playing clips per purpose.
func newCamRig(t *testing.T, l *uiLoop, p app.Policy, clips map[capture.Purpose]string) *rig {
	t.Helper()
	r := newRig(t, config{})
	cam := opencv.New(capture.Config{Clips: clips, Profile: previewProfile(t)})
	l.run(func() { r.k = newShell(r.win, newService(r.st, p), cam, config{}) })
	t.Cleanup(func() {
		l.run(func() { r.k.stop() })
		cam.Close()
	})
	return r
}

// Through the camera steps with a video file as the camera: the person
// sits still, the kiosk counts down and shoots by itself, the standardised
// photo passes and is accepted, confirmed, and the receipt shows.
func TestCaptureToSubmittedWithFileCamera(t *testing.T) {
	l := startUILoop(t)
	clip := writeClip(t, 3)
	r := newCamRig(t, l, app.Policy{}, map[capture.Purpose]string{capture.PurposeFace: clip})
	l.run(func() { r.walkToCapture(t) })
	l.waitStep(t, r, app.StepCapture, 5*time.Second)
	l.waitStep(t, r, app.StepStandardise, 60*time.Second)
	l.run(func() {
		if !r.k.shot.Report.Pass() || r.k.standardise.accept.Disabled() {
			t.Fatalf("the standardised photo does not pass: %+v", r.k.shot.Report.Failed())
		}
		test.Tap(r.k.standardise.accept)
	})
	l.waitStep(t, r, app.StepConfirm, 5*time.Second)
	l.run(func() {
		if !strings.Contains(r.texts(), "审核通过后照片将无法更改") {
			t.Error("confirm screen lacks the warning")
		}
		test.Tap(r.k.confirm.confirm)
	})
	l.waitStep(t, r, app.StepSubmitted, 5*time.Second)
	var sess app.Session
	l.run(func() {
		sess = r.k.svc.Session()
		if len(sess.Code) != api.CodeLen || !strings.Contains(r.texts(), api.FormatCode(sess.Code)) {
			t.Errorf("receipt does not show the submission code %q", sess.Code)
		}
	})
	ctx := context.Background()
	st, err := r.st.FindStatus(ctx, demoGraduate.Number)
	if err != nil || st.Status != app.StatusQueued || st.SubmissionID != sess.SubmissionID {
		t.Errorf("status after submit: %+v, %v", st, err)
	}
	photos, err := r.st.SessionPhotos(ctx, sess.ID)
	if err != nil || len(photos) != 2 {
		t.Fatalf("photos stored: %d, %v", len(photos), err)
	}
	for _, p := range photos {
		if !strings.Contains(string(p.Report), `"checks"`) {
			t.Errorf("%s photo stored without its check report: %q", p.Kind, p.Report)
		}
	}
	std, err := r.st.Photo(ctx, sess.StandardID)
	if err != nil || len(std.Data) == 0 {
		t.Fatalf("standard photo: %v", err)
	}
	l.run(func() { test.Tap(r.k.submitted.done) })
	l.waitStep(t, r, app.StepWelcome, 5*time.Second)
}

// With ID-card photos required, a 居民身份证 starts at the camera: the
// portrait side (the demo clip: the demo graduate's card) is read, the
// number filled in and confirmed, the roster matched, the card's name
// compared; then the Cards step asks only for the emblem side, then the
// camera.
func TestIdentityReadFromCardWithFileCamera(t *testing.T) {
	l := startUILoop(t)
	clips := map[capture.Purpose]string{}
	for p, name := range map[capture.Purpose]string{capture.PurposeCardFront: "card-front.mp4", capture.PurposeCardBack: "card-back.mp4"} {
		path, err := camera.DemoClip(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(path) })
		clips[p] = path
	}
	r := newCamRig(t, l, app.Policy{RequireCards: true}, clips)
	l.run(func() {
		r.walkToIdentity(t)
		if !r.k.identity.scanning || !strings.Contains(r.texts(), "请出示身份证人像面") {
			t.Fatalf("a 居民身份证 does not start at the camera:\n%s", r.texts())
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		var number string
		l.run(func() {
			if !r.k.identity.scanning && !r.k.identity.reading {
				number = r.k.identity.input.number
			}
		})
		if number != "" {
			if number != demoGraduate.Number {
				t.Fatalf("read %q, want %q", number, demoGraduate.Number)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the card was not read")
		}
		time.Sleep(100 * time.Millisecond)
	}
	l.run(func() {
		if !strings.Contains(r.texts(), "已从身份证读取号码") {
			t.Errorf("no word about the reading:\n%s", r.texts())
		}
		test.Tap(r.k.identity.next)
		r.wantStep(t, app.StepEligibility) // the roster before the other side
		if !strings.Contains(r.texts(), "身份证上的姓名与名单一致") {
			t.Errorf("the card's name not compared:\n%s", r.texts())
		}
		test.Tap(r.k.eligibility.enter)
		if r.k.current != r.k.cards || r.k.cards.side != app.CardBack {
			t.Fatalf("after the record: screen %T side %s, want the emblem side", r.k.current, r.k.cards.side)
		}
	})
	l.waitStep(t, r, app.StepCapture, 60*time.Second)
	s := r.k.svc.Session()
	if s.Cards[app.CardFront] == "" || s.Cards[app.CardBack] == "" {
		t.Fatalf("cards %v, want both sides", s.Cards)
	}
	if s.CardCheck != (app.CardCheck{Number: app.AgreeMatch, Name: app.AgreeMatch}) {
		t.Errorf("card check %+v, want both matching", s.CardCheck)
	}
	img, err := r.st.Document(context.Background(), s.Cards[app.CardFront])
	if err != nil || len(img) == 0 {
		t.Errorf("front image stored: %d bytes, %v", len(img), err)
	}
}

// A number changed to one that is not the card's is asked about: "use the
// card's" puts the card's number back; "keep mine" goes on and tells the
// reviewer.
func TestIdentityNumberDiffersFromCard(t *testing.T) {
	r := newRig(t, config{})
	r.walkToIdentity(t)
	id := r.k.identity
	id.reading = true // as after a card was taken
	id.onRead(capture.CardText{Number: demoGraduate.Number, Name: demoGraduate.Name}, nil)
	if id.input.number != demoGraduate.Number {
		t.Fatalf("the read number not filled in: %q", id.input.number)
	}
	test.Tap(id.input.keypad.button(keyClear))
	r.typeNumber(t, id.input, demoRejected.Number)
	test.Tap(id.next)
	r.wantStep(t, app.StepIdentity)
	if id.differs == nil || !strings.Contains(r.texts(), "号码与身份证上的不一致") {
		t.Fatalf("no question about the differing number:\n%s", r.texts())
	}
	if strings.Contains(r.texts(), demoGraduate.Number) || !strings.Contains(r.texts(), app.MaskID(demoGraduate.Number)) {
		t.Errorf("the card's number is not masked in the question:\n%s", r.texts())
	}
	test.Tap(id.differs.useCard)
	r.wantStep(t, app.StepEligibility)
	if s := r.k.svc.Session(); s.Identity.Number != demoGraduate.Number || s.CardCheck.Number != app.AgreeMatch {
		t.Errorf("after \"use the card's\": %+v, check %+v", s.Identity, s.CardCheck)
	}

	r2 := newRig(t, config{})
	r2.walkToIdentity(t)
	id = r2.k.identity
	id.reading = true
	id.onRead(capture.CardText{Number: demoGraduate.Number[:17] + "5"}, nil) // a misread: bad check character
	if !strings.Contains(r2.texts(), "校验码不对") || !strings.Contains(r2.texts(), "没有读清") {
		t.Errorf("a misread number is not flagged:\n%s", r2.texts())
	}
	test.Tap(id.next)
	r2.wantStep(t, app.StepIdentity) // never passes
	test.Tap(id.input.keypad.button(keyBackspace))
	r2.typeNumber(t, id.input, "4")
	test.Tap(id.next)
	r2.wantStep(t, app.StepEligibility)
	if s := r2.k.svc.Session(); s.CardCheck.Number != app.AgreeUnread {
		t.Errorf("corrected misread: check %+v, want unread", s.CardCheck)
	}
}

// Nobody the camera can photograph (an empty room): after stuckAfter the
// screen says so and points to "Cancel"; "Cancel" asks first, "keep going"
// stays, "stop" goes back to Welcome and keeps nothing of the graduate.
func TestCaptureCancelAndStuck(t *testing.T) {
	l := startUILoop(t)
	old := stuckAfter
	stuckAfter = 300 * time.Millisecond
	t.Cleanup(func() { stuckAfter = old })
	r := newCamRig(t, l, app.Policy{}, map[capture.Purpose]string{capture.PurposeFace: emptyClip(t)})
	l.run(func() { r.walkToCapture(t) })
	l.waitStep(t, r, app.StepCapture, 5*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var shown string
		l.run(func() { shown = r.texts() })
		if strings.Contains(shown, "一直拍不成") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stuck notice:\n%s", shown)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var id string
	l.run(func() {
		id = r.k.svc.Session().ID
		test.Tap(r.k.capture.cancel)
		if r.k.capture.cam.running() {
			t.Error("the camera runs behind the cancel question: it could shoot")
		}
		test.Tap(r.k.capture.cancelDialog.stay)
		r.wantStep(t, app.StepCapture)
		if !r.k.capture.cam.running() {
			t.Error("keep going: the camera did not start again")
		}
		test.Tap(r.k.capture.cancel)
		test.Tap(r.k.capture.cancelDialog.leave)
		r.wantStep(t, app.StepWelcome)
	})
	r.wantNoPII(t, id)
}

// A refusal ("背景不够纯净" after "shoot now") is told, and gone as soon as
// the next countdown starts.
func TestCaptureNoStaleRefusal(t *testing.T) {
	l := startUILoop(t)
	r := newCamRig(t, l, app.Policy{}, map[capture.Purpose]string{capture.PurposeFace: emptyClip(t)})
	l.run(func() {
		r.walkToCapture(t)
		r.wantStep(t, app.StepCapture)
		s := r.k.capture
		s.refused(spec.ErrBusyBackdrop)
		if !strings.Contains(s.message.Text, "背景") {
			t.Fatalf("refusal not told: %q", s.message.Text)
		}
		s.onState(capture.FaceState{Guide: capture.GuideReady, Hint: string(spec.HintStill), Count: 3})
		if strings.Contains(s.message.Text, "背景") {
			t.Errorf("the refusal stays over the countdown: %q", s.message.Text)
		}
	})
}
