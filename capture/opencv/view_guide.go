package opencv

import (
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/capture"
	"gradphoto/spec"
)

// Guide geometry: approximate, it is a guide.
const (
	cardAspect     = 85.6 / 54
	cardViewShare  = 0.60 // card outline width / view width
	cardCornerPerW = 3.18 / 85.6
	guideStroke    = 5    // layout units
	bandAlpha      = 0x48 // the eye-line band's opacity, of 255
)

// viewGuide is the guide for one buffer size, rasterised once: the
// anti-aliased strokes as a sparse coverage list, the band as rows. Drawing
// it on a frame then costs a blend of the stroke pixels (~20 000) and of
// the band's rows, not OpenCV's thick anti-aliased curves every frame.
type viewGuide struct {
	size       image.Point // the buffer size it is for; zero: not made
	frame      image.Point // the frame size it is for
	stroke     int         // the stroke width in buffer px
	bandTop    int         // rows [bandTop, bandBottom) get the translucent band
	bandBottom int
	strokes    []cover
}

// cover is one stroke pixel: its offset in the RGBA buffer and its
// coverage (anti-aliasing), 1…255.
type cover struct {
	off   int32
	cover uint8
}

// fixShift: OpenCV draws with 4 fractional bits of precision.
const fixShift = 4

func fixed(x float64) int { return int(math.Round(x * (1 << fixShift))) }

// drawGuide draws the guide into img in colour c (v.conv held); viewH is
// the view's height in layout units (0: not laid out yet).
func (v *View) drawGuide(img *image.RGBA, frame image.Point, c color.NRGBA, viewH float32) {
	size := img.Rect.Size()
	if viewH <= 0 {
		viewH = 720
	}
	// guideStroke layout units, whatever the buffer's scale to the screen
	stroke := max(2, int(math.Round(guideStroke*float64(size.Y)/float64(viewH))))
	if v.guide.size != size || v.guide.stroke != stroke || v.guide.frame != frame {
		if err := v.guide.make(v.kind, v.profile, frame, size, stroke); err != nil {
			return
		}
	}
	g := &v.guide
	blendRows(img, g.bandTop, g.bandBottom, c, bandAlpha)
	pix := img.Pix
	r, gg, bb := uint32(c.R), uint32(c.G), uint32(c.B)
	for _, s := range g.strokes {
		a := uint32(s.cover)
		p := pix[s.off : s.off+3 : s.off+3]
		p[0] = uint8((uint32(p[0])*(255-a) + r*a + 127) / 255)
		p[1] = uint8((uint32(p[1])*(255-a) + gg*a + 127) / 255)
		p[2] = uint8((uint32(p[2])*(255-a) + bb*a + 127) / 255)
	}
}

// make rasterises the guide of kind for a buffer of size.
func (g *viewGuide) make(kind capture.GuideKind, p spec.Profile, frame, size image.Point, stroke int) error {
	*g = viewGuide{strokes: g.strokes[:0]}
	mask := gocv.NewMatWithSize(size.Y, size.X, gocv.MatTypeCV8UC1)
	defer mask.Close()
	mask.SetTo(gocv.Scalar{})
	if kind == capture.GuideCard {
		drawCardGuide(&mask, size, stroke)
	} else {
		g.bandTop, g.bandBottom = drawFaceGuide(&mask, p, frame, size, stroke)
	}
	cov, err := mask.DataPtrUint8()
	if err != nil {
		return err
	}
	for i, c := range cov {
		if c != 0 {
			g.strokes = append(g.strokes, cover{off: int32(i * 4), cover: c})
		}
	}
	g.size, g.stroke, g.frame = size, stroke, frame
	return nil
}

var on = color.RGBA{R: 255, G: 255, B: 255, A: 255}

// drawCardGuide draws the card outline into mask.
func drawCardGuide(mask *gocv.Mat, size image.Point, stroke int) {
	W, H := float64(size.X), float64(size.Y)
	w := W * cardViewShare
	h := w / cardAspect
	if h > 0.9*H {
		h, w = 0.9*H, 0.9*H*cardAspect
	}
	x0, y0 := int(math.Round((W-w)/2)), int(math.Round((H-h)/2))
	r := image.Rect(x0, y0, x0+int(math.Round(w)), y0+int(math.Round(h)))
	drawRoundedRect(mask, r, max(1, int(math.Round(w*cardCornerPerW))), on, stroke)
}

