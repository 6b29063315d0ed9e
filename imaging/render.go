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

// White balance from a neutral backdrop: applied only when the backdrop's
// chroma is below neutralChroma, by at most ±maxGain.
const (
	neutralChroma = 8.0
	maxGain       = 0.08
	maxCutShare   = 0.02 // share of the photo's height the person may touch a picture edge along
)

// layout places the source in the output.
type layout struct {
	toOut    affine // source px → output px
	canToOut affine // canvas px → output px
	size     image.Point
	scale    float64
	eyeY     float64
}

func newLayout(f face.Face, cv *canvas, p spec.Profile, fit cropFit) layout {
	s, eye, roll := fit.Scale, f.EyeMid(), f.Roll()
	cxL := levelScale(eye, roll, 1, face.Point{}).apply(f.Centre()).X
	origin := face.Point{X: cxL - float64(p.Width)/2/s, Y: eye.Y - fit.EyeY/s}
	k := s / cv.sw
	return layout{
		toOut:    levelScale(eye, roll, s, origin),
		canToOut: affine{k, 0, s * (cv.origin.X - origin.X), 0, k, s * (cv.origin.Y - origin.Y)},
		size:     image.Pt(p.Width, p.Height),
		scale:    s,
		eyeY:     fit.EyeY,
	}
}

// render makes the output image: the levelled, scaled crop with the
// background replaced by bg through a soft alpha matte, and the share (%)
// of the new background that the old backdrop was left over as person
// (leftOver). The caller closes the image.
func render(pic picture, cv *canvas, seg segmentation, l layout, bg spec.RGB) (gocv.Mat, float64, error) {
	m, err := matteOf(pic, cv, seg, l, color.RGBA{R: bg.R, G: bg.G, B: bg.B, A: 255})
	if err != nil {
		return gocv.Mat{}, 0, err
	}
	defer m.close()
	if err := cutCheck(m.in, m.alpha, l); err != nil {
		return gocv.Mat{}, 0, err
	}
	left, err := leftOver(m.cols, m.alpha, cv, seg, l)
	if err != nil {
		return gocv.Mat{}, 0, err
	}
	out, err := composite(m.crop, m.alpha, m.in, m.cols.oldBGR, bg)
	return out, left, err
}

// matted is the photo's crop of the source with its matte, before the
// background is replaced.
type matted struct {
	crop  gocv.Mat
	in    []uint8 // non-zero where the photo shows the picture
	cols  mixColours
	alpha []float32
}

func (m matted) close() { m.crop.Close() }

// matteOf crops the source as the layout says (fill beyond it) and finds
// the person's alpha there; the caller closes the result.
func matteOf(pic picture, cv *canvas, seg segmentation, l layout, fill color.RGBA) (matted, error) {
	m := matted{crop: renderCrop(pic.img, l, fill)}
	inside := warp(pic.valid, l.toOut, l.size, gocv.InterpolationNearestNeighbor, color.RGBA{})
	m.in = inside.ToBytes()
	inside.Close()
	old, err := oldBackdrop(pic, seg.model, l)
	if err == nil {
		m.cols, err = newMixColours(m.crop, old)
	}
	if err == nil {
		m.alpha, err = matte(m.crop, m.in, m.cols, cv, seg, l)
	}
	if err != nil {
		m.close()
		return matted{}, err
	}
	return m, nil
}

// mixColours are the photo's crop and the old backdrop behind it, in Lab,
// and the old backdrop in BGR: what the matte and the left-over measure
// compare.
type mixColours struct {
	crop, old labPixels
	oldBGR    []uint8
}

func newMixColours(crop gocv.Mat, oldBGR []uint8) (mixColours, error) {
	c, err := newLabPixels(crop)
	if err != nil {
		return mixColours{}, err
	}
	o, err := labOfBGR(oldBGR, c.w, c.h)
	if err != nil {
		return mixColours{}, err
	}
	return mixColours{crop: c, old: o, oldBGR: oldBGR}, nil
}

// faceBoxOut is where the layout puts f's box in the photo (a Face with
// only its Box set).
func (l layout) faceBoxOut(f face.Face) face.Face {
	c := l.toOut.apply(face.Point{X: f.Box.X + f.Box.W/2, Y: f.Box.Y + f.Box.H/2})
	w, h := f.Box.W*l.scale, f.Box.H*l.scale
	return face.Face{Box: face.Rect{X: c.X - w/2, Y: c.Y - h/2, W: w, H: h}}
}

