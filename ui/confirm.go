package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// confirmScreen is the final "after approval nothing can be changed".
type confirmScreen struct {
	k       *shell
	confirm *widget.Button
	retake  *widget.Button
}

func (s *confirmScreen) content() fyne.CanvasObject {
	sess := s.k.svc.Session()
	s.retake = touchButton(lang.L("confirm.retake"), false, s.onRetake)
	s.confirm = touchButton(lang.L("confirm.submit"), true, s.onConfirm)
	s.confirm.Icon = theme.ConfirmIcon()
	who := container.NewVBox()
	if id := sess.Identity; id != nil {
		who.Add(text(app.MaskName(id.Name), 30, colForeground, true))
		who.Add(text(app.MaskID(id.Number), 24, colMuted, false))
	}
	if e := sess.Roster; e != nil {
		who.Add(paragraph(e.School + " · " + e.College))
		who.Add(paragraph(e.Major + " · " + s.k.degreeShown(e.Degree)))
	}
	warn := container.NewHBox(widget.NewIcon(theme.WarningIcon()), text(lang.L("confirm.warning"), 24, colError, true))
	body := container.NewGridWithColumns(2, photo(s.k.shot.Standard, 300, 400),
		container.NewVBox(who, paragraph(s.k.feeLine())))
	top := container.NewVBox(heading(lang.L("confirm.title")), warn)
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.retake}, s.confirm), nil, nil, card(body))
}

func (s *confirmScreen) onConfirm() {
	ok := s.k.act(func(ctx context.Context) error {
		_, err := s.k.svc.Confirm(ctx)
		return err
	})
	if ok && s.k.worker != nil {
		s.k.worker.Kick() // send it now if the network is there
	}
}

func (s *confirmScreen) onRetake() { s.k.act(s.k.svc.Retake) }

// feeLine says how the session's fee stands; a fee paid by QR code with
// the amount.
func (k *shell) feeLine() string {
	if o, ok := k.svc.PaidOrder(k.ctx); ok {
		return lang.L("payment.paid_amount", map[string]any{"Amount": yuan(o.AmountFen)})
	}
	return lang.L(paymentKey(k.svc.Session().Payment))
}

// paymentKey is the translation key that says how the fee stands.
func paymentKey(p app.Payment) string {
	if p == app.PaymentNone {
		return "payment.none"
	}
	return "payment." + string(p)
}
