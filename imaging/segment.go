package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"math"
	"slices"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Segmentation parameters (see imaging/README.md).
const (
	canvasFaceW   = 64.0 // face width in canvas px: the resolution of segmentation
	minPlainN     = 200  // background samples needed to trust a colour model
	plainSpread   = 6.0  // a backdrop is plain when its RMS ΔE after the gradient fit is below this…
	plainGradient = 6.0  // …and its mean gradient is below this
	minPersonDE   = 10.0 // ΔE from the backdrop model above which a pixel is person (at least)
	grabIters     = 2    // GrabCut iterations at the head edge
	inlierDE      = 8.0  // a background sample this close to the model is backdrop
	minInliers    = 0.85 // share of background samples that must be backdrop
)

// GrabCut mask labels (OpenCV's GC_BGD, GC_FGD, GC_PR_BGD, GC_PR_FGD).
const (
	gcBG   = 0
	gcFG   = 1
	gcPrBG = 2
	gcPrFG = 3
)

// canvas is the face's neighbourhood levelled (eye line horizontal) and
// scaled to canvasFaceW px per face width: where segmentation happens.
type canvas struct {
	img    gocv.Mat // BGR
	inside []bool   // the pixel comes from the source image
	w, h   int
	eyeY   float64 // eye line
	cx     float64 // face centre x
	fw     float64 // face width
	chinY  float64
	sw     float64    // canvas px per source px
	origin face.Point // canvas (0, 0) in levelled source px
	toCan  affine     // source px → canvas px
}

func (c *canvas) close() { c.img.Close() }

// faceEllipse reports whether (x, y) is inside the core of the face (brows
// to chin, between the cheeks): person for sure.
func (c *canvas) faceEllipse(x, y float64) bool {
	cy := (c.eyeY + c.chinY) / 2
	ry := (c.chinY - c.eyeY) * 0.5
	return sq((x-c.cx)/(0.30*c.fw))+sq((y-cy)/math.Max(1, ry+0.15*c.fw)) <= 1
}

// inBands reports whether (x, y) lies where only backdrop should be:
// above the hair, or beside the head above the shoulders.
func (c *canvas) inBands(x, y float64) bool {
	return y < c.eyeY-1.45*c.fw || (math.Abs(x-c.cx) > 1.25*c.fw && y < c.eyeY+0.2*c.fw)
}

// backdropModel is the backdrop colour as a plane over the canvas (light
// falls off across a backdrop): per channel v = k0 + k1·x + k2·y.
type backdropModel struct{ k [3][3]float64 }

func (m backdropModel) at(x, y float64) Lab {
	v := func(i int) float64 { return m.k[i][0] + m.k[i][1]*x + m.k[i][2]*y }
	return Lab{v(0), v(1), v(2)}
}

// fitBackdrop fits the plane to the background samples by least squares and
// returns it with the RMS ΔE of the samples from it.
func fitBackdrop(px labPixels, samples []image.Point) (backdropModel, float64) {
	var ata [3][3]float64
	var atb [3][3]float64 // per channel
	for _, p := range samples {
		row := [3]float64{1, float64(p.X), float64(p.Y)}
		c := px.at(p.X, p.Y)
		v := [3]float64{c.L, c.A, c.B}
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				ata[i][j] += row[i] * row[j]
			}
			for ch := 0; ch < 3; ch++ {
				atb[ch][i] += row[i] * v[ch]
			}
		}
	}
	var m backdropModel
	for ch := 0; ch < 3; ch++ {
		m.k[ch] = solve3(ata, atb[ch])
	}
	var ss float64
	for _, p := range samples {
		ss += sq(DeltaE(px.at(p.X, p.Y), m.at(float64(p.X), float64(p.Y))))
	}
	return m, math.Sqrt(ss / math.Max(1, float64(len(samples))))
}

// solve3 solves a 3×3 linear system by Cramer's rule (0 when singular).
func solve3(a [3][3]float64, b [3]float64) [3]float64 {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	if math.Abs(d) < 1e-9 {
		return [3]float64{}
	}
	var out [3]float64
	for i := 0; i < 3; i++ {
		m := a
		for r := 0; r < 3; r++ {
			m[r][i] = b[r]
		}
		out[i] = det(m) / d
	}
	return out
}

// segmentation is the person mask of a canvas.
type segmentation struct {
	mask   []uint8 // 255 person, 0 backdrop
	model  backdropModel
	spread float64 // backdrop RMS ΔE after the fit
	thresh float64 // ΔE above which a pixel is person
}

