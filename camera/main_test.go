package camera

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
	"gradphoto/internal/matleak"
)

// clipDir holds the clips the tests write (removed at the end).
var clipDir string

// TestMain fails the run, under -tags matprofile, if any gocv.Mat is left open.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "camera-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	clipDir = dir
	code := matleak.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// clipSpec is a test clip: a real fixture person (internal/fixture's
// Stage) in a kiosk frame, written as H.264 like a camera recording.
type clipSpec struct {
	size   image.Point
	frames int
	photo  string
	face   float64 // the stage's (largest) face width
	// pose is the person in frame i; nil: standing still in place.
	pose func(i int) fixture.Pose
	// distinct > 0 renders only that many frames (the person standing
	// still, different sensor noise) and repeats them: cheaper.
	distinct int
	// marked stamps the frame number into the top-left corner (markerOf).
	marked bool
}

var clipSpecs = map[string]clipSpec{
	// 1.5 s at 720p: the file-source tests and the benchmark
	"still720": {size: image.Pt(1280, 720), frames: 45, photo: "grace_hopper", face: 250, distinct: 3, marked: true},
	// 1 s at 1080p: Check's reduction, Burst's full resolution
	"still1080": {size: image.Pt(1920, 1080), frames: 30, photo: "pigo_sample", face: 380, distinct: 3, marked: true},
}

var (
	clipMu sync.Mutex
	clips  = map[string]string{}
)

// testClip returns the path of the named clip, writing it on first use.
func testClip(t testing.TB, name string) string {
	t.Helper()
	clipMu.Lock()
	defer clipMu.Unlock()
	if p, ok := clips[name]; ok {
		return p
	}
	spec, ok := clipSpecs[name]
	if !ok {
		t.Fatalf("no clip %q", name)
	}
	path := filepath.Join(clipDir, name+".mp4")
	if err := writeClip(path, spec); err != nil {
		t.Fatalf("write clip %s: %v", name, err)
	}
	clips[name] = path
	return path
}

func writeClip(path string, spec clipSpec) error {
	ph, err := fixture.Load(spec.photo)
	if err != nil {
		return err
	}
	defer ph.Close()
	st, err := fixture.NewStage(ph, fixture.Scene{Size: spec.size, FaceWidth: spec.face, Level: true, Seed: 9})
	if err != nil {
		return err
	}
	defer st.Close()
	var cache []gocv.Mat
	defer func() { CloseAll(cache) }()
	return fixture.WriteClip(path, spec.frames, func(i int) (gocv.Mat, error) {
		var img gocv.Mat
		if spec.distinct > 0 && i >= spec.distinct {
			img = cache[i%spec.distinct].Clone()
		} else {
			pose := fixture.Pose{Seed: int64(i)}
			if spec.pose != nil {
				pose = spec.pose(i)
			}
			fr, err := st.Frame(pose)
			if err != nil {
				return gocv.Mat{}, err
			}
			fr.Alpha.Close()
			img = fr.Img
			if spec.distinct > 0 {
				cache = append(cache, img.Clone())
			}
		}
		if spec.marked {
			stampMarker(&img, i)
		}
		return img, nil
	})
}

// The frame-number marker: 10 black or white squares along the top-left
// edge, sized by the frame width so that it survives H.264 and reduction.
const markerBits = 10

func markerBlock(width int) (x0, y0, side, pitch float64) {
	side = float64(width) / 48
	return side / 2, side / 2, side, side * 1.25
}

func stampMarker(img *gocv.Mat, n int) {
	x0, y0, side, pitch := markerBlock(img.Cols())
	for b := range markerBits {
		c := color.RGBA{0, 0, 0, 255}
		if n>>b&1 == 1 {
			c = color.RGBA{255, 255, 255, 255}
		}
		x := x0 + float64(b)*pitch
		gocv.Rectangle(img, image.Rect(int(x), int(y0), int(x+side), int(y0+side)), c, -1)
	}
}

// markerOf reads the frame number stamped into img (at any width).
func markerOf(img gocv.Mat) int {
	x0, y0, side, pitch := markerBlock(img.Cols())
	n := 0
	for b := range markerBits {
		x := x0 + float64(b)*pitch
		r := image.Rect(int(x+side/4), int(y0+side/4), int(x+3*side/4), int(y0+3*side/4))
		roi := img.Region(r)
		if roi.Mean().Val2 > 128 {
			n |= 1 << b
		}
		roi.Close()
	}
	return n
}

// waitGoroutines waits until no more goroutines run than before (the
// loop's have ended); it fails after 2 s.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// eventually polls cond every 5 ms until it holds or d has passed.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
