package camera

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec, kind string
	}{
		{"0", "camera /dev/video0"},
		{"2", "camera /dev/video2"},
		{"/dev/video99", "camera /dev/video99"},
		{dir, "folder " + dir},
		{" " + file + " ", "file " + file},
	} {
		s, err := Parse(c.spec, Options{})
		if err != nil {
			t.Errorf("Parse(%q): %v", c.spec, err)
			continue
		}
		if !strings.HasPrefix(s.Name(), c.kind) {
			t.Errorf("Parse(%q) is %q, want %q", c.spec, s.Name(), c.kind)
		}
	}
	for _, spec := range []string{"", "nonsense", filepath.Join(dir, "missing.mp4"), "-1", "/dev/null"} {
		if _, err := Parse(spec, Options{}); !errors.Is(err, ErrNoSource) {
			t.Errorf("Parse(%q): %v, want ErrNoSource", spec, err)
		}
	}
	if _, err := Parse(dir, Options{Rotate: 30}); err == nil {
		t.Error("Parse accepted rotate 30")
	}
}

// A camera that is not plugged in fails at Open at once, with its path.
func TestDeviceMissing(t *testing.T) {
	for _, spec := range []string{"/dev/video99", "99"} {
		s := NewDevice(spec, Options{Width: 1280, Height: 720, FPS: 30, MJPG: true})
		start := time.Now()
		err := s.Open()
		if err == nil {
			s.Close()
			t.Skip("there is a /dev/video99")
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s: Open took %v", spec, d)
		}
		if !strings.Contains(err.Error(), "/dev/video99") || !strings.Contains(err.Error(), "no such device") {
			t.Errorf("%s: %v", spec, err)
		}
		m := gocv.NewMat()
		if err := s.Read(&m); !errors.Is(err, ErrDisconnected) {
			t.Errorf("%s: read without a device: %v", spec, err)
		}
		m.Close()
		s.Close()
	}
	if err := NewDevice("/dev/null", Options{}).Open(); err == nil || !strings.Contains(err.Error(), "not a video device") {
		t.Errorf("/dev/null: %v", err)
	}
	if err := NewDevice("0", Options{Rotate: 1}).Open(); err == nil || !strings.Contains(err.Error(), "rotate 1") {
		t.Errorf("rotate 1: %v", err)
	}
}

func TestListDevices(t *testing.T) {
	dev, sys := t.TempDir(), t.TempDir()
	for _, n := range []string{"video10", "video2", "video0", "video1", "videox", "vbi0", "media0"} {
		os.WriteFile(filepath.Join(dev, n), nil, 0o644)
	}
	for n, name := range map[string]string{"video0": "HD Pro Webcam C920\n", "video1": "HD Pro Webcam C920\n", "video10": "USB2.0 Camera"} {
		os.MkdirAll(filepath.Join(sys, n), 0o755)
		os.WriteFile(filepath.Join(sys, n, "name"), []byte(name), 0o644)
	}
	// video1 is the C920's metadata node; video2 cannot be asked
	capture := func(path string) (bool, bool) {
		switch filepath.Base(path) {
		case "video1":
			return false, true
		case "video2":
			return false, false
		}
		return true, true
	}
	got, err := listDevices(dev, sys, capture)
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{
		{filepath.Join(dev, "video0"), 0, "HD Pro Webcam C920"},
		{filepath.Join(dev, "video2"), 2, ""},
		{filepath.Join(dev, "video10"), 10, "USB2.0 Camera"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := listDevices(filepath.Join(dev, "none"), sys, capture); err == nil {
		t.Error("a missing /dev listed")
	}
	// the real thing: no error, whatever is plugged in
	real, err := ListDevices()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("this machine: %+v", real)
	// a regular file cannot be asked
	if yes, known := canCapture(filepath.Join(dev, "video0")); yes || known {
		t.Errorf("canCapture(regular file) = %v, %v", yes, known)
	}
}

func TestDemoClips(t *testing.T) {
	for _, name := range []string{DemoCapture, DemoCardFront, DemoCardBack} {
		path, err := DemoClip(name)
		if err != nil {
			t.Fatal(err)
		}
		s := NewFile(path, Options{})
		openSource(t, s)
		m := gocv.NewMat()
		n := 0
		for s.Read(&m) == nil {
			if m.Cols() != 1280 || m.Rows() != 720 {
				t.Fatalf("%s: %dx%d", name, m.Cols(), m.Rows())
			}
			n++
		}
		m.Close()
		s.Close()
		os.Remove(path)
		t.Logf("%s: %d frames", name, n)
		if n < 100 {
			t.Errorf("%s: %d frames", name, n)
		}
	}
	for _, bad := range []string{"nope.mp4", "../demo.go", "demo/capture.mp4", ""} {
		if _, err := DemoClip(bad); err == nil {
			t.Errorf("DemoClip(%q) worked", bad)
		}
	}
}
