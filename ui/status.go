package ui

import (
	"errors"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// statusScreen lets a returning graduate look up their submission by ID.
type statusScreen struct {
	k      *shell
	input  *numberInput
	looked bool // a look-up has been made for the current number

	search  *widget.Button
	back    *widget.Button
	retake  *widget.Button
	result  *fyne.Container
	buttons *fyne.Container
}

func newStatusScreen(k *shell) *statusScreen {
	s := &statusScreen{k: k, input: newNumberInput(k)}
	s.input.changed = func() {
		s.looked = false
		s.showResult()
	}
	return s
}

func (s *statusScreen) content() fyne.CanvasObject {
	s.search = touchButton(lang.L("status.search"), true, s.onSearch)
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)
	s.result = container.NewVBox()
	s.showResult()
	left := container.NewVBox(label(lang.L("identity.number")), s.input.numberBox(), s.result)
	s.buttons = container.NewStack()
	s.showButtons()
	return numberLayout(lang.L("status.title"), s.input, left, s.buttons)
}

func (s *statusScreen) onSearch() {
	s.k.touch()
	_, err := s.k.svc.LookupStatus(s.k.ctx, s.input.doc, s.input.number)
	var idErr *app.IDError
	switch {
	case err == nil:
		s.looked = true
		s.input.setProblem(nil)
	case errors.As(err, &idErr):
		s.looked = false
		s.input.setProblem(err)
	default:
		s.k.fail(err)
		return
	}
	s.showResult()
}

// showResult fills the result panel from the session's looked-up status.
func (s *statusScreen) showResult() {
	if s.result == nil {
		return
	}
	s.result.Objects = nil
	s.retake = nil
	if !s.looked {
		s.result.Refresh()
		s.showButtons()
		return
	}
	prior := s.k.svc.Session().Prior
	if prior == nil {
		s.result.Add(card(paragraph(lang.L("status.none"))))
		s.result.Refresh()
		s.showButtons()
		return
	}
	title := container.NewHBox(text(lang.L("status."+string(prior.Status)), 30, statusColour(prior.Status), true))
	if !prior.UpdatedAt.IsZero() {
		when := text(lang.L("status.updated", map[string]any{
			"Time": prior.UpdatedAt.Local().Format("2006-01-02 15:04")}), 20, colMuted, false)
		title.Add(layout.NewSpacer())
		title.Add(container.NewCenter(when))
	}
	explain := lang.L("status." + string(prior.Status) + "_text")
	if prior.Reason != "" {
		explain = lang.L("status.reason", map[string]any{"Reason": prior.Reason}) + "\n" + explain
	}
	box := container.NewVBox(title, paragraph(explain))
	if prior.Status == app.StatusRejected {
		s.retake = touchButton(lang.L("status.retake"), true, s.onRetake)
	}
	s.result.Add(card(box))
	s.result.Refresh()
	s.showButtons()
}

// showButtons: back and look-up; a rejected result adds the free retake as
// the main action.
func (s *statusScreen) showButtons() {
	if s.buttons == nil {
		return
	}
	if s.retake != nil {
		s.search.Importance = widget.MediumImportance
		s.buttons.Objects = []fyne.CanvasObject{buttonRow([]fyne.CanvasObject{s.back}, s.search, s.retake)}
	} else {
		s.search.Importance = widget.HighImportance
		s.buttons.Objects = []fyne.CanvasObject{buttonRow([]fyne.CanvasObject{s.back}, s.search)}
	}
	s.buttons.Refresh()
}

func statusColour(st app.Status) color.Color {
	switch st {
	case app.StatusRejected:
		return colError
	case app.StatusApproved, app.StatusPublished:
		return colSuccess
	}
	return colPrimary
}

func (s *statusScreen) onRetake() { s.k.act(s.k.svc.RetakeRejected) }
