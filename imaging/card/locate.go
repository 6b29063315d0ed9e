package card

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// Internal thresholds of the coarse search (step 1–2 of Find).
const (
	cardWorkWidth      = 640   // the search runs on the frame shrunk by a whole factor to about this width
	cardCannyLow       = 20    // Canny hysteresis thresholds on the blurred grey
	cardCannyHigh      = 60    //
	cardMinSeen        = 0.15  // quadrilaterals narrower than this (of the frame width) are not cards at all
	cardMinSupport     = 0.70  // share of a side's length that must lie on edges (fingers may hide the rest)
	cardMinSolidity    = 0.85  // region area / hull area
	cardMinCutSolidity = 0.7   // the same for a card cut by the frame edge (its text may touch the edge)
	cardMissAspect     = 0.25  // aspect tolerance for calling a tilted quadrilateral a skewed card
	cardMinCutArea     = 0.04  // a region cut by the frame edge must fill this share of the frame to be a card
	cardOpenEpsilon    = 0.008 // Douglas-Peucker tolerance (of the frame width) when looking for a card's sides along an outline
	cardMaxRuns        = 12    // longest straight runs of an outline tried as a card's sides
	cardMinWeakSupport = 0.3   // share of the weakest side on edges, when the card's region runs into the background
)

// cardCandidate is a card-shaped quadrilateral in work pixels.
type cardCandidate struct {
	q       cardQuad
	sight   cardSighting
	pose    cardPose
	width   float64 // long side / frame width
	support float64
	score   float64
}

// cardSearch holds the state of the coarse search on the shrunk frame.
type cardSearch struct {
	w, h     int
	edges    []byte // dilated Canny edges, frame border drawn in
	focal    float64
	centre   cardPt
	best     cardCandidate
	found    bool
	miss     error   // the nearest miss so far, when nothing is found
	missArea float64 // its area
}

// cardLocate finds the card's quadrilateral in the BGR frame, in frame
// pixels, ordered TL, TR, BR, BL, and tells how well it was seen.
func cardLocate(frame gocv.Mat) (cardQuad, cardSighting, error) {
	n := cardWorkFactor(frame.Cols())
	edges := cardEdgeMap(frame, n)
	defer edges.Close()
	s, err := newCardSearch(edges)
	if err != nil {
		return cardQuad{}, 0, err
	}
	contours := gocv.FindContours(edges, gocv.RetrievalList, gocv.ChainApproxSimple)
	defer contours.Close()
	var big []gocv.PointVector
	for i := range contours.Size() {
		if c := contours.At(i); s.consider(c) {
			big = append(big, c)
		}
	}
	for _, c := range big { // only when no card was seen all round
		if s.found {
			break
		}
		s.considerOpen(c)
	}
	if !s.found {
		return cardQuad{}, 0, s.refusal()
	}
	var q cardQuad
	kx, ky := float64(frame.Cols())/float64(s.w), float64(frame.Rows())/float64(s.h)
	for i, p := range s.best.q { // work pixel centres → frame pixel centres
		q[i] = cardPt{(p.X+0.5)*kx - 0.5, (p.Y+0.5)*ky - 0.5}
	}
	return q, s.best.sight, nil
}

// cardWorkFactor is the whole factor that shrinks a frame w pixels wide
// to about cardWorkWidth (a whole factor keeps OpenCV's area resize on its
// fast path: 1280 → 640 takes a tenth of 1280 → 512).
func cardWorkFactor(w int) int { return max(1, int(math.Round(float64(w)/cardWorkWidth))) }

// cardEdgeMap shrinks the BGR frame n times, turns it grey, finds Canny
// edges, dilates them by one pixel and draws the frame's border in.
func cardEdgeMap(frame gocv.Mat, n int) gocv.Mat {
	small, grey := gocv.NewMat(), gocv.NewMat()
	defer small.Close()
	defer grey.Close()
	size := image.Pt(frame.Cols()/n, frame.Rows()/n)
	gocv.Resize(frame, &small, size, 0, 0, gocv.InterpolationArea)
	gocv.CvtColor(small, &grey, gocv.ColorBGRToGray)
	gocv.GaussianBlur(grey, &small, image.Pt(5, 5), 0, 0, gocv.BorderReflect101)
	edges := gocv.NewMat()
	gocv.Canny(small, &edges, cardCannyLow, cardCannyHigh)
	kernel := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(3, 3))
	defer kernel.Close()
	gocv.Dilate(edges, &edges, kernel)
	// findContours ignores the outermost pixel: draw the border inside it.
	gocv.Rectangle(&edges, image.Rect(1, 1, size.X-2, size.Y-2), color.RGBA{255, 255, 255, 255}, 1)
	return edges
}

