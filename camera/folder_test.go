package camera

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

// writeFolder writes n kiosk frames (a fixture person, 640×360, frame
// number stamped) as JPEGs and PNGs named so that name order is frame
// order, plus files that are not images. It returns the folder.
func writeFolder(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "frames")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ph, err := fixture.Load("astronaut")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	st, err := fixture.NewStage(ph, fixture.Scene{Size: image.Pt(640, 360), FaceWidth: 125, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range n {
		fr, err := st.Frame(fixture.Pose{EyeAt: [2]float64{0.45 + 0.01*float64(i), 0.39}, Seed: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		stampMarker(&fr.Img, i)
		ext := []string{".jpg", ".png", ".JPEG"}[i%3]
		if !gocv.IMWrite(filepath.Join(dir, fmt.Sprintf("shot-%03d%s", i, ext)), fr.Img) {
			t.Fatal("cannot write a frame")
		}
		fr.Close()
	}
	for _, name := range []string{"notes.txt", "Thumbs.db"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFolder(t *testing.T) {
	dir := writeFolder(t, 5)
	m := gocv.NewMat()
	defer m.Close()

	s := NewFolder(dir, Options{})
	openSource(t, s)
	for i := range 5 {
		if err := s.Read(&m); err != nil {
			t.Fatal(err)
		}
		if got := markerOf(m); got != i || m.Cols() != 640 || m.Rows() != 360 || m.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("frame %d: marked %d, %dx%d %v", i, got, m.Cols(), m.Rows(), m.Type())
		}
	}
	if err := s.Read(&m); err != io.EOF {
		t.Errorf("after the last image: %v, want io.EOF", err)
	}

	// listed again on Open: a new image shows up
	fr := gocv.NewMatWithSize(360, 640, gocv.MatTypeCV8UC3)
	stampMarker(&fr, 5)
	gocv.IMWrite(filepath.Join(dir, "shot-005.png"), fr)
	fr.Close()
	looped := NewFolder(dir, Options{Loop: true, Rotate: 270})
	openSource(t, looped)
	for i := range 14 {
		if err := looped.Read(&m); err != nil {
			t.Fatal(err)
		}
		if m.Cols() != 360 || m.Rows() != 640 {
			t.Fatalf("rotate 270: %dx%d", m.Cols(), m.Rows())
		}
		back := gocv.NewMat()
		gocv.Rotate(m, &back, gocv.Rotate90Clockwise)
		if got := markerOf(back); got != i%6 {
			t.Fatalf("read %d is image %d, want %d", i, got, i%6)
		}
		back.Close()
	}

	// paced at FPS
	paced := NewFolder(dir, Options{Loop: true, Pace: true, FPS: 20})
	openSource(t, paced)
	paced.Read(&m)
	start := time.Now()
	for range 20 {
		if err := paced.Read(&m); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 1300*time.Millisecond {
		t.Errorf("20 images at 20 fps took %v", d)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Read(&m); !errors.Is(err, ErrDisconnected) {
		t.Errorf("read after close: %v", err)
	}
}

func TestFolderErrors(t *testing.T) {
	empty := t.TempDir()
	if err := NewFolder(empty, Options{}).Open(); err == nil || !strings.Contains(err.Error(), "no .jpg or .png") {
		t.Errorf("empty folder: %v", err)
	}
	if err := NewFolder(filepath.Join(empty, "gone"), Options{}).Open(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	// an image that is not one: the read fails as a disconnect
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "a.jpg"), []byte("no jpeg"), 0o644)
	s := NewFolder(bad, Options{})
	openSource(t, s)
	m := gocv.NewMat()
	defer m.Close()
	if err := s.Read(&m); !errors.Is(err, ErrDisconnected) || !strings.Contains(err.Error(), "a.jpg") {
		t.Errorf("broken image: %v", err)
	}
}
