package face

import "math"

// grayImage is an 8-bit grey patch with its integral image.
type grayImage struct {
	w, h int
	pix  []uint8
	sum  []int32 // (w+1)×(h+1) integral image
}

func newGrayImage(pix []uint8, w, h int) grayImage {
	g := grayImage{w: w, h: h, pix: pix, sum: make([]int32, (w+1)*(h+1))}
	for y := 0; y < h; y++ {
		var row int32
		for x := 0; x < w; x++ {
			row += int32(pix[y*w+x])
			g.sum[(y+1)*(w+1)+x+1] = g.sum[y*(w+1)+x+1] + row
		}
	}
	return g
}

// boxSum is the sum and pixel count of the box [x0,x1)×[y0,y1), clamped.
func (g grayImage) boxSum(x0, y0, x1, y1 int) (sum, n int32) {
	x0, y0 = max(0, x0), max(0, y0)
	x1, y1 = min(g.w, x1), min(g.h, y1)
	if x1 <= x0 || y1 <= y0 {
		return 0, 0
	}
	w := g.w + 1
	s := g.sum[y1*w+x1] - g.sum[y0*w+x1] - g.sum[y1*w+x0] + g.sum[y0*w+x0]
	return s, int32((x1 - x0) * (y1 - y0))
}

// contrastAt is the lateral contrast of a dark iris at (x, y): how much
// darker a square of half side rin is than the darker of two squares of the
// same size beside it, at ±off (the sclera), relative to that side's mean.
// A horizontal dark band (brow, glasses rim, the lashes of a closed eye) is
// as dark beside as in the middle and scores ≈ 0.
func (g grayImage) contrastAt(x, y, rin, off int) float64 {
	mean := func(cx int) float64 {
		s, n := g.boxSum(cx-rin, y-rin, cx+rin+1, y+rin+1)
		if n == 0 {
			return 0
		}
		return float64(s) / float64(n)
	}
	inner, side := mean(x), min(mean(x-off), mean(x+off))
	if side <= 0 {
		return 0
	}
	return (side - inner) / side
}

// findIris looks for the darkest iris-sized blob near (px, py) in the
// normalised, catchlight-free patch (the eye distance is eyeNorm pixels),
// fits the iris sides around it and returns the sub-pixel centre and the
// blob's contrast.
func findIris(g grayImage, px, py float64) (x, y, contrast float64) {
	rin := int(math.Round(irisInner * eyeNorm))
	side := int(math.Round(irisSide * eyeNorm))
	sw, sh := searchHalfW*eyeNorm, searchHalfH*eyeNorm
	sig2 := 2 * (priorSigma * eyeNorm) * (priorSigma * eyeNorm)
	best, bx, by := math.Inf(-1), -1, -1
	for yy := int(math.Ceil(py - sh)); yy <= int(math.Floor(py+sh)); yy++ {
		for xx := int(math.Ceil(px - sw)); xx <= int(math.Floor(px+sw)); xx++ {
			if xx < 0 || yy < 0 || xx >= g.w || yy >= g.h {
				continue
			}
			c := g.contrastAt(xx, yy, rin, side)
			d2 := (float64(xx)-px)*(float64(xx)-px) + (float64(yy)-py)*(float64(yy)-py)
			score := c * math.Exp(-d2/sig2)
			if score > best {
				best, bx, by = score, xx, yy
			}
		}
	}
	if bx < 0 {
		return px, py, 0
	}
	x, y = g.darkCentroid(bx, by, side)
	if fx, fy, ok := g.fitIris(x, y); ok {
		x, y = fx, fy
	}
	contrast = g.contrastAt(int(math.Round(x)), int(math.Round(y)), rin, side)
	return x, y, contrast
}

// darkCentroid refines (x, y) to the centroid of the pixels within r of it
// that are darker than the mean of the square of half side r around it,
// weighted by how much darker they are.
func (g grayImage) darkCentroid(x, y, r int) (float64, float64) {
	s, n := g.boxSum(x-r, y-r, x+r+1, y+r+1)
	if n == 0 {
		return float64(x), float64(y)
	}
	t := float64(s) / float64(n)
	var sw, sx, sy float64
	for yy := max(0, y-r); yy <= min(g.h-1, y+r); yy++ {
		for xx := max(0, x-r); xx <= min(g.w-1, x+r); xx++ {
			w := t - float64(g.pix[yy*g.w+xx])
			if w <= 0 {
				continue
			}
			sw += w
			sx += w * float64(xx)
			sy += w * float64(yy)
		}
	}
	if sw == 0 {
		return float64(x), float64(y)
	}
	return sx / sw, sy / sw
}