// newCardSearch starts a search on the edge map (which must outlive it).
func newCardSearch(edges gocv.Mat) (*cardSearch, error) {
	b, err := edges.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("edge map: %w", err)
	}
	w, h := edges.Cols(), edges.Rows()
	return &cardSearch{
		w: w, h: h, edges: b,
		focal:  Focal * float64(w),
		centre: cardPt{float64(w-1) / 2, float64(h-1) / 2},
		miss:   ErrNoCard,
	}, nil
}

// refusal is the error for a frame without a card: the nearest miss.
func (s *cardSearch) refusal() error { return s.miss }

// missed records a near miss; the largest one names the refusal.
func (s *cardSearch) missed(err error, area float64) {
	if area > s.missArea {
		s.miss, s.missArea = err, area
	}
}

// consider judges one region outline by its hull, and reports whether
// the region is large enough to hold a card.
func (s *cardSearch) consider(contour gocv.PointVector) bool {
	frame := float64(s.w * s.h)
	minArea := 0.5 * math.Pow(cardMinSeen*float64(s.w), 2) / Aspect
	area := gocv.ContourArea(contour)
	if area < minArea || area > 0.9*frame {
		return false
	}
	s.considerHull(contour, area)
	return true
}

// considerHull judges the convex hull of a region outline: a card, or a
// card cut by the frame's edge.
func (s *cardSearch) considerHull(contour gocv.PointVector, area float64) {
	poly, solidity := cardHullPoly(contour)
	if solidity < cardMinCutSolidity || len(poly) < 4 || len(poly) > 6 {
		return
	}
	if len(poly) == 4 {
		q := cardClockwise([4]cardPt(poly))
		poly = q[:]
	}
	fitted, straight := cardFitPoly(poly, contour.ToPoints())
	if !straight {
		fitted = poly
	}
	onBorder := make([]bool, len(poly))
	cut := false
	for i := range poly {
		onBorder[i] = s.nearBorder(poly[i]) || s.nearBorder(fitted[i])
		cut = cut || onBorder[i]
	}
	switch {
	case cut:
		s.considerCut(fitted, onBorder, area)
	case len(poly) == 4 && solidity >= cardMinSolidity && straight:
		// (not straight: a side of the hull bridges a gap in the outline)
		s.considerQuad(cardQuad(fitted), area, cardAllRound)
	}
}

// cardFitPoly straightens the sides of poly, a convex polygon simplified
// from an outline, along the outline's points: the vertices
// Douglas-Peucker keeps sit inside the card's rounded corners, its sides
// do not. The result keeps poly's order.
func cardFitPoly(poly []cardPt, outline []image.Point) ([]cardPt, bool) {
	dense := cardDensify(outline)
	n := len(poly)
	lines := make([]cardLine, n)
	var near []cardPt
	for i := range poly {
		a, b := poly[i], poly[(i+1)%n]
		ln := a.dist(b)
		side := cardLine{p: a, d: b.sub(a).unit()}
		tol := max(3, 0.03*ln)
		near = near[:0]
		for _, p := range dense {
			t := p.sub(a).dot(side.d) / ln
			if t > 0.1 && t < 0.9 && math.Abs(side.dist(p)) <= tol {
				near = append(near, p)
			}
		}
		l, ok := cardFitLine(near, side.d)
		if !ok || len(near) < 4 {
			return poly, false
		}
		lines[i] = l
	}
	r := make([]cardPt, n)
	for i := range r {
		p, ok := cardMeet(lines[(i+n-1)%n], lines[i])
		if !ok || p.dist(poly[i]) > 0.1*poly[i].dist(poly[(i+1)%n]) {
			return poly, false
		}
		r[i] = p
	}
	return r, true
}

// cardDensify puts a point every 2 pixels along a closed outline whose
// straight runs were compressed to their ends.
func cardDensify(outline []image.Point) []cardPt {
	var d []cardPt
	for i, o := range outline {
		a, b := cardPtOf(o), cardPtOf(outline[(i+1)%len(outline)])
		n := max(1, int(a.dist(b)/2))
		for k := range n {
			d = append(d, a.lerp(b, float64(k)/float64(n)))
		}
	}
	return d
}

