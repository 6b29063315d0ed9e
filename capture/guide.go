package capture

import (
	"image"

	"gradphoto/spec"
)

// Guide geometry: approximate, it is a guide.
const (
	ovalWidthPerFace   = 1.15 // oval width / the profile's face width (ear to ear)
	ovalHeightPerWidth = 1.45 // oval height / oval width
)

// FaceGuide is the GuideFace geometry in view units (origin at the view's
// top left) for a view of height viewH: the crop as tall as the frame, so
// profile px map to view units by u = viewH / profile height; the oval is
// as big as the middle of the face sizes the distance check accepts
// (spec.FaceSpan), so a face that fills it passes.
type FaceGuide struct {
	BandTop, BandBottom float64 // the eye-line band
	CX, Top, W, H       float64 // the head oval: centre x, top, width, height
}

// FaceGuideFor places the face guide of profile p in a view of viewW×viewH
// showing frames of frame's size.
func FaceGuideFor(p spec.Profile, frame image.Point, viewW, viewH float64) FaceGuide {
	u := viewH / float64(max(1, p.Height))
	eyeLo, eyeHi := float64(p.Height)*0.3, float64(p.Height)*0.5 // as imaging's eyeTarget
	if p.EyeLine != nil {
		eyeLo, eyeHi = p.EyeLine.Min, p.EyeLine.Max
	}
	top := float64(p.Height) * 0.1
	if p.HeadTop != nil {
		top = p.HeadTop.Mid()
	}
	if frame.X <= 0 || frame.Y <= 0 {
		frame = image.Pt(int(viewW), int(viewH))
	}
	lo, hi, _ := p.FaceSpan(float64(frame.X), float64(frame.Y))
	size := (lo + hi) / 2 * viewH / float64(frame.Y) // view units
	var w, h float64
	if p.FaceWidth != nil {
		w = ovalWidthPerFace * size
		h = ovalHeightPerWidth * w
	} else {
		h = 1.05 * size
		w = h / ovalHeightPerWidth
	}
	return FaceGuide{BandTop: eyeLo * u, BandBottom: eyeHi * u, CX: viewW / 2, Top: top * u, W: w, H: h}
}