// Iris boundary search (Daugman's integro-differential operator restricted
// to the sides of the iris, which the eyelids do not cover), on integer
// centres with precomputed bilinear taps, then a parabolic sub-pixel step.
const (
	irisRMin   = 0.07 // iris radius range, in e
	irisRMax   = 0.13
	irisShift  = 0.05 // how far the boundary fit may move the blob centre, in e
	arcHalfDeg = 45   // half-angle of each lateral arc
	arcSteps   = 9    // samples per arc
	edgeHalf   = 1.5  // px: the step is measured from r−edgeHalf to r+edgeHalf
)

// tap is one bilinear sample at a fixed offset from an integer centre.
type tap struct {
	dx, dy int
	w      [4]float32 // weights of (dx,dy), (dx+1,dy), (dx,dy+1), (dx+1,dy+1)
}

// ring is the taps of one radius: outer samples count +, inner ones −.
type ring struct {
	outer, inner []tap
	reach        int // the largest |offset| + 1
}

// rings holds the precomputed taps for each radius of the search.
var rings = func() []ring {
	var rs []ring
	for r := irisRMin * eyeNorm; r <= irisRMax*eyeNorm+0.5; r++ {
		var g ring
		for _, base := range []float64{0, 180} {
			for i := range arcSteps {
				a := (base - arcHalfDeg + 2*arcHalfDeg*float64(i)/float64(arcSteps-1)) * math.Pi / 180
				c, s := math.Cos(a), math.Sin(a)
				g.outer = append(g.outer, newTap((r+edgeHalf)*c, (r+edgeHalf)*s))
				g.inner = append(g.inner, newTap((r-edgeHalf)*c, (r-edgeHalf)*s))
			}
		}
		g.reach = int(math.Ceil(r+edgeHalf)) + 1
		rs = append(rs, g)
	}
	return rs
}()

func newTap(x, y float64) tap {
	fx, fy := math.Floor(x), math.Floor(y)
	ax, ay := float32(x-fx), float32(y-fy)
	return tap{dx: int(fx), dy: int(fy), w: [4]float32{(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay}}
}

// sample sums the taps around the integer centre (x, y) (all in bounds).
func (g grayImage) sample(x, y int, taps []tap) float32 {
	var s float32
	for _, t := range taps {
		i := (y+t.dy)*g.w + x + t.dx
		s += t.w[0]*float32(g.pix[i]) + t.w[1]*float32(g.pix[i+1]) +
			t.w[2]*float32(g.pix[i+g.w]) + t.w[3]*float32(g.pix[i+g.w+1])
	}
	return s
}

// edge is the mean dark-to-bright step across ring r at (x, y); ok is false
// when the ring does not fit in the patch.
func (g grayImage) edge(x, y int, r ring) (float64, bool) {
	if x < r.reach || y < r.reach || x+r.reach >= g.w || y+r.reach >= g.h {
		return 0, false
	}
	return float64(g.sample(x, y, r.outer)-g.sample(x, y, r.inner)) / float64(len(r.outer)), true
}

// fitIris moves (x, y) to the centre of the circle whose sides best match a
// dark-to-bright iris boundary; ok is false when no boundary stands out.
func (g grayImage) fitIris(x, y float64) (fx, fy float64, ok bool) {
	shift := int(math.Round(irisShift * eyeNorm))
	x0, y0 := int(math.Round(x)), int(math.Round(y))
	best, bx, by, br := 0.0, 0, 0, -1
	for cy := y0 - shift; cy <= y0+shift; cy++ {
		for cx := x0 - shift; cx <= x0+shift; cx++ {
			for ri, r := range rings {
				if s, in := g.edge(cx, cy, r); in && s > best {
					best, bx, by, br = s, cx, cy, ri
				}
			}
		}
	}
	if br < 0 {
		return x, y, false
	}
	at := func(cx, cy int) float64 { s, _ := g.edge(cx, cy, rings[br]); return s }
	return float64(bx) + vertex(at(bx-1, by), best, at(bx+1, by)),
		float64(by) + vertex(at(bx, by-1), best, at(bx, by+1)), true
}

// vertex is the offset (−0.5…0.5) of the top of the parabola through
// (−1, a), (0, b), (1, c), with b the largest.
func vertex(a, b, c float64) float64 {
	den := a - 2*b + c
	if den >= 0 {
		return 0
	}
	return math.Max(-0.5, math.Min(0.5, 0.5*(a-c)/den))
}