// drawFaceGuide draws the head oval, neck and shoulders and the eye-line
// band's edges into mask; it returns the band's rows.
func drawFaceGuide(mask *gocv.Mat, p spec.Profile, frame, size image.Point, stroke int) (bandTop, bandBottom int) {
	f := capture.FaceGuideFor(p, frame, float64(size.X), float64(size.Y))
	bandTop, bandBottom = int(math.Round(f.BandTop)), int(math.Round(f.BandBottom))
	for _, y := range []int{bandTop, bandBottom} {
		gocv.Line(mask, image.Pt(0, y), image.Pt(size.X, y), on, max(1, stroke/2))
	}
	ellipse := func(cx, cy, ax, ay, from, to float64) {
		gocv.EllipseWithParams(mask, image.Pt(fixed(cx), fixed(cy)), image.Pt(fixed(ax), fixed(ay)),
			0, from, to, on, stroke, gocv.LineAA, fixShift)
	}
	a, b := f.W/2, f.H/2
	cy := f.Top + b
	ellipse(f.CX, cy, a, b, 0, 360) // the head
	bottom := cy + b
	for _, side := range []float64{-1, 1} {
		// the neck from the jaw down, then the shoulder: a quarter ellipse
		// out to 2.3 half-widths, and on a little down the arm
		nx := f.CX + side*0.55*a
		jaw, neck := cy+0.83*b, bottom+0.10*b
		gocv.Line(mask, image.Pt(int(math.Round(nx)), int(math.Round(jaw))), image.Pt(int(math.Round(nx)), int(math.Round(neck))), on, stroke)
		sy := bottom + 0.5*b
		if side < 0 {
			ellipse(nx, sy, 1.75*a, sy-neck, 160, 270)
		} else {
			ellipse(nx, sy, 1.75*a, sy-neck, -90, 20)
		}
	}
	return bandTop, bandBottom
}

// drawRoundedRect draws the outline of r with corners of radius rad.
func drawRoundedRect(m *gocv.Mat, r image.Rectangle, rad int, col color.RGBA, stroke int) {
	x0, y0, x1, y1 := r.Min.X, r.Min.Y, r.Max.X, r.Max.Y
	gocv.Line(m, image.Pt(x0+rad, y0), image.Pt(x1-rad, y0), col, stroke)
	gocv.Line(m, image.Pt(x0+rad, y1), image.Pt(x1-rad, y1), col, stroke)
	gocv.Line(m, image.Pt(x0, y0+rad), image.Pt(x0, y1-rad), col, stroke)
	gocv.Line(m, image.Pt(x1, y0+rad), image.Pt(x1, y1-rad), col, stroke)
	ax := image.Pt(rad<<fixShift, rad<<fixShift)
	for _, c := range []struct {
		x, y int
		from float64
	}{{x1 - rad, y1 - rad, 0}, {x0 + rad, y1 - rad, 90}, {x0 + rad, y0 + rad, 180}, {x1 - rad, y0 + rad, 270}} {
		gocv.EllipseWithParams(m, image.Pt(c.x<<fixShift, c.y<<fixShift), ax, 0, c.from, c.from+90, col, stroke, gocv.LineAA, fixShift)
	}
}

// blendRows blends rows [y0, y1) of img towards c by alpha/255.
func blendRows(img *image.RGBA, y0, y1 int, c color.NRGBA, alpha uint32) {
	y0, y1 = max(0, y0), min(img.Rect.Dy(), y1)
	var lut [3][256]uint8
	for ch, to := range [3]uint8{c.R, c.G, c.B} {
		for x := range 256 {
			lut[ch][x] = uint8((uint32(x)*(255-alpha) + uint32(to)*alpha + 127) / 255)
		}
	}
	for y := y0; y < y1; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()*4]
		for i := 0; i+3 < len(row); i += 4 {
			p := row[i : i+3 : i+3]
			p[0], p[1], p[2] = lut[0][p[0]], lut[1][p[1]], lut[2][p[2]]
		}
	}
}
