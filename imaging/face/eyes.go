package face

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// EyeState is what Eyes found. "Right" and "left" are the subject's.
type EyeState struct {
	RightOpen, LeftOpen   bool
	RightFound, LeftFound bool
}

// Both reports whether both eyes were found and look open.
func (s EyeState) Both() bool {
	return s.RightOpen && s.LeftOpen && s.RightFound && s.LeftFound
}

// Eye refinement geometry, in units of the eye distance e (the distance
// between the BlazeFace eye key points). The iris is ≈ 0.19 e across and
// the eye opening ≈ 0.45 e wide; BlazeFace's eye points are off by up to
// ≈ 0.1 e.
const (
	eyeNorm     = 64.0 // e in pixels of the normalised eye patch
	patchHalfW  = 0.45 // patch half width
	patchHalfH  = 0.35 // patch half height
	searchHalfW = 0.20 // how far from the key point the iris centre may be
	searchHalfH = 0.13
	irisInner   = 0.05 // half side of the squares compared (inside the iris)
	irisSide    = 0.16 // offset of the sclera squares beside the iris
	priorSigma  = 0.10 // spread of the prior around the key point
	minEyeDist  = 8.0  // px: below this the eyes cannot be examined
	// maxRefineTurn: refined eye centres may turn BlazeFace's eye line by
	// at most this many degrees (its points are off by ≈ 0.1 e, a few
	// degrees); more means one search caught a brow or a shadow.
	maxRefineTurn = 4.0

	// catchlightRadius (patch px) is the half size of the grey opening that
	// removes catchlights before the iris search: they are up to ≈ 0.07 e
	// across in the fixtures (two flash reflections in grace_hopper.jpg).
	catchlightRadius = 2
)

// Openness. The iris contrast is the lateral contrast of contrastAt at the
// found centre. Measured on the fixtures (stills, and 720p frames with faces
// 180–400 px): clear open eyes 0.47–0.84; grace_hopper's narrowed left eye
// 0.10–0.49 and face.jpg's eyes behind low-contrast glasses −0.04–0.12,
// where the cascades decide; doctored closed eyes (heavily smeared, or cheek
// skin pasted over) at most 0.22.
const (
	// irisContrast: an iris at least this clear is an open eye and moves the
	// eye centre; a weaker one leaves the BlazeFace point and the Haar
	// cascades decide openness.
	irisContrast = 0.36
	// The cascades (eye, then eyeglasses) run on the eye patch (e = 64 px),
	// where the fixtures' eye boxes are 22–35 px; a box centred within
	// cascadeNear·e of the key point means an open eye. minNeighbors 1:
	// measured over 9 scales (faces 40–600 px), face.jpg's right eye behind
	// its glasses is found in 8 with 1 and in only 5 with 2, while of 36
	// smeared closed eyes 1 fires with 1 (pigo_sample, 400 px) and none
	// with 2 — a blink seen as open is caught by the burst and the re-check,
	// an open eye seen as closed would stop a spectacled graduate's capture.
	// The cascades cost 0.5–2.4 ms per eye, so they only run when the iris
	// is not clear.
	cascadeMin       = 20
	cascadeMax       = 38
	cascadeNear      = 0.15
	cascadeScale     = 1.1
	cascadeNeighbors = 1
)

// eyeResult is the outcome for one eye.
type eyeResult struct {
	centre   Point
	contrast float64
	cascade  bool // a Haar eye cascade found an eye at the key point
	found    bool
	open     bool
}

// Eyes refines the two eye centres of f in place and reports whether each
// eye was found and looks open. In a patch around each BlazeFace eye point
// (catchlights removed) it looks for the iris: the darkest iris-sized blob
// with brighter sclera on both sides, centred by fitting the iris's side
// edges. A clear iris moves the eye centre there and means found and open.
// Otherwise the eye keeps its BlazeFace position and the Haar eye cascades
// (plain, then eyeglasses) decide: an eye box there means found and open,
// none means closed (or not visible). Call it after Detect, on the same
// image; Chin is calibrated on refined eyes.
func (d *Detector) Eyes(img gocv.Mat, f *Face) (EyeState, error) {
	if d.closed {
		return EyeState{}, fmt.Errorf("face: eyes: %w", ErrClosed)
	}
	if err := checkImage(img); err != nil {
		return EyeState{}, fmt.Errorf("face: eyes: %w", err)
	}
	if f == nil {
		return EyeState{}, fmt.Errorf("face: eyes: %w: nil face", ErrBadFace)
	}
	e := f.EyeDistance()
	if !(e >= minEyeDist) {
		return EyeState{}, fmt.Errorf("face: eyes: %w: eye distance %.1f px", ErrBadFace, e)
	}
	r, err := d.eye(img, f.RightEye, e)
	if err != nil {
		return EyeState{}, fmt.Errorf("face: eyes: right: %w", err)
	}
	l, err := d.eye(img, f.LeftEye, e)
	if err != nil {
		return EyeState{}, fmt.Errorf("face: eyes: left: %w", err)
	}
	raw := *f
	f.RightEye, f.LeftEye = r.centre, l.centre
	if math.Abs(f.Roll()-raw.Roll()) > maxRefineTurn {
		// one iris search caught a brow or a shadow: the eye that moved
		// further up or down keeps BlazeFace's point
		if math.Abs(r.centre.Y-raw.RightEye.Y) > math.Abs(l.centre.Y-raw.LeftEye.Y) {
			f.RightEye = raw.RightEye
		} else {
			f.LeftEye = raw.LeftEye
		}
	}
	if n, ok := noseMid(img, *f); ok {
		f.Nostrils, f.HasNostrils = n, true
	}
	return EyeState{RightOpen: r.open, LeftOpen: l.open, RightFound: r.found, LeftFound: l.found}, nil
}

