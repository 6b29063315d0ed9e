package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Thresholds of the live checks (documented in imaging/README.md).
const (
	maxRoll       = 3.0   // degrees, eye line
	maxYaw        = 10.0  // degrees, nose between the ears
	lightMin      = 70.0  // mean face luminance, 0..255
	lightMax      = 210.0 //
	maxClipped    = 1.0   // % of face pixels at ≥ 250
	maxLightSkew  = 30.0  // % difference in median luminance between the two cheeks
	minSharpness  = 40.0  // variance of the Laplacian of the face at 128×128
	maxBgDistance = 15.0  // ΔE of the background from the calibrated backdrop
	sharpSide     = 128   // the face is resized to this square for the sharpness measure
)

// Analyze runs the live checks (spec.LiveOrder) on one camera frame (BGR) for
// profile p. bd is the operator's calibrated backdrop, or nil to judge the
// background from the frame's own border. The report lists every check in
// LiveOrder; Report.Hint() is the one hint to show.
func (e *Engine) Analyze(frame gocv.Mat, p spec.Profile, bd *Backdrop) (spec.Report, error) {
	return e.AnalyzeScaled(frame, 1, p, bd)
}

// AnalyzeScaled is Analyze on a reduced copy of a camera frame: scale is
// the full frame's width divided by the copy's, so distance, centring and
// height are judged in the camera's own pixels (the photo is made from the
// full-resolution frame).
func (e *Engine) AnalyzeScaled(frame gocv.Mat, scale float64, p spec.Profile, bd *Backdrop) (spec.Report, error) {
	return e.analyze(frame, scale, p, bd, nil)
}

// analyze runs the live checks; st, when not nil, is the memory of the
// frames before (see Live).
func (e *Engine) analyze(frame gocv.Mat, scale float64, p spec.Profile, bd *Backdrop, st *liveState) (spec.Report, error) {
	if scale <= 0 {
		scale = 1
	}
	if err := checkImage(frame); err != nil {
		return spec.Report{}, fmt.Errorf("imaging: analyze: %w", err)
	}
	faces, err := st.find(e.det, frame)
	if err != nil {
		return spec.Report{}, fmt.Errorf("imaging: analyze: %w", err)
	}
	var r spec.Report
	hint := spec.HintOneFace
	if len(faces) == 0 {
		hint = spec.HintNoFace
	}
	r.Add(within(spec.CheckOneFace, float64(len(faces)), 1, 1, "faces", hint))
	if len(faces) != 1 {
		for _, id := range spec.LiveOrder[1:] {
			r.Add(spec.Check{ID: id, Note: noteNeedsOneFace, Hint: hint})
		}
		st.forget()
		return r, nil
	}
	f := faces[0]
	st.found(f)
	eyes, err := e.det.Eyes(frame, &f)
	if err != nil {
		return spec.Report{}, fmt.Errorf("imaging: analyze: %w", err)
	}
	full := f.Scale(scale)
	pose := st.steady(full)
	g := liveGeometry(pose.face, p, int(float64(frame.Cols())*scale), int(float64(frame.Rows())*scale))
	r.Add(g.distance(st.limits(spec.CheckDistance)))
	r.Add(g.centre(st.limits(spec.CheckCentre)))
	r.Add(g.height(st.limits(spec.CheckHeight)))
	lv := st.limits(spec.CheckLevel)
	r.Add(levelCheckWithin(pose.roll, pose.yaw, lv.roll, lv.yaw))
	r.Add(eyesCheck(st.eyes(eyes)))
	lightC, sharpC, err := faceQuality(frame, f, st.limits(spec.CheckLight), st.limits(spec.CheckSharp))
	if err != nil {
		return spec.Report{}, fmt.Errorf("imaging: analyze: %w", err)
	}
	r.Add(lightC)
	r.Add(sharpC)
	bgC, err := backgroundCheck(frame, f, bd, st.limits(spec.CheckBackground))
	if err != nil {
		return spec.Report{}, fmt.Errorf("imaging: analyze: %w", err)
	}
	r.Add(bgC)
	st.remember(r)
	return r, nil
}

// geometry relates a face in a frame to the crop the profile needs.
type geometry struct {
	f            face.Face
	p            spec.Profile
	frameW       float64
	frameH       float64
	scale        float64 // output px per frame px that standardisation would use
	faceW        float64 // the face width that scale is judged on
	minW, maxW   float64 // face widths (frame px) the distance check accepts
	eyeLo, eyeHi float64 // eye-line band (frame px) in which the crop fits
}

