package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"gradphoto/internal/fixture"
)

// BenchmarkPreviewFrame: one 1280×720 camera frame through SetFrame's path
// (reduce to the view, BGR→RGBA, mirror, hand-off with fyne.Do) and the
// raster generator that the driver calls when it paints (buffer swap and
// the latency record). The guide and texts are vector objects: nothing
// per frame. Sub-benchmarks by the view's pixel size: the kiosk's capture
// view (1280×800 window), a smaller one (CPU reduction to a quarter of the
// pixels), and one about the camera's size (no CPU resize: the GPU scales).
//
// OPENCV_FOR_THREADS_NUM=1 go test -tags migrated_fynedo -run '^$' -bench PreviewFrame -benchmem -cpu 1 ./ui
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
	for _, bc := range []struct {
		name string
		view fyne.Size
	}{
		{"view=1088x612", fyne.NewSize(1088, 612)}, // the capture screen of the 1280×800 kiosk window
		{"view=640x360", fyne.NewSize(640, 360)},
		{"view=1280x720", fyne.NewSize(1280, 720)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v, _ := newPreviewRig(b, GuideFace, bc.view)
			v.SetHint("请保持不动")
			v.SetState(GuideAdjust)
			v.setFrame(fr.Img, 0, time.Now()) // lays out for the frame, makes the buffers
			v.generate(0, 0)
			v.setFrame(fr.Img, 0, time.Now())
			v.generate(0, 0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				v.setFrame(fr.Img, uint64(i+1), time.Now())
				v.generate(0, 0)
			}
		})
	}
}
