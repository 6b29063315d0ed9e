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
	stop      chan struct{} // closes the countdown's ticker
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
	if s.k.cfg.StatusURL != "" && sess.StatusToken != "" {
		qr = container.NewVBox(statusQR(s.k.cfg.StatusURL+sess.StatusToken), label(lang.L("submitted.scan")))
		check = "submitted.check_qr"
	}
	info.Add(paragraph(lang.L(check)))
	info.Add(paragraph(lang.L(paymentKey(sess.Payment))))
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

// enter starts the countdown to the automatic return to Welcome.
func (s *submittedScreen) enter() {
	id := s.k.svc.Session().ID
	s.left = submittedReturn
	s.showLeft()
	s.stop = countdown(func(stop chan struct{}) { s.onTick(id, stop) })
}

// onTick counts a second down, and closes the receipt at zero; a tick of a
// receipt already left does nothing.
func (s *submittedScreen) onTick(id string, stop chan struct{}) {
	if s.stop != stop || s.k.svc.Session().ID != id {
		return
	}
	s.left -= time.Second
	s.showLeft()
	if s.left <= 0 {
		s.onDone()
	}
}

func (s *submittedScreen) leave() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
}

// onDone ends the session; the next graduate starts in the default language.
func (s *submittedScreen) onDone() {
	if err := s.k.svc.Finish(s.k.ctx); err != nil {
		log.Print(err)
	}
	s.k.clear()
}
