package face

import "errors"

// Sentinel errors; the errors Detect and Eyes return wrap one of them, so
// callers test with errors.Is.
var (
	// ErrBadImage: the image is empty (a failed decode gives an empty Mat),
	// not 8-bit BGR (CV_8UC3), not 2-D, or smaller than MinImageSide on a
	// side.
	ErrBadImage = errors.New("bad image: want a non-empty BGR 8UC3 Mat of at least 32×32")
	// ErrBadFace: the face passed to Eyes has no usable eye key points (eye
	// distance too small, or eyes outside the image).
	ErrBadFace = errors.New("bad face: eye key points unusable")
	// ErrModel: a model failed to load or produced output of an unexpected
	// shape.
	ErrModel = errors.New("model error")
	// ErrBadMode: Detect was given a Mode other than Live or Still.
	ErrBadMode = errors.New("unknown detection mode")
	// ErrClosed: the Detector was used after Close.
	ErrClosed = errors.New("detector closed")
)
