package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

func TestFormatPreviewStats(t *testing.T) {
	s := FormatPreviewStats(PreviewStats{Shown: 598, Replaced: 2, FPS: 29.84,
		LatencyP50: 18200 * time.Microsecond, LatencyP95: 31 * time.Millisecond, LatencyMax: 44 * time.Millisecond,
		ConvertP50: 1100 * time.Microsecond, ConvertP95: 1400 * time.Microsecond})
	want := "preview: 29.8 fps shown, latency p50 18 ms p95 31 ms max 44 ms, SetFrame p50 1.1 ms p95 1.4 ms (598 shown, 2 replaced)"
	if s != want {
		t.Errorf("got  %q\nwant %q", s, want)
	}
	r := PerfResult{Preview: PreviewStats{FPS: 29.8, LatencyP95: 31 * time.Millisecond}, Elapsed: 10 * time.Second,
		CameraFPS: 30, Checks: 250, CheckP50: 21 * time.Millisecond, CheckP95: 27 * time.Millisecond}
	if !strings.Contains(r.String(), "camera 30.0 fps; checks 25.0/s, p50 21 ms p95 27 ms; over 10.0 s") {
		t.Errorf("result line %q", r.String())
	}
	if ok, why := r.Pass(); !ok {
		t.Errorf("%v fails: %s", r, why)
	}
	r.Preview.FPS = 20
	if ok, why := r.Pass(); ok || !strings.Contains(why, "fps") {
		t.Errorf("20 fps passes (%q)", why)
	}
	r.Preview.FPS, r.Preview.LatencyP95 = 30, 60*time.Millisecond
	if ok, why := r.Pass(); ok || !strings.Contains(why, "latency") {
		t.Errorf("60 ms passes (%q)", why)
	}
}

func TestLogPerf(t *testing.T) {
	v, w := newPreviewRig(t, GuideFace, fyne.NewSize(320, 180))
	f := halves(t, 320, 180, red, blue)
	defer f.Close()
	v.setFrame(f, 1, time.Now())
	w.Canvas().Capture()

	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		lines = append(lines, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Setenv(PerfEnv, "")
	LogPerf(ctx, v, logf)
	t.Setenv(PerfEnv, "1")
	LogPerf(ctx, v, logf)
	time.Sleep(PerfInterval + 300*time.Millisecond)
	cancel()
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "preview: ") {
		t.Errorf("logged %q, want one preview line (only the logger started with %s=1)", lines, PerfEnv)
	}
}

// TestPreviewOnScreen measures the preview with the real GL driver: a
// 1280×720 30 fps clip (made from the fixture photos, or GRADPHOTO_CLIP)
// played like a camera, the live checks running on the newest frames, for
// 10 s (GRADPHOTO_PERF_FOR). It needs a display and opens a window on the
// main thread through TestMain, so run it alone:
//
//	GRADPHOTO_GL=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
//	  go test -tags migrated_fynedo -run TestPreviewOnScreen -v ./ui
func TestPreviewOnScreen(t *testing.T) {
	if os.Getenv("GRADPHOTO_GL") != "1" {
		t.Skip("set GRADPHOTO_GL=1 (and a display, e.g. xvfb-run) to measure with the real GL driver")
	}
	clip := os.Getenv("GRADPHOTO_CLIP")
	if clip == "" {
		clip = filepath.Join(t.TempDir(), "kiosk.mp4")
		if err := writePerfClip(clip, 60); err != nil {
			t.Fatal(err)
		}
	}
	d := 10 * time.Second
	if s := os.Getenv("GRADPHOTO_PERF_FOR"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		r   PerfResult
		err error
	}
	out := make(chan result, 1)
	onMain <- func() {
		r, err := RunPreviewPerf(PerfOptions{Camera: clip, For: d})
		out <- result{r, err}
	}
	res := <-out
	if res.err != nil {
		t.Fatal(res.err)
	}
	t.Log(res.r)
	if ok, why := res.r.Pass(); !ok {
		t.Error(why)
	}
	if res.r.Checks == 0 || res.r.CheckError != nil {
		t.Errorf("checks: %d run, error %v: want them running all along", res.r.Checks, res.r.CheckError)
	}
}

// writePerfClip writes n frames of a graduate swaying a little in front of
// the backdrop (1280×720, 30 fps, H.264) to path: a 2 s loop for n = 60.
func writePerfClip(path string, n int) error {
	ph, err := fixture.Load("grace_hopper")
	if err != nil {
		return err
	}
	defer ph.Close()
	vw, err := gocv.VideoWriterFile(path, "avc1", 30, 1280, 720, true)
	if err != nil {
		return err
	}
	defer vw.Close()
	if !vw.IsOpened() {
		return errors.New("perf clip: no avc1 encoder")
	}
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		fr, err := fixture.Compose(ph, fixture.Scene{FaceWidth: 250 + 6*math.Sin(a), ExtendBody: true,
			EyeAt: [2]float64{0.5 + 0.015*math.Sin(a), 0.39 + 0.01*math.Cos(a)}, Rotate: 1.5 * math.Sin(2*a), Seed: int64(i + 1)})
		if err != nil {
			return err
		}
		err = vw.Write(fr.Img)
		fr.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func TestMain2Dbg(t *testing.T) {}
