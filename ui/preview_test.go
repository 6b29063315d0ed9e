package ui

import (
	"image"
	"image/color"
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"gocv.io/x/gocv"

	"gradphoto/assets"
	"gradphoto/imaging"
)

// previewProfile is the shipped default profile (chsi, 480×640).
func previewProfile(t testing.TB) imaging.Profile {
	t.Helper()
	ps, err := imaging.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ps.Get("")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newPreviewRig shows a preview filling a test window of size (canvas scale 1).
func newPreviewRig(t testing.TB, kind GuideKind, size fyne.Size) (*Preview, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kioskTheme{})
	v := NewPreview(kind, previewProfile(t))
	w := test.NewWindow(v)
	w.SetPadded(false)
	w.Resize(size)
	t.Cleanup(func() {
		w.Close()
		v.Close()
	})
	return v, w
}

// bgr is an OpenCV colour from an RGB one.
func bgr(c color.NRGBA) gocv.Scalar {
	return gocv.NewScalar(float64(c.B), float64(c.G), float64(c.R), 0)
}

// halves is a w×h BGR frame, its left half left and its right half right.
func halves(t testing.TB, w, h int, left, right color.NRGBA) gocv.Mat {
	t.Helper()
	m := gocv.NewMatWithSizeFromScalar(bgr(right), h, w, gocv.MatTypeCV8UC3)
	l := m.Region(image.Rect(0, 0, w/2, h))
	l.SetTo(bgr(left))
	l.Close()
	return m
}

var (
	red   = color.NRGBA{R: 255, A: 255}
	blue  = color.NRGBA{B: 255, A: 255}
	green = color.NRGBA{G: 200, A: 255}
	grey  = color.NRGBA{R: 128, G: 128, B: 128, A: 255}
	white = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
)

// near reports whether two colours are within tol per channel.
func near(a color.Color, b color.NRGBA, tol int) bool {
	c := color.NRGBAModel.Convert(a).(color.NRGBA)
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(c.R, b.R) && d(c.G, b.G) && d(c.B, b.B)
}

func wantPixel(t *testing.T, img image.Image, x, y int, want color.NRGBA, what string) {
	t.Helper()
	if got := img.At(x, y); !near(got, want, 24) {
		t.Errorf("%s: pixel (%d, %d) = %v, want %v", what, x, y, got, want)
	}
}

func TestPreviewMirrored(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(640, 360))
	f := halves(t, 1280, 720, red, blue)
	defer f.Close()
	v.setFrame(f, 1, time.Now())
	img := w.Canvas().Capture()
	// y = 10 px: above the guide (its head top is at 12.5 % of the height)
	wantPixel(t, img, 160, 10, blue, "left quarter shows the frame's right")
	wantPixel(t, img, 480, 10, red, "right quarter shows the frame's left")
	if st := v.Stats(); st.Shown != 1 || st.Seq != 1 {
		t.Errorf("stats = %+v, want 1 frame shown, seq 1", st)
	}
	// converted at the view's size, not the camera's
	v.mu.Lock()
	got := v.bufs[v.front].img.Rect.Size()
	v.mu.Unlock()
	if got != image.Pt(640, 360) {
		t.Errorf("back buffer %v, want 640×360 (the widget's pixels)", got)
	}
}

func TestPreviewGreyAndBGRAFrames(t *testing.T) {
	v, w := newPreviewRig(t, GuideCard, fyne.NewSize(320, 240))
	g := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 0, 0, 0), 240, 320, gocv.MatTypeCV8UC1)
	defer g.Close()
	v.setFrame(g, 1, time.Now())
	wantPixel(t, w.Canvas().Capture(), 10, 10, grey, "grey frame")
	c := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 200, 0, 255), 240, 320, gocv.MatTypeCV8UC4)
	defer c.Close()
	v.setFrame(c, 2, time.Now())
	wantPixel(t, w.Canvas().Capture(), 10, 10, green, "BGRA frame")
	f := gocv.NewMatWithSize(240, 320, gocv.MatTypeCV32FC3) // not a camera format: ignored
	defer f.Close()
	v.setFrame(f, 3, time.Now())
	if st := v.Stats(); st.Received != 2 {
		t.Errorf("received %d frames, want 2 (the float frame refused)", st.Received)
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
			v, w := newPreviewRig(t, GuideFace, tc.win)
			f := gocv.NewMatWithSizeFromScalar(bgr(white), tc.frame.Y, tc.frame.X, gocv.MatTypeCV8UC3)
			defer f.Close()
			v.setFrame(f, 1, time.Now())
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
			wantPixel(t, img, tc.bar.X, tc.bar.Y, color.NRGBA{A: 255}, "bar")
			wantPixel(t, img, tc.inne.X, tc.inne.Y, white, "frame")
		})
	}
}

