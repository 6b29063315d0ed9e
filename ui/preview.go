package ui

import (
	"errors"
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/imaging"
)

// GuideKind selects the guide drawn over the live preview.
type GuideKind int

const (
	// GuideFace is a head-and-shoulders oval with the eye-line band, both
	// placed from the photo profile (capture screen).
	GuideFace GuideKind = iota
	// GuideCard is an ID-card outline (85.6:54, about 60 % of the view width).
	GuideCard
)

// GuideState is what the live checks say; it colours the guide.
type GuideState int

const (
	GuideSearching GuideState = iota // no face, or not the one wanted: colError
	GuideAdjust                      // checks failing: colWarning
	GuideReady                       // every check passes: colSuccess
)

// PreviewStats measures the preview (DESIGN §7: camera frame → on screen
// ≤ 50 ms, 30 fps sustained). Rates and percentiles are over the last 2 s.
type PreviewStats struct {
	Shown    uint64 // frames drawn since NewPreview
	Received uint64 // frames converted by SetFrame
	Replaced uint64 // frames replaced by a newer one before they were drawn
	Seq      uint64 // Frame.Seq of the frame drawn last

	FPS        float64       // frames drawn per second
	LatencyP50 time.Duration // Frame.At → drawn (when the driver paints the frame)
	LatencyP95 time.Duration
	LatencyMax time.Duration
	ConvertP50 time.Duration // SetFrame's own time (conversion, guide, hand-off)
	ConvertP95 time.Duration
}

// Preview is the camera's mirror with a guide: the newest frame, mirrored
// and letterboxed, the guide in the state's colour, a hint plate, a
// countdown and a banner. SetFrame may be called from any goroutine (the
// camera reader); every other method runs on the UI goroutine.
//
// The frame is a canvas.Raster whose generator hands the driver a reused
// *image.RGBA of exactly the raster's pixel size: the GL painter uploads it
// as it is (glTexImage2D, no CPU scaling or copy in Fyne) and samples it 1:1;
// the generator runs when the frame is really painted, which is where the
// latency is measured. The guide is drawn into that buffer by SetFrame
// (OpenCV, anti-aliased, well under a millisecond) rather than as ~90 Fyne
// line objects, each a draw call on every repaint; the texts are Fyne
// objects that change rarely (their textures are cached).
type Preview struct {
	widget.BaseWidget

	kind    GuideKind
	profile imaging.Profile

	// UI goroutine only.
	state     GuideState
	hint      string
	banner    string
	countdown int
	present   func() // v.show, bound once so that fyne.Do does not allocate

	raster     *canvas.Raster
	bars       [2]*canvas.Rectangle // letterbox bars (black), hidden when the view fills the widget
	hintPlate  *canvas.Rectangle
	hintText   *canvas.Text
	countPlate *canvas.Circle
	countText  *canvas.Text
	banPlate   *canvas.Rectangle
	banText    *canvas.Text

	// conv serialises SetFrame and Close; it owns small and the guide.
	// Between frames the Preview holds no Mat: SetFrame puts OpenCV headers
	// over its Go buffers and closes them before it returns, so a Preview
	// that is dropped without Close leaks nothing.
	conv   sync.Mutex
	small  []byte // the frame resized to the view, BGR
	guide  previewGuidePx
	closed bool

	// mu guards the buffers' hand-off, what SetFrame needs from the UI and
	// the statistics.
	mu        sync.Mutex
	bufs      [3]previewBuffer // one written, one pending, one on screen
	pending   int              // index of the newest converted frame not drawn yet, or -1
	front     int              // index of the frame on screen, or -1
	drawPx    image.Point      // the raster's size in pixels, as the painter asks for it
	viewPx    image.Point      // the widget's size in pixels (from layout), until drawPx is known
	viewH     float32          // the view's height in layout units (the guide's stroke width)
	frameSize image.Point      // the newest frame's size: the letterbox's aspect
	laidFor   image.Point      // frameSize when the widget was last laid out
	colour    color.NRGBA      // the guide's colour (the state's)
	scheduled bool             // a fyne.Do(v.present) is on its way
	received  uint64
	replaced  uint64
	shown     uint64
	lastSeq   uint64
	firstDraw time.Time
	draws     previewRing // draw time, latency
	converts  previewRing // SetFrame end, SetFrame duration
}

