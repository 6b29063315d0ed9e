package imaging

import (
	"fmt"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Thresholds of CardFaces.
const (
	// CardFaceMinScore is the detector confidence a portrait needs.
	CardFaceMinScore = 0.6
	// CardFaceMinWidth: the face box must be at least this fraction of the
	// portrait region's width (on a card it is about half of it), so that
	// a face in the card's background pattern does not count.
	CardFaceMinWidth = 0.2
)

// CardFaces makes a FaceFinder for FindCard from a face detector. It runs
// one Live inference per call (the region's central square, where the
// portrait sits). The detector stays the caller's: close it after use.
func CardFaces(d *face.Detector) FaceFinder { return detectorFaces{d: d} }

// detectorFaces is the FaceFinder CardFaces makes.
type detectorFaces struct{ d *face.Detector }

// HasFace reports whether img holds a face of at least CardFaceMinWidth of
// its width, scoring at least CardFaceMinScore.
func (f detectorFaces) HasFace(img gocv.Mat) (bool, error) {
	faces, err := f.d.Detect(img, face.Live)
	if err != nil {
		return false, fmt.Errorf("portrait: %w", err)
	}
	for _, fc := range faces {
		if fc.Score >= CardFaceMinScore && fc.Box.W >= CardFaceMinWidth*float64(img.Cols()) {
			return true, nil
		}
	}
	return false, nil
}
