package capture

import "gradphoto/spec"

// Guide geometry: approximate, it is a guide.
const (
	ovalWidthPerFace   = 1.15 // oval width / the profile's face width (ear to ear)
	ovalHeightPerWidth = 1.45 // oval height / oval width
)

// FaceGuide is the GuideFace geometry in view units (origin at the view's
// top left) for a view of height viewH: the crop as tall as the frame, so
// profile px map to view units by u = viewH / profile height.
type FaceGuide struct {
	BandTop, BandBottom float64 // the eye-line band
	CX, Top, W, H       float64 // the head oval: centre x, top, width, height
}

// FaceGuideFor places the face guide of profile p in a view of viewW×viewH.
func FaceGuideFor(p spec.Profile, viewW, viewH float64) FaceGuide {
	u := viewH / float64(max(1, p.Height))
	eyeLo, eyeHi := float64(p.Height)*0.3, float64(p.Height)*0.5 // as imaging's eyeTarget
	if p.EyeLine != nil {
		eyeLo, eyeHi = p.EyeLine.Min, p.EyeLine.Max
	}
	top := float64(p.Height) * 0.1
	if p.HeadTop != nil {
		top = p.HeadTop.Mid()
	}
	var w, h float64
	switch {
	case p.FaceWidth != nil:
		w = ovalWidthPerFace * p.FaceWidth.Mid() * u
		h = ovalHeightPerWidth * w
	case p.HeadHeight != nil:
		h = 1.05 * p.HeadHeight.Mid() * u
		w = h / ovalHeightPerWidth
	default:
		h = 0.6 * viewH
		w = h / ovalHeightPerWidth
	}
	return FaceGuide{BandTop: eyeLo * u, BandBottom: eyeHi * u, CX: viewW / 2, Top: top * u, W: w, H: h}
}
