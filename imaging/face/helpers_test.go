package face

import (
	"encoding/json"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

const photoDir = "../../testdata/photos"

// label is one entry of testdata/photos/labels.json (hand labels).
type label struct {
	File     string     `json:"file"`
	RightEye [2]float64 `json:"right_eye"`
	LeftEye  [2]float64 `json:"left_eye"`
	HeadTop  [2]float64 `json:"head_top"`
	Chin     [2]float64 `json:"chin"`
}

func pt(a [2]float64) Point { return Point{a[0], a[1]} }

func loadLabels(t testing.TB) []label {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(photoDir, "labels.json"))
	if err != nil {
		t.Fatalf("labels: %v", err)
	}
	var doc struct {
		Photos []label `json:"photos"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("labels: %v", err)
	}
	if len(doc.Photos) == 0 {
		t.Fatal("labels: no photos")
	}
	return doc.Photos
}

// readPhoto loads a fixture; the caller closes it.
func readPhoto(t testing.TB, name string) gocv.Mat {
	t.Helper()
	img := gocv.IMRead(filepath.Join(photoDir, name), gocv.IMReadColor)
	if img.Empty() {
		img.Close()
		t.Fatalf("cannot read %s", name)
	}
	return img
}

// newDetector makes a Detector closed at the end of the test.
func newDetector(t testing.TB) *Detector {
	t.Helper()
	d, err := NewDetector()
	if err != nil {
		t.Fatalf("NewDetector: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// lightBlue is the chsi backdrop, RGB(100,197,255), as BGR.
var lightBlue = gocv.NewScalar(255, 197, 100, 0)

// eyeWidthRatio: face width (ear to ear) ≈ 2.1 × eye distance (LABELS.md).
const eyeWidthRatio = 2.1

// affine maps label points the way a test transformed the photo.
type affine struct{ a, b, c, d, tx, ty float64 }

func (t affine) apply(p Point) Point {
	return Point{t.a*p.X + t.b*p.Y + t.tx, t.c*p.X + t.d*p.Y + t.ty}
}

func (t affine) label(l label) label {
	m := func(a [2]float64) [2]float64 { p := t.apply(pt(a)); return [2]float64{p.X, p.Y} }
	return label{File: l.File, RightEye: m(l.RightEye), LeftEye: m(l.LeftEye), HeadTop: m(l.HeadTop), Chin: m(l.Chin)}
}

// inFrame scales photo so that its labelled face is faceWidth px wide and
// places it in a w×h light-blue frame with the eye midpoint centred
// horizontally and at 45 % of the height, as the kiosk's guide puts it
// (cropping what does not fit). It returns the frame (caller closes) and the
// photo→frame transform.
func inFrame(t testing.TB, photo gocv.Mat, l label, faceWidth float64, w, h int) (gocv.Mat, affine) {
	t.Helper()
	s := faceWidth / (eyeWidthRatio * pt(l.RightEye).Dist(pt(l.LeftEye)))
	sz := image.Pt(int(math.Round(float64(photo.Cols())*s)), int(math.Round(float64(photo.Rows())*s)))
	scaled := gocv.NewMat()
	defer scaled.Close()
	interp := gocv.InterpolationArea
	if s > 1 {
		interp = gocv.InterpolationCubic
	}
	gocv.Resize(photo, &scaled, sz, 0, 0, interp)
	frame := gocv.NewMatWithSizeFromScalar(lightBlue, h, w, gocv.MatTypeCV8UC3)
	m := pt(l.RightEye).Mid(pt(l.LeftEye))
	ox := int(math.Round(float64(w)/2 - (m.X+0.5)*s)) // photo origin in the frame
	oy := int(math.Round(0.45*float64(h) - (m.Y+0.5)*s))
	dst := image.Rect(ox, oy, ox+sz.X, oy+sz.Y).Intersect(image.Rect(0, 0, w, h))
	src := dst.Sub(image.Pt(ox, oy))
	from, to := scaled.Region(src), frame.Region(dst)
	from.CopyTo(&to)
	from.Close()
	to.Close()
	fx, fy := float64(sz.X)/float64(photo.Cols()), float64(sz.Y)/float64(photo.Rows())
	// pixel-centre convention: p' = (p+0.5)·f − 0.5 + offset
	return frame, affine{a: fx, d: fy, tx: 0.5*fx - 0.5 + float64(ox), ty: 0.5*fy - 0.5 + float64(oy)}
}

// rotated turns photo by deg degrees clockwise on screen about the labelled
// eye midpoint (edges replicated). It returns the image (caller closes) and
// the transform of label points.
func rotated(t testing.TB, photo gocv.Mat, l label, deg float64) (gocv.Mat, affine) {
	t.Helper()
	c := pt(l.RightEye).Mid(pt(l.LeftEye))
	// OpenCV's positive angle is counter-clockwise on screen.
	rad := -deg * math.Pi / 180
	cos, sin := math.Cos(rad), math.Sin(rad)
	// x' = cos·(x−cx) + sin·(y−cy) + cx ; y' = −sin·(x−cx) + cos·(y−cy) + cy
	tr := affine{a: cos, b: sin, c: -sin, d: cos}
	tr.tx = c.X - cos*c.X - sin*c.Y
	tr.ty = c.Y + sin*c.X - cos*c.Y
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	for i, v := range []float64{tr.a, tr.b, tr.tx, tr.c, tr.d, tr.ty} {
		m.SetDoubleAt(i/3, i%3, v)
	}
	out := gocv.NewMat()
	gocv.WarpAffineWithParams(photo, &out, m, image.Pt(photo.Cols(), photo.Rows()),
		gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return out, tr
}

// smearEyes blurs a 0.64e × 0.4e box around each labelled eye very
// heavily: a synthetic closed eye (no iris, no sclera, no lid line).
func smearEyes(img *gocv.Mat, l label) {
	e := pt(l.RightEye).Dist(pt(l.LeftEye))
	for _, p := range []Point{pt(l.RightEye), pt(l.LeftEye)} {
		r := image.Rect(int(p.X-0.32*e), int(p.Y-0.2*e), int(p.X+0.32*e), int(p.Y+0.2*e))
		reg := img.Region(r)
		k := r.Dy()/2*2 + 1
		for range 3 {
			gocv.GaussianBlur(reg, &reg, image.Pt(k, k), 0, 0, gocv.BorderReflect)
		}
		reg.Close()
	}
}

// eyeErrors returns the eye errors of f against l, in % of f's width.
func eyeErrors(f Face, l label) (right, left float64) {
	w := f.Width()
	return 100 * f.RightEye.Dist(pt(l.RightEye)) / w, 100 * f.LeftEye.Dist(pt(l.LeftEye)) / w
}

// one detects exactly one face (Detect then Eyes) or fails the test.
func one(t testing.TB, d *Detector, img gocv.Mat, mode Mode) (Face, EyeState) {
	t.Helper()
	faces, err := d.Detect(img, mode)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if len(faces) != 1 {
		t.Fatalf("Detect: %d faces, want 1: %+v", len(faces), faces)
	}
	f := faces[0]
	st, err := d.Eyes(img, &f)
	if err != nil {
		t.Fatalf("Eyes: %v", err)
	}
	return f, st
}
