package ui

// The on-screen measurement of the preview with the real GL driver
// (TestPreviewOnScreen, GRADPHOTO_GL=1): a window with the capture
// screen's preview, the live checks running, fps and latency measured.

import (
	"context"
	"errors"
	"fmt"
	"gradphoto/spec"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"gradphoto/assets"
	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/capture/opencv"
	"gradphoto/imaging"
)

// PerfOptions configure RunPreviewPerf.
type PerfOptions struct {
	// Camera is what the kiosk's --camera takes: a device, a video file
	// (played in a loop at its frame rate, like a camera) or an image
	// folder; "" = the first webcam, else the demo clip, as the kiosk does.
	Camera string
	// For is how long to measure (default 10 s), after Warmup (default 1 s:
	// the window maps, the first textures are made, the clip starts).
	For, Warmup time.Duration
	// NoChecks measures the preview alone; by default the live checks
	// (imaging.Engine.AnalyzeScaled) run on the newest frames meanwhile and
	// steer the guide and the hint, as on the capture screen.
	NoChecks bool
	// Profile places the guide and judges the checks (zero: the shipped default).
	Profile spec.Profile
	// Size of the window (default 1280×800, the kiosk's); Fullscreen instead.
	Size       fyne.Size
	Fullscreen bool
}

// PerfResult is what RunPreviewPerf measured over PerfOptions.For.
type PerfResult struct {
	Preview    capture.PreviewStats // FPS and latencies over the whole measured time
	Elapsed    time.Duration
	CameraFPS  float64 // frames the camera loop read per second (last 2 s)
	Checks     int     // live checks finished in the measured time
	CheckP50   time.Duration
	CheckP95   time.Duration
	CheckError error // the first check that failed, if any
}

// String is the report line, e.g. "preview: 29.8 fps shown, latency p50 18
// ms p95 31 ms max 44 ms, SetFrame p50 1.1 ms p95 1.4 ms (300 shown, 0 replaced);
// camera 30.0 fps; checks 29.5/s, p50 21 ms p95 27 ms; over 10.0 s".
func (r PerfResult) String() string {
	s := fmt.Sprintf("%s; camera %.1f fps", r.Preview, r.CameraFPS)
	if r.Checks > 0 {
		s += fmt.Sprintf("; checks %.1f/s, p50 %s p95 %s", float64(r.Checks)/r.Elapsed.Seconds(),
			r.CheckP50.Round(time.Millisecond), r.CheckP95.Round(time.Millisecond))
	} else {
		s += "; no checks"
	}
	return s + fmt.Sprintf("; over %.1f s", r.Elapsed.Seconds())
}

// Pass reports whether the measurement meets the preview's budget (≥ 25
// fps shown, p95 latency ≤ 50 ms), and if not, why.
func (r PerfResult) Pass() (bool, string) {
	switch {
	case r.Preview.FPS < capture.PerfMinFPS:
		return false, fmt.Sprintf("%.1f fps shown, want ≥ %d", r.Preview.FPS, capture.PerfMinFPS)
	case r.Preview.LatencyP95 > capture.PerfMaxLatency:
		return false, fmt.Sprintf("latency p95 %s, want ≤ %s", r.Preview.LatencyP95.Round(time.Millisecond), capture.PerfMaxLatency)
	}
	return true, ""
}

// perfChecks runs the live checks on the loop's checker goroutine and
// records how long they take.
type perfChecks struct {
	eng    *imaging.Engine
	p      spec.Profile
	v      *preview
	decide *capture.Decider // as the capture screen's run decides

	mu    sync.Mutex
	from  time.Time // record from here
	until time.Time // and up to here
	took  []time.Duration
	err   error
}

func (c *perfChecks) check(f camera.Frame) {
	start := time.Now()
	r, err := c.eng.AnalyzeScaled(f.Img, f.Scale, c.p, nil)
	end := time.Now()
	c.mu.Lock()
	if err != nil && c.err == nil {
		c.err = err
	}
	if !c.from.IsZero() && start.After(c.from) && (c.until.IsZero() || end.Before(c.until)) {
		c.took = append(c.took, end.Sub(start))
	}
	c.mu.Unlock()
	if err != nil {
		return
	}
	// as the capture screen does: the guide's colour and the hint
	c.mu.Lock()
	st, _ := c.decide.Push(r, f.At)
	c.mu.Unlock()
	uiDo(func() {
		c.v.setGuide(st.Guide)
		c.v.setHint(lang.L(st.Hint))
	})
}

