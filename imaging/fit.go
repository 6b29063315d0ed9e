package imaging

import (
	"fmt"
	"gradphoto/spec"
	"math"
)

// maxUpscale: standardisation never enlarges the face more than this.
const maxUpscale = 1.25

// cropFit is where the face goes in the output: scale (output px per source
// px) and the eye line's row.
type cropFit struct {
	Scale float64
	EyeY  float64
}

// head is what the crop is solved from, in source px: face width, head top
// and chin measured from the eye line (both positive), and how far the
// picture reaches where the person runs out of it.
type head struct {
	Width    float64
	TopUp    float64 // eye line to head top
	ChinDown float64 // eye line to chin
	// Below is how far the picture reaches below the eye line (the photo
	// must not end lower: the body would be cut); +Inf when unknown.
	Below float64
	// SideHalf, when the body runs out of the picture at its sides, is how
	// far the picture reaches left and right of the face's centre (the
	// photo must not be wider); +Inf when the body stays inside.
	SideHalf float64
}

// fitMargin keeps every quantity this share of its range inside it, so
// measuring the finished photo again does not find it a pixel outside.
const fitMargin = 0.04

// solveFit finds the scale and eye row that put every quantity the profile
// constrains (face width or head height, head top, eye line) inside its
// range, as close to the middles as it can, preferring not to upscale. It
// searches a grid: the quantities are few and the answer need not be exact
// to the pixel.
func solveFit(p spec.Profile, h head) (cropFit, error) {
	sLo, sHi, err := scaleRange(p, h)
	if err != nil {
		return cropFit{}, err
	}
	eyes := spec.Range{Min: float64(p.Height) * 0.25, Max: float64(p.Height) * 0.6}
	if p.EyeLine != nil {
		eyes = *p.EyeLine
	}
	search := func(p spec.Profile, margin float64, picture bool) (cropFit, bool) {
		best, bestCost := cropFit{}, math.Inf(1)
		const steps = 120
		for i := 0; i <= steps; i++ {
			s := sLo + (sHi-sLo)*float64(i)/steps
			for j := 0; j <= steps; j++ {
				y := eyes.Min + (eyes.Max-eyes.Min)*float64(j)/steps
				c, ok := fitCost(p, h, s, y, margin)
				if ok && picture {
					ok = fitsPicture(p, h, s, y)
				}
				if ok && c < bestCost {
					best, bestCost = cropFit{Scale: s, EyeY: y}, c
				}
			}
		}
		return best, !math.IsInf(bestCost, 1)
	}
	if fit, ok := search(p, fitMargin, true); ok {
		return fit, nil
	}
	if fit, ok := search(p, 0, true); ok {
		return fit, nil
	}
	if _, ok := search(p, 0, false); ok {
		return cropFit{}, pictureTooSmall(p, h)
	}
	return cropFit{}, fmt.Errorf("%w: %s (head top %.0f px above the eyes at face width %.0f px)", spec.ErrNoFit,
		blockingRange(p, h, search), h.TopUp, h.Width)
}

// blockingRange names the profile range without which a crop would fit
// (the one that cannot be met with the others), or says they conflict.
func blockingRange(p spec.Profile, h head, search func(p spec.Profile, margin float64, picture bool) (cropFit, bool)) string {
	for _, c := range []struct {
		name string
		drop func(*spec.Profile)
	}{
		{"head top", func(q *spec.Profile) { q.HeadTop = nil }},
		{"eye line", func(q *spec.Profile) { q.EyeLine = nil }},
		{"head height", func(q *spec.Profile) { q.HeadHeight = nil }},
	} {
		q := p
		c.drop(&q)
		if _, ok := search(q, 0, false); ok {
			return fmt.Sprintf("the %s range cannot be met with the others", c.name)
		}
	}
	return "the ranges cannot be met together"
}

// fitsPicture reports whether the photo at scale s with the eyes at row
// eyeY stays inside the picture where the body runs out of it.
func fitsPicture(p spec.Profile, h head, s, eyeY float64) bool {
	const slack = 1.5 // output px: rounding
	if eyeY+s*h.Below < float64(p.Height)-slack {
		return false
	}
	return float64(p.Width)/2 <= s*h.SideHalf+slack
}

// pictureTooSmall says which edge of the picture stops every crop that
// would fit the profile.
func pictureTooSmall(p spec.Profile, h head) error {
	if !math.IsInf(h.SideHalf, 1) {
		return fmt.Errorf("%w: the shoulders run out of the picture's sides", spec.ErrShouldersCut)
	}
	return fmt.Errorf("%w: the picture ends %.0f face widths below the eyes; the photo needs more", spec.ErrShouldersCut,
		h.Below/h.Width)
}

// scaleRange is the range of scales that keep the face size in range
// without more than maxUpscale.
func scaleRange(p spec.Profile, h head) (float64, float64, error) {
	size, r := h.Width, p.FaceWidth
	if r == nil {
		size, r = h.TopUp+h.ChinDown, p.HeadHeight
	}
	lo, hi := r.Min/size, r.Max/size
	if lo > maxUpscale {
		return 0, 0, fmt.Errorf("%w (needs %.2f×)", spec.ErrFaceTooSmall, lo)
	}
	return lo, math.Min(hi, maxUpscale), nil
}

// fitCost is how far (in half-ranges, squared) each quantity lies from the
// middle of its range, plus a penalty for upscaling; ok is false when a
// quantity leaves its range.
func fitCost(p spec.Profile, h head, s, eyeY, margin float64) (float64, bool) {
	cost := 0.0
	add := func(r *spec.Range, v float64) bool {
		if r == nil {
			return true
		}
		m := margin * (r.Max - r.Min)
		if v < r.Min+m || v > r.Max-m {
			return false
		}
		half := math.Max(1, (r.Max-r.Min)/2)
		cost += sq((v - r.Mid()) / half)
		return true
	}
	ok := add(p.FaceWidth, s*h.Width) && add(p.EyeLine, eyeY) && add(p.HeadTop, eyeY-s*h.TopUp) &&
		add(p.HeadHeight, s*(h.TopUp+h.ChinDown))
	if eyeY+s*h.ChinDown > float64(p.Height) {
		return 0, false // the chin must be in the photo
	}
	return cost + 4*sq(math.Max(0, s-1)), ok
}
