package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"gradphoto/app"
)

// indicatorSteps are the stages a graduate sees in the step indicator; each
// app.Step maps onto one of them.
var indicatorSteps = []string{"steps.consent", "steps.identity", "steps.eligibility",
	"steps.payment", "steps.photo", "steps.confirm"}

// indicatorIndex maps a flow step to its stage in the indicator (-1: none shown).
func indicatorIndex(s app.Step) int {
	switch s {
	case app.StepConsent:
		return 0
	case app.StepIdentity:
		return 1
	case app.StepEligibility:
		return 2
	case app.StepService, app.StepPayment:
		return 3
	case app.StepCapture, app.StepStandardise:
		return 4
	case app.StepConfirm, app.StepSubmitted:
		return 5
	}
	return -1
}

// stepIndicator draws "① 须知 — ② 身份 — …" with the current stage highlighted.
func stepIndicator(current int) fyne.CanvasObject {
	row := container.NewHBox()
	for i, key := range indicatorSteps {
		if i > 0 {
			line := canvas.NewRectangle(colMuted)
			line.SetMinSize(fyne.NewSize(28, 2))
			row.Add(container.NewCenter(line))
		}
		row.Add(stepBadge(i, lang.L(key), i == current, i < current))
	}
	return row
}

func stepBadge(i int, label string, current, done bool) fyne.CanvasObject {
	fill, fg := color.Color(colBackground), color.Color(colMuted)
	switch {
	case current:
		fill, fg = colPrimary, color.White
	case done:
		fill, fg = colSuccess, color.White
	}
	dot := canvas.NewCircle(fill)
	dot.StrokeColor = fg
	if !current && !done {
		dot.StrokeColor = colMuted
		dot.StrokeWidth = 2
	}
	num := string(rune('1' + i))
	if done {
		num = "✓"
	}
	n := text(num, 20, fg, true)
	if !current && !done {
		n.Color = colMuted
	}
	badge := container.NewStack(atLeast(dot, 36, 36), container.NewCenter(n))
	lbl := text(label, 20, colForeground, current)
	if !current {
		lbl.Color = colMuted
	}
	return container.NewHBox(badge, container.NewCenter(lbl))
}
