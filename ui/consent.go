package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// consentScreen shows the versioned privacy notice; going on needs the tick.
type consentScreen struct {
	k       *shell
	agreed  bool
	check   *widget.Check
	accept  *widget.Button
	decline *widget.Button
}

func (s *consentScreen) content() fyne.CanvasObject {
	notice := widget.NewRichTextFromMarkdown(lang.L("consent.body"))
	notice.Wrapping = fyne.TextWrapWord
	version := text(lang.L("consent.version", map[string]any{"Version": app.ConsentVersion}), 20, colMuted, false)
	s.check = widget.NewCheck(lang.L("consent.agree"), s.onCheck)
	s.check.Checked = s.agreed
	s.accept = touchButton(lang.L("consent.accept"), true, s.onAccept)
	s.decline = touchButton(lang.L("consent.decline"), false, s.onDecline)
	if !s.agreed {
		s.accept.Disable()
	}
	top := container.NewVBox(heading(lang.L("consent.title")), version)
	// the tick and its words are one finger-sized target: a larger box,
	// and the whole row takes the tap
	big := container.NewThemeOverride(s.check, bigTick{fyne.CurrentApp().Settings().Theme()})
	row := newTapRow(card(big), func() { s.check.SetChecked(!s.check.Checked) })
	bottom := container.NewVBox(atLeast(row, 0, touchHeight+8), buttonRow(
		[]fyne.CanvasObject{s.decline}, s.accept))
	return container.NewBorder(top, bottom, nil, nil, card(newTouchScroll(notice)))
}

func (s *consentScreen) onCheck(on bool) {
	s.k.touch()
	s.agreed = on
	if on {
		s.accept.Enable()
	} else {
		s.accept.Disable()
	}
}

func (s *consentScreen) onAccept() {
	if !s.agreed {
		return
	}
	s.k.act(s.k.svc.AcceptConsent)
}

func (s *consentScreen) onDecline() {
	s.k.act(s.k.svc.DeclineConsent)
	s.k.clear()
}

// bigTick is the theme of the consent's tick box: a box the size of a
// fingertip.
type bigTick struct{ fyne.Theme }

func (t bigTick) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInlineIcon {
		return 56
	}
	return t.Theme.Size(n)
}