// segment separates the person from the backdrop on the canvas: a colour
// model of the plain backdrop (fitted where only backdrop can be), refined
// by GrabCut at the head's edge. A background that is not plain is refused
// (ErrBusyBackdrop): replacing it would leave traces of it in the photo.
func segment(c *canvas) (segmentation, error) {
	px, err := newLabPixels(c.img)
	if err != nil {
		return segmentation{}, err
	}
	var samples []image.Point
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			if c.inside[y*c.w+x] && c.inBands(float64(x), float64(y)) {
				samples = append(samples, image.Pt(x, y))
			}
		}
	}
	if len(samples) < minPlainN {
		return segmentation{}, fmt.Errorf("%w: too little background visible", spec.ErrNotSegmented)
	}
	s := segmentation{}
	var share float64
	s.model, s.spread, share, samples = fitRobust(px, samples)
	grad := px.meanGradientAt(samples)
	if share < minInliers || s.spread > plainSpread || grad > plainGradient {
		return segmentation{}, fmt.Errorf("%w (%.0f%% of it matches one colour, spread ΔE %.1f, gradient %.1f)",
			spec.ErrBusyBackdrop, share*100, s.spread, grad)
	}
	if err := s.byColour(c, px); err != nil {
		return segmentation{}, err
	}
	s.clean(c)
	return s, nil
}

// fitRobust fits the backdrop plane, drops the samples far from it (a light
// switch, a stray hair) and fits again on the rest. It returns the model,
// its spread, the share of samples kept, and the kept samples.
func fitRobust(px labPixels, samples []image.Point) (backdropModel, float64, float64, []image.Point) {
	m, _ := fitBackdrop(px, samples)
	kept := samples[:0:0]
	for _, p := range samples {
		if DeltaE(px.at(p.X, p.Y), m.at(float64(p.X), float64(p.Y))) <= inlierDE {
			kept = append(kept, p)
		}
	}
	if len(kept) < minPlainN {
		return m, math.Inf(1), float64(len(kept)) / float64(len(samples)), kept
	}
	m, spread := fitBackdrop(px, kept)
	return m, spread, float64(len(kept)) / float64(len(samples)), kept
}

// byColour thresholds the colour distance to the backdrop model, then
// refines the head's outline (hair) with GrabCut.
func (s *segmentation) byColour(c *canvas, px labPixels) error {
	s.thresh = math.Max(minPersonDE, 3*s.spread)
	s.mask = make([]uint8, c.w*c.h)
	dist := make([]float64, c.w*c.h)
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			i := y*c.w + x
			dist[i] = DeltaE(px.at(x, y), s.model.at(float64(x), float64(y)))
			if c.inside[i] && (dist[i] > s.thresh || c.faceEllipse(float64(x), float64(y))) {
				s.mask[i] = 255
			}
		}
	}
	return s.refineHead(c, dist)
}

// headBand is the canvas region around the head where the outline matters.
func headBand(c *canvas) image.Rectangle {
	r := image.Rect(int(c.cx-1.1*c.fw), int(c.eyeY-1.7*c.fw), int(c.cx+1.1*c.fw), int(c.eyeY+0.3*c.fw))
	return r.Intersect(image.Rect(0, 0, c.w, c.h))
}

// refineHead runs GrabCut on the head band, seeded by the colour distance:
// clearly backdrop, clearly person, and uncertain in between.
func (s *segmentation) refineHead(c *canvas, dist []float64) error {
	band := headBand(c)
	if band.Dx() < 8 || band.Dy() < 8 {
		return nil
	}
	gc := gocv.NewMatWithSize(band.Dy(), band.Dx(), gocv.MatTypeCV8U)
	defer gc.Close()
	seeds := make([]byte, band.Dx()*band.Dy())
	for y := band.Min.Y; y < band.Max.Y; y++ {
		for x := band.Min.X; x < band.Max.X; x++ {
			i, j := y*c.w+x, (y-band.Min.Y)*band.Dx()+(x-band.Min.X)
			seeds[j] = seedLabel(c, x, y, dist[i], s.thresh)
		}
	}
	return s.runGrabCut(c, band, seeds, grabIters)
}

func seedLabel(c *canvas, x, y int, d, t float64) byte {
	switch {
	case !c.inside[y*c.w+x]:
		return gcBG
	case c.faceEllipse(float64(x), float64(y)):
		return gcFG
	case d < t/2:
		return gcBG
	case d > 2*t:
		return gcFG
	case d > t:
		return gcPrFG
	}
	return gcPrBG
}