func liveGeometry(f face.Face, p spec.Profile, w, h int) geometry {
	g := geometry{f: f, p: p, frameW: float64(w), frameH: float64(h)}
	g.faceW = f.Width()
	size, target := faceSize(f, p)
	g.scale = chooseScale(size, target)
	// the crop is fully inside the frame when its longer relative side fits
	fit := math.Min(g.frameH/float64(p.Height), g.frameW/float64(p.Width))
	// the sizes the capture guide is drawn from (spec.FaceSpan), in face widths
	lo, hi, _ := p.FaceSpan(g.frameW, g.frameH)
	g.minW = lo * g.faceW / size
	g.maxW = hi * g.faceW / size
	// the height is judged at a scale whose crop fits the frame: a face too
	// close fails the distance check, not this one too
	yLo, yHi := eyeTarget(p)
	s := math.Max(g.scale, 1/fit)
	g.eyeLo = yLo / s
	g.eyeHi = g.frameH - (float64(p.Height)-yHi)/s
	return g
}

// faceSize is what scales the face for profile p: the face width, or (for
// ICAO-like profiles) the estimated head height, with its target range.
func faceSize(f face.Face, p spec.Profile) (float64, spec.Range) {
	if p.FaceWidth != nil {
		return f.Width(), *p.FaceWidth
	}
	return f.Chin().Y - f.HeadTopGuess().Y, *p.HeadHeight
}

// chooseScale aims the face size at the middle of its range, but never
// upscales when a scale ≤ 1 can reach the range.
func chooseScale(size float64, target spec.Range) float64 {
	s := target.Mid() / size
	if s > 1 {
		s = math.Max(1, target.Min/size)
	}
	return s
}

// eyeTarget is the band of the eye line in output px (the middle third of
// the photo when the profile does not say).
func eyeTarget(p spec.Profile) (float64, float64) {
	if p.EyeLine != nil {
		return p.EyeLine.Min, p.EyeLine.Max
	}
	h := float64(p.Height)
	return h * 0.3, h * 0.5
}

func (g geometry) distance(l limits) spec.Check {
	c := within(spec.CheckDistance, g.faceW, g.minW*(1-l.distance), g.maxW*(1+l.distance), "px", spec.HintCloser)
	if g.faceW > g.maxW {
		c.Hint = spec.HintBack
	}
	return c
}

// centre: the face centre within the profile's tolerance of the frame's
// centre line. The hint speaks to the person, who faces the camera: a face
// on the frame's left has to move to the person's own left.
func (g geometry) centre(l limits) spec.Check {
	off := (g.f.Centre().X - g.frameW/2) / g.frameW * 100
	tol := g.p.CentreTolerance*100 + l.centre
	c := within(spec.CheckCentre, off, -tol, tol, "% of width", spec.HintRight)
	if off < 0 {
		c.Hint = spec.HintLeft
	}
	return c
}

func (g geometry) height(l limits) spec.Check {
	slack := l.height * g.frameH
	return within(spec.CheckHeight, g.f.EyeMid().Y, g.eyeLo-slack, g.eyeHi+slack, "px", spec.HintSeat)
}

// levelCheck: eye-line roll within maxDeg and the yaw estimate within
// maxYaw; the hint says which way to turn when only the yaw fails.
func levelCheck(roll, yaw, maxDeg float64) spec.Check {
	return levelCheckWithin(roll, yaw, maxDeg, maxYaw)
}

func levelCheckWithin(roll, yaw, maxDeg, maxTurn float64) spec.Check {
	c := atMost(spec.CheckLevel, math.Abs(roll), maxDeg, "° roll", spec.HintStraight)
	c.Note = fmt.Sprintf("yaw %.1f° (limit %.0f°)", yaw, maxTurn)
	if c.Pass && math.Abs(yaw) > maxTurn {
		c.Pass, c.Hint = false, spec.TurnHint(yaw)
	}
	return c
}

func eyesCheck(s face.EyeState) spec.Check {
	open := 0
	for _, o := range []bool{s.RightFound && s.RightOpen, s.LeftFound && s.LeftOpen} {
		if o {
			open++
		}
	}
	return within(spec.CheckEyes, float64(open), 2, 2, "eyes open", spec.HintEyes)
}

