package imaging

import (
	"errors"
	"fmt"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Typed refusals and input errors. Standardize wraps one of them; callers
// test with errors.Is and show the reason.
var (
	ErrBadImage     = errors.New("not a readable colour image")
	ErrNoFace       = errors.New("no face found")
	ErrManyFaces    = errors.New("more than one face")
	ErrEyesNotFound = errors.New("eyes not found")
	ErrFaceTooSmall = errors.New("face too small: it would need more than 1.25× upscaling")
	ErrHeadCut      = errors.New("head cut off at the top of the picture")
	ErrShouldersCut = errors.New("shoulders cut off: the picture ends before the photo would")
	ErrNoFit        = errors.New("no crop puts head top, eye line and face width inside the profile's ranges")
	ErrNotSegmented = errors.New("person and background could not be told apart")
	ErrBusyBackdrop = errors.New("background too busy to replace cleanly")
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
		return fmt.Errorf("%w: empty", ErrBadImage)
	case img.Type() != gocv.MatTypeCV8UC3:
		return fmt.Errorf("%w: type %v, want 8-bit BGR", ErrBadImage, img.Type())
	case img.Cols() < 64 || img.Rows() < 64:
		return fmt.Errorf("%w: %dx%d is too small", ErrBadImage, img.Cols(), img.Rows())
	}
	return nil
}
