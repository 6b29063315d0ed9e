package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Options tune Standardise.
type Options struct {
	Background string    // the profile's background option; "" = its default
	Backdrop   *Backdrop // the calibrated kiosk backdrop, when known
	// Plate is the kiosk's clean plate; used when it is ready and the still
	// is a frame of its shape.
	Plate *Plate
}

// Result is a standardised photo and the photo checks run on it.
type Result struct {
	JPEG    []byte
	Quality int         // JPEG quality chosen
	Scale   float64     // output px per source px
	Roll    float64     // degrees the source was turned to level the eyes
	Report  spec.Report // CheckPhoto on JPEG (its yaw: see poseOfBoth)

	face *face.Face // the face found on the photo, if one
}

// Standardise makes the compliant photo of profile p from one still: find
// the face and eyes, separate person from backdrop, level the
// eyes, crop and scale to the middle of the profile's ranges, replace the
// background with the profile colour, encode inside the KB range with the
// profile's dpi, and check the result. It refuses with a typed error (ErrNoFace,
// ErrManyFaces, ErrEyesNotFound, ErrFaceTooSmall, ErrHeadCut, ErrShouldersCut,
// ErrNoFit, ErrNotSegmented, ErrEncode) instead of making a bad file; a file
// it makes may still fail a check (eyes closed, light…): see Result.Report.
func (e *Engine) Standardise(still gocv.Mat, p spec.Profile, opt Options) (Result, error) {
	res, err := e.standardise(still, p, opt)
	if err != nil {
		return Result{}, fmt.Errorf("imaging: standardise: %w", err)
	}
	return res, nil
}

func (e *Engine) standardise(still gocv.Mat, p spec.Profile, opt Options) (Result, error) {
	if err := checkImage(still); err != nil {
		return Result{}, err
	}
	bg, err := p.Colour(opt.Background)
	if err != nil {
		return Result{}, err
	}
	f, err := e.oneFace(still)
	if err != nil {
		return Result{}, err
	}
	if _, _, err := scaleRange(p, guessHead(f)); err != nil {
		return Result{}, err // before segmenting: a small face is the clearer reason
	}
	if yaw := f.Yaw(); math.Abs(yaw) > maxYaw+turnedMargin {
		return Result{}, &spec.TurnedError{Yaw: yaw}
	}
	var plate *Plate
	if opt.Plate.fits(still) {
		plate = opt.Plate
	}
	res, err := e.photo(still, f, p, bg, plate)
	if err != nil {
		return Result{}, err
	}
	res = e.relevel(still, f, p, bg, plate, res)
	res.Report = poseOfBoth(res.Report, f, res.face)
	return res, nil
}

// turnedMargin: a face whose yaw estimate is this far past maxYaw is
// refused at once (the estimate is off by up to ~4° on some faces, see
// imaging/README.md); nearer the limit the photo is made and its level
// check decides.
const turnedMargin = 5.0

// poseOfBoth judges the photo's yaw on the mean of the estimates on the
// still and on the photo (two looks at the same head, at two sizes and
// crops, halve the estimate's scatter); the roll is the photo's own.
func poseOfBoth(r spec.Report, still face.Face, photo *face.Face) spec.Report {
	if photo == nil {
		return r
	}
	yaw := (still.Yaw() + photo.Yaw()) / 2
	for i, c := range r.Checks {
		if c.ID == spec.CheckLevel {
			r.Checks[i] = levelCheck(photo.Roll(), yaw, maxPhotoRoll)
			r.Checks[i].Note += " (mean of the still and the photo)"
		}
	}
	return r
}

// photo makes the photo of face f from still: extend the picture, separate
// person and backdrop, measure the head, solve the crop, render, encode and
// check.
func (e *Engine) photo(still gocv.Mat, f face.Face, p spec.Profile, bg spec.RGB, plate *Plate) (Result, error) {
	st, err := prepare(still, f, p, plate)
	if err != nil {
		return Result{}, err
	}
	defer st.close()
	out, left, err := render(st.pic, st.cv, st.seg, st.l, bg)
	if err != nil {
		return Result{}, err
	}
	defer out.Close()
	data, q, err := encodeJPEG(out, p)
	if err != nil {
		return Result{}, err
	}
	near := st.l.faceBoxOut(st.f)
	rep, pf, err := e.checkPhoto(data, p, left, &near)
	if err != nil {
		return Result{}, err
	}
	return Result{JPEG: data, Quality: q, Scale: st.l.scale, Roll: f.Roll(), Report: rep, face: pf}, nil
}

// staged is a still made ready to render: the picture with its body
// extension, the canvas and its segmentation, and the photo's layout.
type staged struct {
	pic picture
	f   face.Face // in the picture's pixels
	cv  *canvas
	seg segmentation
	l   layout
}

func (s *staged) close() {
	s.cv.close()
	s.pic.close()
}