// oldBackdrop is the source's backdrop colour at every output pixel, BGR:
// the clean plate when there is one, else the fitted model.
func oldBackdrop(pic picture, m backdropModel, l layout) ([]uint8, error) {
	if matEmpty(pic.plate) {
		return modelBackdrop(m, l)
	}
	out := renderCrop(pic.plate, l, color.RGBA{})
	defer out.Close()
	return out.ToBytes(), nil
}

// modelBackdrop is the fitted model at every output pixel, BGR. The model
// is a smooth surface: it is evaluated on a grid oldStep px apart and
// resized.
func modelBackdrop(m backdropModel, l layout) ([]uint8, error) {
	k, tx, ty := l.canToOut[0], l.canToOut[2], l.canToOut[5]
	w, h := (l.size.X+oldStep-1)/oldStep+1, (l.size.Y+oldStep-1)/oldStep+1
	lab := make([]uint8, 3*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := m.at((float64(x*oldStep)-tx)/k, (float64(y*oldStep)-ty)/k)
			i := 3 * (y*w + x)
			lab[i] = uint8(clamp(c.L*255/100+0.5, 0, 255))
			lab[i+1] = uint8(clamp(c.A+128.5, 0, 255))
			lab[i+2] = uint8(clamp(c.B+128.5, 0, 255))
		}
	}
	grid, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, lab)
	if err != nil {
		return nil, err
	}
	defer grid.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	gocv.CvtColor(grid, &bgr, gocv.ColorLabToBGR)
	// grid point j sits on output pixel j·oldStep: an affine resize keeps that
	a := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer a.Close()
	a.SetDoubleAt(0, 0, oldStep)
	a.SetDoubleAt(1, 1, oldStep)
	full := gocv.NewMat()
	defer full.Close()
	gocv.WarpAffineWithParams(bgr, &full, a, l.size, gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return full.ToBytes(), nil
}

// oldStep: output px between the points where the old backdrop is evaluated.
const oldStep = 8

// renderCrop turns, scales and crops the source. Reductions go through an
// intermediate at the source's scale and area interpolation.
func renderCrop(src gocv.Mat, l layout, fill color.RGBA) gocv.Mat {
	if l.scale >= 1 {
		return warp(src, l.toOut, l.size, gocv.InterpolationCubic, fill)
	}
	// the same transform at scale 1: then reduce
	native := l.toOut
	for i := range native {
		native[i] /= l.scale
	}
	big := image.Pt(int(math.Ceil(float64(l.size.X)/l.scale)), int(math.Ceil(float64(l.size.Y)/l.scale)))
	mid := warp(src, native, big, gocv.InterpolationLinear, fill)
	defer mid.Close()
	out := gocv.NewMat()
	gocv.Resize(mid, &out, l.size, 0, 0, gocv.InterpolationArea)
	return out
}

// matte is the alpha (0..1) of the person at output resolution. The canvas
// mask, scaled up, decides inside and outside; in the band along the
// outline the alpha comes from the colours (soft hair edges): old is the
// old backdrop's colour per output pixel (BGR).
func matte(crop gocv.Mat, in []uint8, cols mixColours, cv *canvas, seg segmentation, l layout) ([]float32, error) {
	m, err := gocv.NewMatFromBytes(cv.h, cv.w, gocv.MatTypeCV8U, seg.mask)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	soft := warp(m, l.canToOut, l.size, gocv.InterpolationLinear, color.RGBA{})
	defer soft.Close()
	r := int(math.Ceil(l.canToOut[0])) + 1
	return colourMatte(crop, soft, in, cols, seg, r)
}

