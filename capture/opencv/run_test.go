package opencv

import (
	"image"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/app"
	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/imaging/card"
	"gradphoto/internal/fixture"
)

// stillClip writes a clip of a portrait sitting still, well placed.
func stillClip(t *testing.T, photo string, seconds float64) string {
	t.Helper()
	ph, err := fixture.Load(photo)
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	path := filepath.Join(t.TempDir(), photo+".mp4")
	if err := fixture.WriteStillClip(path, ph, fixture.Scene{FaceWidth: 250, Level: true}, seconds); err != nil {
		t.Fatal(err)
	}
	return path
}

// movingClip writes 3.2 s of a person who keeps moving: drifting left and
// right across the centre and rolling the head.
func movingClip(t *testing.T) string {
	t.Helper()
	ph, err := fixture.Load("pigo_sample")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	st, err := fixture.NewStage(ph, fixture.Scene{FaceWidth: 250, Level: true, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return stageClip(t, st, "moving.mp4", 96, func(i int) fixture.Pose {
		at := float64(i) / fixture.ClipFPS
		return fixture.Pose{
			EyeAt:  [2]float64{0.5 + 0.1*math.Sin(2*math.Pi*at/2), 0.39},
			Rotate: 5 * math.Sin(2*math.Pi*at/2.6+1),
			Seed:   int64(i),
		}
	})
}

// stageClip writes n frames of a Stage, frame i in pose(i), into a
// temporary clip named name. A pose that comes again is rendered once (a
// frame costs ≈ 95 ms under -race, its encoding ≈ 12 ms).
func stageClip(t *testing.T, st *fixture.Stage, name string, n int, pose func(i int) fixture.Pose) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	seen := map[fixture.Pose]gocv.Mat{}
	defer func() {
		for _, m := range seen {
			m.Close()
		}
	}()
	err := fixture.WriteClip(path, n, func(i int) (gocv.Mat, error) {
		p := pose(i)
		if m, ok := seen[p]; ok {
			return m.Clone(), nil
		}
		fr, err := st.Frame(p)
		if err != nil {
			return gocv.Mat{}, err
		}
		fr.Alpha.Close()
		seen[p] = fr.Img.Clone()
		return fr.Img, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// demoClip is an embedded demo clip in a temporary file.
func demoClip(t *testing.T, p capture.Purpose) string {
	t.Helper()
	path, err := camera.DemoClip(demoClips[p])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	return path
}

func newTestHost(t *testing.T, clips map[capture.Purpose]string) *Host {
	t.Helper()
	h := NewHost(capture.Config{Clips: clips, Profile: testProfile(t)})
	t.Cleanup(h.Close)
	return h
}

// recorder collects a run's callbacks.
type recorder struct {
	mu     sync.Mutex
	states []capture.FaceState
	cards  []capture.CardState
	camera []bool
	shots  chan struct {
		sh  capture.Shot
		err error
	}
	card chan []byte
}

func newRecorder() *recorder {
	return &recorder{shots: make(chan struct {
		sh  capture.Shot
		err error
	}, 4), card: make(chan []byte, 4)}
}

func (r *recorder) face() capture.FaceEvents {
	return capture.FaceEvents{
		State: func(st capture.FaceState) { r.mu.Lock(); r.states = append(r.states, st); r.mu.Unlock() },
		Camera: func(ok bool, _ error) {
			r.mu.Lock()
			r.camera = append(r.camera, ok)
			r.mu.Unlock()
		},
		Shot: func(sh capture.Shot, err error) {
			r.shots <- struct {
				sh  capture.Shot
				err error
			}{sh, err}
		},
	}
}

func (r *recorder) cardEvents() capture.CardEvents {
	return capture.CardEvents{
		State: func(st capture.CardState) { r.mu.Lock(); r.cards = append(r.cards, st); r.mu.Unlock() },
		Card:  func(img []byte) { r.card <- img },
	}
}

// countdown is the digits the states showed, each once in order.
func (r *recorder) countdown() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.countdownLocked()
}

func (r *recorder) countdownLocked() []int {
	var out []int
	for _, st := range r.states {
		if n := len(out); st.Count > 0 && (n == 0 || out[n-1] != st.Count) {
			out = append(out, st.Count)
		}
	}
	return out
}

// A still, well-placed person is coached, counted down 3-2-1 and shot by
// themselves; the standardised photo passes; nothing comes after Stop.
func TestFaceRunShootsStillPerson(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeFace: stillClip(t, "pigo_sample", 3)})
	rec := newRecorder()
	v := NewView(capture.GuideFace, h.Profile(), red)
	start := time.Now()
	run, err := h.StartFace(v, rec.face())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		sh  capture.Shot
		err error
	}
	select {
	case got = <-rec.shots:
	case <-time.After(40 * time.Second):
		run.Stop()
		t.Fatalf("no shot in 40 s; states %v", rec.states)
	}
	took := time.Since(start)
	run.Stop()
	if got.err != nil {
		t.Fatalf("shot refused: %v", got.err)
	}
	if !got.sh.Report.Pass() || len(got.sh.Raw) == 0 || len(got.sh.Standard) == 0 || len(got.sh.RawReport.Checks) == 0 {
		t.Fatalf("shot: raw %d B, standard %d B, failed %+v", len(got.sh.Raw), len(got.sh.Standard), got.sh.Report.Failed())
	}
	if d := rec.countdown(); len(d) != 3 || d[0] != 3 || d[2] != 1 {
		t.Errorf("countdown %v, want 3 2 1", d)
	}
	t.Logf("shot after %v", took.Round(100*time.Millisecond))
	rec.mu.Lock()
	n := len(rec.states)
	rec.mu.Unlock()
	time.Sleep(300 * time.Millisecond)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.states) != n {
		t.Errorf("%d states after Stop", len(rec.states)-n)
	}
	if v.Stats().Received == 0 {
		t.Error("no frame reached the view")
	}
}

