package card

import (
	"image"
	"math"
	"sort"
)

// cardPt is a point in pixels (x right, y down) with sub-pixel precision.
type cardPt struct{ X, Y float64 }

func (p cardPt) add(q cardPt) cardPt             { return cardPt{p.X + q.X, p.Y + q.Y} }
func (p cardPt) sub(q cardPt) cardPt             { return cardPt{p.X - q.X, p.Y - q.Y} }
func (p cardPt) mul(k float64) cardPt            { return cardPt{p.X * k, p.Y * k} }
func (p cardPt) dot(q cardPt) float64            { return p.X*q.X + p.Y*q.Y }
func (p cardPt) cross(q cardPt) float64          { return p.X*q.Y - p.Y*q.X }
func (p cardPt) norm() float64                   { return math.Hypot(p.X, p.Y) }
func (p cardPt) dist(q cardPt) float64           { return p.sub(q).norm() }
func (p cardPt) round() image.Point              { return image.Pt(int(math.Round(p.X)), int(math.Round(p.Y))) }
func cardPtOf(p image.Point) cardPt              { return cardPt{float64(p.X), float64(p.Y)} }
func (p cardPt) unit() cardPt                    { return p.mul(1 / p.norm()) }
func (p cardPt) lerp(q cardPt, t float64) cardPt { return p.add(q.sub(p).mul(t)) }

// cardQuad is a quadrilateral, in the order TL, TR, BR, BL once ordered:
// clockwise on screen.
type cardQuad [4]cardPt

// side is the vector from corner i to corner i+1.
func (q cardQuad) side(i int) cardPt { return q[(i+1)%4].sub(q[i]) }

// scale multiplies every coordinate by k.
func (q cardQuad) scale(k float64) cardQuad {
	for i := range q {
		q[i] = q[i].mul(k)
	}
	return q
}

// turn180 is the same quadrilateral seen upside down.
func (q cardQuad) turn180() cardQuad { return cardQuad{q[2], q[3], q[0], q[1]} }

// points rounds the corners.
func (q cardQuad) points() [4]image.Point {
	var p [4]image.Point
	for i := range q {
		p[i] = q[i].round()
	}
	return p
}

// area is the signed shoelace area: positive when clockwise on screen.
func (q cardQuad) area() float64 {
	var a float64
	for i := range q {
		a += q[i].cross(q[(i+1)%4])
	}
	return a / 2
}

// convex reports whether the quadrilateral is strictly convex and
// clockwise on screen.
func (q cardQuad) convex() bool {
	for i := range q {
		if q.side(i).cross(q.side((i+1)%4)) <= 0 {
			return false
		}
	}
	return true
}

// longSide is the mean length of the two longer opposite sides.
func (q cardQuad) longSide() float64 {
	a := (q.side(0).norm() + q.side(2).norm()) / 2
	b := (q.side(1).norm() + q.side(3).norm()) / 2
	return max(a, b)
}

// cardClockwise orders four points clockwise on screen around their
// centroid, starting anywhere.
func cardClockwise(pts [4]cardPt) cardQuad {
	var c cardPt
	for _, p := range pts {
		c = c.add(p.mul(0.25))
	}
	q := cardQuad(pts)
	sort.Slice(q[:], func(i, j int) bool {
		return math.Atan2(q[i].Y-c.Y, q[i].X-c.X) < math.Atan2(q[j].Y-c.Y, q[j].X-c.X)
	})
	return q
}

// cardLandscape turns a clockwise quadrilateral so that it reads TL, TR,
// BR, BL of a landscape card: the top side is a long side (by the
// rectified aspect), and of the two long sides the one whose direction
// TL→TR points most nearly to the image's right.
func cardLandscape(q cardQuad, focal float64, centre cardPt) cardQuad {
	best, bestDir := q, math.Inf(-1)
	for s := range 4 {
		r := cardQuad{q[s], q[(s+1)%4], q[(s+2)%4], q[(s+3)%4]}
		pose, ok := cardPoseOf(r, focal, centre)
		if ok && pose.aspect < 1 || !ok && r.side(0).norm() < r.side(1).norm() {
			continue
		}
		if d := r.side(0).unit().X; d > bestDir {
			best, bestDir = r, d
		}
	}
	return best
}

