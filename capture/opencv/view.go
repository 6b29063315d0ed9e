package opencv

import (
	"errors"
	"gradphoto/capture"
	"gradphoto/spec"
	"image"
	"image/color"
	"math"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/camera"
)

// View is capture.View on OpenCV: SetFrame (the camera loop's Preview
// callback, on its reader goroutine) reduces the frame to the size the
// screen paints, converts it to RGBA, mirrors it for the face and draws the
// guide, into one of three reused buffers.
//
// Between frames a View holds no Mat: SetFrame puts OpenCV headers over its
// Go buffers and closes them before it returns, so a View dropped without
// Close leaks nothing.
type View struct {
	kind    capture.GuideKind
	profile spec.Profile

	// conv serialises SetFrame and Close; it owns small and the guide.
	conv   sync.Mutex
	small  []byte // the frame resized to the view, BGR
	guide  viewGuide
	closed bool

	// mu guards the buffers' hand-off, the layout and the statistics.
	mu        sync.Mutex
	bufs      [3]viewBuffer // one written, one pending, one on screen
	pending   int           // index of the newest converted frame not painted yet, or -1
	front     int           // index of the frame on screen, or -1
	drawPx    image.Point   // the painted size in pixels, as the painter asks for it
	viewPx    image.Point   // the view's size in pixels (from layout), until drawPx is known
	viewH     float32       // the view's height in layout units (the guide's stroke width)
	frameSize image.Point   // the newest frame's size: the letterbox's aspect
	laidFor   image.Point   // frameSize when the screen last laid the view out
	colour    color.NRGBA   // the guide's colour
	scheduled bool          // onFrame was called and Present not yet
	onFrame   func()
	stats     viewStats
}

var _ capture.View = (*View)(nil)

// viewBuffer is one converted frame: RGBA pixels in Go memory, which OpenCV
// writes straight into (through a header over the same bytes) and the
// screen uploads as they are.
type viewBuffer struct {
	img *image.RGBA
	seq uint64
	at  time.Time
}

// noPixels is painted until the first frame: black.
var noPixels = &image.RGBA{Pix: []uint8{0, 0, 0, 0xFF}, Stride: 4, Rect: image.Rect(0, 0, 1, 1)}

// NewView returns a view whose frames carry the guide of kind placed from
// profile p, drawn in colour until SetColour.
func NewView(kind capture.GuideKind, p spec.Profile, colour color.NRGBA) *View {
	return &View{kind: kind, profile: p, pending: -1, front: -1, colour: colour}
}

// SetOnFrame sets what is called after a frame was converted while none
// was waiting to be painted.
func (v *View) SetOnFrame(f func()) {
	v.mu.Lock()
	v.onFrame = f
	v.mu.Unlock()
}

// Mirrored reports whether the view shows frames mirrored (the face).
func (v *View) Mirrored() bool { return v.kind == capture.GuideFace }

// SetFrame converts f.Img (BGR; BGRA and grey work too) into a back
// buffer and calls the OnFrame function. f.Img is not kept.
func (v *View) SetFrame(f camera.Frame) {
	start := time.Now()
	v.conv.Lock()
	defer v.conv.Unlock()
	if v.closed || f.Img.Empty() {
		return
	}
	code, ok := colourCode(f.Img)
	if !ok {
		return
	}
	src := image.Pt(f.Img.Cols(), f.Img.Rows())

	v.mu.Lock()
	w := v.free()
	to := v.target(src)
	colour, viewH := v.colour, v.viewH
	v.mu.Unlock()

	b := &v.bufs[w]
	if b.img == nil || b.img.Rect.Size() != to {
		b.img = image.NewRGBA(image.Rectangle{Max: to}) // only when the view's size changes
	}
	if err := v.convert(f.Img, b.img, code); err != nil {
		return
	}
	v.drawGuide(b.img, src, colour, viewH)
	b.seq, b.at = f.Seq, f.At

	v.mu.Lock()
	if v.pending >= 0 {
		v.stats.replaced++
	}
	v.pending = w
	v.stats.received++
	v.frameSize = src
	notify := !v.scheduled
	v.scheduled = true
	onFrame := v.onFrame
	now := time.Now()
	v.stats.converts.add(now, now.Sub(start))
	v.mu.Unlock()
	if notify && onFrame != nil {
		onFrame()
	}
}