// previewBuffer is one converted frame: RGBA pixels in Go memory, which
// OpenCV writes straight into (through a header over the same bytes) and
// the driver uploads as they are.
type previewBuffer struct {
	img *image.RGBA
	seq uint64
	at  time.Time
}

// previewRingSize records about 34 s of frames at 30 fps.
const previewRingSize = 1024

// previewStatsWindow is the window of PreviewStats' rates and percentiles.
const previewStatsWindow = 2 * time.Second

type previewSample struct {
	at time.Time
	d  time.Duration
}

type previewRing struct {
	s [previewRingSize]previewSample
	n int // samples written in total
}

func (r *previewRing) add(at time.Time, d time.Duration) {
	r.s[r.n%previewRingSize] = previewSample{at, d}
	r.n++
}

// between returns the durations of the samples taken in (from, to].
func (r *previewRing) between(from, to time.Time) []time.Duration {
	var out []time.Duration
	for i := max(0, r.n-previewRingSize); i < r.n; i++ {
		if s := r.s[i%previewRingSize]; s.at.After(from) && !s.at.After(to) {
			out = append(out, s.d)
		}
	}
	return out
}

// Guide geometry (DESIGN §1 Capture): approximate, it is a guide.
const (
	pvOvalWidthPerFace   = 1.15 // oval width / the profile's face width (ear to ear)
	pvOvalHeightPerWidth = 1.45 // oval height / oval width
	pvCardAspect         = 85.6 / 54
	pvCardViewShare      = 0.60 // card outline width / view width
	pvCardCornerPerW     = 3.18 / 85.6
	pvGuideStroke        = 5    // layout units
	pvBandAlpha          = 0x48 // the eye-line band's opacity, of 255
	pvHintTextSize       = 40
	pvBannerTextSize     = 30
)

var (
	previewBlack    = color.NRGBA{A: 0xFF}
	previewWhite    = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	previewPlate    = color.NRGBA{A: 0xB0} // dark translucent plate behind texts
	previewCountBg  = color.NRGBA{A: 0x80}
	previewNoPixels = &image.RGBA{Pix: []uint8{0, 0, 0, 0xFF}, Stride: 4, Rect: image.Rect(0, 0, 1, 1)} // black until the first frame
)

// NewPreview returns a preview with the guide of kind placed from profile p.
func NewPreview(kind GuideKind, p imaging.Profile) *Preview {
	v := &Preview{kind: kind, profile: p, pending: -1, front: -1, colour: colError}
	v.present = v.show
	v.raster = canvas.NewRaster(v.generate)
	for i := range v.bars {
		v.bars[i] = canvas.NewRectangle(previewBlack)
		v.bars[i].Hide()
	}
	v.hintPlate = canvas.NewRectangle(previewPlate)
	v.hintPlate.CornerRadius = 16
	v.hintText = text("", pvHintTextSize, previewWhite, true)
	v.countPlate = canvas.NewCircle(previewCountBg)
	v.countText = text("", 200, previewWhite, true)
	v.banPlate = canvas.NewRectangle(colError)
	v.banText = text("", pvBannerTextSize, previewWhite, true)
	for _, o := range []fyne.CanvasObject{v.hintPlate, v.hintText, v.countPlate, v.countText, v.banPlate, v.banText} {
		o.Hide()
	}
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *Preview) CreateRenderer() fyne.WidgetRenderer { return &previewRenderer{v: v} }

// MinSize: the preview takes the space its container gives it.
func (v *Preview) MinSize() fyne.Size { return fyne.NewSize(320, 180) }

