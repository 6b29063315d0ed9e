// Package face finds faces, their key points and the state of the eyes in a
// BGR image: MediaPipe BlazeFace (ONNX, OpenCV DNN) for the face box and six
// key points; around each eye an iris search for the eye centre and
// openness, with OpenCV Haar eye cascades where the iris is not clear.
// Models are embedded (package assets). Pure: Mat in, result out.
package face

import "math"

// Point is a position in image pixels (x right, y down).
type Point struct{ X, Y float64 }

// Dist is the distance between two points.
func (p Point) Dist(q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// Mid is the point half way between p and q.
func (p Point) Mid(q Point) Point { return Point{(p.X + q.X) / 2, (p.Y + q.Y) / 2} }

// Rect is a box in image pixels.
type Rect struct{ X, Y, W, H float64 }

// Face is one detected face. "Right" and "left" are the subject's: the
// right eye is on the image's left in an unmirrored photo.
type Face struct {
	Box      Rect
	Score    float64 // detector confidence 0..1
	RightEye Point
	LeftEye  Point
	Nose     Point // the nose tip
	Mouth    Point
	RightEar Point // tragion
	LeftEar  Point // tragion
	Nostrils Point // the nostrils' midpoint, when HasNostrils (found by Eyes)
	// HasNostrils: Eyes saw both nostrils.
	HasNostrils bool
}

// EyeMid is the middle of the eye line.
func (f Face) EyeMid() Point { return f.RightEye.Mid(f.LeftEye) }

// EyeDistance is the distance between the eye centres.
func (f Face) EyeDistance() float64 { return f.RightEye.Dist(f.LeftEye) }

// Roll is the angle of the eye line in degrees; positive when the subject's
// left eye (image right) is lower, i.e. the head leans clockwise on screen.
func (f Face) Roll() float64 {
	return math.Atan2(f.LeftEye.Y-f.RightEye.Y, f.LeftEye.X-f.RightEye.X) * 180 / math.Pi
}

// Width is the face width used by the profiles: the distance between the
// ear tragions.
func (f Face) Width() float64 { return f.RightEar.Dist(f.LeftEar) }

// Yaw model: what lies in front of the eyes moves sideways from the eye
// midpoint by depth·sin(yaw) as the head turns, while the eye distance e
// shrinks with cos(yaw): offset/e = (depth/e)·tan(yaw). Typical adult
// proportions (interpupillary distance 6.3 cm; the nostrils' base 3.0 cm and
// the nose tip 4.4 cm in front of the eye centres) give the depth ratios.
// The ears (tragions, half a head's breadth apart, the nose tip 1.4 of that
// in front of them) give a third estimate: (dR − dL)/(dR + dL) = 1.4·tan(yaw).
// The nostrils are the most exact when they are found; BlazeFace's nose
// point and ears are off by several degrees on some faces (a moustache, an
// ear that stands out), and their mean is the rough estimate that checks
// the nostrils and stands in for them. imaging/README.md compares Yaw with
// hand labels.
const (
	nostrilDepth = 0.48
	noseTipDepth = 0.70
	earDepth     = 1.4
)

// Yaw estimates the head's turn in degrees; positive when the face turns
// towards the image right (the person's own left in a photo that is not
// mirrored).
func (f Face) Yaw() float64 {
	e := f.EyeDistance()
	if e == 0 {
		return 0
	}
	m := f.EyeMid()
	ux, uy := (f.LeftEye.X-f.RightEye.X)/e, (f.LeftEye.Y-f.RightEye.Y)/e
	across := func(p Point) float64 { return ((p.X-m.X)*ux + (p.Y-m.Y)*uy) / e }
	deg := func(t float64) float64 { return math.Atan(t) * 180 / math.Pi }
	rough := deg(across(f.Nose) / noseTipDepth)
	if dr, dl := f.Nose.Dist(f.RightEar), f.Nose.Dist(f.LeftEar); dr+dl > 0 {
		rough = (rough + deg((dr-dl)/(dr+dl)/earDepth)) / 2
	}
	if !f.HasNostrils {
		return rough
	}
	if fine := deg(across(f.Nostrils) / nostrilDepth); math.Abs(fine-rough) <= nostrilTrust {
		return nostrilWeight*fine + (1-nostrilWeight)*rough
	}
	return rough // the dark spots found were not the nostrils (a moustache, a shadow)
}

// nostrilTrust: the nostrils' yaw counts when it lies within this many
// degrees of the tip's and ears' (their errors run to ±7° on a moustache or
// an ear that stands out; a wrong pair of dark spots is off by more).
// nostrilWeight is their share then (the rough one keeps a say: a pair of
// dark spots next to the nostrils is near them too).
const (
	nostrilTrust  = 8.0
	nostrilWeight = 0.75
)

// Centre is the face centre: the middle of the ears and eyes.
func (f Face) Centre() Point {
	e, m := f.RightEar.Mid(f.LeftEar), f.EyeMid()
	return e.Mid(m)
}

// Scale returns the face with every coordinate multiplied by k: a face
// found on a reduced copy of a frame, in the frame's pixels.
func (f Face) Scale(k float64) Face {
	p := func(q Point) Point { return Point{q.X * k, q.Y * k} }
	f.Box = Rect{f.Box.X * k, f.Box.Y * k, f.Box.W * k, f.Box.H * k}
	f.RightEye, f.LeftEye, f.Nose, f.Mouth, f.Nostrils = p(f.RightEye), p(f.LeftEye), p(f.Nose), p(f.Mouth), p(f.Nostrils)
	f.RightEar, f.LeftEar = p(f.RightEar), p(f.LeftEar)
	return f
}

// Shift is the face moved by (dx, dy) pixels (the same face in a padded image).
func (f Face) Shift(dx, dy float64) Face {
	mv := func(p Point) Point { return Point{p.X + dx, p.Y + dy} }
	f.Box.X, f.Box.Y = f.Box.X+dx, f.Box.Y+dy
	f.RightEye, f.LeftEye, f.Nose, f.Mouth, f.Nostrils = mv(f.RightEye), mv(f.LeftEye), mv(f.Nose), mv(f.Mouth), mv(f.Nostrils)
	f.RightEar, f.LeftEar = mv(f.RightEar), mv(f.LeftEar)
	return f
}

// Turned is the face with its eye line turned by deg degrees about the eye
// midpoint (Roll grows by deg): a correction of the eye line found
// elsewhere (on the levelled photo).
func (f Face) Turned(deg float64) Face {
	m, th := f.EyeMid(), deg*math.Pi/180
	cos, sin := math.Cos(th), math.Sin(th)
	turn := func(p Point) Point {
		x, y := p.X-m.X, p.Y-m.Y
		return Point{m.X + x*cos - y*sin, m.Y + x*sin + y*cos}
	}
	f.RightEye, f.LeftEye = turn(f.RightEye), turn(f.LeftEye)
	return f
}
