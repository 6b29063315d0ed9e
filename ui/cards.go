package ui

import (
	"errors"
	"log"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/camera"
	"gradphoto/imaging"
)

// cardSteady: a card found sharp, glare-free and the right side up in this
// many checked frames in a row is taken.
const cardSteady = 3

// cardScreen photographs the two sides of the graduate's ID card (part of
// the Identity step): the card guide, a hint, and an automatic shot when
// the card is found sharp and glare-free.
type cardScreen struct {
	k    *Kiosk
	side app.CardSide
	view *Preview

	good    int  // consecutive good checks (checker goroutine)
	saving  bool // a side is being stored (UI goroutine)
	running bool
	gen     atomic.Int64 // bumped at each start: verdicts of an earlier run are dropped
	want    atomic.Value // the side being photographed, as a string, for the checker goroutine
	message *widget.Label
	back    *widget.Button
}

func newCardScreen(k *Kiosk) *cardScreen { return &cardScreen{k: k, side: app.CardFront} }

func (s *cardScreen) content() fyne.CanvasObject {
	if s.k.cam == nil {
		return paragraph(lang.L("capture.no_camera"))
	}
	if s.view == nil {
		s.view = NewPreview(GuideCard, s.k.cam.profile)
	}
	s.message = paragraph(lang.L("card.instructions_" + string(s.side)))
	s.back = touchButton(lang.L("button.back"), false, s.onBack)
	done := text(lang.L("card.progress", map[string]any{
		"Front": tick(s.side == app.CardBack), "Back": tick(false)}), 22, colMuted, false)
	top := container.NewVBox(heading(lang.L("card.title_"+string(s.side))), s.message, done)
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.back}), nil, nil, s.view)
}

func tick(done bool) string {
	if done {
		return "✓"
	}
	return "…"
}

func (s *cardScreen) purpose() string {
	if s.side == app.CardBack {
		return purposeCardBack
	}
	return purposeCardFront
}

func (s *cardScreen) enter() {
	if s.running || s.k.cam == nil {
		return
	}
	s.good = 0
	s.gen.Add(1)
	s.want.Store(string(s.side))
	s.view.SetState(GuideSearching)
	s.view.SetHint(lang.L("card.show"))
	if err := s.k.cam.start(s.purpose(), s.view.SetFrame, s.onFrameChecked, s.onCameraStatus); err != nil {
		s.k.fail(err)
		return
	}
	s.running = true
}

func (s *cardScreen) leave() {
	if s.running {
		s.running = false
		s.k.cam.stop()
	}
}

func (s *cardScreen) onCameraStatus(connected bool, err error) {
	cameraBanner(s.view, func() {})(connected, err)
}

// onFrameChecked looks for the card on the checker goroutine; a good card
// held for cardSteady checks is stored.
func (s *cardScreen) onFrameChecked(f camera.Frame) {
	gen := s.gen.Load()
	c, err := imaging.FindCard(f.Img, imaging.CardFaces(s.k.cam.cards))
	if err != nil {
		s.good = 0
		uiDo(func() { s.show(gen, GuideSearching, cardHint(err)) })
		return
	}
	defer c.Close()
	hint := s.cardProblem(c, app.CardSide(s.want.Load().(string)))
	if hint != "" {
		s.good = 0
		uiDo(func() { s.show(gen, GuideAdjust, hint) })
		return
	}
	s.good++
	if s.good < cardSteady {
		uiDo(func() { s.show(gen, GuideReady, "card.hold") })
		return
	}
	s.good = 0
	img, err := encodeJPEG(c.Image, rawJPEGQ)
	if err != nil {
		log.Print(err)
		return
	}
	uiDo(func() {
		if gen == s.gen.Load() {
			s.take(img)
		}
	})
}

// cardProblem is the hint for a card that was found but is not good yet.
func (s *cardScreen) cardProblem(c imaging.Card, want app.CardSide) string {
	switch {
	case c.Blurry:
		return "card.blurry"
	case c.Glary:
		return "card.glare"
	case want == app.CardFront && c.Side == imaging.CardBack:
		return "card.turn_front"
	case want == app.CardBack && c.Side == imaging.CardFront:
		return "card.turn_back"
	}
	return ""
}

// cardHint is the hint for a card that was not found.
func cardHint(err error) string {
	switch {
	case errors.Is(err, imaging.ErrCardTooSmall):
		return "card.closer"
	case errors.Is(err, imaging.ErrCardCutOff):
		return "card.inside"
	case errors.Is(err, imaging.ErrCardSkewed):
		return "card.flat"
	}
	return "card.show"
}

func (s *cardScreen) show(gen int64, st GuideState, hint string) {
	if !s.running || s.saving || gen != s.gen.Load() {
		return
	}
	s.view.SetState(st)
	s.view.SetHint(lang.L(hint))
}

// take stores the side and moves on: the back next, then the roster match.
func (s *cardScreen) take(img []byte) {
	if !s.running || s.saving {
		return
	}
	s.saving = true
	s.k.touch()
	if err := s.k.svc.AddCard(s.k.ctx, s.side, img); err != nil {
		s.saving = false
		s.k.fail(err)
		return
	}
	s.saving = false
	if s.side == app.CardFront {
		s.leave()
		s.side = app.CardBack
		s.k.show()
		s.enter()
		return
	}
	s.k.identity.cardsDone()
}

// onBack returns to the number and name.
func (s *cardScreen) onBack() {
	s.k.touch()
	s.side = app.CardFront
	s.k.identity.phase = phaseForm
	s.k.show()
}
