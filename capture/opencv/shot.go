package opencv

import (
	"context"
	"errors"
	"fmt"
	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/spec"
	"sort"

	"gocv.io/x/gocv"

	"gradphoto/imaging"
)

// Shot parameters: a burst of burstFrames, the sharpest kept and stored
// as JPEG at rawJPEGQ.
const (
	burstFrames = 5
	rawJPEGQ    = 92
)

// take shoots a burst and standardises its best frame (both eyes open,
// then the sharpest), or the next best when the eyes of one are not found.
func (h *Host) take(ctx context.Context) (capture.Shot, error) {
	frames, err := h.burst(ctx, burstFrames)
	if err != nil {
		return capture.Shot{}, err
	}
	defer camera.CloseAll(frames)
	var sh capture.Shot
	for i, c := range h.ranked(frames) {
		if sh, err = h.shoot(c.img, c.live); err == nil || !errors.Is(err, spec.ErrEyesNotFound) || i+1 >= burstTries {
			break
		}
	}
	return sh, err
}

// burstTries: how many of the burst's frames are tried, best first, when
// the eyes of one are not found (a blink, a squint the live checks let by).
const burstTries = 3

// shoot encodes a still and standardises it.
func (h *Host) shoot(still gocv.Mat, live spec.Report) (capture.Shot, error) {
	raw, err := encodeJPEG(still, rawJPEGQ)
	if err != nil {
		return capture.Shot{}, err
	}
	plate := h.plateCopy()
	defer plate.Close()
	res, err := h.standardise(still, imaging.Options{Plate: plate})
	if err != nil {
		return capture.Shot{}, err
	}
	return capture.Shot{Raw: raw, RawReport: live, Standard: res.JPEG, Report: res.Report}, nil
}

// candidate is a burst frame with its live checks and its rank.
type candidate struct {
	img   gocv.Mat
	live  spec.Report
	score float64
}

// ranked orders the burst's frames best first: both eyes open before an
// eye shut (a blink), then the sharper face; frames that cannot be judged
// last, in their order.
func (h *Host) ranked(frames []gocv.Mat) []candidate {
	out := make([]candidate, 0, len(frames))
	for _, f := range frames {
		c := candidate{img: f, score: -1}
		if r, err := h.analyze(f); err == nil {
			c.live = r
			if sh, ok := r.Get(spec.CheckSharp); ok && sh.Unit != "" {
				c.score = sh.Value
				if e, ok := r.Get(spec.CheckEyes); ok && e.Pass {
					c.score += eyesOpenBonus
				}
			}
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// eyesOpenBonus outranks any sharpness (Laplacian variances are in the
// hundreds to low thousands): a frame with both eyes open wins.
const eyesOpenBonus = 1e9

// encodeJPEG encodes a frame as it was taken.
func encodeJPEG(img gocv.Mat, q int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		return nil, fmt.Errorf("capture: encode still: %w", err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), nil
}
