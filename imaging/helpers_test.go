package imaging

import (
	"gradphoto/assets"
	"gradphoto/spec"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// shippedProfiles are the profiles in assets.
func shippedProfiles(t testing.TB) spec.Profiles {
	t.Helper()
	ps, err := spec.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func profile(t testing.TB, name string) spec.Profile {
	t.Helper()
	p, err := shippedProfiles(t).Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// kioskScene is a frame as the kiosk camera takes it: the person centred,
// eyes at 0.39 of the height, on the light-blue backdrop.
func kioskScene(size image.Point, faceWidth float64) fixture.Scene {
	return fixture.Scene{Size: size, FaceWidth: faceWidth, ExtendBody: true, Seed: 7}
}

// compose makes a fixture frame; the caller closes it.
func compose(t testing.TB, name string, s fixture.Scene) fixture.Frame {
	t.Helper()
	ph, err := fixture.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	fr, err := fixture.Compose(ph, s)
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

// composeGroup puts the named people side by side in one frame; the caller
// closes it.
func composeGroup(t testing.TB, s fixture.Scene, names ...string) gocv.Mat {
	t.Helper()
	var people []fixture.Photo
	for _, n := range names {
		ph, err := fixture.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		defer ph.Close()
		people = append(people, ph)
	}
	group, err := fixture.ComposeGroup(people, s)
	if err != nil {
		t.Fatal(err)
	}
	return group
}

// busyImage is a real photo without a face, for busy backgrounds.
func busyImage(t testing.TB) gocv.Mat {
	t.Helper()
	m, err := fixture.LoadImage("space_shuttle")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// emptyBackdrop is a plain light-blue frame with sensor noise (σ 2) and
// nobody in it; the caller closes it.
func emptyBackdrop(t testing.TB, w, h int) gocv.Mat {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	px := make([]byte, w*h*3)
	base := [3]float64{255, 197, 100} // BGR
	for i := range px {
		v := base[i%3] + rng.NormFloat64()*2
		px[i] = byte(math.Max(0, math.Min(255, v)))
	}
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, px)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rgbAt reads a pixel of a BGR Mat as RGBA.
func rgbAt(m gocv.Mat, x, y int) color.RGBA {
	v := m.GetVecbAt(y, x)
	return color.RGBA{R: v[2], G: v[1], B: v[0], A: 255}
}
