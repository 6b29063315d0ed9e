package imaging

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"
)

// Backdrop is the colour model of the plain backdrop behind the graduate:
// its mean colour and how much it varies (light fall-off, noise).
type Backdrop struct {
	Mean       Lab
	Spread     float64 // RMS ΔE of backdrop pixels from Mean
	Calibrated bool    // learnt from an empty frame by the operator
}

// LearnBackdrop learns the backdrop from a frame with nobody in it (the
// operator's calibration at the start of a capture day).
func LearnBackdrop(empty gocv.Mat) (Backdrop, error) {
	if err := checkImage(empty); err != nil {
		return Backdrop{}, fmt.Errorf("imaging: learn backdrop: %w", err)
	}
	small := thumbnail(empty, bgCheckWidth)
	defer small.Close()
	px, err := newLabPixels(small)
	if err != nil {
		return Backdrop{}, fmt.Errorf("imaging: learn backdrop: %w", err)
	}
	st := px.regionStats(image.Rect(0, 0, px.w, px.h))
	return Backdrop{Mean: st.Mean, Spread: st.Spread, Calibrated: true}, nil
}
