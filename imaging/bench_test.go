package imaging

import (
	"image"
	"testing"
)

// BenchmarkLiveChecks720p: all live checks on one 1280×720 camera frame
// (budget 8 ms on one core; run with OPENCV_FOR_THREADS_NUM=1 -cpu 1).
func BenchmarkLiveChecks720p(b *testing.B) {
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
