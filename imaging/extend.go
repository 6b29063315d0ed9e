package imaging

import (
	"image"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Body extension: a picture that ends just under the shoulders (an existing
// ID photo) still makes a photo. Under the picture its last rows are carried
// on downwards, and below the chin its edge columns outwards, each blurred
// more the further it goes (cloth, not streaks), up to these many face widths.
const (
	extendBelow = 1.6 // face widths of rows added under the picture
	extendSide  = 0.6 // face widths of columns added each side
	extendBand  = 12  // rows (columns) averaged at the edge before carrying them on
	// sideFrom: face widths under the eyes from which the sides are
	// extended: in a tight ID photo the shoulders reach the picture's sides
	// at about the mouth's height (the head above is checked for a cut).
	sideFrom = 0.35
)

// picture is a still with its body extension.
type picture struct {
	img   gocv.Mat // the still, padded
	valid gocv.Mat // 8U: 255 where img shows the still or its body extension
	dx    int      // columns added on the left: a still's x is img's x − dx
	size  image.Point
}

func (p picture) close() {
	p.img.Close()
	p.valid.Close()
}

// extendPicture pads a still for face f (whose coordinates are the
// still's): the returned face is in the padded picture's coordinates.
func extendPicture(src gocv.Mat, f face.Face) (picture, face.Face) {
	fw := f.Width()
	side := max(1, int(math.Round(extendSide*fw)))
	below := max(1, int(math.Round(extendBelow*fw)))
	W, H := src.Cols()+2*side, src.Rows()+below
	img := gocv.NewMatWithSize(H, W, gocv.MatTypeCV8UC3)
	inner := img.Region(image.Rect(side, 0, side+src.Cols(), src.Rows()))
	src.CopyTo(&inner)
	inner.Close()
	carry(src, &img, side, below)
	valid := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), H, W, gocv.MatTypeCV8U)
	fill := func(r image.Rectangle) {
		r = r.Intersect(image.Rect(0, 0, W, H))
		if r.Empty() {
			return
		}
		roi := valid.Region(r)
		roi.SetTo(gocv.NewScalar(255, 0, 0, 0))
		roi.Close()
	}
	fill(image.Rect(side, 0, side+src.Cols(), src.Rows()))               // the still
	fill(image.Rect(0, src.Rows(), W, H))                                // under it
	fill(image.Rect(0, int(math.Round(f.EyeMid().Y+sideFrom*fw)), W, H)) // beside it, from the mouth down
	return picture{img: img, valid: valid, dx: side, size: image.Pt(W, H)}, f.Shift(float64(side), 0)
}

// carry fills img around the still (placed at column side): the sides
// from the still's edge columns, then the bottom from the rows above it.
func carry(src gocv.Mat, img *gocv.Mat, side, below int) {
	w, h := src.Cols(), src.Rows()
	for _, left := range []bool{true, false} {
		edge := image.Rect(0, 0, min(extendBand, w), h)
		to := image.Rect(0, 0, side, h)
		if !left {
			edge, to = image.Rect(w-min(extendBand, w), 0, w, h), image.Rect(side+w, 0, 2*side+w, h)
		}
		strip := src.Region(edge)
		spread(strip, img, to, false, left)
		strip.Close()
	}
	bottom := img.Region(image.Rect(0, h-min(extendBand, h), 2*side+w, h))
	spread(bottom, img, image.Rect(0, h, 2*side+w, h+below), true, false)
	bottom.Close()
}

// spread carries an edge band of pixels into the rectangle to: the band
// averaged into one line, then each line of to the average blurred along it
// by a kernel growing with the distance from the edge. down: the band is
// rows carried downwards; else columns carried sideways (towards the left
// when left).
func spread(band gocv.Mat, img *gocv.Mat, to image.Rectangle, down, left bool) {
	line := gocv.NewMat()
	defer line.Close()
	n := to.Dx()
	length := band.Rows()
	if down {
		n, length = to.Dy(), band.Cols()
		gocv.Reduce(band, &line, 0, gocv.ReduceAvg, gocv.MatTypeCV8UC3) // 1 × width
	} else {
		gocv.Reduce(band, &line, 1, gocv.ReduceAvg, gocv.MatTypeCV8UC3) // height × 1
	}
	blurred := gocv.NewMat()
	defer blurred.Close()
	for i := 0; i < n; i++ {
		k := 1 + 2*min(length/4, 1+i/2) // odd, growing with the distance
		ks := image.Pt(k, 1)
		if !down {
			ks = image.Pt(1, k)
		}
		gocv.Blur(line, &blurred, ks)
		var r image.Rectangle
		switch {
		case down:
			r = image.Rect(to.Min.X, to.Min.Y+i, to.Max.X, to.Min.Y+i+1)
		case left:
			r = image.Rect(to.Max.X-1-i, to.Min.Y, to.Max.X-i, to.Max.Y)
		default:
			r = image.Rect(to.Min.X+i, to.Min.Y, to.Min.X+i+1, to.Max.Y)
		}
		dst := img.Region(r)
		blurred.CopyTo(&dst)
		dst.Close()
	}
}
