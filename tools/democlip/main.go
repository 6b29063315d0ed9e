// Command democlip makes the kiosk's demo clips in assets/demo from the real
// fixture photos, then checks them the way the kiosk will use them:
//
//	go run ./tools/democlip            # write and verify all three
//	go run ./tools/democlip -verify    # only verify the clips that are there
//	go run ./tools/democlip -only capture.mp4
//
// capture.mp4 (1280×720, 30 fps, H.264): testdata/photos/pigo_sample.jpg,
// composed by internal/fixture's Stage, walks in from the left too far
// away, comes closer off-centre with the head tilted, settles in the middle
// and holds still (with a natural sway of 1–2 px) for 4.6 s, then walks out
// to the right, so the clip loops from an empty backdrop to an empty
// backdrop. card-front.mp4 and card-back.mp4 (4 s): a hand brings the
// synthetic ID card of internal/fixture (never a real card) into view, holds
// it still for 2 s and takes it away.
//
// Verification re-reads each clip with OpenCV: capture.mp4 through
// imaging.Engine.Analyze (chsi profile) on every frame — the settled part
// must pass every check for at least 2.5 s without a break, the early part
// must fail some check — and imaging.Steadier as the kiosk uses it; the
// card clips through card.Find (with the face detector telling front
// from back) on every frame of the held part: found, the right side, sharp
// and without glare. The sizes must stay under 1 MB and 600 KB. It prints a
// summary and exits 1 when any check fails.
package main

import (
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

const fps = 30

func main() {
	verifyOnly := flag.Bool("verify", false, "only verify the clips in the output folder")
	only := flag.String("only", "", "make only this clip (capture.mp4, card-front.mp4 or card-back.mp4)")
	out := flag.String("out", "", "output folder (default: assets/demo of the repository)")
	flag.Parse()
	dir := *out
	if dir == "" {
		photos, err := fixture.PhotosDir()
		if err != nil {
			fatal(err)
		}
		dir = filepath.Join(filepath.Dir(filepath.Dir(photos)), "assets", "demo")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fatal(err)
	}
	clips := []clip{captureClip(), cardClip(false), cardClip(true)}
	v, err := newVerifier()
	if err != nil {
		fatal(err)
	}
	defer v.close()
	ok := true
	for _, c := range clips {
		if *only != "" && *only != c.name {
			continue
		}
		path := filepath.Join(dir, c.name)
		if !*verifyOnly {
			t0 := time.Now()
			if err := write(path, c); err != nil {
				fatal(fmt.Errorf("%s: %w", c.name, err))
			}
			fmt.Printf("%s: written in %.1f s\n", c.name, time.Since(t0).Seconds())
		}
		if !c.verify(v, path) {
			ok = false
		}
	}
	if !ok {
		fmt.Println("FAILED: a clip does not do what the kiosk needs (see above)")
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "democlip:", err)
	os.Exit(1)
}

// clip is one demo clip: its frames and its verification.
type clip struct {
	name   string
	size   image.Point
	frames int
	// render makes frame i; close the Mat.
	render func(i int) (gocv.Mat, error)
	// prepare and done bracket rendering (load photos, free them).
	prepare func() error
	done    func()
	verify  func(v *verifier, path string) bool
}

// write renders the clip into path (via a hidden file beside it, renamed
// when complete: an embed pattern never sees half a clip).
func write(path string, c clip) error {
	if c.prepare != nil {
		if err := c.prepare(); err != nil {
			return err
		}
	}
	if c.done != nil {
		defer c.done()
	}
	return fixture.WriteClip(path, c.frames, c.render)
}

// readClip decodes every frame of path and calls f with it (valid during
// the call). It returns the frame count, the file's frame rate and size.
func readClip(path string, f func(i int, m gocv.Mat)) (n int, rate float64, size image.Point, err error) {
	c, err := gocv.VideoCaptureFile(path)
	if err != nil || !c.IsOpened() {
		c.Close()
		return 0, 0, size, fmt.Errorf("cannot open %s", path)
	}
	defer c.Close()
	rate = c.Get(gocv.VideoCaptureFPS)
	m := gocv.NewMat()
	defer m.Close()
	for c.Read(&m) && !m.Empty() {
		if n == 0 {
			size = image.Pt(m.Cols(), m.Rows())
		}
		f(n, m)
		n++
	}
	return n, rate, size, nil
}

// smooth is smoothstep: 0 at t ≤ 0, 1 at t ≥ 1, flat at both ends.
func smooth(t float64) float64 {
	t = math.Max(0, math.Min(1, t))
	return t * t * (3 - 2*t)
}

// lerp goes from a to b as t goes from 0 to 1.
func lerp(a, b, t float64) float64 { return a + (b-a)*t }

// phase returns where t lies in [t0, t1] as 0…1.
func phase(t, t0, t1 float64) float64 { return math.Max(0, math.Min(1, (t-t0)/(t1-t0))) }

func fileKB(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return math.Inf(1)
	}
	return float64(fi.Size()) / 1024
}

// verdict prints one check line and returns ok.
func verdict(ok bool, format string, a ...any) bool {
	mark := "ok  "
	if !ok {
		mark = "FAIL"
	}
	fmt.Printf("  %s %s\n", mark, fmt.Sprintf(format, a...))
	return ok
}