// RunPreviewPerf measures the live preview with the real driver: it opens a
// window with the capture screen's preview (GuideFace) on o.Camera, runs the
// live checks meanwhile, measures for o.For after o.Warmup, closes the
// window and returns. Like Run it must be called on the main goroutine, and
// once per process (it runs and quits its own Fyne app).
func RunPreviewPerf(o PerfOptions) (PerfResult, error) {
	if o.For <= 0 {
		o.For = 10 * time.Second
	}
	if o.Warmup <= 0 {
		o.Warmup = time.Second
	}
	if o.Size.IsZero() {
		o.Size = windowSize
	}
	if o.Profile.Name == "" {
		ps, err := spec.LoadProfiles(assets.Profiles, "profiles")
		if err != nil {
			return PerfResult{}, err
		}
		if o.Profile, err = ps.Get(""); err != nil {
			return PerfResult{}, err
		}
	}
	if err := setLanguage(langZH); err != nil {
		return PerfResult{}, err
	}
	cam := opencv.NewHost(capture.Config{Camera: o.Camera, Profile: o.Profile}) // the kiosk's choice of camera
	defer cam.Close()
	src, err := cam.Source(capture.PurposeFace)
	if err != nil {
		return PerfResult{}, err
	}

	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(kioskTheme{})
	w := a.NewWindow("GradPhoto preview measurement")
	w.SetPadded(false)
	w.Resize(o.Size)
	w.SetFullScreen(o.Fullscreen)
	view := opencv.NewView(capture.GuideFace, o.Profile, colError)
	v := newPreview(view)
	defer v.close()
	w.SetContent(v)

	loop := &camera.Loop{Source: src, Preview: view.SetFrame}
	var checks *perfChecks
	if !o.NoChecks {
		eng, err := imaging.NewEngine()
		if err != nil {
			return PerfResult{}, err
		}
		defer eng.Close()
		checks = &perfChecks{eng: eng, p: o.Profile, v: v, decide: capture.NewDecider()}
		loop.Check = checks.check
	}
	var (
		camErr error
		errMu  sync.Mutex
	)
	loop.Status = func(up bool, err error) {
		if !up {
			errMu.Lock()
			camErr = errors.Join(camErr, err)
			errMu.Unlock()
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan PerfResult, 1)
	a.Lifecycle().SetOnStarted(func() {
		if err := loop.Start(ctx); err != nil {
			errMu.Lock()
			camErr = err
			errMu.Unlock()
			a.Quit()
			return
		}
		go func() {
			sleep := func(d time.Duration) bool {
				select {
				case <-ctx.Done(): // the window was closed
					return false
				case <-time.After(d):
					return true
				}
			}
			if !sleep(o.Warmup) {
				return
			}
			from := time.Now()
			before := v.view.Stats()
			if checks != nil {
				checks.mu.Lock()
				checks.from = from
				checks.mu.Unlock()
			}
			if !sleep(o.For) {
				return
			}
			var res PerfResult
			now := time.Now()
			res.Elapsed = now.Sub(from)
			res.Preview = v.view.StatsOver(res.Elapsed)
			res.Preview.Shown -= before.Shown // counts over the measured time too
			res.Preview.Received -= before.Received
			res.Preview.Replaced -= before.Replaced
			res.CameraFPS = loop.Stats().FPS
			if checks != nil {
				checks.mu.Lock()
				checks.until = now
				took := slices.Clone(checks.took)
				res.CheckError = checks.err
				checks.mu.Unlock()
				res.Checks = len(took)
				if len(took) > 0 {
					slices.Sort(took)
					res.CheckP50 = took[len(took)/2]
					res.CheckP95 = took[min(len(took)-1, len(took)*95/100)]
				}
			}
			loop.Stop() // no frames or checks after the app has gone
			done <- res
			fyne.Do(a.Quit)
		}()
	})
	w.ShowAndRun()
	cancel()
	loop.Stop()
	errMu.Lock()
	defer errMu.Unlock()
	var res PerfResult
	select {
	case res = <-done:
	default:
	}
	if res.Elapsed == 0 {
		return res, fmt.Errorf("ui: preview measurement ended early: %w", errors.Join(camErr, errors.New("window closed")))
	}
	if res.Preview.Shown == 0 && camErr != nil {
		return res, fmt.Errorf("ui: preview measurement: camera: %w", camErr)
	}
	return res, nil
}