// cardHullPoly simplifies a region outline to the polygon of its convex
// hull (4 vertices for a card, a few more when a frame edge cuts it) and
// returns it with the region's solidity (area / hull area).
func cardHullPoly(contour gocv.PointVector) ([]cardPt, float64) {
	hull := gocv.NewMat()
	defer hull.Close()
	gocv.ConvexHull(contour, &hull, true, true)
	hv := gocv.NewPointVectorFromMat(hull)
	defer hv.Close()
	ha := gocv.ContourArea(hv)
	if ha <= 0 {
		return nil, 0
	}
	solidity := gocv.ContourArea(contour) / ha
	perim := gocv.ArcLength(hv, true)
	var poly []cardPt
	for _, eps := range []float64{0.01, 0.02, 0.035, 0.05} {
		ap := gocv.ApproxPolyDP(hv, eps*perim, true)
		pts := ap.ToPoints()
		ap.Close()
		poly = poly[:0]
		for _, p := range pts {
			poly = append(poly, cardPtOf(p))
		}
		if len(poly) <= 4 {
			break
		}
	}
	return poly, solidity
}

// nearBorder reports whether p is within EdgeMargin of the frame's
// edge.
func (s *cardSearch) nearBorder(p cardPt) bool {
	m := EdgeMargin * float64(s.w)
	return p.X <= m || p.Y <= m || p.X >= float64(s.w-1)-m || p.Y >= float64(s.h-1)-m
}

// How much of a card's outline was seen.
type cardSighting int

const (
	cardAllRound  cardSighting = iota // every side at least cardMinSupport
	cardMostly                        // the weakest side at least cardMinWeakSupport
	cardThreeSide                     // one side lost entirely
)

// considerQuad judges a quadrilateral clear of the frame's edge, seen as
// sight says.
func (s *cardSearch) considerQuad(q cardQuad, area float64, sight cardSighting) {
	if !q.convex() {
		return
	}
	support, ok := s.support(q, sight)
	if !ok {
		return
	}
	q = cardLandscape(q, s.focal, s.centre)
	pose, ok := cardPoseOf(q, s.focal, s.centre)
	c := cardCandidate{q: q, sight: sight, pose: pose, width: q.longSide() / float64(s.w), support: support}
	if !ok || c.width < cardMinSeen || !s.judge(c, area) {
		return
	}
	off := math.Abs(math.Log(pose.aspect / Aspect))
	c.score = area * c.support * (1 - 0.5*off/math.Log(1+AspectTolerance))
	c.score *= [...]float64{1, 0.75, 0.6}[sight] // prefer a card seen all round
	if !s.found || c.score > s.best.score {
		s.best, s.found = c, true
	}
}

// support is the mean share of q's sides lying on edges; ok is false
// when the sides are not supported as sight requires.
func (s *cardSearch) support(q cardQuad, sight cardSighting) (float64, bool) {
	var sum, weakest, second float64 = 0, 1, 1
	for i := range q {
		sup := s.segmentSupport(q[i], q[(i+1)%4])
		sum, second, weakest = sum+sup, min(second, max(sup, weakest)), min(weakest, sup)
	}
	minWeakest := [...]float64{cardMinSupport, cardMinWeakSupport, 0}[sight]
	return sum / 4, weakest >= minWeakest && second >= cardMinSupport
}

// judge reports whether the candidate is a card, recording it as a near
// miss (too tilted, too small) when a card seen all round is not one.
func (s *cardSearch) judge(c cardCandidate, area float64) bool {
	off := math.Abs(math.Log(c.pose.aspect / Aspect))
	switch {
	case off > math.Log(1+cardMissAspect):
		return false
	case c.sight != cardAllRound && (c.pose.tilt > MaxTilt || c.width < MinWidth):
		return false // too weak a sighting to refuse on
	case c.pose.tilt > MaxTilt:
		s.missed(fmt.Errorf("%w (%.0f° > %.0f°)", ErrSkewed, c.pose.tilt, MaxTilt), area)
		return false
	case off > math.Log(1+AspectTolerance):
		return false
	case c.width < MinWidth:
		s.missed(fmt.Errorf("%w (%.0f %% of the frame width, needs %.0f %%)", ErrTooSmall, 100*c.width, 100*MinWidth), area)
		return false
	}
	return true
}

// considerOpen looks along an outline for straight runs that could be
// the sides of a card whose region runs into the background where a side
// is lost against an equally bright background: four long runs, in the
// outline's order, whose lines meet in a convex quadrilateral with
// near-right angles (the weakest side needs only cardMinWeakSupport);
// failing that, three runs in a U, closed by the line between the legs'
// free ends.
func (s *cardSearch) considerOpen(contour gocv.PointVector) {
	runs := s.longRuns(contour)
	s.considerFourRuns(runs)
	if !s.found {
		s.considerThreeRuns(runs)
	}
}

