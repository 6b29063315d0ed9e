package opencv

import (
	"context"
	"fmt"
	"gradphoto/capture"
	"gradphoto/spec"

	"gocv.io/x/gocv"

	"gradphoto/imaging"
)

// Shot parameters: a burst of burstFrames, the sharpest kept and stored
// as JPEG at rawJPEGQ.
const (
	burstFrames = 5
	rawJPEGQ    = 92
)

// take shoots a burst, keeps the sharpest frame with one face and
// standardises it.
func (h *Host) take(ctx context.Context) (capture.Shot, error) {
	frames, err := h.burst(ctx, burstFrames)
	if err != nil {
		return capture.Shot{}, err
	}
	defer func() {
		for _, f := range frames {
			f.Close()
		}
	}()
	best, live := h.sharpest(frames)
	return h.shoot(best, live)
}

// shoot encodes a still and standardises it.
func (h *Host) shoot(still gocv.Mat, live spec.Report) (capture.Shot, error) {
	raw, err := encodeJPEG(still, rawJPEGQ)
	if err != nil {
		return capture.Shot{}, err
	}
	res, err := h.stills.Standardise(still, h.cfg.Profile, imaging.Options{})
	if err != nil {
		return capture.Shot{}, err
	}
	return capture.Shot{Raw: raw, RawReport: live, Standard: res.JPEG, Report: res.Report}, nil
}

// sharpest is the burst frame whose face is sharpest (the first when none
// can be judged), with its live checks.
func (h *Host) sharpest(frames []gocv.Mat) (gocv.Mat, spec.Report) {
	best, bestR, bestV := frames[0], spec.Report{}, -1.0
	for _, f := range frames {
		r, err := h.stills.Analyze(f, h.cfg.Profile, nil)
		if err != nil {
			continue
		}
		if c, ok := r.Get(spec.CheckSharp); ok && c.Unit != "" && c.Value > bestV {
			best, bestR, bestV = f, r, c.Value
		}
	}
	return best, bestR
}

// encodeJPEG encodes a frame as it was taken.
func encodeJPEG(img gocv.Mat, q int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		return nil, fmt.Errorf("capture: encode still: %w", err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), nil
}