// faceQuality measures light and sharpness on the face box, against the
// limits of each.
func faceQuality(img gocv.Mat, f face.Face, light, sharp limits) (spec.Check, spec.Check, error) {
	box := faceBox(f, img.Cols(), img.Rows())
	if box.Dx() < 16 || box.Dy() < 16 {
		return spec.Check{ID: spec.CheckLight, Note: "face box too small"}, spec.Check{ID: spec.CheckSharp, Note: "face box too small"}, nil
	}
	roi := img.Region(box)
	defer roi.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(roi, &grey, gocv.ColorBGRToGray)
	lightC, mean, err := lightCheck(grey, cheeks(f, box), light)
	if err != nil {
		return spec.Check{}, spec.Check{}, err
	}
	return lightC, sharpCheck(grey, mean, sharp.sharp), nil
}

// faceBox is the part of the face used for light and sharpness: from the
// brows to the mouth, between the cheeks, clipped to the image.
func faceBox(f face.Face, w, h int) image.Rectangle {
	c, fw := f.Centre(), f.Width()
	top := f.EyeMid().Y - 0.30*fw
	bottom := f.Mouth.Y + 0.10*fw
	r := image.Rect(int(c.X-0.36*fw), int(top), int(c.X+0.36*fw), int(bottom))
	return r.Intersect(image.Rect(0, 0, w, h))
}

// cheeks are the two sides of the face below the eyes (and below glasses
// rims) and beside the nose, relative to box: where the light of the two
// sides of the face is compared. They turn with the head.
func cheeks(f face.Face, box image.Rectangle) [2]image.Rectangle {
	fw, e := f.Width(), f.EyeMid()
	th := f.Roll() * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	in := image.Rect(0, 0, box.Dx(), box.Dy())
	patch := func(dx float64) image.Rectangle {
		// the patch centre, (dx, 0.24) face widths from the eye midpoint, turned by the roll
		x := e.X + fw*(dx*cos-0.24*sin) - float64(box.Min.X)
		y := e.Y + fw*(dx*sin+0.24*cos) - float64(box.Min.Y)
		hw, hh := 0.12*fw, 0.10*fw
		return image.Rect(int(x-hw), int(y-hh), int(x+hw), int(y+hh)).Intersect(in)
	}
	return [2]image.Rectangle{patch(-0.21), patch(0.21)}
}

// lightCheck: mean luminance of the face in range, few clipped pixels, and
// the two cheeks within maxLightSkew % of each other.
func lightCheck(grey gocv.Mat, ch [2]image.Rectangle, lim limits) (spec.Check, float64, error) {
	px, err := grey.DataPtrUint8()
	if err != nil {
		return spec.Check{}, 0, err
	}
	w := grey.Cols()
	var sum, clipped float64
	for _, v := range px {
		sum += float64(v)
		if v >= 250 {
			clipped++
		}
	}
	n := float64(len(px))
	mean, clip := sum/n, clipped/n*100
	l, r := medianIn(px, w, ch[0]), medianIn(px, w, ch[1])
	skew := math.Abs(l-r) / math.Max(1, math.Max(l, r)) * 100
	c := atMost(spec.CheckLight, skew, lim.skew, "% left/right", spec.HintLight)
	c.Note = fmt.Sprintf("mean %.0f (%.0f–%.0f), clipped %.2f%% (≤ %.1f%%)", mean, lim.lightLo, lim.lightHi, clip, lim.clipped)
	c.Pass = c.Pass && mean >= lim.lightLo && mean <= lim.lightHi && clip < lim.clipped
	return c, mean, nil
}

// medianIn is the median of the grey pixels in r (row width w): a glasses
// rim, a nostril or a freckle in the patch does not move it.
func medianIn(px []uint8, w int, r image.Rectangle) float64 {
	var hist [256]int
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			hist[px[y*w+x]]++
			n++
		}
	}
	seen := 0
	for v, k := range hist {
		if seen += k; 2*seen >= n && n > 0 {
			return float64(v)
		}
	}
	return 0
}

// sharpCheck: variance of the Laplacian of the face resized to a fixed
// size (so the threshold does not depend on the camera's resolution) and
// brought to a mean grey of 128 (so a dark face is judged on light, not
// here too).
func sharpCheck(grey gocv.Mat, meanGrey, minVar float64) spec.Check {
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(grey, &small, image.Pt(sharpSide, sharpSide), 0, 0, gocv.InterpolationArea)
	lap := gocv.NewMat()
	defer lap.Close()
	gocv.Laplacian(small, &lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderDefault)
	mean, dev := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer dev.Close()
	gocv.MeanStdDev(lap, &mean, &dev)
	v := sq(dev.GetDoubleAt(0, 0) * 128 / math.Max(1, meanGrey))
	return atLeast(spec.CheckSharp, v, minVar, "Laplacian variance", spec.HintStill)
}
