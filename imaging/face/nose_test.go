package face

import (
	"image"
	"image/color"
	"math"
	"testing"

	"gocv.io/x/gocv"
)

// A nose patch as noseMid makes it (72 px across 1.2 eye distances, skin
// grey 160) with nostrils drawn as dark ellipses: the pair is found where it
// is drawn, also when one nostril runs into the shadow beside the nose at
// the usual level (the case of xraylarch_barkla.jpg saved again) or is
// fainter than a moustache below it, and nothing is found on a patch
// without a pair.
func TestNostrils(t *testing.T) {
	const e, near = 60.0, 36.0
	nostrilOf := func(grey uint8) func(x, y int) func(*gocv.Mat) {
		return func(x, y int) func(*gocv.Mat) {
			return func(m *gocv.Mat) {
				gocv.Ellipse(m, image.Pt(x, y), image.Pt(4, 2), 0, 0, 360, color.RGBA{grey, grey, grey, 0}, -1)
			}
		}
	}
	nostril := nostrilOf(20)
	// grey 70 under a moustache of 20: lighter than the usual level and the
	// darker one (62, 48), darker than the lighter one (76)
	faint := nostrilOf(70)
	// a shadow of grey 55 beside the right nostril: darker than the usual
	// level (20 + 0.3·(160 − 20) = 62), lighter than the darker one (48)
	shadow := func(m *gocv.Mat) {
		gocv.Rectangle(m, image.Rect(44, 8, 70, 24), color.RGBA{55, 55, 55, 0}, -1)
	}
	moustache := func(m *gocv.Mat) {
		gocv.Rectangle(m, image.Rect(10, 26, 62, 32), color.RGBA{20, 20, 20, 0}, -1)
	}
	for _, tc := range []struct {
		name  string
		draw  []func(*gocv.Mat)
		found bool
		x, y  float64
	}{
		{"two nostrils", []func(*gocv.Mat){nostril(27, 14), nostril(45, 14)}, true, 36, 14},
		{"one runs into a shadow", []func(*gocv.Mat){shadow, nostril(27, 14), nostril(45, 14)}, true, 36, 14},
		{"faint, over a moustache", []func(*gocv.Mat){moustache, faint(27, 14), faint(45, 14)}, true, 36, 14},
		{"one nostril", []func(*gocv.Mat){nostril(27, 14)}, false, 0, 0},
		{"a moustache band", []func(*gocv.Mat){moustache}, false, 0, 0},
		{"too far from the nose point", []func(*gocv.Mat){nostril(5, 14), nostril(19, 14)}, false, 0, 0},
		{"nothing", nil, false, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			patch := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(160, 0, 0, 0), 35, 72, gocv.MatTypeCV8U)
			defer patch.Close()
			for _, d := range tc.draw {
				d(&patch)
			}
			x, y, ok := nostrils(patch, e, near)
			if ok != tc.found {
				t.Fatalf("found %v at (%.1f, %.1f), want %v", ok, x, y, tc.found)
			}
			if ok && (math.Abs(x-tc.x) > 0.5 || math.Abs(y-tc.y) > 0.5) {
				t.Errorf("midpoint (%.1f, %.1f), want (%.0f, %.0f)", x, y, tc.x, tc.y)
			}
		})
	}
}