// prepare extends the still, separates person and backdrop, measures the
// head and solves the crop.
func prepare(still gocv.Mat, f face.Face, p spec.Profile, plate *Plate) (*staged, error) {
	pic, f, err := extendPicture(still, f)
	if err != nil {
		return nil, err
	}
	if plate != nil {
		pic.plate = plate.padded(image.Pt(still.Cols(), still.Rows()), pic.dx, pic.size)
	}
	cv, err := newCanvas(pic, f)
	if err != nil {
		pic.close()
		return nil, err
	}
	st := &staged{pic: pic, f: f, cv: cv}
	if st.seg, err = segment(cv); err != nil {
		st.close()
		return nil, err
	}
	h, err := measureHead(cv, f, st.seg)
	if err != nil {
		st.close()
		return nil, err
	}
	fit, err := solveFit(p, h)
	if err != nil {
		st.close()
		return nil, err
	}
	st.l = newLayout(f, cv, p, fit)
	return st, nil
}

// Re-levelling: the eye line found on a small or soft still can be off by a
// pixel or two, a few degrees; on the photo the face has its standard size
// and the eyes are found better. When the photo's eyes are more than
// relevelFrom degrees off level (and less than relevelUpTo: beyond, the
// face is not a tilted head but a wrong find), the photo is made once more
// turned by what was measured on it, and the leveller of the two is kept.
const (
	relevelFrom = 2.0
	relevelUpTo = 8.0
)

func (e *Engine) relevel(still gocv.Mat, f face.Face, p spec.Profile, bg spec.RGB, plate *Plate, res Result) Result {
	if res.face == nil {
		return res
	}
	off := res.face.Roll()
	if math.Abs(off) <= relevelFrom || math.Abs(off) > relevelUpTo {
		return res
	}
	again, err := e.photo(still, f.Turned(off), p, bg, plate)
	if err != nil || again.face == nil || math.Abs(again.face.Roll()) >= math.Abs(off) {
		return res
	}
	return again
}

// minFaceShare: a face smaller than this share of the largest face is a
// face in the background (a poster), not a second person.
const minFaceShare = 0.4

// oneFace finds the one face of a still, with its eyes refined.
func (e *Engine) oneFace(img gocv.Mat) (face.Face, error) {
	faces, err := e.stillFaces(img)
	if err != nil {
		return face.Face{}, err
	}
	switch {
	case len(faces) == 0:
		return face.Face{}, spec.ErrNoFace
	case len(faces) > 1:
		return face.Face{}, fmt.Errorf("%w (%d)", spec.ErrManyFaces, len(faces))
	}
	f := faces[0]
	st, err := e.det.Eyes(img, &f)
	if err != nil {
		return face.Face{}, err
	}
	if !st.RightFound || !st.LeftFound {
		return face.Face{}, spec.ErrEyesNotFound
	}
	return f, nil
}

// stillFaces are the people of a still: the faces of the full search, less
// those much smaller than the largest.
func (e *Engine) stillFaces(img gocv.Mat) ([]face.Face, error) {
	faces, err := e.det.Detect(img, face.Still)
	if err != nil {
		return nil, err
	}
	return significant(faces), nil
}

// significant drops faces much smaller than the largest.
func significant(faces []face.Face) []face.Face {
	var big float64
	for _, f := range faces {
		big = math.Max(big, f.Width())
	}
	var out []face.Face
	for _, f := range faces {
		if f.Width() >= minFaceShare*big {
			out = append(out, f)
		}
	}
	return out
}

// newCanvas levels and scales the face's neighbourhood to canvasFaceW px
// per face width (the source is first reduced with area interpolation, so
// nothing aliases). Where the picture shows nothing (its valid mask), the
// canvas is outside it.
func newCanvas(pic picture, f face.Face) (*canvas, error) {
	src := pic.img
	fw, eye, roll := f.Width(), f.EyeMid(), f.Roll()
	if fw < 8 {
		return nil, spec.ErrNoFace
	}
	sw := canvasFaceW / fw
	level := levelScale(eye, roll, 1, face.Point{})
	cxL := level.apply(f.Centre()).X
	origin := face.Point{X: cxL - 2.2*fw, Y: eye.Y - 2.2*fw}
	size := image.Pt(int(math.Round(4.4*canvasFaceW)), int(math.Round(5.4*canvasFaceW)))
	r := math.Min(1, 2*sw) // reduce first to twice the canvas's scale
	c := &canvas{w: size.X, h: size.Y, fw: canvasFaceW, sw: sw, origin: origin, toCan: levelScale(eye, roll, sw, origin)}
	c.img = warpReduced(src, r, c.toCan, size, gocv.InterpolationArea, gocv.InterpolationLinear)
	if !matEmpty(pic.plate) {
		c.plate = warpReduced(pic.plate, r, c.toCan, size, gocv.InterpolationArea, gocv.InterpolationLinear)
	}
	in := warpReduced(pic.valid, r, c.toCan, size, gocv.InterpolationNearestNeighbor, gocv.InterpolationNearestNeighbor)
	defer in.Close()
	b, err := in.DataPtrUint8()
	if err != nil {
		c.close()
		return nil, err
	}
	c.inside = make([]bool, len(b))
	for i, v := range b {
		c.inside[i] = v > 127
	}
	c.eyeY = c.toCan.apply(eye).Y
	c.cx = c.toCan.apply(f.Centre()).X
	c.chinY = c.toCan.apply(f.Chin()).Y
	return c, nil
}