// colourMatte: alpha 1 well inside the outline, 0 well outside, and in the
// band of width r around it the share of the person in the pixel's colour
// C, seen as a mix of the person nearby F (the mean colour of the sure
// person within a few px) and the old backdrop B: a = (C−B)·(F−B)/|F−B|².
// Where F and B are too alike to tell apart, alpha grows with the colour
// distance from the backdrop model instead.
func colourMatte(crop, soft gocv.Mat, in []uint8, cols mixColours, seg segmentation, r int) ([]float32, error) {
	inner, outer, err := bandMasks(soft, r)
	if err != nil {
		return nil, err
	}
	fg, err := nearbyPerson(crop, inner, 2*r+3)
	if err != nil {
		return nil, err
	}
	src, err := crop.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	old := cols.oldBGR
	lo := math.Max(3, 1.5*seg.spread)
	hi := math.Max(lo+6, seg.thresh)
	out := make([]float32, len(in))
	for i := range out {
		switch {
		case in[i] == 0 || outer[i] == 0:
		case inner[i] != 0:
			out[i] = 1
		default:
			a, ok := unmix(src[3*i:3*i+3], fg[3*i:3*i+3], old[3*i:3*i+3])
			if !ok {
				a = (DeltaE(cols.crop.atIndex(i), cols.old.atIndex(i)) - lo) / (hi - lo)
			}
			out[i] = float32(math.Max(0, math.Min(1, a)))
		}
	}
	return out, nil
}

// minUnmixContrast: below this RGB distance between the person nearby and
// the backdrop the projection is not trusted.
const minUnmixContrast = 40.0

// unmix is the share of f in c along the line from b to f (BGR); ok is
// false when f is unknown (all zero weight), too close to b, or c lies off
// the line (a colour of the person other than the one nearby: a metal ring
// beside a dark suit).
func unmix(c, f []uint8, b []uint8) (float64, bool) {
	var dot, n, cc float64
	for k := 0; k < 3; k++ {
		fb := float64(f[k]) - float64(b[k])
		cb := float64(c[k]) - float64(b[k])
		dot += cb * fb
		n += fb * fb
		cc += cb * cb
	}
	if f[0] == 0 && f[1] == 0 && f[2] == 0 || n < minUnmixContrast*minUnmixContrast {
		return 0, false
	}
	a := dot / n
	if off := cc - a*a*n; off > maxUnmixOff*maxUnmixOff { // squared distance from the line
		return 0, false
	}
	return a, true
}

// maxUnmixOff: how far (RGB) a pixel may lie from the line between the
// person nearby and the backdrop to be unmixed along it.
const maxUnmixOff = 30.0

// nearbyPerson is, per pixel, the mean colour (BGR) of the sure-person
// pixels (inner) in a k×k window; black where there are none.
func nearbyPerson(crop gocv.Mat, inner []uint8, k int) ([]uint8, error) {
	mask, err := gocv.NewMatFromBytes(crop.Rows(), crop.Cols(), gocv.MatTypeCV8U, inner)
	if err != nil {
		return nil, err
	}
	defer mask.Close()
	masked := gocv.NewMat()
	defer masked.Close()
	crop.CopyToWithMask(&masked, mask)
	sum, weight := gocv.NewMat(), gocv.NewMat()
	defer sum.Close()
	defer weight.Close()
	masked.ConvertTo(&sum, gocv.MatTypeCV32FC3)
	mask.ConvertTo(&weight, gocv.MatTypeCV32F)
	ks := image.Pt(k, k)
	gocv.BoxFilter(sum, &sum, -1, ks)
	gocv.BoxFilter(weight, &weight, -1, ks)
	sp, err := sum.DataPtrFloat32()
	if err != nil {
		return nil, err
	}
	wp, err := weight.DataPtrFloat32()
	if err != nil {
		return nil, err
	}
	out := make([]uint8, len(sp))
	for i, w := range wp {
		if w < 255*0.05 {
			continue
		}
		for c := 0; c < 3; c++ {
			out[3*i+c] = uint8(math.Min(255, math.Max(1, float64(sp[3*i+c]/w*255)+0.5)))
		}
	}
	return out, nil
}

// bandMasks returns the outline's inside eroded and its outside dilated by r px.
func bandMasks(soft gocv.Mat, r int) ([]uint8, []uint8, error) {
	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(soft, &bin, 127, 255, gocv.ThresholdBinary)
	kernel := gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(2*r+1, 2*r+1))
	defer kernel.Close()
	er, di := gocv.NewMat(), gocv.NewMat()
	defer er.Close()
	defer di.Close()
	gocv.Erode(bin, &er, kernel)
	gocv.Dilate(bin, &di, kernel)
	a, err := er.DataPtrUint8()
	if err != nil {
		return nil, nil, err
	}
	b, err := di.DataPtrUint8()
	if err != nil {
		return nil, nil, err
	}
	return append([]uint8(nil), a...), append([]uint8(nil), b...), nil
}

