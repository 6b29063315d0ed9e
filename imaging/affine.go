package imaging

import (
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// affine is a 2×3 transform: (x, y) → (a·x + b·y + c, d·x + e·y + f).
type affine [6]float64

// levelScale is the transform that turns the image by -roll degrees about
// pivot (levelling the eye line), scales by s and moves origin (in levelled
// px, before scaling) to (0, 0).
func levelScale(pivot face.Point, roll, s float64, origin face.Point) affine {
	th := -roll * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	// levelled q = R(p − pivot) + pivot; out = s(q − origin)
	tx := pivot.X - cos*pivot.X + sin*pivot.Y - origin.X
	ty := pivot.Y - sin*pivot.X - cos*pivot.Y - origin.Y
	return affine{s * cos, -s * sin, s * tx, s * sin, s * cos, s * ty}
}

// apply maps a point.
func (m affine) apply(p face.Point) face.Point {
	return face.Point{X: m[0]*p.X + m[1]*p.Y + m[2], Y: m[3]*p.X + m[4]*p.Y + m[5]}
}

// mat is the transform as the 2×3 CV_64F Mat warpAffine takes; the caller closes it.
func (m affine) mat() gocv.Mat {
	out := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	for i, v := range m {
		out.SetDoubleAt(i/3, i%3, v)
	}
	return out
}

// warp applies m to src into a new image of size sz; parts that come from
// outside src are filled with fill. The caller closes the result.
func warp(src gocv.Mat, m affine, sz image.Point, interp gocv.InterpolationFlags, fill color.RGBA) gocv.Mat {
	mm := m.mat()
	defer mm.Close()
	dst := gocv.NewMat()
	gocv.WarpAffineWithParams(src, &dst, mm, sz, interp, gocv.BorderConstant, fill)
	return dst
}

// insideMask is 255 where the warped image shows src, 0 where it shows fill.
func insideMask(srcSize image.Point, m affine, sz image.Point) gocv.Mat {
	ones := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(255, 0, 0, 0), srcSize.Y, srcSize.X, gocv.MatTypeCV8U)
	defer ones.Close()
	return warp(ones, m, sz, gocv.InterpolationNearestNeighbor, color.RGBA{})
}
