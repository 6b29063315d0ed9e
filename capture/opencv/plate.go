package opencv

import (
	"context"
	"errors"
	"fmt"

	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/imaging"
	"gradphoto/spec"
)

// The clean plate: the kiosk learns its own empty backdrop. Automatically,
// from checked frames once nobody has been in front of the camera for
// plateAfter frames (every plateEvery-th of them); by the operator's
// calibration (CalibrateBackdrop), from calibrationFrames frames at once.
// A plate learnt so far refreshes only the pixels that agree with it, so a
// bag left on the seat is not learnt as backdrop.
const (
	plateAfter        = 20
	plateEvery        = 3
	calibrationFrames = 10
)

// learnEmpty feeds a frame in which nobody was seen to the plate.
func (h *Host) learnEmpty(frame gocv.Mat) {
	h.plateMu.Lock()
	defer h.plateMu.Unlock()
	if h.plate == nil {
		h.plate = imaging.NewPlate()
	}
	if err := h.plate.Refresh(frame); err != nil {
		h.plate.Close()
		h.plate = nil
	}
}

// plateCopy is a copy of the plate for a shot, or nil when none is ready;
// the caller closes it.
func (h *Host) plateCopy() *imaging.Plate {
	h.plateMu.Lock()
	defer h.plateMu.Unlock()
	if !h.plate.Ready() {
		return nil
	}
	return h.plate.Clone()
}

// CalibrateBackdrop learns the empty backdrop afresh from the running face
// camera (the operator's calibration: nobody in front of it). It fails
// when the camera is not running or someone is in the picture.
func (h *Host) CalibrateBackdrop(ctx context.Context) error {
	h.mu.Lock()
	l := h.loop
	h.mu.Unlock()
	if l == nil {
		return fmt.Errorf("capture: calibrate: %w", camera.ErrStopped)
	}
	frames, err := l.Burst(ctx, calibrationFrames)
	if err != nil {
		return fmt.Errorf("capture: calibrate: %w", err)
	}
	defer camera.CloseAll(frames)
	if r, err := h.analyze(frames[0]); err == nil {
		if c, ok := r.Get(spec.CheckOneFace); ok && c.Value > 0 {
			return ErrNotEmpty
		}
	}
	p := imaging.NewPlate()
	for _, f := range frames {
		if err := p.Learn(f); err != nil {
			p.Close()
			return fmt.Errorf("capture: calibrate: %w", err)
		}
	}
	h.plateMu.Lock()
	old := h.plate
	h.plate = p
	h.plateMu.Unlock()
	old.Close()
	return nil
}

// Backdrop is the learnt empty backdrop as a JPEG, for the operator's
// preview; capture.ErrNoBackdrop when none is ready.
func (h *Host) Backdrop() ([]byte, error) {
	p := h.plateCopy()
	if p == nil {
		return nil, capture.ErrNoBackdrop
	}
	defer p.Close()
	return p.JPEG()
}

// ErrNotEmpty: a calibration was asked for while someone is in front of
// the camera.
var ErrNotEmpty = errors.New("capture: someone is in front of the camera")

// TryMatte is the operator's check of the calibration: one frame from the
// running face camera, with somebody in front of it, made into the photo
// with the learnt backdrop — the person cut out onto the profile's
// background, as a JPEG. capture.ErrNoBackdrop before a calibration; the
// engine's refusals (nobody, too far…) as they are.
func (h *Host) TryMatte(ctx context.Context) ([]byte, error) {
	plate := h.plateCopy()
	if plate == nil {
		return nil, capture.ErrNoBackdrop
	}
	defer plate.Close()
	frames, err := h.burst(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("capture: try matte: %w", err)
	}
	defer camera.CloseAll(frames)
	res, err := h.standardise(frames[0], imaging.Options{Plate: plate})
	if err != nil {
		return nil, fmt.Errorf("capture: try matte: %w", err)
	}
	return res.JPEG, nil
}
