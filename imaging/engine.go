package imaging

import (
	"fmt"
	"gradphoto/spec"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// noteNeedsOneFace marks checks that could not be measured.
const noteNeedsOneFace = "not measured: needs exactly one face"

// Engine runs the photo engine with its face detector. It is not safe for
// concurrent use: give each goroutine (camera loop, standardiser) its own.
type Engine struct {
	det *face.Detector
}

// NewEngine loads the embedded models.
func NewEngine() (*Engine, error) {
	d, err := face.NewDetector()
	if err != nil {
		return nil, fmt.Errorf("imaging: new engine: %w", err)
	}
	return &Engine{det: d}, nil
}

// Close frees the models.
func (e *Engine) Close() error { return e.det.Close() }

// checkImage refuses empty, non-BGR and tiny images.
func checkImage(img gocv.Mat) error {
	switch {
	case img.Empty():
		return fmt.Errorf("%w: empty", spec.ErrBadImage)
	case img.Type() != gocv.MatTypeCV8UC3:
		return fmt.Errorf("%w: type %v, want 8-bit BGR", spec.ErrBadImage, img.Type())
	case img.Cols() < 64 || img.Rows() < 64:
		return fmt.Errorf("%w: %dx%d is too small", spec.ErrBadImage, img.Cols(), img.Rows())
	}
	return nil
}