// patchMap maps between image pixels and a resized patch of the image.
type patchMap struct {
	roi    image.Rectangle // in the image
	fx, fy float64         // image px per patch px
}

func (m patchMap) toPatch(q Point) (float64, float64) {
	return (q.X+0.5-float64(m.roi.Min.X))/m.fx - 0.5, (q.Y+0.5-float64(m.roi.Min.Y))/m.fy - 0.5
}

func (m patchMap) toImage(u, v float64) Point {
	return Point{float64(m.roi.Min.X) + (u+0.5)*m.fx - 0.5, float64(m.roi.Min.Y) + (v+0.5)*m.fy - 0.5}
}

// eye examines one eye around the key point p; e is the eye distance. An
// eye whose patch is mostly outside the image is neither found nor open.
func (d *Detector) eye(img gocv.Mat, p Point, e float64) (eyeResult, error) {
	res := eyeResult{centre: p}
	roi, ok := eyePatch(img, p, e)
	if !ok {
		return res, nil
	}
	s := eyeNorm / e
	size := image.Pt(max(1, int(math.Round(float64(roi.Dx())*s))), max(1, int(math.Round(float64(roi.Dy())*s))))
	if err := d.grayPatch(img, roi, size); err != nil {
		return res, err
	}
	pix, err := d.opened.DataPtrUint8()
	if err != nil {
		return res, err
	}
	m := patchMap{roi: roi, fx: float64(roi.Dx()) / float64(size.X), fy: float64(roi.Dy()) / float64(size.Y)}
	px, py := m.toPatch(p)
	ix, iy, c := findIris(newGrayImage(pix, size.X, size.Y), px, py)
	res.contrast = c
	if c >= irisContrast {
		res.centre, res.found, res.open = m.toImage(ix, iy), true, true
		return res, nil
	}
	// Not a clear iris (glasses, squint, dim light, or closed): the slower
	// cascades decide.
	res.cascade = d.cascadeAt(px, py)
	res.found, res.open = res.cascade, res.cascade
	return res, nil
}

// eyePatch is the patch around p examined for the eye, clamped to the image;
// ok is false when less than half of it lies inside the image.
func eyePatch(img gocv.Mat, p Point, e float64) (image.Rectangle, bool) {
	hw, hh := patchHalfW*e, patchHalfH*e
	want := image.Rect(int(math.Floor(p.X-hw)), int(math.Floor(p.Y-hh)), int(math.Ceil(p.X+hw)), int(math.Ceil(p.Y+hh)))
	roi := want.Intersect(image.Rect(0, 0, img.Cols(), img.Rows()))
	area := func(r image.Rectangle) int { return r.Dx() * r.Dy() }
	return roi, area(roi) > 0 && 2*area(roi) >= area(want)
}

// grayPatch makes d.patch, the region roi of img in grey resized to size,
// and d.opened, its grey opening: catchlights removed.
func (d *Detector) grayPatch(img gocv.Mat, roi image.Rectangle, size image.Point) error {
	region := img.Region(roi)
	gocv.CvtColor(region, &d.gray, gocv.ColorBGRToGray)
	region.Close()
	interp := gocv.InterpolationArea
	if size.X > roi.Dx() {
		interp = gocv.InterpolationLinear
	}
	gocv.Resize(d.gray, &d.patch, size, 0, 0, interp)
	gocv.MorphologyEx(d.patch, &d.opened, gocv.MorphOpen, d.kernel)
	if d.opened.Cols() != size.X || d.opened.Rows() != size.Y || !d.opened.IsContinuous() {
		return fmt.Errorf("%w: eye patch %d×%d", ErrModel, d.opened.Cols(), d.opened.Rows())
	}
	return nil
}

// cascadeAt runs the Haar eye cascade, then the eyeglasses one, on d.patch
// and reports whether an eye box is centred within cascadeNear·e of the
// patch point (x, y).
func (d *Detector) cascadeAt(x, y float64) bool {
	for _, c := range []*gocv.CascadeClassifier{&d.eyes, &d.glassEyes} {
		boxes := c.DetectMultiScaleWithParams(d.patch, cascadeScale, cascadeNeighbors, 0,
			image.Pt(cascadeMin, cascadeMin), image.Pt(cascadeMax, cascadeMax))
		for _, b := range boxes {
			cx, cy := float64(b.Min.X+b.Max.X)/2-0.5, float64(b.Min.Y+b.Max.Y)/2-0.5
			if math.Hypot(cx-x, cy-y) <= cascadeNear*eyeNorm {
				return true
			}
		}
	}
	return false
}
