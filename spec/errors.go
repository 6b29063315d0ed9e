package spec

import (
	"errors"
	"fmt"
	"math"
)

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
	ErrTurned       = errors.New("face turned away from the camera")
)

// TurnedError is ErrTurned with the turn: Yaw degrees, positive when the
// face turns towards the picture's right (the person's own left).
type TurnedError struct{ Yaw float64 }

func (e *TurnedError) Error() string {
	back := "left"
	if e.side() == "left" {
		back = "right"
	}
	return fmt.Sprintf("%v by about %.0f° to the person's %s: turn back to the %s", ErrTurned, math.Abs(e.Yaw), e.side(), back)
}

// Is makes errors.Is(err, ErrTurned) hold.
func (e *TurnedError) Is(target error) bool { return target == ErrTurned }

// Hint is which way to turn back.
func (e *TurnedError) Hint() Hint { return TurnHint(e.Yaw) }

func (e *TurnedError) side() string {
	if e.Yaw > 0 {
		return "left"
	}
	return "right"
}

// TurnHint is the hint for a face turned by yaw degrees (positive: towards
// the picture's right, the person's own left): turn back the other way.
func TurnHint(yaw float64) Hint {
	if yaw > 0 {
		return HintTurnRight
	}
	return HintTurnLeft
}
