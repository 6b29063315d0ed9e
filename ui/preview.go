package ui

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"gradphoto/capture"
)

// preview is the camera's picture with a guide on a camera screen: the
// frames of a capture.View (converted, mirrored for the face, guide drawn
// in by the camera side), letterboxed, with a hint plate, a countdown and
// a banner as Fyne objects. Every method runs on the UI goroutine; frames
// arrive through the View, which asks for a repaint with uiDo.
//
// The frame is a canvas.Raster whose generator is View.Paint: it hands the
// driver a reused *image.RGBA of exactly the raster's pixel size, which the
// GL painter uploads as it is and samples 1:1.
type preview struct {
	widget.BaseWidget

	view capture.View

	hint      string
	banner    string
	countdown int
	present   func() // v.show, bound once so that uiDo does not allocate

	raster     *canvas.Raster
	bars       [2]*canvas.Rectangle // letterbox bars (black), hidden when the view fills the widget
	hintPlate  *canvas.Rectangle
	hintText   *canvas.Text
	countPlate *canvas.Circle
	countText  *canvas.Text
	banPlate   *canvas.Rectangle
	banText    *canvas.Text
}

// Sizes and colours of the preview's overlays.
const (
	previewHintTextSize   = 40
	previewBannerTextSize = 30
)

var (
	previewBlack   = color.NRGBA{A: 0xFF}
	previewWhite   = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	previewPlate   = color.NRGBA{A: 0xB0} // dark translucent plate behind texts
	previewCountBg = color.NRGBA{A: 0x80}
)

// newPreview returns a preview painting view's frames.
func newPreview(view capture.View) *preview {
	v := &preview{view: view}
	v.present = v.show
	v.view.SetOnFrame(func() { uiDo(v.present) })
	v.raster = canvas.NewRaster(v.view.Paint)
	for i := range v.bars {
		v.bars[i] = canvas.NewRectangle(previewBlack)
		v.bars[i].Hide()
	}
	v.hintPlate = canvas.NewRectangle(previewPlate)
	v.hintPlate.CornerRadius = 16
	v.hintText = text("", previewHintTextSize, previewWhite, true)
	v.countPlate = canvas.NewCircle(previewCountBg)
	v.countText = text("", 200, previewWhite, true)
	v.banPlate = canvas.NewRectangle(colError)
	v.banText = text("", previewBannerTextSize, previewWhite, true)
	for _, o := range v.overlays() {
		o.Hide()
	}
	v.ExtendBaseWidget(v)
	return v
}

func (v *preview) overlays() []fyne.CanvasObject {
	return []fyne.CanvasObject{v.hintPlate, v.hintText, v.countPlate, v.countText, v.banPlate, v.banText}
}

// CreateRenderer implements fyne.Widget.
func (v *preview) CreateRenderer() fyne.WidgetRenderer { return &previewRenderer{v: v} }

// MinSize: the preview takes the space its container gives it.
func (v *preview) MinSize() fyne.Size { return fyne.NewSize(320, 180) }

// show runs after the View converted a frame: it asks the driver to paint
// the raster again (the generator then takes the newest frame).
func (v *preview) show() {
	relayout, exact := v.view.Present()
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

// setGuide colours the guide from the next frame on.
func (v *preview) setGuide(g capture.Guide) {
	v.view.SetColour(guideColour(g))
}

// guideColour is the guide's colour for a state of the checks.
func guideColour(g capture.Guide) color.NRGBA {
	switch g {
	case capture.GuideReady:
		return colSuccess
	case capture.GuideAdjust:
		return colWarning
	}
	return colError
}

// setHint shows s in big type on a dark plate over the lower part of the
// view; "" hides it.
func (v *preview) setHint(s string) {
	if s == v.hint {
		return
	}
	v.hint = s
	v.hintText.Text = s
	v.layoutTexts(v.Size())
}

// setCountdown shows n as a very large digit in the middle; 0 hides it.
func (v *preview) setCountdown(n int) {
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

// setBanner shows s across the top on a red plate (a camera problem); ""
// hides it.
func (v *preview) setBanner(s string) {
	if s == v.banner {
		return
	}
	v.banner = s
	v.banText.Text = s
	v.layoutTexts(v.Size())
}

// close stops the view: later frames are ignored, the last one stays.
func (v *preview) close() { v.view.Close() }

type previewRenderer struct{ v *preview }

func (r *previewRenderer) Layout(size fyne.Size) { r.v.layout(size) }

func (r *previewRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *previewRenderer) Refresh() {
	r.v.layout(r.v.Size())
	r.v.raster.Refresh()
}

func (r *previewRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.v.raster, r.v.bars[0], r.v.bars[1]}, r.v.overlays()...)
}

func (r *previewRenderer) Destroy() {}
