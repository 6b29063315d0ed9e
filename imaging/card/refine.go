package card

import (
	"fmt"
	"math"

	"gocv.io/x/gocv"
)

// Internal thresholds of the corner refinement (step 3 of Find).
const (
	cardRefineReach   = 8   // work pixels: how far from the coarse side the first pass looks
	cardRefineFine    = 3.0 // frame pixels: how far from the first fit the second pass looks
	cardRefineSamples = 40  // edge samples per side (half as many in the first pass)
	cardInlier        = 1.5 // frame pixels: an edge sample this near the line supports it
	cardMinInliers    = 0.4 // share of a side's samples that must agree on its line
	cardMaxTurn       = 4.0 // degrees a refined side may turn from the coarse one, when seen all round
	cardMaxTurnWeak   = 10  // the same for a card partly seen
)

// cardGrey is a read-only view of a BGR 8-bit image's grey levels, with
// how far (degrees) a fitted side may turn from the side it refines.
type cardGrey struct {
	pix  []byte // BGR, continuous
	w, h int
	turn float64
}

// luma is the grey level of pixel (x, y).
func (g cardGrey) luma(x, y int) float64 {
	i := 3 * (y*g.w + x)
	return 0.114*float64(g.pix[i]) + 0.587*float64(g.pix[i+1]) + 0.299*float64(g.pix[i+2])
}

// at is the bilinear grey level at (x, y) (pixel centres at integers),
// clamped at the border.
func (g cardGrey) at(x, y float64) float64 {
	x = max(0, min(float64(g.w-1), x))
	y = max(0, min(float64(g.h-1), y))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, g.w-1), min(y0+1, g.h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	r0 := g.luma(x0, y0)*(1-fx) + g.luma(x1, y0)*fx
	r1 := g.luma(x0, y1)*(1-fx) + g.luma(x1, y1)*fx
	return r0*(1-fy) + r1*fy
}

// cardRefine moves each side of the coarse quadrilateral q (frame pixels)
// onto the straight grey-level edge nearest to it and returns the
// intersections of the refined sides. A side with too little edge evidence
// keeps its coarse position; a side may turn less from a card seen all
// round (its coarse sides are good) than from one partly seen. It fails
// with ErrCutOff when a refined corner comes near the frame's edge.
// frame is BGR and continuous.
func cardRefine(frame gocv.Mat, q cardQuad, sight cardSighting) (cardQuad, error) {
	pix, err := frame.DataPtrUint8()
	if err != nil {
		return q, fmt.Errorf("refine corners: %w", err)
	}
	g := cardGrey{pix: pix, w: frame.Cols(), h: frame.Rows(), turn: cardMaxTurn}
	if sight != cardAllRound {
		g.turn = cardMaxTurnWeak
	}
	reach := cardRefineReach * float64(cardWorkFactor(g.w))
	r := g.refinePass(q, reach, cardRefineSamples/2)
	r = g.refinePass(r, cardRefineFine, cardRefineSamples)
	if !r.convex() {
		return q, nil
	}
	for i := range r {
		if r[i].dist(q[i]) > 3*reach {
			return q, nil // the fit wandered off: keep the coarse corners
		}
	}
	m := EdgeMargin * float64(g.w)
	for _, p := range r {
		if p.X < m || p.Y < m || p.X > float64(g.w-1)-m || p.Y > float64(g.h-1)-m {
			return q, ErrCutOff
		}
	}
	return r, nil
}

// refinePass fits each side's line near its current position (within
// reach, from samples edge samples) and intersects neighbouring lines.
func (g cardGrey) refinePass(q cardQuad, reach float64, samples int) cardQuad {
	var lines [4]cardLine
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		l, ok := g.fitSide(a, b, reach, samples)
		if !ok {
			l = cardLine{p: a, d: b.sub(a).unit()}
		}
		lines[i] = l
	}
	r := q
	for i := range r {
		if p, ok := cardMeet(lines[(i+3)%4], lines[i]); ok {
			r[i] = p
		}
	}
	return r
}

