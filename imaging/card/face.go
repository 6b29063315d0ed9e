package card

import (
	"fmt"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Thresholds of Faces.
const (
	// FaceMinScore is the detector confidence a portrait needs.
	FaceMinScore = 0.6
	// FaceMinWidth: the face box must be at least this fraction of the
	// portrait region's width (on a card it is about half of it), so that
	// a face in the card's background pattern does not count.
	FaceMinWidth = 0.2
)

// Faces makes a FaceFinder for Find from a face detector. It runs
// one Live inference per call (the region's central square, where the
// portrait sits). The detector stays the caller's: close it after use.
func Faces(d *face.Detector) FaceFinder { return detectorFaces{d: d} }

// detectorFaces is the FaceFinder Faces makes.
type detectorFaces struct{ d *face.Detector }

// HasFace reports whether img holds a face of at least FaceMinWidth of
// its width, scoring at least FaceMinScore.
func (f detectorFaces) HasFace(img gocv.Mat) (bool, error) {
	faces, err := f.d.Detect(img, face.Live)
	if err != nil {
		return false, fmt.Errorf("portrait: %w", err)
	}
	for _, fc := range faces {
		if fc.Score >= FaceMinScore && fc.Box.W >= FaceMinWidth*float64(img.Cols()) {
			return true, nil
		}
	}
	return false, nil
}
