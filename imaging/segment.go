package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"math"
	"runtime"
	"slices"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Segmentation parameters (see imaging/README.md).
const (
	canvasFaceW   = 64.0 // face width in canvas px: the resolution of segmentation
	minPlainN     = 120  // background samples needed to trust a colour model
	plainSpread   = 6.0  // a backdrop is plain when its RMS ΔE after the gradient fit is below this…
	plainGradient = 6.0  // …and its mean gradient is below this
	minPersonDE   = 10.0 // ΔE from the backdrop model above which a pixel is person (at least)
	grabIters     = 2    // GrabCut iterations
	grabScale     = 0.5  // GrabCut runs on the canvas reduced by this
	inlierDE      = 8.0  // a background sample this close to the model is backdrop
	minInliers    = 0.55 // share of background samples that must be backdrop (the rest: hair, shoulders)
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
	plate  gocv.Mat // the clean plate warped like img, or empty
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

func (c *canvas) close() {
	c.img.Close()
	if !matEmpty(c.plate) {
		c.plate.Close()
	}
}

// faceEllipse reports whether (x, y) is inside the core of the face (brows
// to chin, between the cheeks): person for sure.
func (c *canvas) faceEllipse(x, y float64) bool {
	cy := (c.eyeY + c.chinY) / 2
	ry := (c.chinY - c.eyeY) * 0.5
	return sq((x-c.cx)/(0.30*c.fw))+sq((y-cy)/math.Max(1, ry+0.15*c.fw)) <= 1
}

// mayBePerson reports whether (x, y) lies where the head, hair, neck or
// body may be (the priors of the backdrop samples).
func (c *canvas) mayBePerson(x, y float64) bool {
	return c.headPrior(x, y) || c.bodyPrior(x, y)
}

// segmentation is the person mask of a canvas.
type segmentation struct {
	mask   []uint8   // 255 person, 0 backdrop
	dist   []float64 // each pixel's ΔE from the empty backdrop (the clean plate, else the model)
	model  backdropModel
	spread float64 // backdrop RMS ΔE after the fit
	thresh float64 // ΔE above which a pixel is person
	shadow []bool  // with a plate: the pixel is the plate darkened (a cast shadow)
}

// segment separates the person from the backdrop on the canvas. The
// backdrop is sampled wherever the head and body cannot be (so a tight ID
// photo whose head almost touches the top still has its corners and the
// gaps beside the head), and a colour surface is fitted to it robustly. A
// background that is not plain is refused (ErrBusyBackdrop): replacing it
// would leave traces of it in the photo. The canvas outside the source
// picture is painted the backdrop's colour (a head at the top edge gets
// backdrop above it), then GrabCut on the whole canvas, seeded by the
// colour distance, the face and the body, separates the person; the
// component holding the face is kept; its holes are filled unless they look
// like backdrop (between arm and body).
//
// With a clean plate (c.plate) the colour distance is each pixel's from
// the empty backdrop at that place, whatever its shadows and creases, and
// the backdrop need not be plain.
func segment(c *canvas) (segmentation, error) {
	px, err := newLabPixels(c.img)
	if err != nil {
		return segmentation{}, err
	}
	plate := !matEmpty(c.plate)
	samples := c.backdropSamples()
	if len(samples) < minPlainN && !plate {
		return segmentation{}, fmt.Errorf("%w: too little background visible", spec.ErrNotSegmented)
	}
	s := segmentation{}
	var share float64
	var kept []image.Point
	s.model, s.spread, share, kept = fitRobust(px, samples, c.cx, c.eyeY, c.fw, c.chinY)
	grad := px.meanGradientAt(kept)
	if !plate && (share < minInliers || s.spread > plainSpread || grad > plainGradient) {
		return segmentation{}, fmt.Errorf("%w (%.0f%% of it on one smooth surface, limit %.0f%%; spread about it ΔE %.1f, limit %.0f; texture %.1f, limit %.0f)",
			spec.ErrBusyBackdrop, share*100, minInliers*100, s.spread, plainSpread, grad, plainGradient)
	}
	s.thresh = math.Max(minPersonDE, 3*s.spread)
	if err := c.paintOutside(s.model); err != nil {
		return segmentation{}, err
	}
	if px, err = newLabPixels(c.img); err != nil {
		return segmentation{}, err
	}
	if plate {
		err = s.plateDistance(c, px)
	} else {
		s.modelDistance(c, px)
	}
	if err != nil {
		return segmentation{}, err
	}
	if err := s.cut(c); err != nil {
		return segmentation{}, err
	}
	if plate {
		s.keepUnlikePlate(c)
	}
	s.clean(c)
	return s, nil
}

// keepUnlikePlate adds back to the person what is clearly not the empty
// backdrop (more than twice the threshold from the plate): a thin metal
// ring or a collar GrabCut's smoothness cut off. A shadow the person casts
// on the backdrop (darker, the plate's own hue) is not added.
func (s *segmentation) keepUnlikePlate(c *canvas) {
	for i, d := range s.dist {
		if c.inside[i] && d > 2*s.thresh && !s.shadow[i] {
			s.mask[i] = 255
		}
	}
}

// modelDistance is each pixel's ΔE from the fitted backdrop surface.
func (s *segmentation) modelDistance(c *canvas, px labPixels) {
	s.dist = make([]float64, c.w*c.h)
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			s.dist[y*c.w+x] = DeltaE(px.at(x, y), s.model.at(float64(x), float64(y)))
		}
	}
}

