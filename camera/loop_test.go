package camera

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// statusLog records Status calls.
type statusLog struct {
	mu  sync.Mutex
	ups []bool
	err []error
}

func (s *statusLog) add(up bool, err error) {
	s.mu.Lock()
	s.ups = append(s.ups, up)
	s.err = append(s.err, err)
	s.mu.Unlock()
}

func (s *statusLog) get() ([]bool, []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bool(nil), s.ups...), append([]error(nil), s.err...)
}

// last reports whether the latest call said up (and there was one).
func (s *statusLog) last(up bool) bool {
	ups, _ := s.get()
	return len(ups) > 0 && ups[len(ups)-1] == up
}

// Preview sees every frame of the clip in order at full size; Check sees
// reduced copies of frames Preview saw (1920 → 1280: Scale 1.5); at the
// end of a file that does not loop, Status says io.EOF.
func TestLoopPreviewAndCheck(t *testing.T) {
	var (
		mu       sync.Mutex
		previews []int // marker of each preview, by Seq-1
		seqs     []uint64
		bad      []string
		checked  int
		status   statusLog
	)
	l := &Loop{
		Source: NewFile(testClip(t, "still1080"), Options{Pace: true}),
		Preview: func(f Frame) {
			mu.Lock()
			defer mu.Unlock()
			seqs = append(seqs, f.Seq)
			previews = append(previews, markerOf(f.Img))
			if f.Img.Cols() != 1920 || f.Img.Rows() != 1080 || f.Scale != 1 || f.At.IsZero() {
				bad = append(bad, "preview frame")
			}
		},
		Check: func(f Frame) {
			m := markerOf(f.Img)
			mu.Lock()
			defer mu.Unlock()
			checked++
			if f.Img.Cols() != 1280 || f.Img.Rows() != 720 || math.Abs(f.Scale-1.5) > 1e-9 {
				bad = append(bad, "check frame size")
			}
			if f.Seq == 0 || int(f.Seq) > len(previews) || previews[f.Seq-1] != m {
				bad = append(bad, "check frame is not the preview frame of its Seq")
			}
		},
		Status: status.add,
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	if !eventually(10*time.Second, func() bool { return status.last(false) }) {
		t.Fatal("the clip did not end")
	}
	l.Stop()
	ups, errs := status.get()
	if len(ups) != 2 || !ups[0] || errs[0] != nil || ups[1] || errs[1] != io.EOF {
		t.Errorf("status calls %v %v, want (true, nil), (false, EOF)", ups, errs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(previews) != 30 {
		t.Errorf("%d previews, want the clip's 30 frames", len(previews))
	}
	for i := range previews {
		if previews[i] != i || seqs[i] != uint64(i+1) {
			t.Fatalf("preview %d: frame %d, Seq %d", i, previews[i], seqs[i])
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d bad frames, first: %s", len(bad), bad[0])
	}
	st := l.Stats()
	t.Logf("stats %+v; Check ran %d times", st, checked)
	if st.Read != 30 || st.Checked != uint64(checked) || checked == 0 || st.Checked+st.DroppedChecks > 30 || st.Connected {
		t.Errorf("stats %+v", st)
	}
}

// A Check slower than the camera gets the newest frames and drops the
// rest; Preview keeps the camera's rate.
func TestLoopSlowCheck(t *testing.T) {
	var (
		previews atomic.Int64
		checks   atomic.Int64
		maxLag   atomic.Int64
		lastSeq  atomic.Uint64
	)
	l := &Loop{
		Source:  NewFile(testClip(t, "still720"), Options{Pace: true, Loop: true}),
		Preview: func(f Frame) { previews.Add(1); lastSeq.Store(f.Seq) },
		Check: func(f Frame) {
			// the frame is the newest, or the one before it
			if lag := int64(lastSeq.Load() - f.Seq); lag > maxLag.Load() {
				maxLag.Store(lag)
			}
			checks.Add(1)
			time.Sleep(100 * time.Millisecond)
		},
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	if !eventually(5*time.Second, func() bool { return previews.Load() > 0 }) {
		t.Fatal("no frame")
	}
	p0, s0 := previews.Load(), l.Stats()
	start := time.Now()
	time.Sleep(2 * time.Second)
	p1, s1 := previews.Load(), l.Stats()
	secs := time.Since(start).Seconds()
	fps := float64(p1-p0) / secs
	t.Logf("preview %.1f fps; Stats.FPS %.1f; checks %.1f/s; dropped %d → %d; max check lag %d frames",
		fps, s1.FPS, float64(s1.Checked-s0.Checked)/secs, s0.DroppedChecks, s1.DroppedChecks, maxLag.Load())
	if fps < 25 || fps > 35 {
		t.Errorf("preview %.1f fps with a 100 ms Check, want the camera's 30 ± 5", fps)
	}
	if s1.FPS < 25 || s1.FPS > 35 {
		t.Errorf("Stats.FPS %.1f, want 30 ± 5", s1.FPS)
	}
	if c := float64(s1.Checked-s0.Checked) / secs; c < 6 || c > 11 {
		t.Errorf("%.1f checks/s with a 100 ms Check", c)
	}
	if d := s1.DroppedChecks - s0.DroppedChecks; d < uint64(0.5*float64(p1-p0)) {
		t.Errorf("only %d of %d frames dropped", d, p1-p0)
	}
	if maxLag.Load() > 2 {
		t.Errorf("Check got a frame %d frames old", maxLag.Load())
	}
	if s1.Read < s1.Checked+s1.DroppedChecks || s1.Read > s1.Checked+s1.DroppedChecks+3 {
		t.Errorf("read %d = checked %d + dropped %d + pending?", s1.Read, s1.Checked, s1.DroppedChecks)
	}
}

// Burst returns copies of the next n full-resolution frames.
func TestLoopBurst(t *testing.T) {
	l := &Loop{Source: NewFile(testClip(t, "still1080"), Options{Pace: true, Loop: true})}
	ctx := context.Background()
	if _, err := l.Burst(ctx, 5); !errors.Is(err, ErrStopped) {
		t.Errorf("burst before start: %v", err)
	}
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	if err := l.Start(ctx); err == nil {
		t.Error("started twice")
	}
	if _, err := l.Burst(ctx, 0); err == nil {
		t.Error("burst of 0 frames")
	}
	var wg sync.WaitGroup
	for k := range 2 { // two at once get the same frames
		wg.Add(1)
		go func() {
			defer wg.Done()
			mats, err := l.Burst(ctx, 5)
			if err != nil {
				t.Error(err)
				return
			}
			defer CloseAll(mats)
			first := markerOf(mats[0])
			for i, m := range mats {
				if m.Cols() != 1920 || m.Rows() != 1080 || m.Type() != gocv.MatTypeCV8UC3 {
					t.Errorf("burst %d frame %d: %dx%d", k, i, m.Cols(), m.Rows())
				}
				if got := markerOf(m); got != (first+i)%30 {
					t.Errorf("burst %d frame %d is clip frame %d, want %d", k, i, got, (first+i)%30)
				}
			}
		}()
	}
	wg.Wait()
	// given up: nothing is left behind (matprofile)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := l.Burst(short, 30); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("burst past its deadline: %v", err)
	}
	// stopped while waiting
	done := make(chan error, 1)
	go func() {
		mats, err := l.Burst(ctx, 1000)
		CloseAll(mats)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	l.Stop()
	if err := <-done; !errors.Is(err, ErrStopped) {
		t.Errorf("burst when the loop stopped: %v", err)
	}
	if _, err := l.Burst(ctx, 1); !errors.Is(err, ErrStopped) {
		t.Errorf("burst after stop: %v", err)
	}
}

// Stop ends every goroutine, twice is fine, and the loop starts again.
func TestLoopStartStop(t *testing.T) {
	before := runtime.NumGoroutine()
	var l Loop
	l.Stop() // before Start
	if err := l.Start(context.Background()); err == nil {
		t.Error("started without a source")
	}
	l.Source = NewFile(testClip(t, "still720"), Options{Pace: true, Loop: true})
	var n atomic.Int64
	l.Preview = func(Frame) { n.Add(1) }
	l.Check = func(Frame) { time.Sleep(time.Millisecond) }
	for round := range 2 {
		if err := l.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !eventually(5*time.Second, func() bool { return l.Stats().Read >= 5 }) {
			t.Fatalf("round %d: no frames", round)
		}
		l.Stop()
		l.Stop()
		if l.Stats().Connected {
			t.Error("connected after Stop")
		}
		waitGoroutines(t, before)
	}
	// ending the context ends the loop too
	ctx, cancel := context.WithCancel(context.Background())
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(5*time.Second, func() bool { return l.Stats().Read >= 2 })
	cancel()
	waitGoroutines(t, before)
	l.Stop()
}

// A source that goes away mid-stream and comes back: Status(false, why),
// retries, Status(true) and frames again; nothing outlives Stop. The
// failures are real: the folder (then the file) is renamed away, so the
// next read and every Open fail, and renamed back.
func TestLoopReplug(t *testing.T) {
	t.Run("folder", func(t *testing.T) {
		dir := writeFolder(t, 6)
		replug(t, NewFolder(dir, Options{Loop: true, Pace: true, FPS: 30}), dir)
	})
	t.Run("file", func(t *testing.T) {
		// a copy: the file is renamed away while it plays (the open
		// decoder plays it to its end, then the re-open at the loop fails)
		path := t.TempDir() + "/clip.mp4"
		b, err := os.ReadFile(testClip(t, "still720"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		replug(t, NewFile(path, Options{Loop: true, Pace: true}), path)
	})
}

func replug(t *testing.T, src Source, path string) {
	before := runtime.NumGoroutine()
	var (
		status statusLog
		seqMu  sync.Mutex
		seqs   []uint64
	)
	l := &Loop{
		Source: src,
		Retry:  100 * time.Millisecond,
		Preview: func(f Frame) {
			seqMu.Lock()
			seqs = append(seqs, f.Seq)
			seqMu.Unlock()
		},
		Check:  func(Frame) {},
		Status: status.add,
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	if !eventually(5*time.Second, func() bool { return status.last(true) && l.Stats().Read >= 10 }) {
		t.Fatal("no frames")
	}
	away := path + ".away"
	if err := os.Rename(path, away); err != nil {
		t.Fatal(err)
	}
	if !eventually(5*time.Second, func() bool { return status.last(false) }) {
		t.Fatal("no Status(false) after the source went away")
	}
	ups, errs := status.get()
	if err := errs[len(errs)-1]; !errors.Is(err, ErrDisconnected) {
		t.Errorf("Status(false, %v): want an ErrDisconnected", err)
	}
	n := l.Stats().Read
	time.Sleep(400 * time.Millisecond) // a few retries, all failing
	if got := l.Stats().Read; got != n || l.Stats().Connected {
		t.Errorf("frames while the source is away: %d → %d", n, got)
	}
	if err := os.Rename(away, path); err != nil {
		t.Fatal(err)
	}
	if !eventually(3*time.Second, func() bool { return status.last(true) && l.Stats().Read >= n+10 }) {
		t.Fatalf("no frames after the source came back (status %v)", ups)
	}
	ups, _ = status.get()
	if len(ups) != 3 || !ups[0] || ups[1] || !ups[2] {
		t.Errorf("status calls %v, want true, false, true", ups)
	}
	l.Stop()
	seqMu.Lock()
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Errorf("Seq %d after %d", seqs[i], seqs[i-1])
			break
		}
	}
	seqMu.Unlock()
	waitGoroutines(t, before)
}

// Stop does not wait for a paced source's next frame (here a second away).
func TestLoopStopInterruptsPacing(t *testing.T) {
	before := runtime.NumGoroutine()
	var n atomic.Int64
	l := &Loop{
		Source:  NewFolder(writeFolder(t, 2), Options{Loop: true, Pace: true, FPS: 1}),
		Preview: func(Frame) { n.Add(1) },
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !eventually(3*time.Second, func() bool { return n.Load() >= 1 }) {
		t.Fatal("no frame")
	}
	time.Sleep(50 * time.Millisecond) // the reader waits for the second image's time
	start := time.Now()
	l.Stop()
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("Stop took %v", d)
	}
	waitGoroutines(t, before)
}