// SetFrame shows f.Img (BGR; BGRA and grey work too): it converts it into a
// back buffer (mirrored, RGBA, at the raster's pixel size, guide drawn in)
// and hands it to the UI with fyne.Do. A frame not drawn yet is replaced,
// never queued. Any goroutine; f.Img is not kept.
func (v *Preview) SetFrame(f camera.Frame) { v.setFrame(f.Img, f.Seq, f.At) }

func (v *Preview) setFrame(img gocv.Mat, seq uint64, at time.Time) {
	start := time.Now()
	v.conv.Lock()
	defer v.conv.Unlock()
	if v.closed || img.Empty() {
		return
	}
	code, ok := previewColourCode(img)
	if !ok {
		return
	}
	src := image.Pt(img.Cols(), img.Rows())

	v.mu.Lock()
	w := v.free()
	to := v.target(src)
	colour, viewH := v.colour, v.viewH
	v.mu.Unlock()

	b := &v.bufs[w]
	if b.img == nil || b.img.Rect.Size() != to {
		b.img = image.NewRGBA(image.Rectangle{Max: to}) // only when the view's size changes
	}
	if err := v.convert(img, b.img, code); err != nil {
		return
	}
	v.drawGuide(b, colour, viewH)
	b.seq, b.at = seq, at

	v.mu.Lock()
	if v.pending >= 0 {
		v.replaced++
	}
	v.pending = w
	v.received++
	v.frameSize = src
	schedule := !v.scheduled
	v.scheduled = true
	now := time.Now()
	v.converts.add(now, now.Sub(start))
	v.mu.Unlock()
	if schedule {
		uiDo(v.present) // fyne.Do; the UI tests queue it on their UI loop
	}
}

// free returns a buffer that is neither pending nor on screen. v.mu held.
func (v *Preview) free() int {
	for i := range v.bufs {
		if i != v.pending && i != v.front {
			return i
		}
	}
	panic("preview: no free buffer") // three buffers, two taken at most
}

// target is the size to convert a frame of src pixels to. v.mu held.
func (v *Preview) target(src image.Point) image.Point {
	view := v.viewPx
	if v.drawPx.X > 0 && v.laidFor == src {
		view = v.drawPx // exactly what the painter draws: sampled 1:1
	}
	return previewFit(src, view)
}

// convert writes img into dst: resized to dst's size, converted to RGBA
// by code, mirrored. v.conv held.
func (v *Preview) convert(img gocv.Mat, dst *image.RGBA, code gocv.ColorConversionCode) error {
	to := dst.Rect.Size()
	out, err := gocv.NewMatFromBytes(to.Y, to.X, gocv.MatTypeCV8UC4, dst.Pix)
	if err != nil {
		return err
	}
	defer out.Close()
	if to.X == img.Cols() && to.Y == img.Rows() {
		gocv.CvtColor(img, &out, code)
	} else {
		interp := gocv.InterpolationLinear
		if to.X*2 < img.Cols() { // linear skips pixels below 1/2: average them
			interp = gocv.InterpolationArea
		}
		n := to.X * to.Y * img.Channels()
		if cap(v.small) < n {
			v.small = make([]byte, n) // only when the view's size changes
		}
		small, err := gocv.NewMatFromBytes(to.Y, to.X, img.Type(), v.small[:n])
		if err != nil {
			return err
		}
		defer small.Close()
		gocv.Resize(img, &small, to, 0, 0, interp)
		gocv.CvtColor(small, &out, code)
	}
	gocv.Flip(out, &out, 1) // the mirror: in place (OpenCV swaps both ends of each row)
	if d, err := out.DataPtrUint8(); err != nil || &d[0] != &dst.Pix[0] {
		return errors.New("preview: OpenCV wrote elsewhere than the frame buffer") // cannot happen: the sizes match
	}
	return nil
}

