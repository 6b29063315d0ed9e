package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/capture"
)

// cardScreen photographs the sides of the graduate's document (the Cards
// step, after the roster match): the card guide, a hint, and an automatic
// shot when the card run finds the side sharp, glare-free and held still.
// The preview is not mirrored, so the card's text reads the right way.
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

// cardWords are the words a card text is filled with: the document's short
// name and the names of its sides (人像面/国徽面 on an ID card, 正面/背面
// on the others).
func (s *cardScreen) cardWords() map[string]any {
	doc := app.DocResidentID
	if id := s.k.svc.Session().Identity; id != nil {
		doc = id.Doc
	}
	family := "other"
	if !doc.Letters() {
		family = "id"
	}
	return map[string]any{
		"Card":  lang.L("card.name_" + family),
		"Front": lang.L("card.front_" + family),
		"Back":  lang.L("card.back_" + family),
	}
}

// cardText is a card.* text for this graduate's document.
func (s *cardScreen) cardText(key string) string { return lang.L(key, s.cardWords()) }

func (s *cardScreen) content() fyne.CanvasObject {
	if s.k.cam == nil {
		return paragraph(lang.L("capture.no_camera"))
	}
	if need := s.k.svc.CardsNeeded(); len(need) > 0 {
		s.side = need[0]
	}
	w := s.cardWords()
	s.message = paragraph(s.cardText("card.instructions_" + string(s.side)))
	s.back = touchButton(lang.L("button.back"), false, s.onBack)
	done := text(lang.L("card.progress", map[string]any{
		"Front": w["Front"], "Back": w["Back"],
		"FrontDone": tick(s.side == app.CardBack), "BackDone": tick(false)}), 22, colMuted, false)
	top := container.NewVBox(heading(s.cardText("card.title_"+string(s.side))), s.message, done)
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
	v.setHint(s.cardText("card.show"))
	s.cam.start(func(gen int) (capture.Run, error) {
		return s.k.cam.StartCard(s.side, v.view, capture.CardEvents{
			State: func(st capture.CardState) {
				s.cam.later(gen, func() {
					if !s.saving {
						v.setGuide(st.Guide)
						v.setHint(s.cardText(st.Hint))
					}
				})
			},
			Camera: s.cam.onCamera(gen, func() {}),
			Card:   func(img []byte) { s.cam.later(gen, func() { s.take(img) }) },
		})
	})
}

func (s *cardScreen) leave() { s.cam.stop() }

// take stores the side and moves on: the next side, then the camera.
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
	if len(s.k.svc.CardsNeeded()) > 0 {
		s.k.show()
		s.enter()
		return
	}
	s.k.act(s.k.svc.CardsDone)
}

// onBack returns to the roster record.
func (s *cardScreen) onBack() {
	s.side = app.CardFront
	s.k.onBack()
}
