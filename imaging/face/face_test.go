package face

import (
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// Tolerances from the issue: eye centres within 4 % of the face width of
// the hand labels; the chin within 8 % of the face height, taken as the
// labelled head height (head top to chin); the error in % of the detector's
// box height is logged too.
const (
	eyeTolerance  = 4.0 // % of Face.Width()
	chinTolerance = 8.0 // % of the labelled head height
)

func TestStillFixturesMatchLabels(t *testing.T) {
	d := newDetector(t)
	worst, worstFile := 0.0, ""
	for _, l := range loadLabels(t) {
		t.Run(l.File, func(t *testing.T) {
			img := readPhoto(t, l.File)
			defer img.Close()
			faces, err := d.Detect(img, Still)
			if err != nil || len(faces) != 1 {
				t.Fatalf("Detect(Still) = %d faces, %v; want 1", len(faces), err)
			}
			f := faces[0]
			br, bl := eyeErrors(f, l)
			st, err := d.Eyes(img, &f)
			if err != nil {
				t.Fatal(err)
			}
			er, el := eyeErrors(f, l)
			chinErr := f.Chin().Dist(pt(l.Chin))
			chin := 100 * chinErr / pt(l.HeadTop).Dist(pt(l.Chin))
			t.Logf("width %.1f px: eyes R %.2f%% L %.2f%% of width (BlazeFace alone %.2f%% %.2f%%); chin %.1f px = %.2f%% of head height, %.2f%% of box height; head top guess off by %.1f px; %+v",
				f.Width(), er, el, br, bl, chinErr, chin, 100*chinErr/f.Box.H, f.HeadTopGuess().Dist(pt(l.HeadTop)), st)
			if er > eyeTolerance || el > eyeTolerance {
				t.Errorf("eye error R %.2f%% L %.2f%% > %.0f%% of face width", er, el, eyeTolerance)
			}
			if chin > chinTolerance {
				t.Errorf("chin %v is %.2f%% of the head height from the label %v", f.Chin(), chin, l.Chin)
			}
			if !st.Both() {
				t.Errorf("eyes not both found open: %+v", st)
			}
			if m := max(er, el); m > worst {
				worst, worstFile = m, l.File
			}
		})
	}
	t.Logf("worst eye error: %.2f%% of face width (%s)", worst, worstFile)
}

func TestNoFace(t *testing.T) {
	d := newDetector(t)
	img := readPhoto(t, "space_shuttle.jpg")
	defer img.Close()
	for _, m := range []Mode{Live, Still} {
		faces, err := d.Detect(img, m)
		if err != nil || len(faces) != 0 {
			t.Errorf("mode %d: %d faces, %v; want none", m, len(faces), err)
		}
	}
}

func TestTwoPeopleStill(t *testing.T) {
	d := newDetector(t)
	pairs := [][2]string{{"pigo_sample.jpg", "grace_hopper.jpg"}, {"astronaut.jpg", "face.jpg"}}
	for _, p := range pairs {
		a, b := readPhoto(t, p[0]), readPhoto(t, p[1])
		h := min(a.Rows(), b.Rows())
		ra, rb := resizeToHeight(a, h), resizeToHeight(b, h)
		both := gocv.NewMat()
		gocv.Hconcat(ra, rb, &both)
		faces, err := d.Detect(both, Still)
		if err != nil || len(faces) != 2 {
			t.Errorf("%s + %s (%d×%d): %d faces, %v; want 2", p[0], p[1], both.Cols(), both.Rows(), len(faces), err)
		} else if (faces[0].Centre().X < float64(ra.Cols())) == (faces[1].Centre().X < float64(ra.Cols())) {
			t.Errorf("%s + %s: both faces on one side: %+v", p[0], p[1], faces)
		}
		for _, m := range []gocv.Mat{a, b, ra, rb, both} {
			m.Close()
		}
	}
}

// resizeToHeight returns a copy of m scaled to height h (caller closes).
func resizeToHeight(m gocv.Mat, h int) gocv.Mat {
	out := gocv.NewMat()
	w := int(math.Round(float64(m.Cols()) * float64(h) / float64(m.Rows())))
	gocv.Resize(m, &out, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	return out
}

func TestLiveFrame720p(t *testing.T) {
	d := newDetector(t)
	for _, l := range loadLabels(t) {
		t.Run(l.File, func(t *testing.T) {
			photo := readPhoto(t, l.File)
			defer photo.Close()
			frame, tr := inFrame(t, photo, l, 260, 1280, 720)
			defer frame.Close()
			f, st := one(t, d, frame, Live)
			fl := tr.label(l)
			er, el := eyeErrors(f, fl)
			t.Logf("width %.1f px: eyes R %.2f%% L %.2f%%; %+v", f.Width(), er, el, st)
			if er > eyeTolerance || el > eyeTolerance {
				t.Errorf("eye error R %.2f%% L %.2f%% > %.0f%%", er, el, eyeTolerance)
			}
			if !st.Both() {
				t.Errorf("eyes not both found open: %+v", st)
			}
		})
	}
}

func TestRollSign(t *testing.T) {
	d := newDetector(t)
	const deg = 6.0 // clockwise on screen: the subject's left eye goes down
	for _, l := range loadLabels(t) {
		t.Run(l.File, func(t *testing.T) {
			photo := readPhoto(t, l.File)
			defer photo.Close()
			img, tr := rotated(t, photo, l, deg)
			defer img.Close()
			f, st := one(t, d, img, Still)
			er, el := eyeErrors(f, tr.label(l))
			t.Logf("eyes R %.2f%% L %.2f%% of width; %+v", er, el, st)
			lr := pt(l.RightEye)
			ll := pt(l.LeftEye)
			base := Face{RightEye: lr, LeftEye: ll}.Roll()
			want := Face{RightEye: tr.apply(lr), LeftEye: tr.apply(ll)}.Roll()
			t.Logf("roll %.2f°, labels %.2f° → %.2f°", f.Roll(), base, want)
			if math.Abs(want-base-deg) > 0.01 {
				t.Fatalf("test transform: label roll moved by %.2f°, want %.0f°", want-base, deg)
			}
			if math.Abs(f.Roll()-want) > 1.5 {
				t.Errorf("Roll() = %.2f°, want %.2f° ± 1.5°", f.Roll(), want)
			}
		})
	}
}

func TestEyesClosed(t *testing.T) {
	d := newDetector(t)
	for _, l := range loadLabels(t) {
		t.Run(l.File, func(t *testing.T) {
			img := readPhoto(t, l.File)
			defer img.Close()
			smearEyes(&img, l)
			if _, st := one(t, d, img, Still); st.RightOpen || st.LeftOpen {
				t.Errorf("Still: smeared eyes read open: %+v", st)
			}
			frame, _ := inFrame(t, img, l, 260, 1280, 720)
			defer frame.Close()
			if _, st := one(t, d, frame, Live); st.RightOpen || st.LeftOpen {
				t.Errorf("Live: smeared eyes read open: %+v", st)
			}
		})
	}
}

func TestBadInputs(t *testing.T) {
	d := newDetector(t)
	truncated := func() gocv.Mat {
		b, err := os.ReadFile(filepath.Join(photoDir, "pigo_sample.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := gocv.IMDecode(b[:200], gocv.IMReadColor)
		if err != nil || !m.Empty() {
			t.Fatalf("truncated JPEG: IMDecode gave %v, %v; want an empty Mat", m.Size(), err)
		}
		return m
	}
	cases := []struct {
		name string
		make func() gocv.Mat
	}{
		{"zero Mat", func() gocv.Mat { return gocv.Mat{} }},
		{"empty", gocv.NewMat},
		{"grey", func() gocv.Mat { return gocv.NewMatWithSize(100, 100, gocv.MatTypeCV8UC1) }},
		{"BGRA", func() gocv.Mat { return gocv.NewMatWithSize(100, 100, gocv.MatTypeCV8UC4) }},
		{"float", func() gocv.Mat { return gocv.NewMatWithSize(100, 100, gocv.MatTypeCV32FC3) }},
		{"10×10", func() gocv.Mat { return gocv.NewMatWithSize(10, 10, gocv.MatTypeCV8UC3) }},
		{"31×200", func() gocv.Mat { return gocv.NewMatWithSize(31, 200, gocv.MatTypeCV8UC3) }},
		{"4-D blob", func() gocv.Mat { return gocv.NewMatWithSizes([]int{1, 64, 64, 3}, gocv.MatTypeCV8U) }},
		{"truncated JPEG", truncated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.make()
			defer m.Close()
			for _, mode := range []Mode{Live, Still} {
				if _, err := d.Detect(m, mode); !errors.Is(err, ErrBadImage) {
					t.Errorf("Detect mode %d: %v, want ErrBadImage", mode, err)
				}
			}
			f := Face{RightEye: Point{40, 40}, LeftEye: Point{60, 40}}
			if _, err := d.Eyes(m, &f); !errors.Is(err, ErrBadImage) {
				t.Errorf("Eyes: %v, want ErrBadImage", err)
			}
		})
	}
}

func TestTinyAndOddImages(t *testing.T) {
	d := newDetector(t)
	for _, sz := range []image.Point{{32, 32}, {33, 500}, {500, 33}, {4000, 40}} {
		m := gocv.NewMatWithSizeFromScalar(lightBlue, sz.Y, sz.X, gocv.MatTypeCV8UC3)
		for _, mode := range []Mode{Live, Still} {
			if faces, err := d.Detect(m, mode); err != nil || len(faces) != 0 {
				t.Errorf("%v mode %d: %d faces, %v", sz, mode, len(faces), err)
			}
		}
		m.Close()
	}
}

func TestEyesBadFace(t *testing.T) {
	d := newDetector(t)
	img := readPhoto(t, "pigo_sample.jpg")
	defer img.Close()
	if _, err := d.Eyes(img, nil); !errors.Is(err, ErrBadFace) {
		t.Errorf("nil face: %v", err)
	}
	if _, err := d.Eyes(img, &Face{}); !errors.Is(err, ErrBadFace) {
		t.Errorf("zero face: %v", err)
	}
	nan := Face{RightEye: Point{math.NaN(), 1}, LeftEye: Point{50, 50}}
	if _, err := d.Eyes(img, &nan); !errors.Is(err, ErrBadFace) {
		t.Errorf("NaN face: %v", err)
	}
	// Eyes far outside the image: no error, nothing found, points kept.
	out := Face{RightEye: Point{-500, -500}, LeftEye: Point{-400, -500}}
	st, err := d.Eyes(img, &out)
	if err != nil || st.RightFound || st.LeftFound || out.RightEye != (Point{-500, -500}) {
		t.Errorf("outside face: %+v %v %+v", st, err, out)
	}
	if _, err := d.Detect(img, Mode(7)); !errors.Is(err, ErrBadMode) {
		t.Errorf("unknown mode: %v", err)
	}
}

func TestClosedDetector(t *testing.T) {
	d, err := NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	img := readPhoto(t, "pigo_sample.jpg")
	defer img.Close()
	if _, err := d.Detect(img, Live); !errors.Is(err, ErrClosed) {
		t.Errorf("Detect after Close: %v", err)
	}
	f := Face{RightEye: Point{100, 180}, LeftEye: Point{200, 180}}
	if _, err := d.Eyes(img, &f); !errors.Is(err, ErrClosed) {
		t.Errorf("Eyes after Close: %v", err)
	}
}

// A Region view (not continuous) is a valid input.
func TestRegionView(t *testing.T) {
	d := newDetector(t)
	l := loadLabels(t)[3]
	photo := readPhoto(t, l.File)
	defer photo.Close()
	frame, _ := inFrame(t, photo, l, 260, 1600, 900)
	defer frame.Close()
	view := frame.Region(image.Rect(160, 90, 1440, 810)) // 1280×720
	defer view.Close()
	if view.IsContinuous() {
		t.Fatal("test needs a non-continuous view")
	}
	for _, m := range []Mode{Live, Still} {
		if _, st := one(t, d, view, m); !st.Both() {
			t.Errorf("mode %d: eyes %+v", m, st)
		}
	}
}
