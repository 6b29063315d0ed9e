package camera

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

func openSource(t *testing.T, s Source) {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
}

// Paced, a file delivers frames at its frame rate, like a camera.
func TestFilePacedRate(t *testing.T) {
	s := NewFile(testClip(t, "still720"), Options{Pace: true, Loop: true})
	openSource(t, s)
	m := gocv.NewMat()
	defer m.Close()
	if err := s.Read(&m); err != nil { // opening and the first decode are not timed
		t.Fatal(err)
	}
	n, start := 0, time.Now()
	for time.Since(start) < 2*time.Second {
		if err := s.Read(&m); err != nil {
			t.Fatal(err)
		}
		if m.Cols() != 1280 || m.Rows() != 720 || m.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("frame %dx%d %v", m.Cols(), m.Rows(), m.Type())
		}
		n++
	}
	fps := float64(n) / time.Since(start).Seconds()
	t.Logf("%d frames in 2 s: %.1f fps (the clip is 30 fps, 45 frames: looped)", n, fps)
	if fps < 25 || fps > 35 {
		t.Errorf("paced file: %.1f fps, want 30 ± 5", fps)
	}
}

// Unpaced, a file comes as fast as it decodes; with Loop it starts again at
// the end, without it Read says io.EOF.
func TestFileLoopAndEnd(t *testing.T) {
	path := testClip(t, "still720")
	m := gocv.NewMat()
	defer m.Close()

	once := NewFile(path, Options{})
	openSource(t, once)
	for i := range 45 {
		if err := once.Read(&m); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if got := markerOf(m); got != i {
			t.Fatalf("frame %d is marked %d", i, got)
		}
	}
	if err := once.Read(&m); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}

	looped := NewFile(path, Options{Loop: true})
	openSource(t, looped)
	start := time.Now()
	for i := range 100 {
		if err := looped.Read(&m); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if got := markerOf(m); got != i%45 {
			t.Fatalf("read %d is frame %d, want %d", i, got, i%45)
		}
	}
	t.Logf("100 unpaced frames in %v", time.Since(start).Round(time.Millisecond))
	if time.Since(start) > 3*time.Second {
		t.Errorf("unpaced reading took %v: is it paced?", time.Since(start))
	}
}

// Rotate turns every frame clockwise: 90 and 270 make 720×1280 portraits.
func TestFileRotate(t *testing.T) {
	path := testClip(t, "still720")
	plain := NewFile(path, Options{})
	openSource(t, plain)
	want := gocv.NewMat()
	defer want.Close()
	if err := plain.Read(&want); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		deg  int
		flag gocv.RotateFlag
		w, h int
	}{{90, gocv.Rotate90Clockwise, 720, 1280}, {180, gocv.Rotate180Clockwise, 1280, 720}, {270, gocv.Rotate90CounterClockwise, 720, 1280}} {
		s := NewFile(path, Options{Rotate: c.deg})
		openSource(t, s)
		got := gocv.NewMat()
		for range 2 { // the second read reuses the buffers
			if err := s.Read(&got); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
		openSource(t, s)
		if err := s.Read(&got); err != nil {
			t.Fatal(err)
		}
		if got.Cols() != c.w || got.Rows() != c.h {
			t.Errorf("rotate %d: %dx%d, want %dx%d", c.deg, got.Cols(), got.Rows(), c.w, c.h)
		}
		turned := gocv.NewMat()
		gocv.Rotate(want, &turned, c.flag)
		diff := gocv.NewMat()
		gocv.AbsDiff(got, turned, &diff)
		if s := diff.Sum(); s.Val1+s.Val2+s.Val3 != 0 {
			t.Errorf("rotate %d: not the first frame turned clockwise", c.deg)
		}
		diff.Close()
		turned.Close()
		got.Close()
	}
	if err := NewFile(path, Options{Rotate: 45}).Open(); err == nil || !strings.Contains(err.Error(), "rotate 45") {
		t.Errorf("rotate 45: %v", err)
	}
}

// Read before Open and after Close fails with ErrDisconnected; Close twice is fine.
func TestFileReadAfterClose(t *testing.T) {
	s := NewFile(testClip(t, "still720"), Options{Rotate: 90})
	m := gocv.NewMat()
	defer m.Close()
	if err := s.Read(&m); !errors.Is(err, ErrDisconnected) {
		t.Errorf("read before open: %v", err)
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if err := s.Read(&m); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	if err := s.Read(&m); !errors.Is(err, ErrDisconnected) {
		t.Errorf("read after close: %v, want ErrDisconnected", err)
	}
}

func TestFileBadPaths(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.mp4")
	if err := NewFile(missing, Options{}).Open(); err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	text := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(text, []byte("not a video at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewFile(text, Options{Loop: true})
	if err := s.Open(); err == nil {
		m := gocv.NewMat()
		// FFMPEG may open it; then no frame can be read
		if err := s.Read(&m); !errors.Is(err, ErrDisconnected) {
			t.Errorf("text file: read %v", err)
		}
		m.Close()
	}
	s.Close()
	if !strings.HasPrefix(NewFile(text, Options{}).Name(), "file ") {
		t.Error(NewFile(text, Options{}).Name())
	}
}
