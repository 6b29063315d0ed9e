package imaging

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// Plate is the kiosk's clean plate: its own backdrop learnt pixel by pixel
// from camera frames with nobody in front, shadows, creases and the light's
// fall-off included. With a plate, standardisation separates the person by
// how much each pixel differs from the empty backdrop at that very place,
// and takes the old backdrop's colour out of the soft edges exactly.
//
// Learn averages frames (the operator's calibration, or the capture screen
// between graduates); Refresh follows the light as the day goes on,
// changing only pixels close to what was learnt (someone standing in a
// corner is not learnt as backdrop). Not safe for concurrent use.
type Plate struct {
	mean gocv.Mat // 32FC3, the empty backdrop
	n    int      // frames learnt
}

// Plate learning: frames needed before a plate is used, the weight of a
// new frame once that many are in, and how far (grey levels) a pixel may
// differ from the plate to be refreshed.
const (
	plateFrames     = 8
	plateRefresh    = 0.05
	plateRefreshTol = 12
	plateMinDE      = 6.0 // ΔE from the plate above which a pixel is the person (at least)
)

// NewPlate is an empty plate.
func NewPlate() *Plate { return &Plate{} }

// Close frees the plate.
func (p *Plate) Close() {
	if p != nil && !matEmpty(p.mean) {
		p.mean.Close()
	}
}

// Ready reports whether enough empty frames were learnt to use the plate.
func (p *Plate) Ready() bool { return p != nil && p.n >= plateFrames }

// Size is the frame size the plate was learnt at.
func (p *Plate) Size() image.Point {
	if p == nil || matEmpty(p.mean) {
		return image.Point{}
	}
	return image.Pt(p.mean.Cols(), p.mean.Rows())
}

// Learn adds a frame with nobody in it. A frame of another size starts the
// plate afresh.
func (p *Plate) Learn(frame gocv.Mat) error {
	if err := checkImage(frame); err != nil {
		return fmt.Errorf("imaging: plate: %w", err)
	}
	if p.Size() != image.Pt(frame.Cols(), frame.Rows()) {
		p.Close()
		p.mean, p.n = gocv.NewMat(), 1
		frame.ConvertTo(&p.mean, gocv.MatTypeCV32FC3)
		return nil
	}
	p.n++
	gocv.AccumulatedWeighted(frame, &p.mean, 1/math.Min(float64(p.n), 1/plateRefresh))
	return nil
}

// Refresh updates the learnt plate with a frame in which nobody was seen:
// pixels within plateRefreshTol of the plate move towards the frame; the
// others are left alone.
func (p *Plate) Refresh(frame gocv.Mat) error {
	if !p.Ready() || p.Size() != image.Pt(frame.Cols(), frame.Rows()) {
		return p.Learn(frame)
	}
	mean8 := p.image()
	defer mean8.Close()
	diff := gocv.NewMat()
	defer diff.Close()
	gocv.AbsDiff(frame, mean8, &diff)
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(diff, &grey, gocv.ColorBGRToGray)
	mask := gocv.NewMat()
	defer mask.Close()
	gocv.Threshold(grey, &mask, plateRefreshTol, 255, gocv.ThresholdBinaryInv)
	gocv.AccumulatedWeightedWithMask(frame, &p.mean, plateRefresh, mask)
	return nil
}

// JPEG is the plate as a JPEG picture (for people to look at).
func (p *Plate) JPEG() ([]byte, error) {
	img := p.image()
	defer img.Close()
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, img)
	if err != nil {
		return nil, fmt.Errorf("imaging: plate picture: %w", err)
	}
	defer buf.Close()
	return bytes.Clone(buf.GetBytes()), nil
}

// image is the plate as an 8-bit BGR image; the caller closes it.
func (p *Plate) image() gocv.Mat {
	out := gocv.NewMat()
	p.mean.ConvertTo(&out, gocv.MatTypeCV8UC3)
	return out
}

// fits reports whether the plate can be used for a still: ready and of the
// still's shape (the still is a frame of the same camera, maybe at a larger
// size than the checked frames the plate was learnt from).
func (p *Plate) fits(still gocv.Mat) bool {
	if !p.Ready() {
		return false
	}
	sz := p.Size()
	return math.Abs(float64(sz.X)*float64(still.Rows())-float64(sz.Y)*float64(still.Cols())) <= 0.01*float64(sz.X*still.Rows())
}

// Clone is a copy of the plate (for a shot on another goroutine while the
// plate goes on learning).
func (p *Plate) Clone() *Plate {
	if p == nil || matEmpty(p.mean) {
		return NewPlate()
	}
	return &Plate{mean: p.mean.Clone(), n: p.n}
}

// matEmpty reports whether m is the zero Mat or an empty one.
func matEmpty(m gocv.Mat) bool { return m.Ptr() == nil || m.Empty() }

// padded is the plate at the still's size (still) placed like the still in
// a picture (dx columns added on the left, size W×H), its edges repeated
// beyond it; the caller closes it.
func (p *Plate) padded(still image.Point, dx int, size image.Point) gocv.Mat {
	m := p.image()
	defer m.Close()
	if p.Size() != still {
		gocv.Resize(m, &m, still, 0, 0, gocv.InterpolationLinear)
	}
	out := gocv.NewMat()
	gocv.CopyMakeBorder(m, &out, 0, size.Y-m.Rows(), dx, size.X-m.Cols()-dx, gocv.BorderReplicate, color.RGBA{})
	return out
}
