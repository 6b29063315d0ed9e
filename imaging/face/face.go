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
	Nose     Point
	Mouth    Point
	RightEar Point // tragion
	LeftEar  Point // tragion
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

// Yaw estimates the head's turn in degrees from where the nose sits between
// the ears (a cylinder model: tan(yaw) = (dR - dL) / (dR + dL)); positive
// when the face turns towards the image right.
func (f Face) Yaw() float64 {
	dr, dl := f.Nose.Dist(f.RightEar), f.Nose.Dist(f.LeftEar)
	if dr+dl == 0 {
		return 0
	}
	return math.Atan((dr-dl)/(dr+dl)) * 180 / math.Pi
}

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
	f.RightEye, f.LeftEye, f.Nose, f.Mouth = p(f.RightEye), p(f.LeftEye), p(f.Nose), p(f.Mouth)
	f.RightEar, f.LeftEar = p(f.RightEar), p(f.LeftEar)
	return f
}

// Shift is the face moved by (dx, dy) pixels (the same face in a padded image).
func (f Face) Shift(dx, dy float64) Face {
	mv := func(p Point) Point { return Point{p.X + dx, p.Y + dy} }
	f.Box.X, f.Box.Y = f.Box.X+dx, f.Box.Y+dy
	f.RightEye, f.LeftEye, f.Nose, f.Mouth = mv(f.RightEye), mv(f.LeftEye), mv(f.Nose), mv(f.Mouth)
	f.RightEar, f.LeftEar = mv(f.RightEar), mv(f.LeftEar)
	return f
}
