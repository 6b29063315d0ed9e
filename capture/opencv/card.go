package opencv

import (
	"errors"
	"gradphoto/app"
	"gradphoto/capture"
	"log"
	"sync"

	"gradphoto/camera"
	"gradphoto/imaging/card"
)

// cardSteady: a card found sharp, glare-free and the right side up in this
// many checked frames in a row is taken.
const cardSteady = 3

// CardRun is the ID-card screen's camera at work for one side.
type CardRun struct {
	h    *Host
	want card.Side
	ev   capture.CardEvents

	mu      sync.Mutex
	good    int  // consecutive good checks
	taken   bool // the side was handed over
	stopped bool
}

// StartCard starts the camera for one side of the ID card, showing frames
// in v.
func (h *Host) StartCard(side app.CardSide, v capture.View, ev capture.CardEvents) (capture.Run, error) {
	view, err := ownView(v)
	if err != nil {
		return nil, err
	}
	r := &CardRun{h: h, want: cardSide(side), ev: ev}
	p := capture.PurposeCardFront
	if side == app.CardBack {
		p = capture.PurposeCardBack
	}
	if err := h.start(p, view, r.onFrame, r.onStatus); err != nil {
		return nil, err
	}
	return r, nil
}

// cardSide is the card package's name of a side.
func cardSide(s app.CardSide) card.Side {
	if s == app.CardBack {
		return card.Back
	}
	return card.Front
}

// Stop ends the run; no callback comes after it returns. Twice is fine.
func (r *CardRun) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.h.stop()
}

// onFrame looks for the card on the loop's checker goroutine.
func (r *CardRun) onFrame(f camera.Frame) {
	c, err := card.Find(f.Img, card.Faces(r.h.cards))
	if err != nil {
		r.show(capture.CardState{Guide: capture.GuideSearching, Hint: cardHint(err)}, nil)
		return
	}
	defer c.Close()
	if hint := cardProblem(c, r.want); hint != "" {
		r.show(capture.CardState{Guide: capture.GuideAdjust, Hint: hint}, nil)
		return
	}
	r.mu.Lock()
	r.good++
	enough := r.good >= cardSteady
	r.mu.Unlock()
	if !enough {
		r.show(capture.CardState{Guide: capture.GuideReady, Hint: "card.hold"}, nil)
		return
	}
	img, err := encodeJPEG(c.Image, rawJPEGQ)
	if err != nil {
		log.Print(err)
		return
	}
	r.show(capture.CardState{Guide: capture.GuideReady, Hint: "card.hold"}, img)
}

// show hands a state (and, when the side is taken, the card) to the UI; a
// state that is not good restarts the count of good frames.
func (r *CardRun) show(st capture.CardState, img []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.taken {
		return
	}
	if st.Guide != capture.GuideReady {
		r.good = 0
	}
	if r.ev.State != nil {
		r.ev.State(st)
	}
	if img != nil {
		r.taken = true
		if r.ev.Card != nil {
			r.ev.Card(img)
		}
	}
}

func (r *CardRun) onStatus(connected bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	if !connected {
		r.good = 0
	}
	if r.ev.Camera != nil {
		r.ev.Camera(connected, err)
	}
}

// cardProblem is the hint for a card that was found but is not good yet.
func cardProblem(c card.Card, want card.Side) string {
	switch {
	case c.Blurry:
		return "card.blurry"
	case c.Glary:
		return "card.glare"
	case want == card.Front && c.Side == card.Back:
		return "card.turn_front"
	case want == card.Back && c.Side == card.Front:
		return "card.turn_back"
	}
	return ""
}

// cardHint is the hint for a card that was not found.
func cardHint(err error) string {
	switch {
	case errors.Is(err, card.ErrTooSmall):
		return "card.closer"
	case errors.Is(err, card.ErrCutOff):
		return "card.inside"
	case errors.Is(err, card.ErrSkewed):
		return "card.flat"
	}
	return "card.show"
}
