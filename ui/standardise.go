package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // decodes the photos shown

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/spec"
)

// standardiseScreen shows the photo as taken and the standardised result
// side by side with the check list; a result that fails a check cannot be
// accepted.
type standardiseScreen struct {
	k       *shell
	details bool // the check values show (for the assistant)
	accept  *widget.Button
	retake  *widget.Button
	toggle  *widget.Button
	checks  *fyne.Container
}

func (s *standardiseScreen) content() fyne.CanvasObject {
	sh := s.k.shot
	s.retake = touchButton(lang.L("standardise.retake"), false, s.onRetake)
	s.accept = touchButton(lang.L("standardise.accept"), true, s.onAccept)
	note := paragraph(lang.L("standardise.passed"))
	if !sh.Report.Pass() {
		s.accept.Disable()
		note.SetText(lang.L("standardise.failed"))
	}
	s.checks = checkList(sh.Report, s.details)
	toggleKey := "standardise.show_details"
	if s.details {
		toggleKey = "standardise.hide_details"
	}
	s.toggle = widget.NewButton(lang.L(toggleKey), s.onToggleDetails)
	s.toggle.Importance = widget.LowImportance
	s.checks.Add(s.toggle)
	photos := container.NewGridWithColumns(2,
		labelled(lang.L("standardise.original"), photo(sh.Raw, 420, 320)),
		labelled(lang.L("standardise.result"), photo(sh.Standard, 240, 320)))
	top := container.NewVBox(heading(lang.L("standardise.title")), note)
	body := container.NewBorder(nil, nil, nil, atLeast(newTouchScroll(s.checks), 320, 0), photos)
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.retake}, s.accept), nil, nil, body)
}

// photo shows JPEG bytes fitted into w×h.
func photo(data []byte, w, h float32) fyne.CanvasObject {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return widget.NewLabel(err.Error())
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSize(w, h))
	return c
}

func labelled(caption string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(label(caption), nil, nil, nil, o)
}

// checkList is every check of the report as a plain sentence with its
// verdict ("头部位置合适", "背景颜色：不合格"); with details, the measured
// value and what is allowed under each, for the assistant.
func checkList(r spec.Report, details bool) *fyne.Container {
	list := container.NewVBox()
	for _, c := range r.Checks {
		icon, importance, verdict := theme.ConfirmIcon(), widget.SuccessImportance, "_ok"
		if !c.Pass {
			icon, importance, verdict = theme.CancelIcon(), widget.DangerImportance, "_bad"
		}
		// wrapped, so a long sentence (in English) takes lines, not width
		sentence := paragraph(lang.L("check." + string(c.ID) + verdict))
		sentence.Importance = importance
		sentence.TextStyle.Bold = !c.Pass
		lines := container.NewVBox(sentence)
		if details {
			detail := paragraph(checkDetail(c))
			detail.Importance = widget.LowImportance
			lines.Add(detail)
		}
		list.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, lines))
	}
	return list
}

// checkDetail writes "251 px from the top (allowed 200–300)" in the
// current language.
func checkDetail(c spec.Check) string {
	unit := c.Unit
	if k, ok := unitKeys[c.Unit]; ok {
		unit = lang.L(k)
	}
	key := "check.detail"
	if c.Limits() == "" {
		key = "check.detail_free"
	}
	return lang.L(key, map[string]any{"Value": fmt.Sprintf("%g", c.Value), "Unit": unit, "Limits": c.Limits()})
}

// unitKeys translate the units the photo engine measures in.
var unitKeys = map[string]string{
	"px": "unit.px", "px wide": "unit.px_wide", "px from top": "unit.px_from_top",
	"% of width": "unit.pct_width", "KB": "unit.kb", "dpi": "unit.dpi", "eyes open": "unit.eyes_open",
	"faces": "unit.faces", "gradient": "unit.gradient", "ΔE": "unit.delta_e", "° roll": "unit.roll",
}

// onToggleDetails shows or hides the values under the checks.
func (s *standardiseScreen) onToggleDetails() {
	s.k.touch()
	s.details = !s.details
	s.k.show()
}

func (s *standardiseScreen) onAccept() {
	if !s.k.shot.Report.Pass() {
		return
	}
	s.k.act(s.k.svc.AcceptStandard)
}

func (s *standardiseScreen) onRetake() { s.k.act(s.k.svc.Retake) }