func (s *cardSearch) considerFourRuns(runs []cardRun) {
	n := len(runs)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			for k := j + 1; k < n; k++ {
				for l := k + 1; l < n; l++ {
					if q, ok := cardRunQuad(runs[i], runs[j], runs[k], runs[l]); ok && !s.touches(q) {
						s.considerQuad(cardClockwise(q), math.Abs(q.area()), cardMostly)
					}
				}
			}
		}
	}
}

func (s *cardSearch) considerThreeRuns(runs []cardRun) {
	n := len(runs)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			for k := j + 1; k < n; k++ {
				a, b, c := runs[i], runs[j], runs[k]
				for _, u := range [3][3]cardRun{{a, b, c}, {b, c, a}, {c, a, b}} { // the outline's order is cyclic
					if q, ok := cardRunU(u[0], u[1], u[2]); ok && !s.touches(q) {
						s.considerQuad(cardClockwise(q), math.Abs(q.area()), cardThreeSide)
					}
				}
			}
		}
	}
}

// cardRunU closes three runs, met in this order along an outline, into a
// quadrilateral: the corners where the base r1 meets the legs r0 and r2,
// and the legs' free ends. ok is false unless the legs meet the base at
// 90 ± 30°, are antiparallel within 30° and reach its corners.
func cardRunU(r0, r1, r2 cardRun) (cardQuad, bool) {
	b, ok1 := cardMeet(r0.line(), r1.line())
	c, ok2 := cardMeet(r1.line(), r2.line())
	if !ok1 || !ok2 {
		return cardQuad{}, false
	}
	u, v, w := r0.line().d, r1.line().d, r2.line().d
	if math.Abs(u.dot(v)) > 0.5 || math.Abs(v.dot(w)) > 0.5 || u.dot(w) > -math.Cos(30*math.Pi/180) {
		return cardQuad{}, false
	}
	l0, l1, l2 := r0.a.dist(r0.b), r1.a.dist(r1.b), r2.a.dist(r2.b)
	if !r0.leadsTo(b, 1.5*max(l0, l1)) || !r1.comesFrom(b, 1.5*max(l0, l1)) ||
		!r1.leadsTo(c, 1.5*max(l1, l2)) || !r2.comesFrom(c, 1.5*max(l1, l2)) {
		return cardQuad{}, false
	}
	return cardQuad{r0.a, b, c, r2.b}, true
}

// cardRun is a straight run of an outline, from a to b.
type cardRun struct{ a, b cardPt }

// line is the run's line, directed from a to b.
func (r cardRun) line() cardLine { return cardLine{p: r.a, d: r.b.sub(r.a).unit()} }

// longRuns is the outline's straight runs (Douglas-Peucker) long enough
// to be part of a card's side, in order, at most cardMaxRuns of the
// longest.
func (s *cardSearch) longRuns(contour gocv.PointVector) []cardRun {
	ap := gocv.ApproxPolyDP(contour, cardOpenEpsilon*float64(s.w), true)
	v := ap.ToPoints()
	ap.Close()
	minLen := 0.4 * cardMinSeen * float64(s.w) / Aspect
	var runs []cardRun
	for i := range v {
		r := cardRun{cardPtOf(v[i]), cardPtOf(v[(i+1)%len(v)])}
		if r.a.dist(r.b) >= minLen && !(s.nearBorder(r.a) && s.nearBorder(r.b)) {
			runs = append(runs, r)
		}
	}
	runs = cardMergeRuns(runs)
	for len(runs) > cardMaxRuns { // drop the shortest, keeping the order
		short := 0
		for i, r := range runs {
			if r.a.dist(r.b) < runs[short].a.dist(runs[short].b) {
				short = i
			}
		}
		runs = append(runs[:short], runs[short+1:]...)
	}
	return runs
}

// cardMergeRuns joins neighbouring runs that lie on one line (a side
// broken where something crosses it).
func cardMergeRuns(runs []cardRun) []cardRun {
	var out []cardRun
	for _, r := range runs {
		if n := len(out); n > 0 && out[n-1].collinear(r) {
			out[n-1].b = r.b
			continue
		}
		out = append(out, r)
	}
	if n := len(out); n > 1 && out[n-1].collinear(out[0]) {
		out[0].a = out[n-1].a
		out = out[:n-1]
	}
	return out
}

