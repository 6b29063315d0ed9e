package imaging

import (
	"image"
	"testing"
)

// BenchmarkLiveChecks720p: all live checks on a 1280×720 camera frame as
// the capture screen runs them, frame after frame for the person in front
// of the camera (imaging.Live: the face tracked, the whole square searched
// every fullEvery frames). Budget 8 ms on one core; run with
// OPENCV_FOR_THREADS_NUM=1 -cpu 1.
func BenchmarkLiveChecks720p(b *testing.B) {
	e := newTestEngine(b)
	p := profile(b, "chsi")
	fr := compose(b, "pigo_sample", kioskScene(image.Pt(1280, 720), 260))
	defer fr.Close()
	bd := learnFrom(b, 1280, 720)
	lv := e.NewLive(p, &bd)
	for b.Loop() {
		if _, err := lv.Check(fr.Img, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLiveChecks720pFirstFrame: the live checks of a frame with no
// frame before (the whole central square searched, the face refined).
func BenchmarkLiveChecks720pFirstFrame(b *testing.B) {
	e := newTestEngine(b)
	p := profile(b, "chsi")
	fr := compose(b, "pigo_sample", kioskScene(image.Pt(1280, 720), 260))
	defer fr.Close()
	bd := learnFrom(b, 1280, 720)
	for b.Loop() {
		if _, err := e.Analyze(fr.Img, p, &bd); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStandardise1080p: one 1920×1080 kiosk still to a checked chsi
// JPEG (budget 150 ms on one core).
func BenchmarkStandardise1080p(b *testing.B) {
	e := newTestEngine(b)
	p := profile(b, "chsi")
	fr := compose(b, "pigo_sample", kioskScene(image.Pt(1920, 1080), 330))
	defer fr.Close()
	for b.Loop() {
		if _, err := e.Standardise(fr.Img, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func learnFrom(b *testing.B, w, h int) Backdrop {
	empty := emptyBackdrop(b, w, h)
	defer empty.Close()
	bd, err := LearnBackdrop(empty)
	if err != nil {
		b.Fatal(err)
	}
	return bd
}

// BenchmarkStandardisePhone: a 3000×4000 phone portrait (12 MP, face 900
// px wide) to a checked chsi JPEG (goal 400 ms on one core).
func BenchmarkStandardisePhone(b *testing.B) {
	e := newTestEngine(b)
	p := profile(b, "chsi")
	s := kioskScene(image.Pt(3000, 4000), 900)
	s.EyeAt = [2]float64{0.5, 0.4}
	fr := compose(b, "grace_hopper", s)
	defer fr.Close()
	for b.Loop() {
		if _, err := e.Standardise(fr.Img, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
