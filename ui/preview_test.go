package ui

import (
	"gradphoto/spec"
	"image"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/capture/opencv"
	"gradphoto/internal/fixture"
)

// previewProfile is the shipped default profile (chsi, 480×640).
func previewProfile(t testing.TB) spec.Profile {
	t.Helper()
	p, err := fixture.Profile("")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newPreviewRig shows a preview filling a test window of size (canvas scale 1).
func newPreviewRig(t testing.TB, kind capture.GuideKind, size fyne.Size) (*preview, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kioskTheme{})
	v := newPreview(opencv.NewView(kind, previewProfile(t), colError))
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(size)
	t.Cleanup(func() {
		w.Close()
		v.close()
	})
	return v, w
}

var (
	red   = color.NRGBA{R: 255, A: 255}
	blue  = color.NRGBA{B: 255, A: 255}
	white = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	grey  = color.NRGBA{R: 128, G: 128, B: 128, A: 255}
)

// showFrame hands the preview a w×h frame, its left half left and its
// right half right, as the camera would.
func showFrame(v *preview, w, h int, left, right color.NRGBA) {
	m := fixture.Halves(w, h, left, right)
	defer m.Close()
	v.view.(*opencv.View).SetFrame(camera.Frame{Img: m, Seq: 1, At: time.Now(), Scale: 1})
}

// The camera's frame reaches the screen mirrored (the face preview), at
// the widget's pixels, with the guide in the colour of the checks' state.
func TestPreviewShowsTheFrame(t *testing.T) {
	v, w := newPreviewRig(t, capture.GuideFace, fyne.NewSize(1280, 720))
	showFrame(v, 1280, 720, red, blue)
	img := w.Canvas().Capture()
	fixture.WantPixel(t, img, 320, 10, blue, "left quarter shows the frame's right")
	fixture.WantPixel(t, img, 960, 10, red, "right quarter shows the frame's left")
	if st := v.view.Stats(); st.Shown != 1 {
		t.Errorf("stats = %+v, want 1 frame shown", st)
	}
	for _, tc := range []struct {
		g    capture.Guide
		want color.NRGBA
	}{{capture.GuideSearching, colError}, {capture.GuideReady, colSuccess}, {capture.GuideAdjust, colWarning}} {
		v.setGuide(tc.g)
		showFrame(v, 1280, 720, grey, grey)
		fixture.WantPixel(t, w.Canvas().Capture(), 640, 90, tc.want, "oval top")
	}
}

func TestPreviewLetterbox(t *testing.T) {
	for _, tc := range []struct {
		name      string
		win       fyne.Size
		frame     image.Point
		view      image.Rectangle
		bar, inne image.Point // a pixel in a bar, one in the frame
	}{
		{"16:9 in a square", fyne.NewSize(400, 400), image.Pt(1280, 720),
			image.Rect(0, 88, 400, 313), image.Pt(200, 40), image.Pt(200, 100)},
		{"4:3 in a wide", fyne.NewSize(800, 300), image.Pt(640, 480),
			image.Rect(200, 0, 600, 300), image.Pt(100, 150), image.Pt(250, 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, w := newPreviewRig(t, capture.GuideFace, tc.win)
			showFrame(v, tc.frame.X, tc.frame.Y, white, white)
			pos, size := v.raster.Position(), v.raster.Size()
			got := image.Rect(int(math.Round(float64(pos.X))), int(math.Round(float64(pos.Y))),
				int(math.Round(float64(pos.X+size.Width))), int(math.Round(float64(pos.Y+size.Height))))
			if got != tc.view {
				t.Errorf("frame drawn at %v, want %v", got, tc.view)
			}
			if a, b := size.Width/size.Height, float32(tc.frame.X)/float32(tc.frame.Y); math.Abs(float64(a-b)) > 0.01 {
				t.Errorf("aspect %.3f, want the frame's %.3f (no stretching)", a, b)
			}
			img := w.Canvas().Capture()
			fixture.WantPixel(t, img, tc.bar.X, tc.bar.Y, color.NRGBA{A: 255}, "bar")
			fixture.WantPixel(t, img, tc.inne.X, tc.inne.Y, white, "frame")
		})
	}
}

func TestPreviewHintCountdownBanner(t *testing.T) {
	v, w := newPreviewRig(t, capture.GuideFace, fyne.NewSize(1280, 720))
	showFrame(v, 1280, 720, white, white)
	hidden := func(what string) {
		t.Helper()
		for _, o := range v.overlays() {
			if o.Visible() {
				t.Errorf("%s: %T at %v still visible", what, o, o.Position())
			}
		}
	}
	hidden("at start")

	v.setHint("请靠近一点")
	if !v.hintText.Visible() || !v.hintPlate.Visible() || v.hintText.Text != "请靠近一点" || v.hintText.TextSize < 36 {
		t.Errorf("hint %q visible %v size %v, want it shown at ≥ 36", v.hintText.Text, v.hintText.Visible(), v.hintText.TextSize)
	}
	pp, ps := v.hintPlate.Position(), v.hintPlate.Size()
	tp, ts := v.hintText.Position(), v.hintText.Size()
	if tp.X < pp.X || tp.Y < pp.Y || tp.X+ts.Width > pp.X+ps.Width || tp.Y+ts.Height > pp.Y+ps.Height {
		t.Errorf("hint text %v+%v outside its plate %v+%v", tp, ts, pp, ps)
	}
	if pp.Y < 720*0.6 || pp.Y+ps.Height > 720 {
		t.Errorf("hint plate at y %v…%v, want it over the lower part", pp.Y, pp.Y+ps.Height)
	}
	img := w.Canvas().Capture()
	if c := color.NRGBAModel.Convert(img.At(int(pp.X)+6, int(pp.Y+ps.Height/2))).(color.NRGBA); c.R > 100 {
		t.Errorf("plate over a white frame is %v, want dark", c)
	}

	v.setCountdown(3)
	if !v.countText.Visible() || v.countText.Text != "3" || v.countText.TextSize < 120 {
		t.Errorf("countdown %q visible %v size %v, want a very large 3", v.countText.Text, v.countText.Visible(), v.countText.TextSize)
	}
	cp, cs := v.countText.Position(), v.countText.Size()
	if cx, cy := cp.X+cs.Width/2, cp.Y+cs.Height/2; math.Abs(float64(cx-640)) > 2 || math.Abs(float64(cy-360)) > 2 {
		t.Errorf("countdown centred at (%v, %v), want the middle", cx, cy)
	}

	v.setBanner("摄像头已断开，正在重新连接…")
	if !v.banText.Visible() || !v.banPlate.Visible() || v.banPlate.Position().Y != 0 || v.banPlate.Size().Width != 1280 {
		t.Errorf("banner visible %v at %v size %v, want it across the top", v.banText.Visible(), v.banPlate.Position(), v.banPlate.Size())
	}
	fixture.WantPixel(t, w.Canvas().Capture(), 4, 4, colError, "banner plate")

	v.setHint("")
	v.setCountdown(0)
	v.setBanner("")
	hidden("after clearing")
	fixture.WantPixel(t, w.Canvas().Capture(), 4, 4, white, "no banner")
}