// shadowOf reports whether colour q looks like the backdrop's colour b in
// a shadow: darker by 3 L to 45 % of its lightness (a soft indoor shadow;
// darker is a dark garment), hue and saturation kept.
func shadowOf(q, b Lab) bool {
	if q.L >= b.L-3 || q.L < 0.55*b.L {
		return false
	}
	k := q.L / math.Max(1, b.L) // chroma falls with the light
	return math.Hypot(q.A-k*b.A, q.B-k*b.B) < plateShadowAB
}

// plateShadowAB: how far (ΔE in a, b) a shadowed pixel's hue may stray
// from the plate's, scaled by the light.
const plateShadowAB = 5.0

// plateDistance is each pixel's ΔE from the clean plate (outside the
// picture, where there is no plate, from the fitted surface); the person
// threshold follows the plate's own scatter.
func (s *segmentation) plateDistance(c *canvas, px labPixels) error {
	pl, err := newLabPixels(c.plate)
	if err != nil {
		return err
	}
	s.dist = make([]float64, c.w*c.h)
	s.shadow = make([]bool, c.w*c.h)
	var away []float64
	for i := range s.dist {
		if !c.inside[i] {
			s.dist[i] = DeltaE(px.atIndex(i), s.model.at(float64(i%c.w), float64(i/c.w)))
			continue
		}
		q, b := px.atIndex(i), pl.atIndex(i)
		s.dist[i] = DeltaE(q, b)
		s.shadow[i] = shadowOf(q, b)
		if x, y := float64(i%c.w), float64(i/c.w); !c.mayBePerson(x, y) {
			away = append(away, s.dist[i])
		}
	}
	// the plate's scatter where nobody should be (sensor noise, light
	// drift): the median, which a shoulder reaching there does not move
	s.spread = medianOf(away)
	s.thresh = math.Max(plateMinDE, 3*s.spread)
	return nil
}

// headPrior reports whether (x, y) may be head or hair: an ellipse around
// the skull, generous for hair, and long hair falling beside the neck.
func (c *canvas) headPrior(x, y float64) bool {
	if sq((x-c.cx)/(0.64*c.fw))+sq((y-(c.eyeY-0.25*c.fw))/(1.05*c.fw)) <= 1 {
		return true
	}
	return math.Abs(x-c.cx) < 0.7*c.fw && y > c.eyeY && y < c.chinY+0.6*c.fw
}

// bodyPrior reports whether (x, y) may be neck, shoulders or body: below
// the chin, widening fast to the shoulders.
func (c *canvas) bodyPrior(x, y float64) bool {
	top := c.chinY + 0.15*c.fw
	return y > top && math.Abs(x-c.cx) < 0.45*c.fw+2.0*(y-top)
}

