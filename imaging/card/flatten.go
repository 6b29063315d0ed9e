package card

import (
	"fmt"
	"image"
	"image/color"

	"gocv.io/x/gocv"
)

// Regions of the flattened, upright card (pixels of Width × Height).
var (
	// cardPortrait is where the front has the holder's photo: the right
	// 40 % (the photo is 26 × 32 mm at 55–81 mm from the left, 5–37 mm
	// from the top), with room for the card being turned a little.
	cardPortrait = image.Rect(497, 22, 839, 454)
	// cardEmblem is where the back has the red national emblem.
	cardEmblem = image.Rect(26, 27, 300, 297)
	// cardMargin is the card without a 3 % margin, where sharpness and
	// glare are measured (the margin may hold a sliver of background).
	cardMargin = image.Rect(26, 16, Width-26, Height-16)
)

// cardEmblemMinRed: the emblem region is red when this share of its
// pixels is strongly red, and the region opposite has less than a third
// as much.
const cardEmblemMinRed = 0.03

// cardFlatten warps the card q (frame pixels, TL, TR, BR, BL) out of the
// frame, turns it upright when its side tells, and grades it.
func cardFlatten(frame gocv.Mat, q cardQuad, faces FaceFinder) (Card, error) {
	img := cardWarp(frame, q)
	half := cardHalfGrey(img)
	defer half.Close()
	side, turn, err := cardSideOf(img, half, faces)
	if err != nil {
		img.Close()
		return Card{}, err
	}
	if turn {
		gocv.Rotate(img, &img, gocv.Rotate180Clockwise)
		q = q.turn180()
	}
	c := Card{Image: img, Corners: q.points(), Side: side}
	c.Sharpness, c.Glare = cardQuality(half) // both the same either way up
	c.Blurry, c.Glary = c.Sharpness < MinSharpness, c.Glare > MaxGlare
	return c, nil
}

// cardWarp maps the quadrilateral q onto the Width × Height image:
// its corners (the outer corners of the card's edges) land on the outer
// corners of the image's corner pixels.
func cardWarp(frame gocv.Mat, q cardQuad) gocv.Mat {
	src := make([]gocv.Point2f, 4)
	for i, p := range q {
		src[i] = gocv.Point2f{X: float32(p.X), Y: float32(p.Y)}
	}
	const w, h = Width - 0.5, Height - 0.5
	sv := gocv.NewPoint2fVectorFromPoints(src)
	defer sv.Close()
	dv := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{{X: -0.5, Y: -0.5}, {X: w, Y: -0.5}, {X: w, Y: h}, {X: -0.5, Y: h}})
	defer dv.Close()
	m := gocv.GetPerspectiveTransform2f(sv, dv)
	defer m.Close()
	out := gocv.NewMat()
	gocv.WarpPerspectiveWithParams(frame, &out, m, image.Pt(Width, Height),
		gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return out
}

// cardSideOf tells the side of the flattened card and whether it is
// upside down (see Find, step 5). To spend one detector run on most
// cards, the portrait is first looked for on the side with the darker
// mass (hair), and a red emblem spares the second look.
func cardSideOf(img, half gocv.Mat, faces FaceFinder) (Side, bool, error) {
	up, down := cardEmblems(img)
	if faces == nil {
		return Unknown, down, nil
	}
	first := cardDarkerLeft(half)
	for _, turned := range [2]bool{first, !first} {
		ok, err := cardHasFace(img, faces, turned)
		if err != nil {
			return Unknown, false, fmt.Errorf("tell front from back: %w", err)
		}
		if ok {
			return Front, turned, nil
		}
		if up || down {
			break
		}
	}
	return Back, down, nil
}