// previewColourCode is the conversion of img's channels to RGBA.
func previewColourCode(img gocv.Mat) (gocv.ColorConversionCode, bool) {
	if img.Type()&7 != gocv.MatTypeCV8U { // the depth bits
		return 0, false
	}
	switch img.Channels() {
	case 3:
		return gocv.ColorBGRToRGBA, true
	case 4:
		return gocv.ColorBGRAToRGBA, true
	case 1:
		return gocv.ColorGrayToBGRA, true // grey: the same
	}
	return 0, false
}

// previewFit is the size a frame of src pixels is converted to for a view of
// view pixels: letterboxed inside it, never larger than the frame (the GPU
// scales up), and the frame's own size while the view is not known.
func previewFit(src, view image.Point) image.Point {
	if view.X <= 0 || view.Y <= 0 || src.X <= 0 || src.Y <= 0 {
		return src
	}
	f := math.Min(float64(view.X)/float64(src.X), float64(view.Y)/float64(src.Y))
	if f >= 1 {
		return src
	}
	to := image.Pt(max(1, int(math.Round(float64(src.X)*f))), max(1, int(math.Round(float64(src.Y)*f))))
	if view.X < to.X+2 && view.X >= to.X-2 && view.Y < to.Y+2 && view.Y >= to.Y-2 {
		return view // the raster's own pixels: rounding made the aspect differ a hair
	}
	return to
}

// show runs on the UI goroutine after SetFrame: it asks the driver to paint
// the raster again (the generator then takes the newest frame).
func (v *Preview) show() {
	v.mu.Lock()
	v.scheduled = false
	relayout := v.frameSize != v.laidFor
	exact := v.pending >= 0 && v.bufs[v.pending].img.Rect.Size() == v.drawPx
	v.mu.Unlock()
	if relayout {
		v.layout(v.Size())
	}
	// a buffer of the raster's own pixel size is sampled 1:1: nearest is
	// exact and the cheapest; otherwise the GPU scales it, smoothly
	mode := canvas.ImageScaleSmooth
	if exact && !relayout {
		mode = canvas.ImageScalePixels
	}
	if v.raster.ScaleMode != mode {
		v.raster.ScaleMode = mode
	}
	v.raster.Refresh()
}

// generate is the raster's generator: the driver calls it when it paints the
// preview, so this is the moment a frame reaches the screen.
func (v *Preview) generate(w, h int) image.Image {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drawPx = image.Pt(w, h)
	if v.pending >= 0 {
		v.front, v.pending = v.pending, -1
		b := &v.bufs[v.front]
		v.shown++
		v.lastSeq = b.seq
		if v.firstDraw.IsZero() {
			v.firstDraw = now
		}
		lat := time.Duration(-1)
		if !b.at.IsZero() {
			lat = now.Sub(b.at)
		}
		v.draws.add(now, lat)
	}
	if v.front < 0 {
		return previewNoPixels
	}
	return v.bufs[v.front].img
}

// Stats measures the last 2 s. Any goroutine.
func (v *Preview) Stats() PreviewStats {
	return v.statsOver(time.Now(), previewStatsWindow)
}

// statsOver measures the window ending at now.
func (v *Preview) statsOver(now time.Time, window time.Duration) PreviewStats {
	from := now.Add(-window)
	v.mu.Lock()
	st := PreviewStats{Shown: v.shown, Received: v.received, Replaced: v.replaced, Seq: v.lastSeq}
	lats := v.draws.between(from, now)
	convs := v.converts.between(from, now)
	first := v.firstDraw
	v.mu.Unlock()

	if span := now.Sub(first); !first.IsZero() && span > 0 {
		st.FPS = float64(len(lats)) / min(window, span).Seconds()
	}
	lats = slices.DeleteFunc(lats, func(d time.Duration) bool { return d < 0 }) // frames without a time
	if len(lats) > 0 {
		slices.Sort(lats)
		st.LatencyP50 = previewPercentile(lats, 0.50)
		st.LatencyP95 = previewPercentile(lats, 0.95)
		st.LatencyMax = lats[len(lats)-1]
	}
	if len(convs) > 0 {
		slices.Sort(convs)
		st.ConvertP50 = previewPercentile(convs, 0.50)
		st.ConvertP95 = previewPercentile(convs, 0.95)
	}
	return st
}

