package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// identityScreen takes the document type and the number (on the keypad).
// Nothing else is typed: the roster match that follows shows the name on
// record, masked, for the graduate to confirm, and only then are the
// document's sides photographed.
type identityScreen struct {
	k     *shell
	input *numberInput

	next *widget.Button
	back *widget.Button
}

func newIdentityScreen(k *shell) *identityScreen {
	return &identityScreen{k: k, input: newNumberInput(k)}
}

func (s *identityScreen) content() fyne.CanvasObject {
	s.next = touchButton(lang.L("button.next"), true, s.onNext)
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)
	left := container.NewVBox(label(lang.L("identity.number")), s.input.numberBox(),
		paragraph(lang.L("identity.number_only")))
	return numberLayout(lang.L("identity.title"), s.input, left,
		buttonRow([]fyne.CanvasObject{s.back}, s.next))
}

// numberLayout is the page shared by Identity and Status look-up: title and
// document types across the top, fields on the left, keypad on the right.
func numberLayout(title string, in *numberInput, left, buttons fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewVBox(heading(title), in.docTypes())
	body := container.NewBorder(nil, nil, nil, container.NewVBox(in.keys()), left)
	return container.NewBorder(container.NewPadded(top), buttons, nil, nil,
		container.NewVScroll(container.NewPadded(body)))
}

// label is a field caption.
func label(s string) fyne.CanvasObject { return text(s, 22, colMuted, false) }

// onNext validates the number and matches the roster at once: a number
// that is not on it, or already submitted, is told now, before any photo.
// A validation problem stays on this screen under the number.
func (s *identityScreen) onNext() {
	s.k.touch()
	_, err := s.k.svc.SubmitIdentity(s.k.ctx, s.input.doc, s.input.number, "")
	s.input.setProblem(nil)
	var idErr *app.IDError
	switch {
	case err == nil:
	case errors.As(err, &idErr):
		s.input.setProblem(err)
		return
	default:
		s.k.fail(err)
		return
	}
	s.k.show()
}