// free returns a buffer that is neither pending nor on screen. v.mu held.
func (v *View) free() int {
	for i := range v.bufs {
		if i != v.pending && i != v.front {
			return i
		}
	}
	panic("capture: view: no free buffer") // three buffers, two taken at most
}

// target is the size to convert a frame of src pixels to. v.mu held.
func (v *View) target(src image.Point) image.Point {
	view := v.viewPx
	if v.drawPx.X > 0 && v.laidFor == src {
		view = v.drawPx // exactly what the painter draws: sampled 1:1
	}
	return Fit(src, view)
}

// convert writes img into dst: resized to dst's size, converted to RGBA by
// code, mirrored for the face. v.conv held.
func (v *View) convert(img gocv.Mat, dst *image.RGBA, code gocv.ColorConversionCode) error {
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
	if v.Mirrored() {
		gocv.Flip(out, &out, 1) // in place: OpenCV swaps both ends of each row
	}
	if d, err := out.DataPtrUint8(); err != nil || &d[0] != &dst.Pix[0] {
		return errors.New("capture: view: OpenCV wrote elsewhere than the frame buffer") // cannot happen: the sizes match
	}
	return nil
}

// colourCode is the conversion of img's channels to RGBA.
func colourCode(img gocv.Mat) (gocv.ColorConversionCode, bool) {
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

// Fit is the size a frame of src pixels is converted to for a view of view
// pixels: letterboxed inside it, never larger than the frame (the GPU
// scales up), and the frame's own size while the view is not known.
func Fit(src, view image.Point) image.Point {
	if view.X <= 0 || view.Y <= 0 || src.X <= 0 || src.Y <= 0 {
		return src
	}
	f := math.Min(float64(view.X)/float64(src.X), float64(view.Y)/float64(src.Y))
	if f >= 1 {
		return src
	}
	to := image.Pt(max(1, int(math.Round(float64(src.X)*f))), max(1, int(math.Round(float64(src.Y)*f))))
	if view.X < to.X+2 && view.X >= to.X-2 && view.Y < to.Y+2 && view.Y >= to.Y-2 {
		return view // the painter's own pixels: rounding made the aspect differ a hair
	}
	return to
}

// Layout records how the screen laid the view out.
func (v *View) Layout(frame, px image.Point, height float32) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.laidFor = frame
	v.viewPx, v.viewH = px, height
	v.drawPx = image.Point{} // until the painter asks
}

// FrameSize is the size of the newest frame (zero before the first).
func (v *View) FrameSize() image.Point {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frameSize
}

// Present is called when the screen is about to paint.
func (v *View) Present() (relayout, exact bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.scheduled = false
	relayout = v.frameSize != v.laidFor
	exact = v.pending >= 0 && v.bufs[v.pending].img.Rect.Size() == v.drawPx
	return relayout, exact
}

// Paint is the picture to paint at w×h pixels. The screen calls it when it
// really paints, so this is where a frame's latency is measured.
func (v *View) Paint(w, h int) image.Image {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drawPx = image.Pt(w, h)
	if v.pending >= 0 {
		v.front, v.pending = v.pending, -1
		b := &v.bufs[v.front]
		v.stats.painted(now, b)
	}
	if v.front < 0 {
		return noPixels
	}
	return v.bufs[v.front].img
}

// SetColour draws the guide in c from the next frame on.
func (v *View) SetColour(c color.NRGBA) {
	v.mu.Lock()
	v.colour = c
	v.mu.Unlock()
}

// Close stops the view: later frames are ignored, the last one can still
// be painted. Twice is fine.
func (v *View) Close() {
	v.conv.Lock()
	defer v.conv.Unlock()
	v.closed = true
	v.small = nil
}