// previewPercentile of sorted durations (nearest rank).
func previewPercentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(len(sorted)-1, i))]
}

// SetState colours the guide from the next frame on. UI goroutine.
func (v *Preview) SetState(s GuideState) {
	v.state = s
	c := colError
	switch s {
	case GuideReady:
		c = colSuccess
	case GuideAdjust:
		c = colWarning
	}
	v.mu.Lock()
	v.colour = c
	v.mu.Unlock()
}

// SetHint shows text in big type on a dark plate over the lower part of the
// view; "" hides it. UI goroutine.
func (v *Preview) SetHint(s string) {
	if s == v.hint {
		return
	}
	v.hint = s
	v.hintText.Text = s
	v.layoutTexts(v.Size())
}

// SetCountdown shows n as a very large digit in the middle; 0 hides it. UI
// goroutine.
func (v *Preview) SetCountdown(n int) {
	if n == v.countdown {
		return
	}
	v.countdown = n
	v.countText.Text = ""
	if n > 0 {
		v.countText.Text = strconv.Itoa(n)
	}
	v.layoutTexts(v.Size())
}

// SetBanner shows text across the top on a red plate (a camera problem);
// "" hides it. UI goroutine.
func (v *Preview) SetBanner(s string) {
	if s == v.banner {
		return
	}
	v.banner = s
	v.banText.Text = s
	v.layoutTexts(v.Size())
}

// Close stops the preview: later frames are ignored, the last one stays on
// screen. The Preview holds no gocv.Mat between frames (see conv), so there
// is nothing else to free. Any goroutine; twice is fine.
func (v *Preview) Close() {
	v.conv.Lock()
	defer v.conv.Unlock()
	if v.closed {
		return
	}
	v.closed = true
	v.small = nil
}

// previewView is the letterboxed frame inside the widget.
type previewView struct {
	pos  fyne.Position
	size fyne.Size
}

// previewLetterbox fits a frame of frame's aspect inside size, centred
// (16:9 before the first frame).
func previewLetterbox(size fyne.Size, frame image.Point) previewView {
	aspect := float32(16) / 9
	if frame.X > 0 && frame.Y > 0 {
		aspect = float32(frame.X) / float32(frame.Y)
	}
	w, h := size.Width, size.Width/aspect
	if h > size.Height {
		w, h = size.Height*aspect, size.Height
	}
	return previewView{fyne.NewPos((size.Width-w)/2, (size.Height-h)/2), fyne.NewSize(w, h)}
}

// layout places everything for the widget's size. UI goroutine.
func (v *Preview) layout(size fyne.Size) {
	scale := float32(1)
	if a := fyne.CurrentApp(); a != nil && len(a.Driver().AllWindows()) > 0 {
		if c := a.Driver().CanvasForObject(v); c != nil {
			scale = c.Scale()
		}
	}
	v.mu.Lock()
	frame := v.frameSize
	v.laidFor = frame
	view := previewLetterbox(size, frame)
	v.viewPx = image.Pt(int(math.Round(float64(view.size.Width*scale))), int(math.Round(float64(view.size.Height*scale))))
	v.drawPx = image.Point{} // until the painter asks
	v.viewH = view.size.Height
	v.mu.Unlock()

	v.raster.Move(view.pos)
	v.raster.Resize(view.size)
	v.layoutBars(size, view)
	v.layoutTexts(size)
}