// runGrabCut runs GrabCut on the canvas region r (at the canvas scale)
// from the seed labels and writes the result into the mask.
func (s *segmentation) runGrabCut(c *canvas, r image.Rectangle, seeds []byte, iters int) error {
	if s.mask == nil {
		s.mask = make([]uint8, c.w*c.h)
	}
	mask, err := gocv.NewMatFromBytes(r.Dy(), r.Dx(), gocv.MatTypeCV8U, seeds)
	if err != nil {
		return err
	}
	defer mask.Close()
	if !hasBoth(seeds) {
		copyLabels(s.mask, c.w, r, seeds)
		return nil
	}
	roi := c.img.Region(r)
	defer roi.Close()
	img := roi.Clone()
	defer img.Close()
	bgd, fgd := gocv.NewMat(), gocv.NewMat()
	defer bgd.Close()
	defer fgd.Close()
	gocv.GrabCut(img, &mask, image.Rectangle{}, &bgd, &fgd, iters, gocv.GCInitWithMask)
	out, err := mask.DataPtrUint8()
	if err != nil {
		return err
	}
	copyLabels(s.mask, c.w, r, out)
	return nil
}

// hasBoth: GrabCut needs samples of both classes to fit its colour models.
func hasBoth(labels []byte) bool {
	var bg, fg bool
	for _, l := range labels {
		bg = bg || l == gcBG || l == gcPrBG
		fg = fg || l == gcFG || l == gcPrFG
	}
	return bg && fg
}

func copyLabels(dst []uint8, w int, r image.Rectangle, labels []byte) {
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			v := uint8(0)
			if l := labels[y*r.Dx()+x]; l == gcFG || l == gcPrFG {
				v = 255
			}
			dst[(y+r.Min.Y)*w+x+r.Min.X] = v
		}
	}
}

// clean keeps the person connected to the face and fills enclosed holes.
func (s *segmentation) clean(c *canvas) {
	seed := image.Pt(int(c.cx), int((c.eyeY+c.chinY)/2))
	s.mask = keepComponent(s.mask, c.w, c.h, seed)
	s.mask = fillHoles(s.mask, c.w, c.h)
}

// keepComponent keeps the 4-connected component of 255 pixels that holds seed.
func keepComponent(mask []uint8, w, h int, seed image.Point) []uint8 {
	out := make([]uint8, len(mask))
	if seed.X < 0 || seed.Y < 0 || seed.X >= w || seed.Y >= h || mask[seed.Y*w+seed.X] == 0 {
		return out
	}
	flood(mask, out, w, h, seed, 255)
	return out
}

// fillHoles sets to 255 every 0 pixel not connected to the image border.
func fillHoles(mask []uint8, w, h int) []uint8 {
	inv := make([]uint8, len(mask))
	for i, v := range mask {
		if v == 0 {
			inv[i] = 255
		}
	}
	outside := make([]uint8, len(mask))
	for x := 0; x < w; x++ {
		flood(inv, outside, w, h, image.Pt(x, 0), 255)
		flood(inv, outside, w, h, image.Pt(x, h-1), 255)
	}
	for y := 0; y < h; y++ {
		flood(inv, outside, w, h, image.Pt(0, y), 255)
		flood(inv, outside, w, h, image.Pt(w-1, y), 255)
	}
	out := make([]uint8, len(mask))
	for i := range out {
		if outside[i] == 0 {
			out[i] = 255
		}
	}
	return out
}

// flood marks in out the 4-connected pixels of src equal to v around seed.
func flood(src, out []uint8, w, h int, seed image.Point, v uint8) {
	i0 := seed.Y*w + seed.X
	if src[i0] != v || out[i0] != 0 {
		return
	}
	stack := []int{i0}
	out[i0] = 255
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		for _, n := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
			if n[0] < 0 || n[1] < 0 || n[0] >= w || n[1] >= h {
				continue
			}
			j := n[1]*w + n[0]
			if src[j] == v && out[j] == 0 {
				out[j] = 255
				stack = append(stack, j)
			}
		}
	}
}

// meanGradientAt is the mean L gradient at the sample points.
func (p labPixels) meanGradientAt(pts []image.Point) float64 {
	var sum, n float64
	for _, q := range pts {
		if q.X >= p.w-1 || q.Y >= p.h-1 {
			continue
		}
		i := (q.Y*p.w + q.X) * 3
		l := float64(p.data[i])
		sum += math.Abs(float64(p.data[i+3])-l) + math.Abs(float64(p.data[i+3*p.w])-l)
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / n * 100 / 255
}

// headTop finds the highest person row above the face in the central
// columns of the head (the 10th percentile of the columns' tops, so a stray
// hair does not count). It reports false when there is no person there.
func (s *segmentation) headTop(c *canvas) (float64, bool) {
	x0, x1 := int(c.cx-0.25*c.fw), int(c.cx+0.25*c.fw)
	var tops []int
	for x := max(0, x0); x <= min(c.w-1, x1); x++ {
		for y := 0; y < int(c.eyeY); y++ {
			if s.mask[y*c.w+x] != 0 {
				tops = append(tops, y)
				break
			}
		}
	}
	if len(tops) == 0 {
		return 0, false
	}
	slices.Sort(tops)
	return float64(tops[len(tops)/10]), true
}
