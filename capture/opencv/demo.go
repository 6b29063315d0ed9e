package opencv

import (
	"fmt"
	"gradphoto/app"
	"gradphoto/capture"
	"os"

	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/imaging/card"
)

// demoAt is where in a demo clip the still is taken: near the end the
// person sits still and the card is held still.
const demoAt = 0.85

// DemoShot is a shot from the settled end of the demo clip, made as the
// capture screen would (for the demo screens).
func (h *Host) DemoShot() (capture.Shot, error) {
	if err := h.Load(); err != nil {
		return capture.Shot{}, err
	}
	still, err := demoFrame(capture.PurposeFace, demoAt)
	if err != nil {
		return capture.Shot{}, err
	}
	defer still.Close()
	live, err := h.analyze(still)
	if err != nil {
		return capture.Shot{}, err
	}
	return h.shoot(still, live)
}

// DemoCard is a side of the demo ID card, found and flattened in the
// settled end of its clip as the card screen would.
func (h *Host) DemoCard(side app.CardSide) ([]byte, error) {
	if err := h.Load(); err != nil {
		return nil, err
	}
	p := capture.PurposeCardFront
	if side == app.CardBack {
		p = capture.PurposeCardBack
	}
	frame, err := demoFrame(p, demoAt)
	if err != nil {
		return nil, err
	}
	defer frame.Close()
	c, err := card.Find(frame, card.Faces(h.cards))
	if err != nil {
		return nil, fmt.Errorf("capture: demo card %s: %w", side, err)
	}
	defer c.Close()
	return encodeJPEG(c.Image, rawJPEGQ)
}

// demoFrame is the frame at fraction at of a purpose's demo clip. The
// caller closes it.
func demoFrame(p capture.Purpose, at float64) (gocv.Mat, error) {
	path, err := camera.DemoClip(demoClips[p])
	if err != nil {
		return gocv.Mat{}, err
	}
	defer os.Remove(path)
	vc, err := gocv.VideoCaptureFile(path)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("capture: demo clip: %w", err)
	}
	defer vc.Close()
	vc.Set(gocv.VideoCapturePosFrames, vc.Get(gocv.VideoCaptureFrameCount)*at)
	m := gocv.NewMat()
	if !vc.Read(&m) || m.Empty() {
		m.Close()
		return gocv.Mat{}, fmt.Errorf("capture: demo clip %s: no frame", demoClips[p])
	}
	return m, nil
}
