package ui

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"gradphoto/app"
)

// stage is one badge of the step indicator and the flow steps it covers.
type stage struct {
	key   string // translation key of its label
	steps []app.Step
}

// indicatorStages are the stages a graduate sees in the step indicator;
// the document photos only when this graduate's document is photographed.
func indicatorStages(cards bool) []stage {
	out := []stage{
		{"steps.consent", []app.Step{app.StepConsent}},
		{"steps.identity", []app.Step{app.StepIdentity}},
		{"steps.eligibility", []app.Step{app.StepEligibility}},
	}
	if cards {
		out = append(out, stage{"steps.cards", []app.Step{app.StepCards}})
	}
	return append(out,
		stage{"steps.payment", []app.Step{app.StepService, app.StepPayment}},
		stage{"steps.photo", []app.Step{app.StepCapture, app.StepStandardise}},
		stage{"steps.confirm", []app.Step{app.StepConfirm, app.StepSubmitted}})
}

// indicatorIndex maps a flow step to its stage (-1: no indicator shown).
func indicatorIndex(stages []stage, s app.Step) int {
	for i, st := range stages {
		if slices.Contains(st.steps, s) {
			return i
		}
	}
	return -1
}

// Marks of a stage's badge.
type mark int

const (
	markTodo    mark = iota // not reached: its number, outlined
	markCurrent             // where the graduate is: its number, filled
	markDone                // really done: a tick
	markLater               // passed but not done (a fee to be paid later): a dash
)

// stepIndicator draws "① 须知 — ② 身份 — …" with the current stage
// highlighted. A passed stage is ticked only when it is really done: the
// fee stage of a session whose fee is deferred shows a dash; once passed,
// the fee stage says how the fee was settled (已缴费, 学校支付, 待缴费…).
// With all labels it may be wider than the bar has room for (seven stages
// in English on a 1280 px screen): then compact shows only the current
// stage's label.
func stepIndicator(stages []stage, current int, payment app.Payment, compact bool) fyne.CanvasObject {
	row := container.NewHBox()
	for i, st := range stages {
		if i > 0 {
			line := canvas.NewRectangle(colMuted)
			line.SetMinSize(fyne.NewSize(20, 2))
			row.Add(container.NewCenter(line))
		}
		m := markTodo
		switch {
		case i == current:
			m = markCurrent
		case i < current && st.key == "steps.payment" && payment == app.PaymentDeferred:
			m = markLater
		case i < current:
			m = markDone
		}
		label := lang.L(st.key)
		if st.key == "steps.payment" && i < current && payment.Settled() {
			label = lang.L("steps.payment." + string(payment)) // how the fee was settled
		}
		if compact && m != markCurrent {
			label = ""
		}
		row.Add(stepBadge(i, label, m))
	}
	return row
}

func stepBadge(i int, label string, m mark) fyne.CanvasObject {
	fill, fg := color.Color(colBackground), color.Color(colMuted)
	num := string(rune('1' + i))
	switch m {
	case markCurrent:
		fill, fg = colPrimary, color.White
	case markDone:
		fill, fg, num = colSuccess, color.White, "✓"
	case markLater:
		fill, fg, num = colWarning, color.White, "–"
	}
	dot := canvas.NewCircle(fill)
	dot.StrokeColor = fg
	if m == markTodo {
		dot.StrokeColor = colMuted
		dot.StrokeWidth = 2
	}
	n := text(num, 20, fg, true)
	badge := container.NewStack(atLeast(dot, 36, 36), container.NewCenter(n))
	if label == "" {
		return badge
	}
	lbl := text(label, 20, colMuted, false)
	if m == markCurrent {
		lbl.Color, lbl.TextStyle.Bold = colForeground, true
	}
	return container.NewHBox(badge, container.NewCenter(lbl))
}
