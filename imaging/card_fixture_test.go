package imaging

// Synthetic ID-card scenes. No real ID card may be photographed for tests
// (personal information), so the tests print a card specimen — the pale
// patterned ground, dark text, the holder's portrait on the front's right
// (testdata/photos/pigo_sample.jpg), a red and gold emblem on the back's
// left, rounded ID-1 corners — and put it in front of a pinhole camera
// (f = 0.8 × frame width) at a known pose, over a textured background, with
// a drop shadow, uneven light, optional defocus, specular glare or a
// holding hand, sensor noise and JPEG compression. The true corners are
// known exactly.

import (
	"flag"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

const (
	cardSceneW, cardSceneH = 1280, 720
	cardSceneFocal         = 0.8 * cardSceneW
	cardCornerRadius       = 32 // px of the specimen: 3.18 mm
)

// cardSceneOpts describes one synthetic photo.
type cardSceneOpts struct {
	back           bool
	noCard         bool    // the scene without the card (a hand may still be there)
	width          float64 // card width, seen flat, / frame width
	dx, dy         float64 // card centre's offset from the frame centre, fraction of the frame
	roll           float64 // degrees, in the image plane, clockwise on screen
	tiltX, tiltY   float64 // degrees about the card's horizontal, vertical axis
	bg             string  // "wood", "shuttle", "light"
	blur           float64 // Gaussian σ in frame pixels, 0 = sharp
	glare, hand    bool
	seed           uint64
	noise          float64 // sensor noise σ, grey levels (default 3)
	jpegQ          int     // JPEG quality of the frame (default 90)
	flatLight      bool    // no uneven illumination
	shadowDisabled bool
}

// cardScene is a synthetic frame with the truth about the card in it.
type cardScene struct {
	frame   gocv.Mat // 1280×720 BGR; close it
	corners cardQuad // the card's corners (TL, TR, BR, BL of the specimen), frame pixels
}

func cardDefaults(o cardSceneOpts) cardSceneOpts {
	if o.width == 0 {
		o.width = 0.6
	}
	if o.bg == "" {
		o.bg = "wood"
	}
	if o.noise == 0 {
		o.noise = 3
	}
	if o.jpegQ == 0 {
		o.jpegQ = 90
	}
	return o
}

// cardMakeScene renders the scene o.
func cardMakeScene(t testing.TB, o cardSceneOpts) cardScene {
	t.Helper()
	o = cardDefaults(o)
	rng := rand.New(rand.NewPCG(o.seed, 7))
	bg := cardBackground(t, o.bg, rng)
	corners := cardPoseCorners(o) // where the card is, or would be
	if o.hand {
		cardPaintPalm(bg, corners)
	}
	if !o.noCard {
		spec := cardSpecimen(t, o.back)
		cardComposite(t, bg, spec, corners, !o.shadowDisabled)
		spec.Close()
	}
	if o.hand {
		cardPaintThumb(bg, corners)
	}
	if !o.flatLight {
		cardLight(bg)
	}
	if o.glare && !o.noCard { // the highlight saturates the sensor, whatever the light
		cardPaintGlare(bg, corners)
	}
	if o.blur > 0 {
		gocv.GaussianBlur(bg, &bg, image.Pt(0, 0), o.blur, o.blur, gocv.BorderReflect101)
	}
	cardNoise(bg, o.noise, rng)
	frame := cardJPEGRoundTrip(t, bg, o.jpegQ)
	bg.Close()
	if o.noCard {
		corners = cardQuad{}
	}
	return cardScene{frame: frame, corners: corners}
}

// cardPoseCorners projects the card's corners for the pose in o.
func cardPoseCorners(o cardSceneOpts) cardQuad {
	f := cardSceneFocal
	z := f * 85.6 / (o.width * cardSceneW)
	tx := o.dx * cardSceneW * z / f
	ty := o.dy * cardSceneH * z / f
	rad := math.Pi / 180
	ax, ay, az := o.tiltX*rad, o.tiltY*rad, o.roll*rad
	var q cardQuad
	for i, c := range [4][2]float64{{-42.8, -27}, {42.8, -27}, {42.8, 27}, {-42.8, 27}} {
		x, y, zz := c[0], c[1], 0.0
		// tilt about the card's vertical axis, then its horizontal axis, then roll.
		x, zz = x*math.Cos(ay)+zz*math.Sin(ay), -x*math.Sin(ay)+zz*math.Cos(ay)
		y, zz = y*math.Cos(ax)-zz*math.Sin(ax), y*math.Sin(ax)+zz*math.Cos(ax)
		x, y = x*math.Cos(az)-y*math.Sin(az), x*math.Sin(az)+y*math.Cos(az)
		X, Y, Z := x+tx, y+ty, zz+z
		q[i] = cardPt{(cardSceneW-1)/2.0 + f*X/Z, (cardSceneH-1)/2.0 + f*Y/Z}
	}
	return q
}

// cardSpecimen prints a card: 856×540 BGR.
func cardSpecimen(t testing.TB, back bool) gocv.Mat {
	t.Helper()
	pix := make([]byte, CardWidth*CardHeight*3)
	for y := range CardHeight {
		for x := range CardWidth {
			u, v := float64(x)/CardWidth, float64(y)/CardHeight
			// pale blue-green ground turning cream to one side, fine guilloche
			g := math.Sin(float64(x)*0.11+5*math.Sin(float64(y)*0.037)) * math.Sin(float64(y)*0.09+3*math.Sin(float64(x)*0.021))
			band := 0.0
			if back { // a pale wave band (the Great Wall on a real back)
				band = math.Max(0, 1-math.Abs(v-0.62-0.08*math.Sin(u*9))*9)
			}
			b := 238 - 10*u + 5*g - 14*band
			gg := 236 - 2*u + 4*g - 6*band
			r := 226 + 12*u + 3*g + 4*band
			i := 3 * (y*CardWidth + x)
			pix[i], pix[i+1], pix[i+2] = cardByte(b), cardByte(gg), cardByte(r)
		}
	}
	img, err := gocv.NewMatFromBytes(CardHeight, CardWidth, gocv.MatTypeCV8UC3, pix)
	if err != nil {
		t.Fatal(err)
	}
	if back {
		cardPrintBack(&img)
	} else {
		cardPrintFront(t, &img)
	}
	return img
}

var (
	cardInk   = color.RGBA{20, 20, 25, 255}
	cardLabel = color.RGBA{60, 95, 150, 255} // a muted blue
)

func cardText(img *gocv.Mat, s string, x, y int, scale float64, c color.RGBA, thick int) {
	gocv.PutText(img, s, image.Pt(x, y), gocv.FontHersheySimplex, scale, c, thick)
}

func cardPrintFront(t testing.TB, img *gocv.Mat) {
	cardText(img, "NAME", 50, 85, 0.6, cardLabel, 1)
	cardText(img, "ZHANG WEI", 150, 88, 1.0, cardInk, 2)
	cardText(img, "SEX", 50, 155, 0.6, cardLabel, 1)
	cardText(img, "M", 150, 158, 0.9, cardInk, 2)
	cardText(img, "ETHNICITY", 230, 155, 0.6, cardLabel, 1)
	cardText(img, "HAN", 370, 158, 0.9, cardInk, 2)
	cardText(img, "BORN", 50, 225, 0.6, cardLabel, 1)
	cardText(img, "2001  9  1", 150, 228, 0.9, cardInk, 2)
	cardText(img, "ADDRESS", 50, 295, 0.6, cardLabel, 1)
	cardText(img, "NO.5 XUEYUAN ROAD", 150, 298, 0.8, cardInk, 2)
	cardText(img, "HAIDIAN BEIJING", 150, 340, 0.8, cardInk, 2)
	cardText(img, "CITIZEN ID NUMBER", 50, 468, 0.6, cardLabel, 1)
	cardText(img, "110105200109010020", 300, 472, 1.1, cardInk, 2)
	photo := gocv.IMRead(filepath.Join("..", "testdata", "photos", "pigo_sample.jpg"), gocv.IMReadColor)
	defer photo.Close()
	if photo.Empty() {
		t.Fatal("cannot read testdata/photos/pigo_sample.jpg")
	}
	r := image.Rect(565, 50, 825, 370) // 26 × 32 mm
	gocv.Resize(photo, &photo, r.Size(), 0, 0, gocv.InterpolationArea)
	dst := img.Region(r)
	photo.CopyTo(&dst)
	dst.Close()
}

func cardPrintBack(img *gocv.Mat) {
	red, gold := color.RGBA{200, 30, 30, 255}, color.RGBA{235, 190, 40, 255}
	c := image.Pt(150, 150)
	gocv.Circle(img, c, 100, gold, -1)
	gocv.Circle(img, c, 88, red, -1)
	cardStar(img, image.Pt(150, 100), 30, gold)
	for i, p := range []image.Point{{200, 70}, {215, 100}, {212, 132}, {195, 158}} {
		cardStar(img, p, 10+i%2, gold)
	}
	gocv.Rectangle(img, image.Rect(95, 165, 205, 200), gold, -1) // the gate
	gocv.Rectangle(img, image.Rect(85, 205, 215, 220), gold, -1)
	cardText(img, "PEOPLE'S REPUBLIC OF CHINA", 290, 125, 1.0, cardInk, 2)
	cardText(img, "RESIDENT IDENTITY CARD", 290, 210, 1.25, cardInk, 3)
	cardText(img, "ISSUING AUTHORITY", 120, 425, 0.6, cardLabel, 1)
	cardText(img, "HAIDIAN PSB BEIJING", 340, 428, 0.8, cardInk, 2)
	cardText(img, "VALID PERIOD", 120, 488, 0.6, cardLabel, 1)
	cardText(img, "2020.09.01-2030.09.01", 340, 491, 0.8, cardInk, 2)
}

func cardStar(img *gocv.Mat, c image.Point, r int, col color.RGBA) {
	var pts []image.Point
	for i := range 10 {
		rr := float64(r)
		if i%2 == 1 {
			rr *= 0.4
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, image.Pt(c.X+int(rr*math.Cos(a)), c.Y+int(rr*math.Sin(a))))
	}
	pv := gocv.NewPointsVectorFromPoints([][]image.Point{pts})
	defer pv.Close()
	gocv.FillPoly(img, pv, col)
}

// cardBackground makes the 1280×720 surface the card is held over.
func cardBackground(t testing.TB, kind string, rng *rand.Rand) gocv.Mat {
	t.Helper()
	if kind == "shuttle" {
		m := gocv.IMRead(filepath.Join("..", "testdata", "photos", "space_shuttle.jpg"), gocv.IMReadColor)
		if m.Empty() {
			t.Fatal("cannot read testdata/photos/space_shuttle.jpg")
		}
		gocv.Resize(m, &m, image.Pt(cardSceneW, cardSceneH), 0, 0, gocv.InterpolationCubic)
		return m
	}
	pix := make([]byte, cardSceneW*cardSceneH*3)
	phase := rng.Float64() * 10
	for y := range cardSceneH {
		for x := range cardSceneW {
			i := 3 * (y*cardSceneW + x)
			fx, fy := float64(x), float64(y)
			if kind == "light" { // a pale grey desk
				v := 200 + 4*math.Sin(fx*0.05+fy*0.03)
				pix[i], pix[i+1], pix[i+2] = cardByte(v+4), cardByte(v+1), cardByte(v-3)
				continue
			}
			// wood: warped rings along x, fine fibres
			w := math.Sin((fy+25*math.Sin(fx/170+phase)+8*math.Sin(fx/23))/11) + 0.35*math.Sin(fy*1.7+fx*0.05)
			k := 1 + 0.18*w
			pix[i], pix[i+1], pix[i+2] = cardByte(55*k), cardByte(95*k), cardByte(150*k)
		}
	}
	m, err := gocv.NewMatFromBytes(cardSceneH, cardSceneW, gocv.MatTypeCV8UC3, pix)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// cardComposite lays the specimen with rounded corners on bg at corners,
// with a soft drop shadow.
func cardComposite(t testing.TB, bg, spec gocv.Mat, corners cardQuad, shadow bool) {
	t.Helper()
	mask := cardRoundMask()
	defer mask.Close()
	h := cardHomography(corners)
	defer h.Close()
	card, alpha := gocv.NewMat(), gocv.NewMat()
	defer card.Close()
	defer alpha.Close()
	size := image.Pt(cardSceneW, cardSceneH)
	gocv.WarpPerspectiveWithParams(spec, &card, h, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	gocv.WarpPerspectiveWithParams(mask, &alpha, h, size, gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	if shadow {
		sh := gocv.NewMat()
		defer sh.Close()
		tr := cardAffine(1, 0, 14, 0, 1, 18)
		defer tr.Close()
		gocv.WarpAffine(alpha, &sh, tr, size)
		gocv.GaussianBlur(sh, &sh, image.Pt(0, 0), 12, 12, gocv.BorderReflect101)
		cardBlend(bg, sh, func(p []byte, a float64) {
			for c := range 3 {
				p[c] = cardByte(float64(p[c]) * (1 - 0.45*a))
			}
		})
	}
	cp, _ := card.DataPtrUint8()
	bp, _ := bg.DataPtrUint8()
	ap, _ := alpha.DataPtrUint8()
	for i, a := range ap {
		if a == 0 {
			continue
		}
		k := float64(a) / 255
		for c := range 3 {
			bp[3*i+c] = cardByte(float64(bp[3*i+c])*(1-k) + float64(cp[3*i+c])*k)
		}
	}
}

func cardAffine(a, b, c, d, e, f float64) gocv.Mat {
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	for i, v := range []float64{a, b, c, d, e, f} {
		m.SetDoubleAt(i/3, i%3, v)
	}
	return m
}

// cardBlend calls f on every pixel of bg with the alpha (0..1) of mask there.
func cardBlend(bg, mask gocv.Mat, f func(p []byte, a float64)) {
	bp, _ := bg.DataPtrUint8()
	mp, _ := mask.DataPtrUint8()
	for i, a := range mp {
		if a != 0 {
			f(bp[3*i:3*i+3], float64(a)/255)
		}
	}
}

// cardRoundMask is 255 on the card (856×540) with its rounded corners.
func cardRoundMask() gocv.Mat {
	m := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(255, 0, 0, 0), CardHeight, CardWidth, gocv.MatTypeCV8U)
	r := cardCornerRadius
	black, white := color.RGBA{}, color.RGBA{255, 255, 255, 255}
	for _, c := range []image.Point{{r, r}, {CardWidth - 1 - r, r}, {CardWidth - 1 - r, CardHeight - 1 - r}, {r, CardHeight - 1 - r}} {
		x0, y0 := 0, 0
		if c.X > r {
			x0 = CardWidth - r
		}
		if c.Y > r {
			y0 = CardHeight - r
		}
		gocv.Rectangle(&m, image.Rect(x0, y0, x0+r, y0+r), black, -1)
		gocv.CircleWithParams(&m, c, r, white, -1, gocv.LineAA, 0)
	}
	return m
}

// cardHomography maps the specimen (its pixels' outer edges) onto corners.
func cardHomography(corners cardQuad) gocv.Mat {
	const w, h = CardWidth - 0.5, CardHeight - 0.5
	src := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{{X: -0.5, Y: -0.5}, {X: w, Y: -0.5}, {X: w, Y: h}, {X: -0.5, Y: h}})
	defer src.Close()
	var d []gocv.Point2f
	for _, p := range corners {
		d = append(d, gocv.Point2f{X: float32(p.X), Y: float32(p.Y)})
	}
	dst := gocv.NewPoint2fVectorFromPoints(d)
	defer dst.Close()
	return gocv.GetPerspectiveTransform2f(src, dst)
}

// cardPaintPalm paints a hand behind the card's bottom edge, reaching the
// frame's bottom.
func cardPaintPalm(bg gocv.Mat, q cardQuad) {
	skin := color.RGBA{205, 140, 105, 255}
	p := q[3].lerp(q[2], 0.35)
	gocv.Ellipse(&bg, p.add(cardPt{0, 150}).round(), image.Pt(120, 190), 0, 0, 360, skin, -1)
	for i := range 3 { // fingers behind the card
		f := q[3].lerp(q[2], 0.5+0.08*float64(i)).add(cardPt{0, 20})
		gocv.Ellipse(&bg, f.round(), image.Pt(22, 60), 0, 0, 360, skin, -1)
	}
}

// cardPaintThumb paints a thumb over the card's bottom edge.
func cardPaintThumb(bg gocv.Mat, q cardQuad) {
	skin, shade := color.RGBA{215, 150, 115, 255}, color.RGBA{180, 120, 90, 255}
	p := q[3].lerp(q[2], 0.22)
	in := q[0].lerp(q[1], 0.22).sub(p).unit() // towards the card's top
	c := p.add(in.mul(25))
	ang := math.Atan2(in.Y, in.X) * 180 / math.Pi
	gocv.Ellipse(&bg, c.round(), image.Pt(62, 30), ang, 0, 360, shade, -1)
	gocv.Ellipse(&bg, c.round(), image.Pt(58, 26), ang, 0, 360, skin, -1)
}

// cardPaintGlare adds a specular highlight on the card.
func cardPaintGlare(bg gocv.Mat, q cardQuad) {
	c := q[0].lerp(q[2], 0.45)
	bp, _ := bg.DataPtrUint8()
	for y := int(c.Y) - 120; y < int(c.Y)+120; y++ {
		for x := int(c.X) - 200; x < int(c.X)+200; x++ {
			if x < 0 || y < 0 || x >= cardSceneW || y >= cardSceneH {
				continue
			}
			dx, dy := (float64(x)-c.X)/95, (float64(y)-c.Y)/45
			add := 320 * math.Exp(-(dx*dx+dy*dy)/1.2)
			for k := range 3 {
				i := 3*(y*cardSceneW+x) + k
				bp[i] = cardByte(float64(bp[i]) + add)
			}
		}
	}
}

// cardLight multiplies the frame by a smooth, uneven illumination.
func cardLight(bg gocv.Mat) {
	bp, _ := bg.DataPtrUint8()
	for y := range cardSceneH {
		for x := range cardSceneW {
			k := 0.86 + 0.2*float64(x)/cardSceneW - 0.06*float64(y)/cardSceneH
			i := 3 * (y*cardSceneW + x)
			for c := range 3 {
				bp[i+c] = cardByte(float64(bp[i+c]) * k)
			}
		}
	}
}

func cardNoise(bg gocv.Mat, sigma float64, rng *rand.Rand) {
	bp, _ := bg.DataPtrUint8()
	for i := range bp {
		bp[i] = cardByte(float64(bp[i]) + sigma*rng.NormFloat64())
	}
}

func cardJPEGRoundTrip(t testing.TB, m gocv.Mat, q int) gocv.Mat {
	t.Helper()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	out, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadColor)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cardByte(v float64) byte { return byte(max(0, min(255, math.Round(v)))) }

var cardWriteFixtures = flag.Bool("cards.write", false, "write the card scenes of testdata/cards")

// cardFixtureFiles are the scenes in testdata/cards, for the CLI's tests.
var cardFixtureFiles = map[string]cardSceneOpts{
	"front.jpg":            {roll: 8, tiltX: 12, tiltY: -10},
	"back-upside-down.jpg": {back: true, roll: 172, tiltY: 10, seed: 14},
	"no-card.jpg":          {noCard: true, hand: true, seed: 32},
	"cut-off.jpg":          {dx: 0.43, width: 0.5, seed: 8},
}

// TestCardWriteFixtures rewrites testdata/cards:
//
//	go test ./imaging -run TestCardWriteFixtures -cards.write
func TestCardWriteFixtures(t *testing.T) {
	if !*cardWriteFixtures {
		t.Skip("writes testdata/cards only with -cards.write")
	}
	dir := filepath.Join("..", "testdata", "cards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, o := range cardFixtureFiles {
		s := cardMakeScene(t, o)
		ok := gocv.IMWriteWithParams(filepath.Join(dir, name), s.frame, []int{gocv.IMWriteJpegQuality, 85})
		s.frame.Close()
		if !ok {
			t.Fatalf("cannot write %s", name)
		}
	}
}
