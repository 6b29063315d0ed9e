//go:build matprofile

package opencv

import (
	"gradphoto/capture"
	"image"
	"testing"

	"gocv.io/x/gocv"
)

// Between frames a View holds no Mat, so one dropped without Close leaks
// nothing — in every path: same size, resized, a new layout, the card guide.
func TestViewHoldsNoMats(t *testing.T) {
	f := halves(t, 1280, 720, red, blue)
	before := gocv.MatProfile.Count()
	for _, kind := range []capture.GuideKind{capture.GuideFace, capture.GuideCard} {
		v := NewView(kind, testProfile(t), red)
		v.Layout(image.Pt(1280, 720), image.Pt(640, 360), 360)
		for i := range 5 {
			v.SetFrame(frame(f, uint64(i)))
			v.Paint(640, 360)
			if i == 2 {
				v.Layout(image.Pt(1280, 720), image.Pt(1280, 720), 720)
			}
		}
		if n := gocv.MatProfile.Count() - before; n != 0 {
			t.Errorf("%d Mats held by a View between frames", n)
		}
	}
}