// collinear reports whether r and the run after it lie on one line:
// within 6° and 2 work pixels, r's end before the next's start.
func (r cardRun) collinear(next cardRun) bool {
	l := r.line()
	if l.d.dot(next.line().d) < math.Cos(6*math.Pi/180) {
		return false
	}
	return math.Abs(l.dist(next.a)) <= 2 && math.Abs(l.dist(next.b)) <= 2+0.02*next.a.dist(next.b) &&
		next.a.sub(r.b).dot(l.d) >= -2
}

// cardRunQuad closes four runs, met in this order along an outline, into
// the quadrilateral of their lines. ok is false unless neighbouring runs
// meet at 90 ± 30°, opposite runs are antiparallel within 30°, and each
// corner lies beyond the ends of the two runs that make it, by less than
// 1.5 times the longer run's length (a run may have lost a part).
func cardRunQuad(r0, r1, r2, r3 cardRun) (cardQuad, bool) {
	runs := [4]cardRun{r0, r1, r2, r3}
	var q cardQuad
	for i := range runs {
		p, ok := cardMeet(runs[(i+3)%4].line(), runs[i].line())
		if !ok {
			return q, false
		}
		q[i] = p
	}
	for i := range runs {
		u, v, w := runs[i].line().d, runs[(i+1)%4].line().d, runs[(i+2)%4].line().d
		if math.Abs(u.dot(v)) > 0.5 || u.dot(w) > -math.Cos(30*math.Pi/180) {
			return q, false
		}
		prev, next := runs[(i+3)%4], runs[i]
		reach := 1.5 * max(prev.a.dist(prev.b), next.a.dist(next.b))
		if !prev.leadsTo(q[i], reach) || !next.comesFrom(q[i], reach) {
			return q, false
		}
	}
	return q, true
}

// leadsTo reports whether p lies ahead of the run's end (or on its last
// quarter), within reach of it.
func (r cardRun) leadsTo(p cardPt, reach float64) bool {
	ln := r.a.dist(r.b)
	t := p.sub(r.a).dot(r.b.sub(r.a)) / (ln * ln)
	return t >= 0.75 && p.dist(r.b) <= reach+10
}

// comesFrom reports whether p lies behind the run's start (or on its first
// quarter), within reach of it.
func (r cardRun) comesFrom(p cardPt, reach float64) bool {
	return cardRun{r.b, r.a}.leadsTo(p, reach)
}

// touches reports whether a corner of q is near the frame's edge.
func (s *cardSearch) touches(q cardQuad) bool {
	for _, p := range q {
		if s.nearBorder(p) {
			return true
		}
	}
	return false
}

// considerCut judges a region that touches the frame's edge: it is a card
// cut off when it is large and its corners off the edge (one at least)
// are near right angles between long, well-supported straight sides.
func (s *cardSearch) considerCut(poly []cardPt, onBorder []bool, area float64) {
	frame := float64(s.w * s.h)
	if area < cardMinCutArea*frame || area > 0.6*frame {
		return
	}
	n, corners := len(poly), 0
	for i := range n {
		if onBorder[i] {
			continue
		}
		a, b, c := poly[(i+n-1)%n], poly[i], poly[(i+1)%n]
		if cos := math.Abs(a.sub(b).unit().dot(c.sub(b).unit())); cos > math.Cos(60*math.Pi/180) {
			return // not a corner of a rectangle seen at ≤ 30° tilt
		}
		minSide := cardMinSeen * float64(s.w) / Aspect
		if a.dist(b) < minSide || c.dist(b) < minSide {
			return
		}
		if s.segmentSupport(a, b) < cardMinSupport || s.segmentSupport(b, c) < cardMinSupport {
			return
		}
		corners++
	}
	if corners > 0 {
		s.missed(ErrCutOff, area)
	}
}

// segmentSupport is the share of the segment a→b (its middle 80 %, away
// from rounded corners) with a (dilated) edge pixel within 2 pixels.
// Samples on the frame's border count as supported.
func (s *cardSearch) segmentSupport(a, b cardPt) float64 {
	n := int(a.dist(b) / 2)
	if n < 4 {
		return 0
	}
	hit := 0
	for i := range n {
		p := a.lerp(b, 0.1+0.8*(float64(i)+0.5)/float64(n))
		if s.edgeNear(int(math.Round(p.X)), int(math.Round(p.Y))) {
			hit++
		}
	}
	return float64(hit) / float64(n)
}

// edgeNear reports whether the edge map has an edge pixel within 2
// pixels of (x, y).
func (s *cardSearch) edgeNear(x, y int) bool {
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			u, v := x+dx, y+dy
			if u >= 0 && v >= 0 && u < s.w && v < s.h && s.edges[v*s.w+u] != 0 {
				return true
			}
		}
	}
	return false
}
