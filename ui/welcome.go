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
	box := container.NewVBox(
		layout.NewSpacer(),
		container.NewCenter(title), container.NewCenter(sub),
		container.NewCenter(atLeast(steps, 760, 0)),
		container.NewCenter(buttons),
	)
	if c := s.k.check; c != nil && c.worst() == checkBlock {
		s.start.Disable()
		notice := text(lang.L("welcome.out_of_service"), 24, colError, true)
		notice.Alignment = fyne.TextAlignCenter
		box.Add(container.NewCenter(notice))
	}
	box.Add(layout.NewSpacer())
	box.Add(container.NewCenter(help))
	if line := s.checkLine(); line != nil {
		box.Add(container.NewCenter(line))
	}
	return box
}

// checkLine is the self-check's small line for the assistant: nothing
// when no check runs (tests, demo screens).
func (s *welcomeScreen) checkLine() fyne.CanvasObject {
	c := s.k.check
	switch {
	case c == nil && s.k.checking:
		return text(lang.L("selfcheck.running"), 16, colMuted, false)
	case c == nil:
		return nil
	}
	col := colMuted
	switch c.worst() {
	case checkWarn:
		col = colWarning
	case checkBlock:
		col = colError
	}
	return text(c.line(), 16, col, false)
}

func (s *welcomeScreen) onStart()  { s.k.act(s.k.svc.Start) }
func (s *welcomeScreen) onLookup() { s.k.act(s.k.svc.OpenStatus) }
