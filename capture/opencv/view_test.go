package opencv

import (
	"gradphoto/spec"
	"image"
	"image/color"
	"math"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/internal/fixture"
)

var (
	red    = color.NRGBA{R: 255, A: 255}
	blue   = color.NRGBA{B: 255, A: 255}
	green  = color.NRGBA{G: 200, A: 255}
	grey   = color.NRGBA{R: 128, G: 128, B: 128, A: 255}
	white  = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	orange = color.NRGBA{R: 230, G: 140, B: 20, A: 255}
)

// testProfile is the shipped default profile (chsi, 480×640).
func testProfile(t testing.TB) spec.Profile {
	t.Helper()
	p, err := fixture.Profile("")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newTestView is a view laid out 1:1 at px for frames of frame's size.
func newTestView(t testing.TB, kind capture.GuideKind, frame, px image.Point) *View {
	t.Helper()
	v := NewView(kind, testProfile(t), red)
	v.Layout(frame, px, float32(px.Y))
	t.Cleanup(v.Close)
	return v
}

// solid is fixture.Solid, closed at the test's end.
func solid(t testing.TB, w, h int, c color.NRGBA) gocv.Mat {
	m := fixture.Solid(w, h, c)
	t.Cleanup(func() { m.Close() })
	return m
}

// halves is fixture.Halves, closed at the test's end.
func halves(t testing.TB, w, h int, left, right color.NRGBA) gocv.Mat {
	m := fixture.Halves(w, h, left, right)
	t.Cleanup(func() { m.Close() })
	return m
}

func frame(m gocv.Mat, seq uint64) camera.Frame {
	return camera.Frame{Img: m, Seq: seq, At: time.Now(), Scale: 1}
}

// The face is mirrored (the graduate moves the way the picture moves), the
// card is not (its text reads right); both are converted at the painted
// size, not the camera's.
func TestViewMirrorsTheFaceNotTheCard(t *testing.T) {
	f := halves(t, 1280, 720, red, blue)
	for _, tc := range []struct {
		kind        capture.GuideKind
		left, right color.NRGBA
	}{{capture.GuideFace, blue, red}, {capture.GuideCard, red, blue}} {
		v := newTestView(t, tc.kind, image.Pt(1280, 720), image.Pt(640, 360))
		v.SetFrame(frame(f, 1))
		img := v.Paint(640, 360)
		// y = 10 px: above the guides
		fixture.WantPixel(t, img, 160, 10, tc.left, "left quarter")
		fixture.WantPixel(t, img, 480, 10, tc.right, "right quarter")
		if got := img.Bounds().Size(); got != image.Pt(640, 360) {
			t.Errorf("picture %v, want 640×360 (the painted pixels)", got)
		}
		if st := v.Stats(); st.Shown != 1 || st.Seq != 1 {
			t.Errorf("stats = %+v, want 1 frame shown, seq 1", st)
		}
	}
}

func TestViewFrameFormats(t *testing.T) {
	v := newTestView(t, capture.GuideCard, image.Pt(320, 240), image.Pt(320, 240))
	g := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 0, 0, 0), 240, 320, gocv.MatTypeCV8UC1)
	defer g.Close()
	v.SetFrame(frame(g, 1))
	fixture.WantPixel(t, v.Paint(320, 240), 10, 10, grey, "grey frame")
	c := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 200, 0, 255), 240, 320, gocv.MatTypeCV8UC4)
	defer c.Close()
	v.SetFrame(frame(c, 2))
	fixture.WantPixel(t, v.Paint(320, 240), 10, 10, green, "BGRA frame")
	f := gocv.NewMatWithSize(240, 320, gocv.MatTypeCV32FC3) // not a camera format: ignored
	defer f.Close()
	v.SetFrame(frame(f, 3))
	empty := gocv.NewMat()
	defer empty.Close()
	v.SetFrame(frame(empty, 4)) // empty: ignored
	if st := v.Stats(); st.Received != 2 {
		t.Errorf("received %d frames, want 2 (the float and empty frames refused)", st.Received)
	}
}