// TestPreviewNewestFrameWins: 100 frames pushed faster than the screen
// draws: the screen shows the newest, never a queue of old ones.
func TestPreviewNewestFrameWins(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(320, 180))
	frames := make([]gocv.Mat, 100)
	for i := range frames {
		c := color.NRGBA{R: uint8(i * 2), G: 100, B: 255 - uint8(i*2), A: 255}
		frames[i] = gocv.NewMatWithSizeFromScalar(bgr(c), 180, 320, gocv.MatTypeCV8UC3)
		defer frames[i].Close()
	}
	for i, f := range frames {
		v.setFrame(f, uint64(i+1), time.Now())
	}
	img := w.Canvas().Capture()
	st := v.Stats()
	if st.Shown != 1 || st.Seq != 100 || st.Received != 100 || st.Replaced != 99 {
		t.Errorf("stats = %+v, want the 100th frame shown once, 99 replaced", st)
	}
	wantPixel(t, img, 10, 10, color.NRGBA{R: 198, G: 100, B: 57, A: 255}, "newest frame")
	// drawing again without a new frame shows it again but does not count it
	w.Canvas().Capture()
	if st := v.Stats(); st.Shown != 1 {
		t.Errorf("shown %d after a repaint, want 1", st.Shown)
	}
}

// TestPreviewConcurrent: the camera goroutine sets frames while the UI
// goroutine draws, reads the stats and changes the overlays (go test -race).
func TestPreviewConcurrent(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(480, 270))
	f := halves(t, 640, 360, red, blue)
	defer f.Close()
	v.setFrame(f, 0, time.Now()) // the first frame lays the view out
	const n = 300
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= n; i++ {
			v.setFrame(f, uint64(i), time.Now())
			if i%10 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var lastShown uint64
	for i := 0; ; i++ {
		w.Canvas().Capture()
		st := v.Stats()
		if st.Shown < lastShown || st.Shown > st.Received+1 {
			t.Fatalf("stats went wrong: %+v after %d shown", st, lastShown)
		}
		lastShown = st.Shown
		v.SetState(GuideState(i % 3))
		v.SetHint([]string{"", "请靠近一点"}[i%2])
		v.SetCountdown(i % 4)
		if st.Seq == n {
			break
		}
	}
	wg.Wait()
	st := v.Stats()
	if st.Seq != n || st.Shown > n+1 || st.Received != n+1 {
		t.Errorf("stats = %+v, want the last of %d frames shown", st, n)
	}
}

func TestPreviewLatency(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(320, 180))
	f := halves(t, 320, 180, red, blue)
	defer f.Close()
	for i := 1; i <= 5; i++ {
		v.setFrame(f, uint64(i), time.Now().Add(-30*time.Millisecond))
		w.Canvas().Capture()
	}
	st := v.Stats()
	if st.Shown != 5 || st.LatencyP50 < 30*time.Millisecond || st.LatencyMax < st.LatencyP95 || st.LatencyP95 < st.LatencyP50 {
		t.Errorf("stats = %+v, want 5 shown with latencies ≥ 30 ms in order", st)
	}
	if st.FPS <= 0 || st.ConvertP95 <= 0 {
		t.Errorf("stats = %+v, want a frame rate and the conversion time", st)
	}
}

