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
}

// Result is a standardised photo and the photo checks run on it.
type Result struct {
	JPEG    []byte
	Quality int         // JPEG quality chosen
	Scale   float64     // output px per source px
	Roll    float64     // degrees the source was turned to level the eyes
	Report  spec.Report // CheckPhoto on JPEG
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
	cv, err := newCanvas(still, f)
	if err != nil {
		return Result{}, err
	}
	defer cv.close()
	seg, err := segment(cv)
	if err != nil {
		return Result{}, err
	}
	h, err := measureHead(cv, seg)
	if err != nil {
		return Result{}, err
	}
	fit, err := solveFit(p, h)
	if err != nil {
		return Result{}, err
	}
	out, err := render(still, f, cv, seg, p, fit, bg)
	if err != nil {
		return Result{}, err
	}
	defer out.Close()
	data, q, err := encodeJPEG(out, p)
	if err != nil {
		return Result{}, err
	}
	rep, err := e.CheckPhoto(data, p)
	if err != nil {
		return Result{}, err
	}
	return Result{JPEG: data, Quality: q, Scale: fit.Scale, Roll: f.Roll(), Report: rep}, nil
}

// minFaceShare: a face smaller than this share of the largest face is a
// face in the background (a poster), not a second person.
const minFaceShare = 0.4

// oneFace finds the one face of a still, with its eyes refined.
func (e *Engine) oneFace(img gocv.Mat) (face.Face, error) {
	faces, err := e.det.Detect(img, face.Still)
	if err != nil {
		return face.Face{}, err
	}
	faces = significant(faces)
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
// nothing aliases).
func newCanvas(src gocv.Mat, f face.Face) (*canvas, error) {
	fw, eye, roll := f.Width(), f.EyeMid(), f.Roll()
	if fw < 8 {
		return nil, spec.ErrNoFace
	}
	sw := canvasFaceW / fw
	level := levelScale(eye, roll, 1, face.Point{})
	cxL := level.apply(f.Centre()).X
	origin := face.Point{X: cxL - 2.2*fw, Y: eye.Y - 2.2*fw}
	size := image.Pt(int(math.Round(4.4*canvasFaceW)), int(math.Round(5.4*canvasFaceW)))
	r := math.Min(1, 2*sw)
	pre := gocv.NewMat()
	defer pre.Close()
	if r < 1 {
		gocv.Resize(src, &pre, image.Pt(int(float64(src.Cols())*r), int(float64(src.Rows())*r)), 0, 0, gocv.InterpolationArea)
	} else {
		src.CopyTo(&pre)
	}
	rs := float64(pre.Cols()) / float64(src.Cols())
	toCanPre := levelScale(face.Point{X: eye.X * rs, Y: eye.Y * rs}, roll, sw/rs, face.Point{X: origin.X * rs, Y: origin.Y * rs})
	c := &canvas{w: size.X, h: size.Y, fw: canvasFaceW, sw: sw, origin: origin, toCan: levelScale(eye, roll, sw, origin)}
	c.img = warp(pre, toCanPre, size, gocv.InterpolationLinear, color.RGBA{})
	in := insideMask(image.Pt(pre.Cols(), pre.Rows()), toCanPre, size)
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

// guessHead measures the head from the face's key points alone.
func guessHead(f face.Face) head {
	eye := f.EyeMid().Y
	return head{Width: f.Width(), TopUp: eye - f.HeadTopGuess().Y, ChinDown: f.Chin().Y - eye}
}

// measureHead finds the head top on the segmentation and refuses a head
// that the picture cuts.
func measureHead(c *canvas, seg segmentation) (head, error) {
	top, ok := seg.headTop(c)
	if !ok {
		return head{}, spec.ErrNotSegmented
	}
	x, y := int(c.cx), int(top)-1
	if y < 0 || !c.inside[y*c.w+x] {
		return head{}, spec.ErrHeadCut
	}
	return head{
		Width:    c.fw / c.sw,
		TopUp:    (c.eyeY - top) / c.sw,
		ChinDown: (c.chinY - c.eyeY) / c.sw,
	}, nil
}