// 100 frames set faster than the screen paints: the screen shows the
// newest, never a queue of old ones, and asks to paint once.
func TestViewNewestFrameWins(t *testing.T) {
	v := newTestView(t, capture.GuideFace, image.Pt(320, 180), image.Pt(320, 180))
	asked := 0
	v.SetOnFrame(func() { asked++ })
	for i := range 100 {
		c := color.NRGBA{R: uint8(i * 2), G: 100, B: 255 - uint8(i*2), A: 255}
		v.SetFrame(frame(solid(t, 320, 180, c), uint64(i+1)))
	}
	if relayout, exact := v.Present(); relayout || exact {
		t.Errorf("Present = %v, %v; want no relayout and not yet painted at its size", relayout, exact)
	}
	img := v.Paint(320, 180)
	st := v.Stats()
	if st.Shown != 1 || st.Seq != 100 || st.Received != 100 || st.Replaced != 99 || asked != 1 {
		t.Errorf("stats = %+v, asked to paint %d×; want the 100th frame shown once, 99 replaced, one ask", st, asked)
	}
	fixture.WantPixel(t, img, 10, 10, color.NRGBA{R: 198, G: 100, B: 57, A: 255}, "newest frame")
	v.Paint(320, 180) // painting again without a new frame shows it again but does not count it
	if st := v.Stats(); st.Shown != 1 {
		t.Errorf("shown %d after a repaint, want 1", st.Shown)
	}
	v.SetFrame(frame(solid(t, 320, 180, white), 101))
	if _, exact := v.Present(); !exact {
		t.Error("a frame converted at the painted size is not exact")
	}
}