// layoutBars covers the widget around the view in black (two bars at most:
// cheaper to paint than a black background under the whole frame).
func (v *Preview) layoutBars(size fyne.Size, view previewView) {
	var rects [2][2]fyne.Position // top-left, bottom-right
	if view.pos.Y >= 0.5 {
		rects[0] = [2]fyne.Position{{}, {X: size.Width, Y: view.pos.Y}}
		rects[1] = [2]fyne.Position{{X: 0, Y: view.pos.Y + view.size.Height}, {X: size.Width, Y: size.Height}}
	} else if view.pos.X >= 0.5 {
		rects[0] = [2]fyne.Position{{}, {X: view.pos.X, Y: size.Height}}
		rects[1] = [2]fyne.Position{{X: view.pos.X + view.size.Width, Y: 0}, {X: size.Width, Y: size.Height}}
	}
	for i, r := range rects {
		bar := v.bars[i]
		if r[1].X-r[0].X < 0.5 || r[1].Y-r[0].Y < 0.5 {
			bar.Hide()
			continue
		}
		bar.Move(r[0])
		bar.Resize(fyne.NewSize(r[1].X-r[0].X, r[1].Y-r[0].Y))
		bar.Show()
	}
}

// layoutTexts places the hint, the countdown and the banner.
func (v *Preview) layoutTexts(size fyne.Size) {
	v.mu.Lock()
	frame := v.frameSize
	v.mu.Unlock()
	view := previewLetterbox(size, frame)
	show := func(on bool, objs ...fyne.CanvasObject) {
		for _, o := range objs {
			if on {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}

	show(v.hint != "", v.hintPlate, v.hintText)
	if v.hint != "" {
		ts := v.hintText.MinSize()
		pw, ph := min(ts.Width+48, size.Width), ts.Height+24
		y := max(view.pos.Y, view.pos.Y+view.size.Height*0.94-ph)
		v.hintPlate.Move(fyne.NewPos((size.Width-pw)/2, y))
		v.hintPlate.Resize(fyne.NewSize(pw, ph))
		v.hintText.Move(fyne.NewPos((size.Width-ts.Width)/2, y+12))
		v.hintText.Resize(ts)
	}

	show(v.countdown > 0, v.countPlate, v.countText)
	if v.countdown > 0 {
		v.countText.TextSize = max(120, view.size.Height*0.45)
		ts := v.countText.MinSize()
		d := max(ts.Width, ts.Height) * 1.1
		c := fyne.NewPos(view.pos.X+view.size.Width/2, view.pos.Y+view.size.Height/2)
		v.countPlate.Move(fyne.NewPos(c.X-d/2, c.Y-d/2))
		v.countPlate.Resize(fyne.NewSize(d, d))
		v.countText.Move(fyne.NewPos(c.X-ts.Width/2, c.Y-ts.Height/2))
		v.countText.Resize(ts)
	}

	show(v.banner != "", v.banPlate, v.banText)
	if v.banner != "" {
		ts := v.banText.MinSize()
		h := ts.Height + 28
		v.banPlate.Move(fyne.Position{})
		v.banPlate.Resize(fyne.NewSize(size.Width, h))
		v.banText.Move(fyne.NewPos(max(0, (size.Width-ts.Width)/2), 14))
		v.banText.Resize(ts)
	}
	for _, o := range []fyne.CanvasObject{v.hintPlate, v.hintText, v.countPlate, v.countText, v.banPlate, v.banText} {
		o.Refresh()
	}
}

type previewRenderer struct{ v *Preview }

func (r *previewRenderer) Layout(size fyne.Size) { r.v.layout(size) }

func (r *previewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *previewRenderer) Refresh() {
	r.v.layout(r.v.Size())
	r.v.raster.Refresh()
}

func (r *previewRenderer) Objects() []fyne.CanvasObject {
	v := r.v
	return []fyne.CanvasObject{v.raster, v.bars[0], v.bars[1],
		v.hintPlate, v.hintText, v.countPlate, v.countText, v.banPlate, v.banText}
}

func (r *previewRenderer) Destroy() {}

// previewFaceGuide is the GuideFace geometry in view units (origin at the
// view's top left) for a view of height viewH: the crop as tall as the
// frame, so profile px map to view units by u = viewH / profile height
// (s0 = profile height / frame height in frame px).
type previewFaceGuide struct {
	bandTop, bandBottom float64 // the eye-line band
	cx, top, w, h       float64 // the head oval: centre x, top, width, height
}

func previewFaceGuideFor(p imaging.Profile, viewW, viewH float64) previewFaceGuide {
	u := viewH / float64(max(1, p.Height))
	eyeLo, eyeHi := float64(p.Height)*0.3, float64(p.Height)*0.5 // as imaging's eyeTarget
	if p.EyeLine != nil {
		eyeLo, eyeHi = p.EyeLine.Min, p.EyeLine.Max
	}
	top := float64(p.Height) * 0.1
	if p.HeadTop != nil {
		top = p.HeadTop.Mid()
	}
	var w, h float64
	switch {
	case p.FaceWidth != nil:
		w = pvOvalWidthPerFace * p.FaceWidth.Mid() * u
		h = pvOvalHeightPerWidth * w
	case p.HeadHeight != nil:
		h = 1.05 * p.HeadHeight.Mid() * u
		w = h / pvOvalHeightPerWidth
	default:
		h = 0.6 * viewH
		w = h / pvOvalHeightPerWidth
	}
	return previewFaceGuide{bandTop: eyeLo * u, bandBottom: eyeHi * u, cx: viewW / 2, top: top * u, w: w, h: h}
}

// previewGuidePx is the guide for one buffer size, rasterised once: the
// anti-aliased strokes as a sparse coverage list, the band as rows. Drawing
// it on a frame then costs a blend of the stroke pixels (~20 000) and of
// the band's rows, not OpenCV's thick anti-aliased curves every frame.
type previewGuidePx struct {
	size       image.Point // the buffer size it is for; zero: not made
	stroke     int         // the stroke width in buffer px
	bandTop    int         // rows [bandTop, bandBottom) get the translucent band
	bandBottom int
	strokes    []previewCover
}

// previewCover is one stroke pixel: its offset in the RGBA buffer and its
// coverage (anti-aliasing), 1…255.
type previewCover struct {
	off   int32
	cover uint8
}

// pvShift: OpenCV draws with 4 fractional bits of precision.
const pvShift = 4

func pvFixed(x float64) int { return int(math.Round(x * (1 << pvShift))) }

// drawGuide draws the guide into b in colour c (v.conv held); viewH is
// the view's height in layout units (0: not laid out yet).
func (v *Preview) drawGuide(b *previewBuffer, c color.NRGBA, viewH float32) {
	size := b.img.Rect.Size()
	if viewH <= 0 {
		viewH = 720
	}
	// pvGuideStroke layout units, whatever the buffer's scale to the screen
	stroke := max(2, int(math.Round(pvGuideStroke*float64(size.Y)/float64(viewH))))
	if v.guide.size != size || v.guide.stroke != stroke {
		if err := v.guide.make(v.kind, v.profile, size, stroke); err != nil {
			return
		}
	}
	g := &v.guide
	pvBlendRows(b.img, g.bandTop, g.bandBottom, c, pvBandAlpha)
	pix := b.img.Pix
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
func (g *previewGuidePx) make(kind GuideKind, p imaging.Profile, size image.Point, stroke int) error {
	*g = previewGuidePx{strokes: g.strokes[:0]}
	mask := gocv.NewMatWithSize(size.Y, size.X, gocv.MatTypeCV8UC1)
	defer mask.Close()
	mask.SetTo(gocv.Scalar{})
	on := color.RGBA{R: 255, G: 255, B: 255, A: 255}
	W, H := float64(size.X), float64(size.Y)
	if kind == GuideCard {
		w := W * pvCardViewShare
		h := w / pvCardAspect
		if h > 0.9*H {
			h, w = 0.9*H, 0.9*H*pvCardAspect
		}
		x0, y0 := int(math.Round((W-w)/2)), int(math.Round((H-h)/2))
		r := image.Rect(x0, y0, x0+int(math.Round(w)), y0+int(math.Round(h)))
		pvDrawRoundedRect(&mask, r, max(1, int(math.Round(w*pvCardCornerPerW))), on, stroke)
	} else {
		f := previewFaceGuideFor(p, W, H)
		g.bandTop, g.bandBottom = int(math.Round(f.bandTop)), int(math.Round(f.bandBottom))
		for _, y := range []int{g.bandTop, g.bandBottom} {
			gocv.Line(&mask, image.Pt(0, y), image.Pt(size.X, y), on, max(1, stroke/2))
		}
		ellipse := func(cx, cy, ax, ay, from, to float64) {
			gocv.EllipseWithParams(&mask, image.Pt(pvFixed(cx), pvFixed(cy)), image.Pt(pvFixed(ax), pvFixed(ay)),
				0, from, to, on, stroke, gocv.LineAA, pvShift)
		}
		a, b := f.w/2, f.h/2
		cy := f.top + b
		ellipse(f.cx, cy, a, b, 0, 360) // the head
		bottom := cy + b
		for _, side := range []float64{-1, 1} {
			// the neck from the jaw down, then the shoulder: a quarter
			// ellipse out to 2.3 half-widths, and on a little down the arm
			nx := f.cx + side*0.55*a
			jaw, neck := cy+0.83*b, bottom+0.10*b
			gocv.Line(&mask, image.Pt(int(math.Round(nx)), int(math.Round(jaw))), image.Pt(int(math.Round(nx)), int(math.Round(neck))), on, stroke)
			sy := bottom + 0.5*b
			if side < 0 {
				ellipse(nx, sy, 1.75*a, sy-neck, 160, 270)
			} else {
				ellipse(nx, sy, 1.75*a, sy-neck, -90, 20)
			}
		}
	}
	cover, err := mask.DataPtrUint8()
	if err != nil {
		return err
	}
	for i, c := range cover {
		if c != 0 {
			g.strokes = append(g.strokes, previewCover{off: int32(i * 4), cover: c})
		}
	}
	g.size, g.stroke = size, stroke
	return nil
}

// pvDrawRoundedRect draws the outline of r with corners of radius rad.
func pvDrawRoundedRect(m *gocv.Mat, r image.Rectangle, rad int, col color.RGBA, stroke int) {
	x0, y0, x1, y1 := r.Min.X, r.Min.Y, r.Max.X, r.Max.Y
	gocv.Line(m, image.Pt(x0+rad, y0), image.Pt(x1-rad, y0), col, stroke)
	gocv.Line(m, image.Pt(x0+rad, y1), image.Pt(x1-rad, y1), col, stroke)
	gocv.Line(m, image.Pt(x0, y0+rad), image.Pt(x0, y1-rad), col, stroke)
	gocv.Line(m, image.Pt(x1, y0+rad), image.Pt(x1, y1-rad), col, stroke)
	ax := image.Pt(rad<<pvShift, rad<<pvShift)
	for _, c := range []struct {
		x, y int
		from float64
	}{{x1 - rad, y1 - rad, 0}, {x0 + rad, y1 - rad, 90}, {x0 + rad, y0 + rad, 180}, {x1 - rad, y0 + rad, 270}} {
		gocv.EllipseWithParams(m, image.Pt(c.x<<pvShift, c.y<<pvShift), ax, 0, c.from, c.from+90, col, stroke, gocv.LineAA, pvShift)
	}
}

// pvBlendRows blends rows [y0, y1) of img towards c by alpha/255.
func pvBlendRows(img *image.RGBA, y0, y1 int, c color.NRGBA, alpha uint32) {
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
