package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gradphoto/capture"
	"gradphoto/internal/fixture"
)

func TestPerfResult(t *testing.T) {
	r := PerfResult{Preview: capture.PreviewStats{FPS: 29.8, LatencyP95: 31 * time.Millisecond}, Elapsed: 10 * time.Second,
		CameraFPS: 30, Checks: 250, CheckP50: 21 * time.Millisecond, CheckP95: 27 * time.Millisecond}
	if !strings.Contains(r.String(), "camera 30.0 fps; checks 25.0/s, p50 21ms p95 27ms; over 10.0 s") {
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
		ph, err := fixture.Load("grace_hopper")
		if err != nil {
			t.Fatal(err)
		}
		err = fixture.WriteSwayClip(clip, ph, 60) // a 2 s loop
		ph.Close()
		if err != nil {
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
