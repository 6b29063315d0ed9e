package spec

import (
	"math"
	"testing"
)

// The face sizes the distance check takes, for the shipped profile on the
// cameras a kiosk may have: the guide's middle is always inside them, and a
// camera too small to meet the profile is told, not turned into a range
// nobody can meet.
func TestFaceSpan(t *testing.T) {
	chsi := Profile{Width: 480, Height: 640, FaceWidth: &Range{Min: 180, Max: 300}}
	for _, c := range []struct {
		w, h   float64
		lo, hi float64
		enough bool
	}{
		{1920, 1080, 180, 300 * 1080.0 / 640, true},
		{1280, 720, 180, 300 * 720.0 / 640, true},
		{640, 480, 180 * 0.75, 300 * 0.75, true}, // 225 ≥ 180: enough
		{320, 240, 180 * 0.375, 300 * 0.375, false},
	} {
		lo, hi, enough := chsi.FaceSpan(c.w, c.h)
		if c.enough {
			c.lo = 180
		}
		if math.Abs(lo-c.lo) > 1e-9 || math.Abs(hi-c.hi) > 1e-9 || enough != c.enough {
			t.Errorf("%v×%v: %.1f…%.1f %v, want %.1f…%.1f %v", c.w, c.h, lo, hi, enough, c.lo, c.hi, c.enough)
		}
		if mid := (lo + hi) / 2; mid < lo || mid > hi || lo > hi {
			t.Errorf("%v×%v: the guide's size %.1f outside %.1f…%.1f", c.w, c.h, mid, lo, hi)
		}
	}
}
