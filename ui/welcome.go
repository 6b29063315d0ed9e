package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcomeScreen greets the graduate: start, or check an earlier submission.
type welcomeScreen struct {
	k      *shell
	start  *widget.Button
	lookup *widget.Button
}

func (s *welcomeScreen) content() fyne.CanvasObject {
	s.start = touchButton(lang.L("welcome.start"), true, s.onStart)
	s.start.Icon = theme.MediaPlayIcon()
	s.lookup = touchButton(lang.L("welcome.status"), false, s.onLookup)
	s.lookup.Icon = theme.SearchIcon()
	title := text(lang.L("welcome.title"), 44, colForeground, true)
	title.Alignment = fyne.TextAlignCenter
	sub := text(lang.L("welcome.subtitle"), 26, colMuted, false)
	sub.Alignment = fyne.TextAlignCenter
	steps := paragraph(lang.L("welcome.steps"))
	steps.Alignment = fyne.TextAlignCenter
	help := text(lang.L("welcome.help"), 20, colMuted, false)
	help.Alignment = fyne.TextAlignCenter
	buttons := container.NewGridWithColumns(1, atLeast(s.start, 420, 96), atLeast(s.lookup, 420, 80))
	return container.NewVBox(
		layout.NewSpacer(),
		container.NewCenter(title), container.NewCenter(sub),
		container.NewCenter(atLeast(steps, 760, 0)),
		container.NewCenter(buttons),
		layout.NewSpacer(),
		container.NewCenter(help),
	)
}

func (s *welcomeScreen) onStart()  { s.k.act(s.k.svc.Start) }
func (s *welcomeScreen) onLookup() { s.k.act(s.k.svc.OpenStatus) }
