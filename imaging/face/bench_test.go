package face

import (
	"testing"

	"gocv.io/x/gocv"
)

// Run: OPENCV_FOR_THREADS_NUM=1 go test -run '^$' -bench . -cpu 1 ./imaging/face

// benchFrame places a labelled fixture in a w×h frame, its face faceWidth
// px wide.
func benchFrame(b *testing.B, file string, faceWidth float64, w, h int) gocv.Mat {
	b.Helper()
	for _, l := range loadLabels(b) {
		if l.File == file {
			photo := readPhoto(b, file)
			defer photo.Close()
			frame, _ := inFrame(b, photo, l, faceWidth, w, h)
			return frame
		}
	}
	b.Fatalf("no label for %s", file)
	return gocv.Mat{}
}

// benchLive measures what the live check spends here: Detect(Live) + Eyes.
func benchLive(b *testing.B, file string) {
	d := newDetector(b)
	frame := benchFrame(b, file, 260, 1280, 720)
	defer frame.Close()
	b.ResetTimer()
	for b.Loop() {
		faces, err := d.Detect(frame, Live)
		if err != nil || len(faces) != 1 {
			b.Fatalf("%d faces, %v", len(faces), err)
		}
		if _, err := d.Eyes(frame, &faces[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectLive720p: a clear-eyed face (the iris decides openness).
func BenchmarkDetectLive720p(b *testing.B) { benchLive(b, "pigo_sample.jpg") }

// BenchmarkDetectLive720pGlasses: low-contrast eyes behind glasses (the
// Haar cascades decide openness).
func BenchmarkDetectLive720pGlasses(b *testing.B) { benchLive(b, "face.jpg") }

func benchStill(b *testing.B, frame gocv.Mat, want int) {
	d := newDetector(b)
	b.ResetTimer()
	for b.Loop() {
		faces, err := d.Detect(frame, Still)
		if err != nil || len(faces) != want {
			b.Fatalf("%d faces, %v", len(faces), err)
		}
	}
}

// BenchmarkDetectStill1080p: a 1920×1080 still with a 400 px face.
func BenchmarkDetectStill1080p(b *testing.B) {
	frame := benchFrame(b, "pigo_sample.jpg", 400, 1920, 1080)
	defer frame.Close()
	benchStill(b, frame, 1)
}

// BenchmarkDetectStill1080pNoFace: the worst case, where the tiles run too.
func BenchmarkDetectStill1080pNoFace(b *testing.B) {
	frame := gocv.NewMatWithSizeFromScalar(lightBlue, 1080, 1920, gocv.MatTypeCV8UC3)
	defer frame.Close()
	benchStill(b, frame, 0)
}
