package imaging

import (
	"image"
	"image/color"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

// The clean plate: a backdrop with a shadow and a crease is learnt from
// empty frames, then a person sits down. The photo's matte differs from the
// person's hand-made mask on at most 2 % of the person's area.
func TestPlateMatteOnShadowAndCrease(t *testing.T) {
	e := newTestEngine(t)
	p := profile(t, "chsi")
	bd, err := fixture.ShadowedBackdrop(image.Pt(1280, 720))
	if err != nil {
		t.Fatal(err)
	}
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
	m, err := matteOf(st.pic, st.cv, st.seg, st.l, color.RGBA{R: 100, G: 197, B: 255, A: 255})
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	truth := placed(t, fr.Alpha, st)
	defer truth.Close()
	ones := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(255, 0, 0, 0), fr.Alpha.Rows(), fr.Alpha.Cols(), gocv.MatTypeCV8U)
	defer ones.Close()
	frame := placed(t, ones, st)
	defer frame.Close()
	tb, fb := truth.ToBytes(), frame.ToBytes()
	miss, area := 0, 0
	for i, a := range m.alpha {
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