// The camera goroutine sets frames while the screen paints, reads the stats
// and changes the colour (go test -race).
func TestViewConcurrent(t *testing.T) {
	v := newTestView(t, capture.GuideFace, image.Pt(640, 360), image.Pt(480, 270))
	f := halves(t, 640, 360, red, blue)
	const n = 300
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= n; i++ {
			v.SetFrame(frame(f, uint64(i)))
			if i%10 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	var lastShown uint64
	for i := 0; ; i++ {
		v.Paint(480, 270)
		st := v.Stats()
		if st.Shown < lastShown || st.Shown > st.Received {
			t.Fatalf("stats went wrong: %+v after %d shown", st, lastShown)
		}
		lastShown = st.Shown
		v.SetColour([]color.NRGBA{red, green, orange}[i%3])
		v.Present()
		if st.Seq == n {
			break
		}
	}
	wg.Wait()
	if st := v.Stats(); st.Seq != n || st.Shown > n || st.Received != n {
		t.Errorf("stats = %+v, want the last of %d frames shown", st, n)
	}
}

func TestViewLatency(t *testing.T) {
	v := newTestView(t, capture.GuideFace, image.Pt(320, 180), image.Pt(320, 180))
	f := halves(t, 320, 180, red, blue)
	for i := 1; i <= 5; i++ {
		v.SetFrame(camera.Frame{Img: f, Seq: uint64(i), At: time.Now().Add(-30 * time.Millisecond)})
		v.Paint(320, 180)
	}
	st := v.Stats()
	if st.Shown != 5 || st.LatencyP50 < 30*time.Millisecond || st.LatencyMax < st.LatencyP95 || st.LatencyP95 < st.LatencyP50 {
		t.Errorf("stats = %+v, want 5 shown with latencies ≥ 30 ms in order", st)
	}
	if st.FPS <= 0 || st.ConvertP95 <= 0 {
		t.Errorf("stats = %+v, want a frame rate and the conversion time", st)
	}
}

// FPS counts the frames painted in the last 2 s.
func TestViewStatsWindow(t *testing.T) {
	v := &View{}
	t0 := time.Now()
	v.stats.firstPaint = t0
	for i := range 150 { // 5 s at 30 fps
		at := t0.Add(time.Duration(i) * time.Second / 30)
		v.stats.paints.add(at, time.Duration(10+i%10)*time.Millisecond)
		v.stats.shown++
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

// The guide from the chsi profile on a 720p frame painted 1:1 — 640 px
// tall; eye line 200–300, head top 50–110, face width 180–300; s0 =
// 640/720: band 225…337.5, head top 90; the oval as wide as 1.15 × the
// middle of the face widths the distance check takes (180…337.5 px), centred
// — drawn in the colour set from the next frame on.
func TestViewFaceGuide(t *testing.T) {
	const s0 = 640.0 / 720
	const face = (180 + 300/s0) / 2
	g := capture.FaceGuideFor(testProfile(t), image.Pt(1280, 720), 1280, 720)
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"band top", g.BandTop, 200 / s0}, {"band bottom", g.BandBottom, 300 / s0},
		{"oval top", g.Top, 80 / s0}, {"oval width", g.W, 1.15 * face},
		{"oval height", g.H, 1.45 * 1.15 * face}, {"oval centre", g.CX, 640},
	} {
		if math.Abs(c.got-c.want) > 0.5 {
			t.Errorf("%s = %.1f, want %.1f", c.what, c.got, c.want)
		}
	}

	v := newTestView(t, capture.GuideFace, image.Pt(1280, 720), image.Pt(1280, 720))
	f := solid(t, 1280, 720, grey)
	for i, want := range []color.NRGBA{red, green, orange} {
		v.SetColour(want)
		v.SetFrame(frame(f, uint64(i+1)))
		img := v.Paint(1280, 720)
		a, b := g.W/2, g.H/2
		at := func(x, y float64) (int, int) { return int(math.Round(x)), int(math.Round(y)) }
		cy, neck, shoulders := g.Top+b, 0.55*a, g.Top+2*b+0.5*b
		px, py := at(g.CX, g.Top)
		fixture.WantPixel(t, img, px, py, want, "oval top")
		px, py = at(g.CX-a, cy)
		fixture.WantPixel(t, img, px, py, want, "oval left")
		px, py = at(g.CX+a, cy)
		fixture.WantPixel(t, img, px, py, want, "oval right")
		px, py = at(g.CX, g.Top+2*b)
		fixture.WantPixel(t, img, px, py, want, "oval bottom")
		fixture.WantPixel(t, img, 100, 225, want, "band top edge")
		fixture.WantPixel(t, img, 100, 337, want, "band bottom edge")
		px, py = at(g.CX-neck, cy+0.9*b)
		fixture.WantPixel(t, img, px, py, want, "left side of the neck")
		px, py = at(g.CX+neck, cy+0.9*b)
		fixture.WantPixel(t, img, px, py, want, "right side of the neck")
		px, py = at(g.CX-neck-1.75*a, shoulders)
		fixture.WantPixel(t, img, px, py, want, "left shoulder")
		px, py = at(g.CX+neck+1.75*a, shoulders)
		fixture.WantPixel(t, img, px, py, want, "right shoulder")
		fixture.WantPixel(t, img, 100, 60, grey, "above the band")
		fixture.WantPixel(t, img, 100, 400, grey, "below the band")
		fixture.WantPixel(t, img, 640, 300, blend(grey, want, bandAlpha), "in the band, in the oval")
	}
}

// blend is what the translucent band makes of c under colour to.
func blend(c, to color.NRGBA, alpha int) color.NRGBA {
	mix := func(a, b uint8) uint8 { return uint8((int(a)*(255-alpha) + int(b)*alpha) / 255) }
	return color.NRGBA{R: mix(c.R, to.R), G: mix(c.G, to.G), B: mix(c.B, to.B), A: 255}
}

func TestViewCardGuide(t *testing.T) {
	v := newTestView(t, capture.GuideCard, image.Pt(1280, 720), image.Pt(1000, 563))
	v.SetColour(green)
	v.SetFrame(frame(solid(t, 1280, 720, white), 1))
	img := v.Paint(1000, 563)
	// the card is 600 × 378.5 in the middle of the 1000 × 563 view
	cw, ch := 600.0, 600/(85.6/54)
	x0, y0 := 500-cw/2, 281.5-ch/2
	fixture.WantPixel(t, img, 500, int(y0), green, "card top edge")
	fixture.WantPixel(t, img, 500, int(y0+ch), green, "card bottom edge")
	fixture.WantPixel(t, img, int(x0), 281, green, "card left edge")
	fixture.WantPixel(t, img, int(x0+cw), 281, green, "card right edge")
	fixture.WantPixel(t, img, 500, 281, white, "inside the card")
	fixture.WantPixel(t, img, int(x0)-20, 281, white, "beside the card")
	fixture.WantPixel(t, img, int(x0)+2, int(y0)+2, white, "the rounded corner")
}

// Close: twice is fine, frames after it are ignored and the last one can
// still be painted.
func TestViewClose(t *testing.T) {
	v := newTestView(t, capture.GuideFace, image.Pt(1280, 720), image.Pt(320, 180))
	f := halves(t, 1280, 720, red, blue)
	v.SetFrame(frame(f, 1))
	v.Paint(320, 180)
	v.SetFrame(frame(f, 2))
	v.Close()
	v.Close()
	v.SetFrame(frame(f, 3))
	img := v.Paint(320, 180)
	if st := v.Stats(); st.Received != 2 || st.Seq != 2 {
		t.Errorf("stats after Close = %+v, want frame 2 the last", st)
	}
	fixture.WantPixel(t, img, 240, 5, red, "the last frame after Close")
}

func TestFit(t *testing.T) {
	for _, tc := range []struct{ src, view, want image.Point }{
		{image.Pt(1280, 720), image.Point{}, image.Pt(1280, 720)},        // not laid out yet
		{image.Pt(1280, 720), image.Pt(1920, 1080), image.Pt(1280, 720)}, // the GPU scales up
		{image.Pt(1280, 720), image.Pt(1250, 703), image.Pt(1250, 703)},
		{image.Pt(1280, 720), image.Pt(1067, 601), image.Pt(1067, 601)}, // the painter's pixels: its aspect is the frame's, rounded
		{image.Pt(1280, 720), image.Pt(1280, 600), image.Pt(1067, 600)}, // letterboxed
		{image.Pt(1280, 720), image.Pt(400, 400), image.Pt(400, 225)},
	} {
		if got := Fit(tc.src, tc.view); got != tc.want {
			t.Errorf("Fit(%v, %v) = %v, want %v", tc.src, tc.view, got, tc.want)
		}
	}
}
