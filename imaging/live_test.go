package imaging

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"gradphoto/imaging/face"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
)

// jitter is the RMS of the frame-to-frame change of a series.
func jitter(v []float64) float64 {
	var s float64
	for i := 1; i < len(v); i++ {
		s += sq(v[i] - v[i-1])
	}
	return math.Sqrt(s / math.Max(1, float64(len(v)-1)))
}

// A person sitting still (one composition, fresh sensor noise each frame)
// passes every live check on every frame once Live has seen a few, and its
// estimates hold still: the figures are logged (per frame and as Live
// judges them) and Live's must be steadier than a degree of roll, a pixel of
// eye line and two degrees of yaw (whose estimate is the median of three
// that each scatter more: see face.Face.Yaw).
func TestLiveEstimatesHoldStill(t *testing.T) {
	e := newTestEngine(t)
	p := profile(t, "chsi")
	const frames = 40
	for _, name := range fixture.Portraits() {
		t.Run(name, func(t *testing.T) {
			ph, err := fixture.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			defer ph.Close()
			st, err := fixture.NewStage(ph, liveScene())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			lv := e.NewLive(p, nil)
			var raw, steady [3][]float64 // roll, yaw, eye line
			fails := 0
			for i := range frames {
				fr, err := st.Frame(fixture.Pose{Seed: int64(i + 1)})
				if err != nil {
					t.Fatal(err)
				}
				fr.Alpha.Close()
				faces, err := e.det.Detect(fr.Img, face.Live)
				if err == nil && len(faces) == 1 {
					f := faces[0]
					if _, err := e.det.Eyes(fr.Img, &f); err == nil {
						raw[0], raw[1], raw[2] = append(raw[0], f.Roll()), append(raw[1], f.Yaw()), append(raw[2], f.EyeMid().Y)
					}
				}
				r, err := lv.Check(fr.Img, 1)
				fr.Img.Close()
				if err != nil {
					t.Fatal(err)
				}
				if i >= liveWindow && !r.Pass() {
					fails++
					t.Logf("frame %d: %v", i, r.Failed())
				}
				lvl, _ := r.Get(spec.CheckLevel)
				h, _ := r.Get(spec.CheckHeight)
				var yaw float64
				fmt.Sscanf(lvl.Note, "yaw %f", &yaw)
				steady[0], steady[1], steady[2] = append(steady[0], lvl.Value), append(steady[1], yaw), append(steady[2], h.Value)
			}
			t.Logf("jitter per frame: roll %.2f°, yaw %.2f°, eye line %.2f px; as Live judges: roll %.2f°, yaw %.2f°, eye line %.2f px",
				jitter(raw[0]), jitter(raw[1]), jitter(raw[2]), jitter(steady[0]), jitter(steady[1]), jitter(steady[2]))
			if fails > 0 {
				t.Errorf("%d of %d frames of a still person failed a live check", fails, frames-liveWindow)
			}
			if jitter(steady[0]) > 1 || jitter(steady[1]) > 2 || jitter(steady[2]) > 1 {
				t.Errorf("Live's estimates jitter: roll %.2f°, yaw %.2f°, eye line %.2f px (want ≤ 1, 2, 1)",
					jitter(steady[0]), jitter(steady[1]), jitter(steady[2]))
			}
		})
	}
}

// A check sitting on its limit does not flip: a value that passed fails
// again only past the loose limit, and a fresh Live judges by the strict one.
func TestLiveHysteresis(t *testing.T) {
	var st liveState
	if st.limits(spec.CheckLevel) != strict {
		t.Fatal("a check never seen is judged by the strict limits")
	}
	st.remember(spec.Report{Checks: []spec.Check{{ID: spec.CheckLevel, Pass: true}, {ID: spec.CheckLight}}})
	if st.limits(spec.CheckLevel) != loose || st.limits(spec.CheckLight) != strict {
		t.Error("after a pass the loose limits, after a failure the strict ones")
	}
	for _, c := range []struct {
		roll float64
		l    limits
		pass bool
	}{
		{maxRoll + 0.5, strict, false},
		{maxRoll + 0.5, loose, true},
		{maxRoll + 1.5, loose, false},
	} {
		if got := levelCheckWithin(c.roll, 0, c.l.roll, c.l.yaw).Pass; got != c.pass {
			t.Errorf("roll %.1f° against %.1f°: pass %v, want %v", c.roll, c.l.roll, got, c.pass)
		}
	}
	st.forget()
	if st.limits(spec.CheckLevel) != strict {
		t.Error("forget keeps the old passes")
	}
}

// The live checks and the photo agree. A frame the live checks let through
// makes a photo that passes; a frame whose light, sharpness, eyes or
// background fail live makes no passing photo either. (The positional
// checks — distance, centre, height, roll — guide the person to the best
// photo and may hold back a frame standardisation could still crop,
// enlarge a little or level.)
func TestLiveAndPhotoAgree(t *testing.T) {
	e := newTestEngine(t)
	p := profile(t, "chsi")
	busy := busyImage(t)
	defer busy.Close()
	shared := map[spec.CheckID]bool{spec.CheckLight: true, spec.CheckSharp: true, spec.CheckEyes: true, spec.CheckBackground: true}
	frames := []struct {
		name string
		edit func(*fixture.Scene)
	}{
		{"good", func(*fixture.Scene) {}},
		{"darkened", func(s *fixture.Scene) { s.Gain = 0.35 }},
		{"blurred", func(s *fixture.Scene) { s.Blur = 4 }},
		{"busy background", func(s *fixture.Scene) { s.Busy = busy }},
		{"blue→white gradient", func(s *fixture.Scene) { s.Backdrop2 = fixture.White }},
		{"dark vignette", func(s *fixture.Scene) { s.Backdrop = color.RGBA{R: 62, G: 64, B: 66, A: 255}; s.Vignette = 0.18 }},
	}
	for _, name := range liveBases {
		for _, fr := range frames {
			s := liveScene()
			fr.edit(&s)
			f := compose(t, name, s)
			live, err := e.Analyze(f.Img, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Standardise(f.Img, p, Options{})
			f.Close()
			photo := err == nil && res.Report.Pass()
			var sharedFail []spec.CheckID
			for _, c := range live.Failed() {
				if shared[c.ID] {
					sharedFail = append(sharedFail, c.ID)
				}
			}
			switch {
			case live.Pass() && !photo:
				t.Errorf("%s/%s: let through live, but the photo: %v %v", name, fr.name, err, res.Report.Failed())
			case len(sharedFail) > 0 && photo:
				t.Errorf("%s/%s: live fails %v, but the photo passes", name, fr.name, sharedFail)
			}
			t.Logf("%s/%s: live %v (fails %v), photo %v (%v)", name, fr.name, live.Pass(), sharedFail, photo, err)
		}
	}
}
