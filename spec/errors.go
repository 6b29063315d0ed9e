package spec

import "errors"

// Typed refusals and input errors. Standardise wraps one of them; callers
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
	ErrTurned       = errors.New("face turned or tilted: look straight at the camera")
)
