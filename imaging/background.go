package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"math"
	"strings"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// backgroundCheck: the backdrop beside and above the head is plain by the
// same measure standardisation uses (a smooth surface fitted to it, robust
// to hair and shoulders in the bands: most of it on the surface, a small
// spread about it and little texture), and close to the calibrated backdrop
// when there is one. A gentle gradient or vignette is plain; a room is not.
func backgroundCheck(frame gocv.Mat, f face.Face, bd *Backdrop, l limits) (spec.Check, error) {
	small := thumbnail(frame, bgCheckWidth)
	defer small.Close()
	px, err := newLabPixels(small)
	if err != nil {
		return spec.Check{}, fmt.Errorf("background: %w", err)
	}
	k := float64(small.Cols()) / float64(frame.Cols())
	var samples []image.Point
	for _, r := range backgroundBands(f, k, px.w, px.h) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				samples = append(samples, image.Pt(x, y))
			}
		}
	}
	if len(samples) < 100 {
		return spec.Check{ID: spec.CheckBackground, Pass: true, Unit: "gradient", Note: "background hardly visible"}, nil
	}
	c := f.Centre()
	m, spread, share, kept := fitRobust(px, samples, c.X*k, f.EyeMid().Y*k, f.Width()*k, f.Chin().Y*k)
	grad := px.meanGradientAt(kept)
	chk := atMost(spec.CheckBackground, grad, l.bgGradient, "gradient", spec.HintBackground)
	notes := []string{fmt.Sprintf("spread ΔE %.1f (≤ %.1f)", spread, l.bgSpread),
		fmt.Sprintf("%.0f%% on the surface (≥ %.0f%%)", 100*share, 100*l.share)}
	chk.Pass = chk.Pass && spread <= l.bgSpread && share >= l.share
	if bd != nil {
		d := DeltaE(m.constColor, bd.Mean)
		notes = append(notes, fmt.Sprintf("ΔE to backdrop %.1f (≤ %.0f)", d, l.bgDistance))
		chk.Pass = chk.Pass && d <= l.bgDistance
	}
	chk.Note = strings.Join(notes, ", ")
	return chk, nil
}

// backgroundBands are the parts of the frame that must show only backdrop:
// above the hair, and beside the head down to just below the eyes (k scales
// frame px to the reduced image).
func backgroundBands(f face.Face, k float64, w, h int) []image.Rectangle {
	fw := f.Width() * k
	e, c := f.EyeMid(), f.Centre()
	ey, cx := e.Y*k, c.X*k
	top := image.Rect(0, 0, w, int(ey-1.45*fw))
	left := image.Rect(0, 0, int(cx-1.25*fw), int(ey+0.2*fw))
	right := image.Rect(int(math.Ceil(cx+1.25*fw)), 0, w, int(ey+0.2*fw))
	var out []image.Rectangle
	for _, r := range []image.Rectangle{top, left, right} {
		if r = r.Intersect(image.Rect(0, 0, w, h)); !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}

// meanGradient is the mean of |∂L/∂x| + |∂L/∂y| over the rectangles.
func (p labPixels) meanGradient(rects ...image.Rectangle) float64 {
	var sum, n float64
	inner := image.Rect(0, 0, p.w-1, p.h-1)
	for _, r := range rects {
		r = r.Intersect(inner)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				i := (y*p.w + x) * 3
				l := float64(p.data[i])
				sum += math.Abs(float64(p.data[i+3])-l) + math.Abs(float64(p.data[i+3*p.w])-l)
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n * 100 / 255 // in L* units
}

// bgCheckWidth is the width the frame is reduced to for the background
// check: statistics of a backdrop need few pixels, and each frame counts.
const bgCheckWidth = 160

// thumbnail reduces img to width w by bilinear sampling (fast; used where
// only statistics are taken). The caller closes it.
func thumbnail(img gocv.Mat, w int) gocv.Mat {
	out := gocv.NewMat()
	h := max(1, img.Rows()*w/img.Cols())
	gocv.Resize(img, &out, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	return out
}