// fitSide samples the edge across the side a→b (clockwise quadrilateral,
// so the outside is to the left of a→b on screen) and fits a line to the
// samples that agree.
func (g cardGrey) fitSide(a, b cardPt, reach float64, samples int) (cardLine, bool) {
	t := b.sub(a).unit()
	n := cardPt{t.Y, -t.X} // outward normal
	var neg, pos []cardPt
	var sNeg, sPos float64
	for i := range samples {
		p := a.lerp(b, 0.1+0.8*(float64(i)+0.5)/float64(samples))
		on, sn, op, sp := g.edgeAcross(p, n, t, reach)
		neg, sNeg = append(neg, p.add(n.mul(on))), sNeg+sn
		pos, sPos = append(pos, p.add(n.mul(op))), sPos+sp
	}
	pts := neg // a card brighter than what is around it: the usual case
	if sPos > sNeg {
		pts = pos
	}
	return cardConsensusLine(pts, t, g.turn)
}

// edgeAcross looks along the normal n through p, up to reach either way,
// for the strongest falling (bright inside, dark outside) and rising edge,
// and returns their sub-pixel offsets and strengths.
func (g cardGrey) edgeAcross(p, n, t cardPt, reach float64) (offNeg, strNeg, offPos, strPos float64) {
	steps := int(math.Ceil(reach))
	var buf [2][64]float64
	if 2*steps+3 > len(buf[0]) {
		steps = (len(buf[0]) - 3) / 2
	}
	prof, d := buf[0][:0], buf[1][:2*steps+3]
	for s := -steps - 1; s <= steps+1; s++ {
		c := p.add(n.mul(float64(s)))
		v := g.at(c.X, c.Y) + g.at(c.X+1.5*t.X, c.Y+1.5*t.Y) + g.at(c.X-1.5*t.X, c.Y-1.5*t.Y)
		prof = append(prof, v/3)
	}
	for j := 1; j < len(prof)-1; j++ {
		d[j] = prof[j+1] - prof[j-1]
	}
	jn, jp := 1, 1
	for j := 1; j < len(prof)-1; j++ {
		if d[j] < d[jn] {
			jn = j
		}
		if d[j] > d[jp] {
			jp = j
		}
	}
	at := func(j int) float64 { return float64(j-steps-1) + cardParabola(d, j) }
	return at(jn), -d[jn], at(jp), d[jp]
}

// cardParabola is the sub-pixel offset of the extremum of d at j.
func cardParabola(d []float64, j int) float64 {
	if j < 2 || j > len(d)-3 {
		return 0
	}
	den := d[j-1] - 2*d[j] + d[j+1]
	if den == 0 {
		return 0
	}
	return max(-0.5, min(0.5, 0.5*(d[j-1]-d[j+1])/den))
}

// cardConsensusLine finds the line through the most points (lines
// through pairs of points a third to half the side apart, within turn
// degrees of the direction hint, are proposed; cardInlier decides) and
// refits it to them by least squares. It fails when fewer than
// cardMinInliers agree.
func cardConsensusLine(pts []cardPt, hint cardPt, turn float64) (cardLine, bool) {
	var best cardLine
	most, n := 0, len(pts)
	for i := range n {
		for _, j := range [2]int{i + n/3, i + n/2} {
			if j >= n || pts[i].dist(pts[j]) < 1 {
				continue
			}
			l := cardLine{p: pts[i], d: pts[j].sub(pts[i]).unit()}
			if l.d.dot(hint) < math.Cos(turn*math.Pi/180) {
				continue // another straight edge crossing near the card's
			}
			if c := cardInlierCount(pts, l); c > most {
				best, most = l, c
			}
		}
	}
	if float64(most) < cardMinInliers*float64(n) {
		return cardLine{}, false
	}
	l, ok := cardFitLine(cardInliers(pts, best), hint)
	if !ok {
		return l, false
	}
	return cardFitLine(cardInliers(pts, l), hint)
}

// cardInlierCount is how many points lie within cardInlier of l.
func cardInlierCount(pts []cardPt, l cardLine) int {
	n := 0
	for _, p := range pts {
		if math.Abs(l.dist(p)) <= cardInlier {
			n++
		}
	}
	return n
}

// cardInliers is the points within cardInlier of l.
func cardInliers(pts []cardPt, l cardLine) []cardPt {
	var in []cardPt
	for _, p := range pts {
		if math.Abs(l.dist(p)) <= cardInlier {
			in = append(in, p)
		}
	}
	return in
}
