package imaging

import (
	"image/color"
	"math"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

// shadowedBackdrop is a kiosk backdrop (light blue, 1280×720) with a soft
// shadow falling on it to the right of where the person sits and a crease
// running across it (a fold: lighter above, darker below).
func shadowedBackdrop(t *testing.T) gocv.Mat {
	t.Helper()
	const w, h = 1280, 720
	b := make([]byte, 3*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			k := 1.0
			// the shadow: up to 30 % darker, soft, centred right of the person
			if d := math.Hypot(float64(x-900)/260, float64(y-520)/300); d < 1 {
				k -= 0.30 * (1 - d*d)
			}
			// the crease: a line from (0, 250) to (1280, 120), 6 px wide
			line := float64(y) - (250 - 130*float64(x)/w)
			switch {
			case line > -6 && line <= 0:
				k *= 1.10
			case line > 0 && line < 6:
				k *= 0.86
			}
			i := 3 * (y*w + x)
			b[i], b[i+1], b[i+2] = byte(math.Min(255, 255*k)), byte(math.Min(255, 197*k)), byte(math.Min(255, 100*k))
		}
	}
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The clean plate: the backdrop above (shadow and crease) is learnt from
// empty frames, then a person sits down. The photo's matte differs from the
// person's hand-made mask on at most 2 % of the person's area.
func TestPlateMatteOnShadowAndCrease(t *testing.T) {
	e := newTestEngine(t)
	p := profile(t, "chsi")
	bd := shadowedBackdrop(t)
	defer bd.Close()
	for _, name := range []string{"pigo_sample", "grace_hopper", "astronaut"} {
		t.Run(name, func(t *testing.T) {
			ph, err := fixture.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			defer ph.Close()
			s := liveScene()
			s.Busy = bd
			stage, err := fixture.NewStage(ph, s)
			if err != nil {
				t.Fatal(err)
			}
			defer stage.Close()
			plate := NewPlate()
			defer plate.Close()
			for i := range plateFrames {
				fr, err := stage.Frame(fixture.Pose{Hidden: true, Seed: int64(100 + i)})
				if err != nil {
					t.Fatal(err)
				}
				fr.Alpha.Close()
				err = plate.Learn(fr.Img)
				fr.Img.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
			if !plate.Ready() {
				t.Fatal("plate not ready after the calibration frames")
			}
			fr, err := stage.Frame(fixture.Pose{Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			defer fr.Close()
			miss, area := matteError(t, e, fr, plate)
			t.Logf("with the plate: matte error %.2f%% of the person's %d px", 100*miss, area)
			if miss > 0.02 {
				t.Errorf("matte error %.2f%% of the person's area, want ≤ 2%%", 100*miss)
			}
			res, err := e.Standardise(fr.Img, p, Options{Plate: plate})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Report.Pass() {
				t.Errorf("photo with the plate fails %v", res.Report.Failed())
			}
			// without the plate the backdrop's colour surface cannot follow
			// the shadow and the crease
			if res, err := e.Standardise(fr.Img, p, Options{}); err != nil {
				t.Logf("without the plate: %v", err)
			} else {
				m, _ := matteError(t, e, fr, nil)
				t.Logf("without the plate: matte error %.2f%%, photo fails %v", 100*m, res.Report.Failed())
			}
		})
	}
}

// matteError is the share of the person's area (its hand-made mask, in the
// photo) where the photo's matte says otherwise, counted where the photo
// shows the frame itself (not the body carried on under it).
func matteError(t *testing.T, e *Engine, fr fixture.Frame, plate *Plate) (float64, int) {
	t.Helper()
	f, err := e.oneFace(fr.Img)
	if err != nil {
		t.Fatal(err)
	}
	st, err := prepare(fr.Img, f, profile(t, "chsi"), plate)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	bgc := color.RGBA{R: 100, G: 197, B: 255, A: 255}
	crop := renderCrop(st.pic.img, st.l, bgc)
	defer crop.Close()
	inside := warp(st.pic.valid, st.l.toOut, st.l.size, gocv.InterpolationNearestNeighbor, color.RGBA{})
	defer inside.Close()
	old, err := oldBackdrop(st.pic, st.seg.model, st.l)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := newMixColours(crop, old)
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := matte(crop, inside, cols, st.cv, st.seg, st.l)
	if err != nil {
		t.Fatal(err)
	}
	truth := placed(t, fr.Alpha, st)
	defer truth.Close()
	ones := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(255, 0, 0, 0), fr.Alpha.Rows(), fr.Alpha.Cols(), gocv.MatTypeCV8U)
	defer ones.Close()
	frame := placed(t, ones, st)
	defer frame.Close()
	tb, fb := truth.ToBytes(), frame.ToBytes()
	miss, area := 0, 0
	for i, a := range alpha {
		if fb[i] < 255 {
			continue
		}
		person := tb[i] >= 128
		if person {
			area++
		}
		if person != (a >= 0.5) {
			miss++
		}
	}
	return float64(miss) / float64(max(1, area)), area
}

// placed puts a mask of the still's size where the photo shows it.
func placed(t *testing.T, m gocv.Mat, st *staged) gocv.Mat {
	t.Helper()
	pad := gocv.NewMat()
	defer pad.Close()
	gocv.CopyMakeBorder(m, &pad, 0, st.pic.size.Y-m.Rows(), st.pic.dx, st.pic.size.X-m.Cols()-st.pic.dx,
		gocv.BorderConstant, color.RGBA{})
	return renderCrop(pad, st.l, color.RGBA{})
}