// backdropSamples are the canvas pixels (every second one) that show the
// source and can be neither head nor body.
func (c *canvas) backdropSamples() []image.Point {
	var out []image.Point
	for y := 0; y < c.h; y += 2 {
		for x := 0; x < c.w; x += 2 {
			fx, fy := float64(x), float64(y)
			if c.inside[y*c.w+x] && !c.mayBePerson(fx, fy) {
				out = append(out, image.Pt(x, y))
			}
		}
	}
	return out
}

// paintOutside gives the canvas pixels that lie outside the source picture
// the backdrop model's colour: beyond the picture's edge there is backdrop.
func (c *canvas) paintOutside(m backdropModel) error {
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(c.img, &lab, gocv.ColorBGRToLab)
	b, err := lab.DataPtrUint8()
	if err != nil {
		return err
	}
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			i := y*c.w + x
			if c.inside[i] {
				continue
			}
			v := m.at(float64(x), float64(y))
			b[3*i] = uint8(clamp(v.L*255/100, 0, 255))
			b[3*i+1] = uint8(clamp(v.A+128, 0, 255))
			b[3*i+2] = uint8(clamp(v.B+128, 0, 255))
		}
	}
	gocv.CvtColor(lab, &c.img, gocv.ColorLabToBGR)
	return nil
}

// headCore reports whether (x, y) is certainly head: the face's core and
// the skull above it (0.7 face widths above the eyes; with hair the head
// reaches 0.9–1.0), whatever colour the hair is.
func (c *canvas) headCore(x, y float64) bool {
	if c.faceEllipse(x, y) {
		return true
	}
	return sq((x-c.cx)/(0.42*c.fw))+sq((y-(c.eyeY-0.1*c.fw))/(0.6*c.fw)) <= 1
}

// bodyCore reports whether (x, y) is certainly person: the neck under the
// chin and the chest under it.
func (c *canvas) bodyCore(x, y float64) bool {
	switch {
	case y > c.chinY+0.7*c.fw:
		return math.Abs(x-c.cx) < 0.65*c.fw
	case y > c.chinY+0.25*c.fw:
		return math.Abs(x-c.cx) < 0.3*c.fw
	}
	return false
}

// cut runs GrabCut on the whole canvas, seeded by the priors and the
// colour distance: certainly backdrop outside the source and where the
// distance is small away from the person; certainly person in the face and
// neck; probable either way elsewhere by the distance.
func (s *segmentation) cut(c *canvas) error {
	seeds := make([]byte, c.w*c.h)
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			i := y*c.w + x
			fx, fy := float64(x), float64(y)
			d := s.dist[i]
			switch {
			case !c.inside[i]:
				seeds[i] = gcBG
			case c.headCore(fx, fy) || c.bodyCore(fx, fy):
				seeds[i] = gcFG
			case c.bodyPrior(fx, fy): // shoulders fill the cone under the chin
				seeds[i] = bodySeed(d, s.thresh)
			case c.headPrior(fx, fy):
				seeds[i] = headSeed(d, s.thresh)
			case d < s.thresh/2:
				seeds[i] = gcBG
			case d > s.thresh:
				seeds[i] = gcPrFG
			default:
				seeds[i] = gcPrBG
			}
		}
	}
	return s.runGrabCut(c, image.Rect(0, 0, c.w, c.h), seeds, grabIters)
}

