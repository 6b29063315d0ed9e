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

	"gradphoto/api"
	"gradphoto/app"
)

// submittedReturn: the receipt goes back to Welcome by itself after this,
// counting down on screen.
const submittedReturn = 60 * time.Second

// submittedScreen is the receipt: the submission's short code, large, a QR
// code to check the status from a phone, what happens next, a "done"
// button and the seconds left before it closes by itself.
type submittedScreen struct {
	k         *shell
	done      *widget.Button
	countdown *canvas.Text
	left      time.Duration // before the receipt closes
	clock     *clock        // the countdown to closing
	payLater  string        // the pay-later QR code's address, when there is one
}

func (s *submittedScreen) content() fyne.CanvasObject {
	sess := s.k.svc.Session()
	s.done = touchButton(lang.L("submitted.done"), true, s.onDone)
	s.done.Icon = theme.HomeIcon()
	code := text(api.FormatCode(sess.Code), 56, colPrimary, true)
	code.TextStyle.Monospace = true
	s.countdown = text("", 20, colMuted, false)
	s.showLeft()
	info := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), heading(lang.L("submitted.title"))),
		label(lang.L("submitted.number")), code, paragraph(lang.L("submitted.keep_code")),
		paragraph(lang.L("submitted.next")),
	)
	var qr fyne.CanvasObject
	check := "submitted.no_qr" // the kiosk's look-up only
	switch {
	case sess.Payment == app.PaymentLater && s.k.cfg.PayLater != nil: // paying comes first
		s.payLater = s.k.cfg.PayLater(sess.ID, sess.Services)
		qr = container.NewVBox(qrCode(s.payLater, 260), label(lang.L("submitted.scan_pay")))
		check = "submitted.pay_later"
	case s.k.cfg.StatusURL != "" && sess.StatusToken != "":
		qr = container.NewVBox(qrCode(s.k.cfg.StatusURL+sess.StatusToken, 220), label(lang.L("submitted.scan")))
		check = "submitted.check_qr"
	}
	info.Add(paragraph(lang.L(check)))
	info.Add(paragraph(s.k.feeLine()))
	return container.NewBorder(nil, buttonRow([]fyne.CanvasObject{container.NewCenter(s.countdown)}, s.done),
		nil, nil, newTouchScroll(card(container.NewBorder(nil, nil, nil, qr, info))))
}

// showLeft writes the seconds left on the countdown line.
func (s *submittedScreen) showLeft() {
	if s.countdown == nil {
		return
	}
	s.countdown.Text = lang.L("submitted.closing", map[string]any{"Seconds": int(s.left.Round(time.Second) / time.Second)})
	s.countdown.Refresh()
}

// qrCode draws payload as a QR code side×side (a status page, an order).
func qrCode(payload string, side float32) fyne.CanvasObject {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		log.Print(err)
		return widget.NewLabel(payload)
	}
	c := canvas.NewImageFromImage(q.Image(512))
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScalePixels
	c.SetMinSize(fyne.NewSize(side, side))
	return c
}

// enter starts the countdown to the automatic return to Welcome.
func (s *submittedScreen) enter() {
	id := s.k.svc.Session().ID
	s.left = submittedReturn
	s.showLeft()
	s.clock = countdown(func(c *clock) { s.onTick(id, c) })
}

// onTick counts a second down, and closes the receipt at zero; a tick of a
// receipt already left does nothing.
func (s *submittedScreen) onTick(id string, c *clock) {
	if s.clock != c || s.k.svc.Session().ID != id {
		return
	}
	s.left -= time.Second
	s.showLeft()
	if s.left <= 0 {
		s.onDone()
	}
}

func (s *submittedScreen) leave() {
	if s.clock != nil {
		s.clock.Stop()
		s.clock = nil
	}
}

// onDone ends the session; the next graduate starts in the default language.
func (s *submittedScreen) onDone() {
	if err := s.k.svc.Finish(s.k.ctx); err != nil {
		log.Print(err)
	}
	s.k.clear()
}
