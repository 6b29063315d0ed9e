package ui

import (
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"
)

// submittedReturn: the receipt goes back to Welcome by itself after this.
const submittedReturn = 30 * time.Second

// submittedScreen is the receipt: submission number, a QR code to check the
// status from a phone, and what happens next.
type submittedScreen struct {
	k     *shell
	done  *widget.Button
	timer *time.Timer
}

func (s *submittedScreen) content() fyne.CanvasObject {
	sess := s.k.svc.Session()
	s.done = touchButton(lang.L("submitted.done"), true, s.onDone)
	s.done.Icon = theme.HomeIcon()
	number := text(sess.SubmissionID, 26, colPrimary, true)
	info := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), heading(lang.L("submitted.title"))),
		label(lang.L("submitted.number")), number,
		paragraph(lang.L("submitted.next")),
		paragraph(lang.L(paymentKey(sess.Payment))),
	)
	var qr fyne.CanvasObject
	if s.k.cfg.StatusURL != "" && sess.StatusToken != "" {
		qr = container.NewVBox(statusQR(s.k.cfg.StatusURL+sess.StatusToken), label(lang.L("submitted.scan")))
	} else {
		info.Add(paragraph(lang.L("submitted.no_qr")))
	}
	return container.NewBorder(nil, buttonRow(nil, s.done), nil, nil,
		card(container.NewBorder(nil, nil, nil, qr, info)))
}

// statusQR is the QR code of the status page of a submission.
func statusQR(url string) fyne.CanvasObject {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		log.Print(err)
		return widget.NewLabel(url)
	}
	c := canvas.NewImageFromImage(q.Image(256))
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSize(220, 220))
	return c
}

// enter starts the automatic return to Welcome.
func (s *submittedScreen) enter() {
	id := s.k.svc.Session().ID
	s.timer = time.AfterFunc(submittedReturn, func() {
		uiDo(func() {
			if cur := s.k.svc.Session(); cur.ID == id {
				s.onDone()
			}
		})
	})
}

func (s *submittedScreen) leave() {
	if s.timer != nil {
		s.timer.Stop()
	}
}

// onDone ends the session; the next graduate starts in the default language.
func (s *submittedScreen) onDone() {
	if err := s.k.svc.Finish(s.k.ctx); err != nil {
		log.Print(err)
	}
	s.k.clear(s.k.cfg.Lang)
}