// warpReduced warps src by the source→canvas transform to, first reduced
// by r < 1 (with interpolation reduce) so nothing aliases, then warped with
// interpolation interp; the caller closes the result.
func warpReduced(src gocv.Mat, r float64, to affine, size image.Point, reduce, interp gocv.InterpolationFlags) gocv.Mat {
	if r >= 1 {
		return warp(src, to, size, interp, color.RGBA{})
	}
	pre := gocv.NewMat()
	defer pre.Close()
	gocv.Resize(src, &pre, image.Pt(int(float64(src.Cols())*r), int(float64(src.Rows())*r)), 0, 0, reduce)
	rs := float64(pre.Cols()) / float64(src.Cols())
	t := to
	t[0], t[1], t[3], t[4] = t[0]/rs, t[1]/rs, t[3]/rs, t[4]/rs
	return warp(pre, t, size, interp, color.RGBA{})
}

// guessHead measures the head from the face's key points alone.
func guessHead(f face.Face) head {
	eye := f.EyeMid().Y
	return head{Width: f.Width(), TopUp: eye - f.HeadTopGuess().Y, ChinDown: f.Chin().Y - eye,
		Below: math.Inf(1), SideHalf: math.Inf(1)}
}

// minForehead is how far (in face widths) the picture's top must be above
// the eyes when the head touches it: the forehead and the hairline are in
// the picture, the hair above is taken to end at the edge, and the photo gets
// backdrop above it. Less is ErrHeadCut.
const minForehead = 0.7

// measureHead finds the head top on the segmentation and how far the
// picture reaches where the person runs out of it. A head whose picture
// starts less than minForehead face widths above the eyes, or that runs out
// of the picture at a side, is ErrHeadCut.
func measureHead(c *canvas, f face.Face, seg segmentation) (head, error) {
	top, ok := seg.headTop(c)
	if !ok {
		return head{}, spec.ErrNotSegmented
	}
	if edge := c.topEdge(); top <= edge+1 { // the head touches the picture's top
		if c.eyeY-edge < minForehead*c.fw {
			return head{}, fmt.Errorf("%w: the picture starts at the forehead", spec.ErrHeadCut)
		}
		top = edge
	}
	if c.sideCut(seg, 0, int(c.eyeY)) {
		return head{}, fmt.Errorf("%w: at the side", spec.ErrHeadCut)
	}
	h := head{
		Width:    c.fw / c.sw,
		TopUp:    (c.eyeY - top) / c.sw,
		ChinDown: (c.chinY - c.eyeY) / c.sw,
		Below:    (c.bottomEdge() - c.eyeY) / c.sw,
		SideHalf: math.Inf(1),
	}
	if c.sideCut(seg, int(c.eyeY), c.h) {
		h.SideHalf = c.sideRoom() / c.sw
	}
	return h, nil
}

// topEdge is the highest canvas row that shows the picture over the
// head's central columns (the picture's top edge there).
func (c *canvas) topEdge() float64 {
	best := float64(c.h)
	for x := int(c.cx - 0.25*c.fw); x <= int(c.cx+0.25*c.fw); x++ {
		for y := 0; y < c.h; y++ {
			if x >= 0 && x < c.w && c.inside[y*c.w+x] {
				best = math.Min(best, float64(y))
				break
			}
		}
	}
	return best
}

// bottomEdge is the lowest canvas row that shows the picture under the
// face's centre column.
func (c *canvas) bottomEdge() float64 {
	x := int(c.cx)
	for y := c.h - 1; y >= 0; y-- {
		if c.inside[y*c.w+x] {
			return float64(y + 1)
		}
	}
	return c.eyeY
}

// sideCut reports whether person pixels of rows [y0, y1) touch the
// picture's left or right edge along more than sideTouch face widths (a
// few strands of hair past the edge are not a cut head).
func (c *canvas) sideCut(seg segmentation, y0, y1 int) bool {
	n := 0
	for y := max(0, y0); y < min(c.h, y1); y++ {
		for x := 1; x < c.w-1; x++ {
			i := y*c.w + x
			if seg.mask[i] != 0 && c.inside[i] && (!c.inside[i-1] || !c.inside[i+1]) {
				n++
			}
		}
	}
	return float64(n) > math.Max(2, sideTouch*c.fw)
}

// sideTouch: face widths of edge contact above which a head is cut at the side.
const sideTouch = 0.15

// sideRoom is how far the picture (with its body extension) reaches left
// and right of the face's centre (the nearer side), under the chin.
func (c *canvas) sideRoom() float64 {
	y := min(c.h-1, int(c.chinY+0.2*c.fw))
	left, right := c.cx, float64(c.w)-c.cx
	for x := int(c.cx); x >= 0; x-- {
		if !c.inside[y*c.w+x] {
			left = c.cx - float64(x) - 1
			break
		}
	}
	for x := int(c.cx); x < c.w; x++ {
		if !c.inside[y*c.w+x] {
			right = float64(x) - c.cx
			break
		}
	}
	return math.Min(left, right)
}
