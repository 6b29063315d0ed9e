package face

import "math"

// Vertical proportions along the face's axis, in units of the eye-line-to-
// mouth distance, calibrated on the hand labels of testdata/photos with
// Detect(Still) + Eyes: chin 1.51 (grace_hopper) – 1.85 (face.jpg, beard),
// 1.68 balances the two; head top (hair or cap) 1.71–1.94, mean 1.82.
const (
	chinRatio    = 1.68
	headTopRatio = 1.82
)

// axis returns the face's downward unit vector (perpendicular to the eye
// line, so it follows the roll) and the eye-line-to-mouth distance along it;
// ok is false when the key points are degenerate.
func (f Face) axis() (ux, uy, mouth float64, ok bool) {
	ex, ey := f.LeftEye.X-f.RightEye.X, f.LeftEye.Y-f.RightEye.Y
	n := math.Hypot(ex, ey)
	if n == 0 {
		return 0, 1, 0, false
	}
	ux, uy = -ey/n, ex/n
	m := f.EyeMid()
	mouth = (f.Mouth.X-m.X)*ux + (f.Mouth.Y-m.Y)*uy
	return ux, uy, mouth, mouth > 0
}

// alongAxis is the point k eye-to-mouth distances below the eye line's
// middle (above when k < 0).
func (f Face) alongAxis(k float64) (Point, bool) {
	ux, uy, mouth, ok := f.axis()
	if !ok {
		return Point{}, false
	}
	m := f.EyeMid()
	return Point{m.X + k*mouth*ux, m.Y + k*mouth*uy}, true
}

// Chin estimates the lowest point of the chin: 1.68 eye-to-mouth distances
// below the eye line along the face's axis (within 7.7 % of the face box
// height, 4.6 % of the head height, on the fixtures; beards and open mouths
// move it). Call it after Eyes, which it was calibrated with. Falls back to
// the bottom centre of the box when the key points are degenerate.
func (f Face) Chin() Point {
	if p, ok := f.alongAxis(chinRatio); ok {
		return p
	}
	return Point{f.Box.X + f.Box.W/2, f.Box.Y + f.Box.H}
}

// HeadTopGuess is a rough guess of the top of the head (hair included):
// 1.82 eye-to-mouth distances above the eye line. Only a seed for the
// person/backdrop segmentation, which finds the real head top. Falls back to
// half a box height above the box top's centre when the key points are
// degenerate.
func (f Face) HeadTopGuess() Point {
	if p, ok := f.alongAxis(-headTopRatio); ok {
		return p
	}
	return Point{f.Box.X + f.Box.W/2, f.Box.Y - f.Box.H/2}
}
