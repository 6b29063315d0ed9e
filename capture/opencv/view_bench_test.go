package opencv

import (
	"fmt"
	"image"
	"testing"
	"time"

	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/internal/fixture"
)

// BenchmarkPreviewFrame: one 1280×720 camera frame through the View's path
// (reduce to the painted size, BGR→RGBA, mirror, guide, hand-off) and the
// Paint the screen calls (buffer swap and the latency record).
// Sub-benchmarks by the painted size: the kiosk's capture view (1280×800
// window), a smaller one (CPU reduction to a quarter of the pixels), and
// one of the camera's size (no CPU resize: the GPU scales).
//
//	OPENCV_FOR_THREADS_NUM=1 go test -run '^$' -bench PreviewFrame -benchmem -cpu 1 ./capture
func BenchmarkPreviewFrame(b *testing.B) {
	ph, err := fixture.Load("grace_hopper")
	if err != nil {
		b.Fatal(err)
	}
	defer ph.Close()
	fr, err := fixture.Compose(ph, fixture.Scene{FaceWidth: 260, ExtendBody: true})
	if err != nil {
		b.Fatal(err)
	}
	defer fr.Close()
	for _, px := range []image.Point{{1088, 612}, {640, 360}, {1280, 720}} {
		b.Run(fmt.Sprintf("view=%dx%d", px.X, px.Y), func(b *testing.B) {
			v := NewView(capture.GuideFace, testProfile(b), orange)
			defer v.Close()
			size := image.Pt(fr.Img.Cols(), fr.Img.Rows())
			v.Layout(size, px, float32(px.Y))
			f := camera.Frame{Img: fr.Img, Scale: 1}
			for range 2 { // makes the buffers and the guide
				f.At = time.Now()
				v.SetFrame(f)
				v.Paint(px.X, px.Y)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				f.Seq, f.At = uint64(i+1), time.Now()
				v.SetFrame(f)
				v.Paint(px.X, px.Y)
			}
		})
	}
}
