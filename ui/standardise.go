package ui

import (
	"bytes"
	"fmt"
	"gradphoto/spec"
	"image"
	_ "image/jpeg" // decodes the photos shown

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// standardiseScreen shows the photo as taken and the standardised result
// side by side with the check list; a result that fails a check cannot be
// accepted.
type standardiseScreen struct {
	k      *shell
	accept *widget.Button
	retake *widget.Button
	checks *fyne.Container
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
	s.checks = checkList(sh.Report)
	photos := container.NewGridWithColumns(2,
		labelled(lang.L("standardise.original"), photo(sh.Raw, 420, 320)),
		labelled(lang.L("standardise.result"), photo(sh.Standard, 240, 320)))
	top := container.NewVBox(heading(lang.L("standardise.title")), note)
	body := container.NewBorder(nil, nil, nil, atLeast(container.NewVScroll(s.checks), 320, 0), photos)
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

// checkList is every check of the report with its verdict, value and limits.
func checkList(r spec.Report) *fyne.Container {
	list := container.NewVBox()
	for _, c := range r.Checks {
		icon, col := theme.ConfirmIcon(), colSuccess
		if !c.Pass {
			icon, col = theme.CancelIcon(), colError
		}
		name := text(lang.L("check."+string(c.ID)), 22, col, !c.Pass)
		detail := text(checkDetail(c), 18, colMuted, false)
		list.Add(container.NewHBox(widget.NewIcon(icon), container.NewVBox(name, detail)))
	}
	return list
}

// checkDetail writes "251 (200–300) px from top".
func checkDetail(c spec.Check) string {
	s := fmt.Sprintf("%g", c.Value)
	if l := c.Limits(); l != "" {
		s += " (" + l + ")"
	}
	return s + " " + c.Unit
}

func (s *standardiseScreen) onAccept() {
	if !s.k.shot.Report.Pass() {
		return
	}
	s.k.act(s.k.svc.AcceptStandard)
}

func (s *standardiseScreen) onRetake() { s.k.act(s.k.svc.Retake) }