// cutCheck refuses a photo in which the person runs into an edge of the
// source picture (not of the photo): the head (but at its top, where a
// little hair past the picture was accepted) or the shoulders would be cut.
func cutCheck(inside []uint8, alpha []float32, l layout) error {
	w, h := l.size.X, l.size.Y
	var head, body int
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if inside[i] == 0 || alpha[i] < 0.5 {
				continue
			}
			side, below := outsideAround(inside, w, h, x, y)
			switch {
			case float64(y) < l.eyeY && side:
				head++
			case float64(y) >= l.eyeY && (side || below):
				body++
			}
		}
	}
	limit := int(maxCutShare * float64(h))
	switch {
	case head > limit:
		return spec.ErrHeadCut
	case body > limit:
		return fmt.Errorf("%w (%d px along the edge)", spec.ErrShouldersCut, body)
	}
	return nil
}

// outsideAround reports whether the pixel's left or right neighbour, or
// the one below it, lies outside the picture (the one above may: hair past
// the picture's top).
func outsideAround(inside []uint8, w, h, x, y int) (side, below bool) {
	out := func(px, py int) bool { return px >= 0 && py >= 0 && px < w && py < h && inside[py*w+px] == 0 }
	return out(x-1, y) || out(x+1, y), out(x, y+1)
}

// composite blends the crop over the background colour through alpha, with
// a light white balance when the backdrop is neutral. Where alpha is soft
// (hair, the outline) the pixel is a mix of the person and the old
// backdrop (old, BGR per pixel): the person's own colour is recovered first,
// F = (src − (1−a)·old)/a, so no tint of the old backdrop rims the person.
// The caller closes the result.
func composite(crop gocv.Mat, alpha []float32, inside, old []uint8, bg spec.RGB) (gocv.Mat, error) {
	src, err := crop.DataPtrUint8()
	if err != nil {
		return gocv.Mat{}, err
	}
	gain := neutralGains(src, alpha, inside)
	back := [3]float32{float32(bg.B), float32(bg.G), float32(bg.R)}
	out := make([]byte, len(src))
	for i, a := range alpha {
		for c := 0; c < 3; c++ {
			f := float32(src[3*i+c])
			if a > minUnmix && a < 1 {
				f = clamp32((f-(1-a)*float32(old[3*i+c]))/a, 0, 255)
			}
			v := a*f*gain[c] + (1-a)*back[c]
			out[3*i+c] = uint8(math.Max(0, math.Min(255, float64(v)+0.5)))
		}
	}
	return gocv.NewMatFromBytes(crop.Rows(), crop.Cols(), gocv.MatTypeCV8UC3, out)
}

// minUnmix: below this alpha the person's colour is not recovered (it would
// amplify noise; the pixel is mostly the new backdrop anyway).
const minUnmix = 0.15

func clamp32(v, lo, hi float32) float32 { return max(lo, min(hi, v)) }

// neutralGains are per-channel (BGR) gains that make a white or grey
// backdrop neutral, within ±maxGain; 1 otherwise.
func neutralGains(bgr []uint8, alpha []float32, inside []uint8) [3]float32 {
	one := [3]float32{1, 1, 1}
	var sum [3]float64
	n := 0.0
	for i, a := range alpha {
		if a == 0 && inside[i] != 0 {
			for c := 0; c < 3; c++ {
				sum[c] += float64(bgr[3*i+c])
			}
			n++
		}
	}
	if n < 500 {
		return one
	}
	mean := spec.RGB{B: uint8(sum[0] / n), G: uint8(sum[1] / n), R: uint8(sum[2] / n)}
	if LabOf(mean).Chroma() > neutralChroma {
		return one
	}
	grey := (sum[0] + sum[1] + sum[2]) / 3 / n
	var g [3]float32
	for c := 0; c < 3; c++ {
		g[c] = float32(math.Max(1-maxGain, math.Min(1+maxGain, grey/math.Max(1, sum[c]/n))))
	}
	return g
}