// TestPreviewStatsWindow: FPS counts the frames drawn in the last 2 s.
func TestPreviewStatsWindow(t *testing.T) {
	v := &Preview{}
	t0 := time.Now()
	v.firstDraw = t0
	for i := range 150 { // 5 s at 30 fps
		at := t0.Add(time.Duration(i) * time.Second / 30)
		v.draws.add(at, time.Duration(10+i%10)*time.Millisecond)
		v.shown++
	}
	now := t0.Add(5 * time.Second)
	st := v.statsOver(now, 2*time.Second)
	if math.Abs(st.FPS-30) > 1 {
		t.Errorf("fps %.1f, want 30", st.FPS)
	}
	if st.LatencyP50 != 14*time.Millisecond && st.LatencyP50 != 15*time.Millisecond || st.LatencyMax != 19*time.Millisecond {
		t.Errorf("latency p50 %v max %v, want 14–15 ms and 19 ms", st.LatencyP50, st.LatencyMax)
	}
	if st := v.statsOver(now.Add(10*time.Second), 2*time.Second); st.FPS != 0 || st.LatencyMax != 0 {
		t.Errorf("after the camera stopped: %+v, want 0 fps", st)
	}
	if st := v.statsOver(t0.Add(time.Second), 2*time.Second); math.Abs(st.FPS-30) > 1 {
		t.Errorf("after the first second: %.1f fps, want 30", st.FPS)
	}
}

func TestPreviewHintCountdownBanner(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(1280, 720))
	f := gocv.NewMatWithSizeFromScalar(bgr(white), 720, 1280, gocv.MatTypeCV8UC3)
	defer f.Close()
	v.setFrame(f, 1, time.Now())
	hidden := func(what string) {
		t.Helper()
		for _, o := range []fyne.CanvasObject{v.hintPlate, v.hintText, v.countPlate, v.countText, v.banPlate, v.banText} {
			if o.Visible() {
				t.Errorf("%s: %T at %v still visible", what, o, o.Position())
			}
		}
	}
	hidden("at start")

	v.SetHint("请靠近一点")
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

	v.SetCountdown(3)
	if !v.countText.Visible() || v.countText.Text != "3" || v.countText.TextSize < 120 {
		t.Errorf("countdown %q visible %v size %v, want a very large 3", v.countText.Text, v.countText.Visible(), v.countText.TextSize)
	}
	cp, cs := v.countText.Position(), v.countText.Size()
	if cx, cy := cp.X+cs.Width/2, cp.Y+cs.Height/2; math.Abs(float64(cx-640)) > 2 || math.Abs(float64(cy-360)) > 2 {
		t.Errorf("countdown centred at (%v, %v), want the middle", cx, cy)
	}

	v.SetBanner("摄像头已断开，正在重新连接…")
	if !v.banText.Visible() || !v.banPlate.Visible() || v.banPlate.Position().Y != 0 || v.banPlate.Size().Width != 1280 {
		t.Errorf("banner visible %v at %v size %v, want it across the top", v.banText.Visible(), v.banPlate.Position(), v.banPlate.Size())
	}
	wantPixel(t, w.Canvas().Capture(), 4, 4, colError, "banner plate")

	v.SetHint("")
	v.SetCountdown(0)
	v.SetBanner("")
	hidden("after clearing")
	wantPixel(t, w.Canvas().Capture(), 4, 4, white, "no banner")
}

// TestPreviewFaceGuide: the guide from the chsi profile on a 720p frame
// shown 1:1 — 640 px tall; eye line 200–300, head top 50–110, face width
// 180–300; s0 = 640/720: band 225…337.5, head top 90, oval 310.5 × 450
// centred — drawn in the state's colour from the next frame on.
func TestPreviewFaceGuide(t *testing.T) {
	const s0 = 640.0 / 720
	g := previewFaceGuideFor(previewProfile(t), 1280, 720)
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"band top", g.bandTop, 200 / s0}, {"band bottom", g.bandBottom, 300 / s0},
		{"oval top", g.top, 80 / s0}, {"oval width", g.w, 1.15 * 240 / s0},
		{"oval height", g.h, 1.45 * 1.15 * 240 / s0}, {"oval centre", g.cx, 640},
	} {
		if math.Abs(c.got-c.want) > 0.5 {
			t.Errorf("%s = %.1f, want %.1f", c.what, c.got, c.want)
		}
	}

	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(1280, 720))
	f := gocv.NewMatWithSizeFromScalar(bgr(grey), 720, 1280, gocv.MatTypeCV8UC3)
	defer f.Close()
	for i, tc := range []struct {
		s    GuideState
		want color.NRGBA
	}{{GuideSearching, colError}, {GuideReady, colSuccess}, {GuideAdjust, colWarning}} {
		v.SetState(tc.s)
		v.setFrame(f, uint64(i+1), time.Now())
		img := w.Canvas().Capture()
		wantPixel(t, img, 640, 90, tc.want, "oval top")
		wantPixel(t, img, 640-155, 315, tc.want, "oval left")
		wantPixel(t, img, 640+155, 315, tc.want, "oval right")
		wantPixel(t, img, 640, 540, tc.want, "oval bottom")
		wantPixel(t, img, 100, 225, tc.want, "band top edge")
		wantPixel(t, img, 100, 337, tc.want, "band bottom edge")
		wantPixel(t, img, 640-85, 530, tc.want, "left side of the neck")
		wantPixel(t, img, 640+85, 530, tc.want, "right side of the neck")
		wantPixel(t, img, 640-85-271, 652, tc.want, "left shoulder")
		wantPixel(t, img, 640+85+271, 652, tc.want, "right shoulder")
		wantPixel(t, img, 100, 60, grey, "above the band")
		wantPixel(t, img, 100, 400, grey, "below the band")
		wantPixel(t, img, 640, 300, blend(grey, tc.want, pvBandAlpha), "in the band, in the oval")
	}
}

