package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// Identity phases: the number and name, then (when the deployment asks for
// them) the photos of both sides of the ID card.
const (
	phaseForm = iota
	phaseCards
)

// identityScreen takes the document type, the number (on the keypad) and the name.
type identityScreen struct {
	k           *shell
	phase       int
	input       *numberInput
	name        string
	nameProblem string

	nameEntry   *widget.Entry
	nameMessage *canvas.Text
	next        *widget.Button
	back        *widget.Button
}

func newIdentityScreen(k *shell) *identityScreen {
	return &identityScreen{k: k, input: newNumberInput(k)}
}

func (s *identityScreen) content() fyne.CanvasObject {
	s.nameEntry = widget.NewEntry()
	s.nameEntry.SetPlaceHolder(lang.L("identity.name_placeholder"))
	s.nameEntry.SetText(s.name)
	s.nameEntry.OnChanged = s.onName
	s.nameMessage = text("", 20, colError, false)
	if s.nameProblem != "" {
		s.nameMessage.Text = lang.L(s.nameProblem)
	}
	s.next = touchButton(lang.L("button.next"), true, s.onNext)
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)

	left := container.NewVBox(
		label(lang.L("identity.number")), s.input.numberBox(),
		label(lang.L("identity.name")), atLeast(s.nameEntry, 480, touchHeight), s.nameMessage,
	)
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

func (s *identityScreen) onName(v string) {
	s.k.touch()
	s.name = v
}

// onNext validates the entry; then the ID-card photos (when asked for) or
// straight to the roster match. A validation problem stays on this screen
// with its message under the field concerned.
func (s *identityScreen) onNext() {
	s.k.touch()
	if s.k.svc.CardsNeeded() {
		_, err := s.k.svc.CheckIdentity(s.input.doc, s.input.number, s.name)
		if s.showProblem(err) {
			return
		}
		s.phase = phaseCards
		s.k.show()
		return
	}
	s.submit()
}

// cardsDone is called when both card sides are stored: match the roster.
func (s *identityScreen) cardsDone() {
	s.phase = phaseForm
	s.submit()
}

func (s *identityScreen) submit() {
	_, err := s.k.svc.SubmitIdentity(s.k.ctx, s.input.doc, s.input.number, s.name)
	s.showProblem(err)
	s.k.show()
}

// showProblem shows a validation error under its field (or the error
// dialog for anything else) and reports whether there was one.
func (s *identityScreen) showProblem(err error) bool {
	s.nameProblem = ""
	s.input.setProblem(nil)
	var idErr *app.IDError
	switch {
	case err == nil:
		return false
	case errors.As(err, &idErr):
		s.input.setProblem(err)
	case errors.Is(err, app.ErrNameEmpty), errors.Is(err, app.ErrNameLong), errors.Is(err, app.ErrNameChars):
		s.nameProblem = problemKey(err)
		s.nameMessage.Text = lang.L(s.nameProblem)
		s.nameMessage.Refresh()
	default:
		s.k.fail(err)
	}
	return true
}