// cardDarkerLeft reports whether the card's left portrait-sized region
// holds more dark mass than its right one (where the front's portrait
// is). half is cardHalfGrey's image; in 4×4 blocks of it (1/8 scale) text
// averages out to light grey, hair does not.
func cardDarkerLeft(half gocv.Mat) bool {
	pix, err := half.DataPtrUint8()
	if err != nil {
		return false
	}
	w, h := half.Cols(), half.Rows()
	dark := func(r image.Rectangle) int {
		r = image.Rect((r.Min.X-cardMargin.Min.X)/2, (r.Min.Y-cardMargin.Min.Y)/2,
			(r.Max.X-cardMargin.Min.X)/2, (r.Max.Y-cardMargin.Min.Y)/2).Intersect(image.Rect(0, 0, w, h))
		n := 0
		for y := r.Min.Y; y+4 <= r.Max.Y; y += 4 {
			for x := r.Min.X; x+4 <= r.Max.X; x += 4 {
				sum := 0
				for dy := range 4 {
					for dx := range 4 {
						sum += int(pix[(y+dy)*w+x+dx])
					}
				}
				if sum < 16*90 {
					n++
				}
			}
		}
		return n
	}
	return dark(cardTurnRect(cardPortrait)) > dark(cardPortrait)
}

// cardHasFace asks faces about the portrait region of the card, or of the
// card turned upside down.
func cardHasFace(img gocv.Mat, faces FaceFinder, turned bool) (bool, error) {
	r := cardPortrait
	if turned {
		r = cardTurnRect(r)
	}
	view := img.Region(r)
	crop := view.Clone()
	view.Close()
	defer crop.Close()
	if turned {
		gocv.Rotate(crop, &crop, gocv.Rotate180Clockwise)
	}
	return faces.HasFace(crop)
}

// cardTurnRect is where r lands when the card is turned upside down.
func cardTurnRect(r image.Rectangle) image.Rectangle {
	return image.Rect(Width-r.Max.X, Height-r.Max.Y, Width-r.Min.X, Height-r.Min.Y)
}

// cardEmblems reports whether the card shows a red emblem top-left (and
// none bottom-right), or bottom-right (and none top-left): a back
// upright or upside down.
func cardEmblems(img gocv.Mat) (up, down bool) {
	pix, err := img.DataPtrUint8()
	if err != nil {
		return false, false
	}
	u := cardRedShare(pix, cardEmblem)
	d := cardRedShare(pix, cardTurnRect(cardEmblem))
	return u >= cardEmblemMinRed && d < u/3, d >= cardEmblemMinRed && u < d/3
}

// cardRedShare is the share of strongly red pixels of r (every other row
// and column) in a Width-wide BGR image.
func cardRedShare(pix []byte, r image.Rectangle) float64 {
	red, all := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		row := pix[3*y*Width:]
		for x := r.Min.X; x < r.Max.X; x += 2 {
			all++
			b, g, rr := int(row[3*x]), int(row[3*x+1]), int(row[3*x+2])
			if rr >= 140 && rr-g >= 100 && rr-b >= 100 {
				red++
			}
		}
	}
	return float64(red) / float64(all)
}

// cardHalfGrey is the flattened card inside cardMargin, grey, at half
// size.
func cardHalfGrey(img gocv.Mat) gocv.Mat {
	inner := img.Region(cardMargin)
	defer inner.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(inner, &grey, gocv.ColorBGRToGray)
	half := gocv.NewMat()
	gocv.Resize(grey, &half, image.Pt(cardMargin.Dx()/2, cardMargin.Dy()/2), 0, 0, gocv.InterpolationArea)
	return half
}

// cardQuality measures sharpness and glare (see Card) on cardHalfGrey's
// image.
func cardQuality(half gocv.Mat) (sharpness, glare float64) {
	m := gocv.NewMat()
	defer m.Close()
	gocv.Threshold(half, &m, GlareLevel-1, 255, gocv.ThresholdBinary)
	glare = float64(gocv.CountNonZero(m)) / float64(half.Cols()*half.Rows())

	gocv.Laplacian(half, &m, gocv.MatTypeCV32F, 1, 1, 0, gocv.BorderReflect101)
	mean, std := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer std.Close()
	gocv.MeanStdDev(m, &mean, &std)
	s := std.GetDoubleAt(0, 0)
	return s * s, glare
}
