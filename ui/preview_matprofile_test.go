//go:build matprofile

package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"gocv.io/x/gocv"
)

// TestPreviewHoldsNoMats (go test -tags matprofile): between frames a
// Preview holds no Mat, so one dropped without Close leaks nothing — in
// every path: same size, resized, a resize of the view, the card guide.
func TestPreviewHoldsNoMats(t *testing.T) {
	before := gocv.MatProfile.Count()
	f := halves(t, 1280, 720, red, blue)
	defer f.Close()
	for _, kind := range []GuideKind{GuideFace, GuideCard} {
		v, w := newPreviewRig(t, kind, fyne.NewSize(640, 360))
		for i := range 5 {
			v.setFrame(f, uint64(i), time.Now())
			w.Canvas().Capture()
			if i == 2 {
				w.Resize(fyne.NewSize(1280, 720))
			}
		}
		if n := gocv.MatProfile.Count() - before - 1; n != 0 {
			t.Errorf("%d Mats held by a Preview between frames", n)
		}
	}
}