// runGrabCut runs GrabCut on the canvas region r (at the canvas scale)
// from the seed labels and writes the result into the mask. GrabCut runs
// on the region reduced by grabScale (its colour models and graph cut cost
// grow with the pixels); the sure labels of the seeds stand at full
// resolution, and the soft edge is found later at the photo's own
// resolution (colourMatte).
func (s *segmentation) runGrabCut(c *canvas, r image.Rectangle, seeds []byte, iters int) error {
	if s.mask == nil {
		s.mask = make([]uint8, c.w*c.h)
	}
	if !hasBoth(seeds) {
		copyLabels(s.mask, c.w, r, seeds)
		return nil
	}
	full, err := gocv.NewMatFromBytes(r.Dy(), r.Dx(), gocv.MatTypeCV8U, seeds)
	if err != nil {
		return err
	}
	defer full.Close()
	small := image.Pt(max(8, int(float64(r.Dx())*grabScale)), max(8, int(float64(r.Dy())*grabScale)))
	mask := gocv.NewMat()
	defer mask.Close()
	gocv.Resize(full, &mask, small, 0, 0, gocv.InterpolationNearestNeighbor)
	roi := c.img.Region(r)
	defer roi.Close()
	img := gocv.NewMat()
	defer img.Close()
	gocv.Resize(roi, &img, small, 0, 0, gocv.InterpolationArea)
	bgd, fgd := gocv.NewMat(), gocv.NewMat()
	defer bgd.Close()
	defer fgd.Close()
	grabCut(img, &mask, &bgd, &fgd, iters)
	up := gocv.NewMat()
	defer up.Close()
	gocv.Resize(mask, &up, image.Pt(r.Dx(), r.Dy()), 0, 0, gocv.InterpolationNearestNeighbor)
	out, err := up.DataPtrUint8()
	if err != nil {
		return err
	}
	labels := make([]byte, len(seeds))
	for i, v := range seeds {
		labels[i] = out[i]
		if v == gcBG || v == gcFG {
			labels[i] = v
		}
	}
	copyLabels(s.mask, c.w, r, labels)
	return nil
}

// grabCut runs OpenCV's GrabCut with its random generator seeded, on one
// thread: its colour models start from a k-means with random centres, and
// the same still must always give the same photo.
func grabCut(img gocv.Mat, mask, bgd, fgd *gocv.Mat, iters int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	gocv.SetRNGSeed(grabSeed)
	gocv.GrabCut(img, mask, image.Rectangle{}, bgd, fgd, iters, gocv.GCInitWithMask)
}

// grabSeed seeds GrabCut's k-means (any fixed value).
const grabSeed = 0x6772

// bodySeed labels a pixel of the cone under the chin: person unless it
// is clearly backdrop.
func bodySeed(d, t float64) byte {
	switch {
	case d > t:
		return gcFG
	case d < t/2:
		return gcPrBG
	}
	return gcPrFG
}

// headSeed labels a pixel where hair may be: person when far from the
// backdrop, probable either way otherwise.
func headSeed(d, t float64) byte {
	switch {
	case d > 2*t:
		return gcFG
	case d > t:
		return gcPrFG
	}
	return gcPrBG
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

// clean keeps the person connected to the face and fills its enclosed
// holes, except those that look like backdrop outside the head (the gap
// between an arm and the body): those stay backdrop, to be replaced.
func (s *segmentation) clean(c *canvas) {
	seed := image.Pt(int(c.cx), int((c.eyeY+c.chinY)/2))
	s.mask = keepComponent(s.mask, c.w, c.h, seed)
	filled := fillHoles(s.mask, c.w, c.h)
	seen := make([]uint8, len(filled))
	for i := range filled {
		if filled[i] == 0 || s.mask[i] != 0 || seen[i] != 0 {
			continue
		}
		hole := region(s.mask, seen, c.w, c.h, i)
		if s.backdropHole(c, hole) {
			continue
		}
		for _, j := range hole {
			s.mask[j] = 255
		}
	}
}

// region is the 4-connected set of 0 pixels of mask around i (marked in seen).
func region(mask, seen []uint8, w, h, i int) []int {
	out := []int{i}
	seen[i] = 1
	for k := 0; k < len(out); k++ {
		x, y := out[k]%w, out[k]/w
		for _, n := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
			if n[0] < 0 || n[1] < 0 || n[0] >= w || n[1] >= h {
				continue
			}
			j := n[1]*w + n[0]
			if mask[j] == 0 && seen[j] == 0 {
				seen[j] = 1
				out = append(out, j)
			}
		}
	}
	return out
}

// backdropHole reports whether an enclosed hole is backdrop seen through
// the person: most of it is backdrop-coloured and it is not in the head.
func (s *segmentation) backdropHole(c *canvas, hole []int) bool {
	if len(hole) < 12 {
		return false
	}
	var near, inHead int
	for _, j := range hole {
		if s.dist[j] < s.thresh/2 {
			near++
		}
		if c.headPrior(float64(j%c.w), float64(j/c.w)) {
			inHead++
		}
	}
	return near*10 >= 7*len(hole) && inHead*2 < len(hole)
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