// blend is what the translucent band makes of c under colour to.
func blend(c, to color.NRGBA, alpha int) color.NRGBA {
	mix := func(a, b uint8) uint8 { return uint8((int(a)*(255-alpha) + int(b)*alpha) / 255) }
	return color.NRGBA{R: mix(c.R, to.R), G: mix(c.G, to.G), B: mix(c.B, to.B), A: 255}
}

func TestPreviewCardGuide(t *testing.T) {
	v, w := newPreviewRig(t, GuideCard, fyne.NewSize(1000, 800))
	f := gocv.NewMatWithSizeFromScalar(bgr(white), 720, 1280, gocv.MatTypeCV8UC3)
	defer f.Close()
	v.SetState(GuideReady)
	v.setFrame(f, 1, time.Now())
	img := w.Canvas().Capture()
	// the view is 1000 × 562.5 at y 118.75; the card 600 × 378.5 in its middle
	cw, ch := 600.0, 600/(85.6/54)
	x0, y0 := 500-cw/2, 400-ch/2
	wantPixel(t, img, 500, int(y0), colSuccess, "card top edge")
	wantPixel(t, img, 500, int(y0+ch), colSuccess, "card bottom edge")
	wantPixel(t, img, int(x0), 400, colSuccess, "card left edge")
	wantPixel(t, img, int(x0+cw), 400, colSuccess, "card right edge")
	wantPixel(t, img, 500, 400, white, "inside the card")
	wantPixel(t, img, int(x0)-20, 400, white, "beside the card")
	wantPixel(t, img, int(x0)+2, int(y0)+2, white, "the rounded corner")
}

// TestPreviewClose: twice is fine, frames after it are ignored and the
// last one can still be drawn. (Mats: TestPreviewHoldsNoMats and the
// matprofile run of TestMain.)
func TestPreviewClose(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(320, 180))
	f := halves(t, 1280, 720, red, blue)
	defer f.Close()
	v.setFrame(f, 1, time.Now())
	w.Canvas().Capture()
	v.setFrame(f, 2, time.Now())
	v.Close()
	v.Close()
	v.setFrame(f, 3, time.Now())
	img := w.Canvas().Capture()
	if st := v.Stats(); st.Received != 2 || st.Seq != 2 {
		t.Errorf("stats after Close = %+v, want frame 2 the last", st)
	}
	wantPixel(t, img, 240, 5, red, "the last frame after Close")
}

func TestPreviewFit(t *testing.T) {
	for _, tc := range []struct{ src, view, want image.Point }{
		{image.Pt(1280, 720), image.Point{}, image.Pt(1280, 720)},        // not laid out yet
		{image.Pt(1280, 720), image.Pt(1920, 1080), image.Pt(1280, 720)}, // the GPU scales up
		{image.Pt(1280, 720), image.Pt(1250, 703), image.Pt(1250, 703)},
		{image.Pt(1280, 720), image.Pt(1067, 601), image.Pt(1067, 601)}, // the raster's pixels: its aspect is the frame's, rounded
		{image.Pt(1280, 720), image.Pt(1280, 600), image.Pt(1067, 600)}, // letterboxed
		{image.Pt(1280, 720), image.Pt(400, 400), image.Pt(400, 225)},
	} {
		if got := previewFit(tc.src, tc.view); got != tc.want {
			t.Errorf("previewFit(%v, %v) = %v, want %v", tc.src, tc.view, got, tc.want)
		}
	}
}