// cardPose is a quadrilateral's rectangle seen in perspective.
type cardPose struct {
	aspect float64 // width (TL→TR) / height (TL→BL) of the rectangle
	tilt   float64 // degrees between the rectangle and the image plane
}

// cardPoseOf recovers the rectangle behind the quadrilateral q (ordered
// TL, TR, BR, BL) for a pinhole camera of the given focal length (pixels)
// and principal point (Zhang & He, "Whiteboard scanning and image
// enhancement", 2007). ok is false for degenerate quadrilaterals.
func cardPoseOf(q cardQuad, focal float64, centre cardPt) (cardPose, bool) {
	h := func(p cardPt) [3]float64 { d := p.sub(centre); return [3]float64{d.X, d.Y, 1} }
	m1, m2, m3, m4 := h(q[0]), h(q[1]), h(q[3]), h(q[2])
	d2 := cardDot3(cardCross3(m2, m4), m3)
	d3 := cardDot3(cardCross3(m3, m4), m2)
	if math.Abs(d2) < 1e-9 || math.Abs(d3) < 1e-9 {
		return cardPose{}, false
	}
	k2 := cardDot3(cardCross3(m1, m4), m3) / d2
	k3 := cardDot3(cardCross3(m1, m4), m2) / d3
	var u, v [3]float64 // the rectangle's sides in camera coordinates, up to scale
	for i := range 3 {
		u[i], v[i] = k2*m2[i]-m1[i], k3*m3[i]-m1[i]
	}
	u[0], u[1], v[0], v[1] = u[0]/focal, u[1]/focal, v[0]/focal, v[1]/focal
	nu, nv := cardNorm3(u), cardNorm3(v)
	if nu == 0 || nv == 0 {
		return cardPose{}, false
	}
	n := cardCross3(u, v)
	nn := cardNorm3(n)
	if nn == 0 {
		return cardPose{}, false
	}
	tilt := math.Acos(min(1, math.Abs(n[2])/nn)) * 180 / math.Pi
	return cardPose{aspect: nu / nv, tilt: tilt}, true
}

func cardCross3(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}
func cardDot3(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func cardNorm3(a [3]float64) float64   { return math.Sqrt(cardDot3(a, a)) }

// cardLine is a straight line through p with unit direction d.
type cardLine struct{ p, d cardPt }

// dist is the signed distance of x from the line (positive on the side
// of the normal (d.Y, -d.X)).
func (l cardLine) dist(x cardPt) float64 { return x.sub(l.p).dot(cardPt{l.d.Y, -l.d.X}) }

// cardMeet is the intersection of two lines; ok is false when they are
// (nearly) parallel.
func cardMeet(a, b cardLine) (cardPt, bool) {
	den := a.d.cross(b.d)
	if math.Abs(den) < 1e-6 {
		return cardPt{}, false
	}
	t := b.p.sub(a.p).cross(b.d) / den
	return a.p.add(a.d.mul(t)), true
}

// cardFitLine fits a line to points by total least squares, oriented
// along hint.
func cardFitLine(pts []cardPt, hint cardPt) (cardLine, bool) {
	if len(pts) < 2 {
		return cardLine{}, false
	}
	var c cardPt
	for _, p := range pts {
		c = c.add(p)
	}
	c = c.mul(1 / float64(len(pts)))
	var sxx, sxy, syy float64
	for _, p := range pts {
		d := p.sub(c)
		sxx, sxy, syy = sxx+d.X*d.X, sxy+d.X*d.Y, syy+d.Y*d.Y
	}
	th := 0.5 * math.Atan2(2*sxy, sxx-syy)
	d := cardPt{math.Cos(th), math.Sin(th)}
	if d.dot(hint) < 0 {
		d = d.mul(-1)
	}
	return cardLine{p: c, d: d}, true
}
