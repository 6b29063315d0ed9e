package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/capture"
)

// cardScreen photographs the two sides of the graduate's ID card (part of
// the Identity step): the card guide, a hint, and an automatic shot when
// the card run finds the side sharp, glare-free and held still.
type cardScreen struct {
	k       *shell
	cam     camScreen
	side    app.CardSide
	saving  bool // a side is being stored
	message *widget.Label
	back    *widget.Button
}

func newCardScreen(k *shell) *cardScreen {
	return &cardScreen{k: k, side: app.CardFront, cam: camScreen{k: k, kind: capture.GuideCard}}
}

func (s *cardScreen) content() fyne.CanvasObject {
	if s.k.cam == nil {
		return paragraph(lang.L("capture.no_camera"))
	}
	s.message = paragraph(lang.L("card.instructions_" + string(s.side)))
	s.back = touchButton(lang.L("button.back"), false, s.onBack)
	done := text(lang.L("card.progress", map[string]any{
		"Front": tick(s.side == app.CardBack), "Back": tick(false)}), 22, colMuted, false)
	top := container.NewVBox(heading(lang.L("card.title_"+string(s.side))), s.message, done)
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.back}), nil, nil, s.cam.preview())
}

func tick(done bool) string {
	if done {
		return "✓"
	}
	return "…"
}

func (s *cardScreen) enter() {
	if s.k.cam == nil {
		return
	}
	v := s.cam.preview()
	v.setGuide(capture.GuideSearching)
	v.setHint(lang.L("card.show"))
	s.cam.start(func(gen int) (capture.Run, error) {
		return s.k.cam.StartCard(s.side, v.view, capture.CardEvents{
			State: func(st capture.CardState) {
				s.cam.later(gen, func() {
					if !s.saving {
						v.setGuide(st.Guide)
						v.setHint(lang.L(st.Hint))
					}
				})
			},
			Camera: s.cam.onCamera(gen, func() {}),
			Card:   func(img []byte) { s.cam.later(gen, func() { s.take(img) }) },
		})
	})
}

func (s *cardScreen) leave() { s.cam.stop() }

// take stores the side and moves on: the back next, then the roster match.
func (s *cardScreen) take(img []byte) {
	if s.saving {
		return
	}
	s.saving = true
	s.k.touch()
	err := s.k.svc.AddCard(s.k.ctx, s.side, img)
	s.saving = false
	if err != nil {
		s.k.fail(err)
		return
	}
	s.leave()
	if s.side == app.CardFront {
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
