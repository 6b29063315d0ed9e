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
	// extendBlur: face widths the carried lines are blurred by at most
	// (cloth, not streaks; more would smear backdrop into the clothes'
	// edge and leave it there as a remnant).
	extendBlur = 0.04
	// belowHalf: face widths left and right of the face under which the
	// bottom is extended (a photo is at most 480/180 = 2.7 face widths wide).
	belowHalf = 1.6
)

// picture is a still with its body extension.
type picture struct {
	img   gocv.Mat // the still, padded
	plate gocv.Mat // the clean plate placed like the still, or empty
	valid gocv.Mat // 8U: 255 where img shows the still or its body extension
	dx    int      // columns added on the left: a still's x is img's x − dx
	size  image.Point
}

func (p picture) close() {
	p.img.Close()
	p.valid.Close()
	if !matEmpty(p.plate) {
		p.plate.Close()
	}
}

// extendPicture pads a still for face f (whose coordinates are the
// still's): the returned face is in the padded picture's coordinates.
func extendPicture(src gocv.Mat, f face.Face) (picture, face.Face, error) {
	fw := f.Width()
	side := max(1, int(math.Round(extendSide*fw)))
	below := max(1, int(math.Round(extendBelow*fw)))
	W, H := src.Cols()+2*side, src.Rows()+below
	img := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), H, W, gocv.MatTypeCV8UC3)
	inner := img.Region(image.Rect(side, 0, side+src.Cols(), src.Rows()))
	src.CopyTo(&inner)
	inner.Close()
	// the bottom is extended only under the person: a photo reaches at
	// most belowHalf face widths left and right of the face
	cx := f.Centre().X + float64(side)
	cols := image.Rect(max(0, int(cx-belowHalf*fw)), 0, min(W, int(cx+belowHalf*fw)), 1)
	from := int(math.Round(f.EyeMid().Y + sideFrom*fw))
	if err := carry(src, &img, side, below, cols, from, max(2, int(extendBlur*fw))); err != nil {
		img.Close()
		return picture{}, f, err
	}
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
	fill(image.Rect(side, 0, side+src.Cols(), src.Rows()))  // the still
	fill(image.Rect(cols.Min.X, src.Rows(), cols.Max.X, H)) // under it, where it was carried
	fill(image.Rect(0, from, side, src.Rows()))             // beside it, from the mouth down
	fill(image.Rect(side+src.Cols(), from, W, src.Rows()))
	return picture{img: img, valid: valid, dx: side, size: image.Pt(W, H)}, f.Shift(float64(side), 0), nil
}

// carry fills img around the still (placed at column side): the sides
// from the still's edge columns (rows from fromRow down), then the bottom
// from the rows above it (only the columns cols.Min.X…cols.Max.X, all a
// photo can reach).
func carry(src gocv.Mat, img *gocv.Mat, side, below int, cols image.Rectangle, fromRow, blurCap int) error {
	w, h := src.Cols(), src.Rows()
	out, err := img.DataPtrUint8()
	if err != nil {
		return err
	}
	W := img.Cols()
	band := min(extendBand, w)
	for _, left := range []bool{true, false} {
		x0 := 0
		if !left {
			x0 = w - band
		}
		y0 := max(0, min(h-1, fromRow))
		line := meanLine(src, image.Rect(x0, y0, x0+band, h), false)
		for i := 0; i < side; i++ {
			col := side - 1 - i // leftwards from the still's left edge
			if !left {
				col = side + w + i
			}
			row := boxBlur(line, min(blurCap, 1+i/2))
			for y := y0; y < h; y++ {
				copy(out[3*(y*W+col):3*(y*W+col)+3], row[3*(y-y0):3*(y-y0)+3])
			}
		}
	}
	bh := min(extendBand, h)
	padded := img.Region(image.Rect(0, 0, W, h))
	line := meanLine(padded, image.Rect(cols.Min.X, h-bh, cols.Max.X, h), true)
	padded.Close()
	for i := 0; i < below; i++ {
		row := boxBlur(line, min(blurCap, 1+i/2))
		y := h + i
		copy(out[3*(y*W+cols.Min.X):3*(y*W+cols.Max.X)], row)
	}
	return nil
}

// meanLine averages the BGR pixels of r in m into one line: across its
// rows (down: one value per column) or across its columns (one per row).
func meanLine(m gocv.Mat, r image.Rectangle, down bool) []uint8 {
	roi := m.Region(r)
	defer roi.Close()
	line := gocv.NewMat()
	defer line.Close()
	dim := 1
	if down {
		dim = 0
	}
	gocv.Reduce(roi, &line, dim, gocv.ReduceAvg, gocv.MatTypeCV8UC3)
	return line.ToBytes()
}

// boxBlur is the BGR line averaged over 2·r+1 pixels around each (the ends
// repeated), by running sums.
func boxBlur(line []uint8, r int) []uint8 {
	n := len(line) / 3
	out := make([]uint8, len(line))
	if r <= 0 || n == 0 {
		copy(out, line)
		return out
	}
	at := func(i, c int) int { return int(line[3*max(0, min(n-1, i))+c]) }
	k := 2*r + 1
	for c := 0; c < 3; c++ {
		sum := 0
		for i := -r; i <= r; i++ {
			sum += at(i, c)
		}
		for i := 0; i < n; i++ {
			out[3*i+c] = uint8((sum + k/2) / k)
			sum += at(i+r+1, c) - at(i-r, c)
		}
	}
	return out
}
