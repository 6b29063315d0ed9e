package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pendingScreen is shown for the steps after Eligibility whose screens are
// not in this build (service, payment, capture): it says so plainly and
// records nothing as submitted.
type pendingScreen struct {
	k    *Kiosk
	home *widget.Button
}

func (s *pendingScreen) content() fyne.CanvasObject {
	s.home = touchButton(lang.L("button.home"), true, s.k.onHome)
	s.home.Icon = theme.HomeIcon()
	msg := container.NewVBox(
		container.NewHBox(atLeast(widget.NewIcon(theme.InfoIcon()), 48, 48), heading(lang.L("pending.title"))),
		paragraph(lang.L("pending.text")),
	)
	return container.NewBorder(nil, buttonRow(nil, s.home), nil, nil,
		container.NewVBox(layout.NewSpacer(), card(msg), layout.NewSpacer()))
}