// A person who keeps moving is never shot (the clip loops for 10 s), though
// some of their frames pass every check.
func TestFaceRunMovingNeverShoots(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeFace: movingClip(t)})
	rec := newRecorder()
	run, err := h.StartFace(NewView(capture.GuideFace, h.Profile(), red), rec.face())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-rec.shots:
		t.Error("a moving person was shot")
	case <-time.After(10 * time.Second):
	}
	run.Stop()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	ready := 0
	for _, st := range rec.states {
		if st.Guide == capture.GuideReady {
			ready++
		}
	}
	t.Logf("%d states, %d ready, countdown %v", len(rec.states), ready, rec.countdownLocked())
	if len(rec.states) < 20 {
		t.Errorf("only %d states in 10 s", len(rec.states))
	}
}

// The assistant's button shoots at once, whatever the checks say; a second
// tap while shooting does nothing.
func TestFaceRunShootNow(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeFace: demoClip(t, capture.PurposeFace)})
	rec := newRecorder()
	run, err := h.StartFace(NewView(capture.GuideFace, h.Profile(), red), rec.face())
	if err != nil {
		t.Fatal(err)
	}
	defer run.Stop()
	time.Sleep(500 * time.Millisecond)
	run.Shoot()
	run.Shoot()
	select {
	case got := <-rec.shots:
		if got.err == nil && len(got.sh.Raw) == 0 {
			t.Error("a shot without the still")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no shot 30 s after the button")
	}
	select {
	case <-rec.shots:
		t.Error("two shots from two taps")
	case <-time.After(time.Second):
	}
}

// A camera that is not there is reported as lost, not as a crash.
func TestFaceRunMissingCamera(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeFace: filepath.Join(t.TempDir(), "gone.mp4")})
	rec := newRecorder()
	run, err := h.StartFace(NewView(capture.GuideFace, h.Profile(), red), rec.face())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		rec.mu.Lock()
		lost := len(rec.camera) > 0 && !rec.camera[0]
		rec.mu.Unlock()
		if lost {
			run.Stop()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	run.Stop()
	t.Fatal("no camera-lost report in 5 s")
}

// The card run hands over the wanted side, flattened, once.
func TestCardRunTakesTheSide(t *testing.T) {
	for _, side := range []app.CardSide{app.CardFront, app.CardBack} {
		p := capture.PurposeCardFront
		if side == app.CardBack {
			p = capture.PurposeCardBack
		}
		h := newTestHost(t, map[capture.Purpose]string{p: demoClip(t, p)})
		rec := newRecorder()
		run, err := h.StartCard(side, NewView(capture.GuideCard, h.Profile(), red), rec.cardEvents())
		if err != nil {
			t.Fatal(err)
		}
		var img []byte
		select {
		case img = <-rec.card:
		case <-time.After(30 * time.Second):
			run.Stop()
			t.Fatalf("%v: no card in 30 s; states %v", side, rec.cards)
		}
		run.Stop()
		m, err := gocv.IMDecode(img, gocv.IMReadColor)
		if err != nil {
			t.Fatal(err)
		}
		if got := image.Pt(m.Cols(), m.Rows()); got != image.Pt(card.Width, card.Height) {
			t.Errorf("%v: card %v, want %d×%d", side, got, card.Width, card.Height)
		}
		m.Close()
		if len(rec.card) != 0 {
			t.Errorf("%v: the side was handed over twice", side)
		}
	}
}

// Shown the front while the back is wanted, the run asks to turn the card
// and takes nothing.
func TestCardRunWrongSide(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeCardBack: demoClip(t, capture.PurposeCardFront)})
	rec := newRecorder()
	run, err := h.StartCard(app.CardBack, NewView(capture.GuideCard, h.Profile(), red), rec.cardEvents())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second)
	run.Stop()
	if len(rec.card) != 0 {
		t.Fatal("the front was taken as the back")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	turned := false
	for _, st := range rec.cards {
		turned = turned || st.Hint == "card.turn_back"
	}
	if !turned {
		t.Errorf("never asked to turn the card: %v", rec.cards)
	}
}
