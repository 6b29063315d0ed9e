package imaging

import (
	"gradphoto/spec"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// Lab is a CIE L*a*b* colour (L 0..100, a and b about -128..127), the
// space in which colour distances (ΔE) are measured.
type Lab struct{ L, A, B float64 }

// DeltaE is the CIE76 colour difference: about 2.3 is just noticeable.
func DeltaE(p, q Lab) float64 { return math.Sqrt(sq(p.L-q.L) + sq(p.A-q.A) + sq(p.B-q.B)) }

// Chroma is the colourfulness √(a²+b²): low for white and grey.
func (c Lab) Chroma() float64 { return math.Hypot(c.A, c.B) }

func sq(x float64) float64 { return x * x }

// labFrom8 converts OpenCV's 8-bit Lab (L×255/100, a+128, b+128).
func labFrom8(l, a, b uint8) Lab {
	return Lab{float64(l) * 100 / 255, float64(a) - 128, float64(b) - 128}
}

// LabOf converts an sRGB colour to Lab with OpenCV, as images are converted.
func LabOf(c spec.RGB) Lab {
	px := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(float64(c.B), float64(c.G), float64(c.R), 0), 1, 1, gocv.MatTypeCV8UC3)
	defer px.Close()
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(px, &lab, gocv.ColorBGRToLab)
	v := lab.GetVecbAt(0, 0)
	return labFrom8(v[0], v[1], v[2])
}

// labPixels is an 8-bit Lab image read straight from its bytes.
type labPixels struct {
	data []uint8
	w, h int
}

// newLabPixels converts a BGR image to Lab and keeps its bytes (the Mat is
// closed before it returns).
func newLabPixels(bgr gocv.Mat) (labPixels, error) {
	lab := gocv.NewMat()
	defer lab.Close()
	gocv.CvtColor(bgr, &lab, gocv.ColorBGRToLab)
	b, err := lab.DataPtrUint8()
	if err != nil {
		return labPixels{}, err
	}
	return labPixels{data: append([]uint8(nil), b...), w: lab.Cols(), h: lab.Rows()}, nil
}

func (p labPixels) at(x, y int) Lab { return p.atIndex(y*p.w + x) }

// atIndex is the colour of pixel i (row by row).
func (p labPixels) atIndex(i int) Lab {
	return labFrom8(p.data[3*i], p.data[3*i+1], p.data[3*i+2])
}

// stats is the mean colour of a set of pixels and how far they stray from it.
type stats struct {
	Mean   Lab
	Spread float64 // RMS ΔE from the mean
	N      int
}

// regionStats measures the pixels of the rectangles (clipped to the image).
func (p labPixels) regionStats(rects ...image.Rectangle) stats {
	var sL, sA, sB, n float64
	bounds := image.Rect(0, 0, p.w, p.h)
	each := func(fn func(c Lab)) {
		for _, r := range rects {
			r = r.Intersect(bounds)
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					fn(p.at(x, y))
				}
			}
		}
	}
	each(func(c Lab) { sL += c.L; sA += c.A; sB += c.B; n++ })
	if n == 0 {
		return stats{}
	}
	mean := Lab{sL / n, sA / n, sB / n}
	var ss float64
	each(func(c Lab) { ss += sq(DeltaE(c, mean)) })
	return stats{Mean: mean, Spread: math.Sqrt(ss / n), N: int(n)}
}
