package ui

import (
	"context"
	"errors"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// maxPINLen is the longest operator PIN.
const maxPINLen = 12

// pinDialog asks the assistant for the operator PIN on a digit keypad
// (shown as dots) and runs an action with it; a wrong PIN is told, and so
// is the wait after several.
type pinDialog struct {
	k       *shell
	pop     *widget.PopUp
	pin     string
	dots    *canvas.Text
	why     *canvas.Text
	keys    *keypad
	ok, not *widget.Button
	act     func(ctx context.Context, pin string) error
}

// askPIN shows the dialog; act runs with the PIN typed (on the UI
// goroutine) and the dialog closes when it succeeds.
func (k *shell) askPIN(title string, act func(ctx context.Context, pin string) error) *pinDialog {
	d := &pinDialog{k: k, act: act}
	d.dots = text(lang.L("pin.placeholder"), 30, colMuted, false)
	d.why = text("", 20, colError, false)
	d.keys = newKeypad(d.onKey)
	d.ok = touchButton(lang.L("pin.ok"), true, d.onOK)
	d.not = touchButton(lang.L("button.back"), false, func() { k.touch(); d.pop.Hide() })
	body := container.NewBorder(nil, nil, nil, container.NewVBox(d.keys),
		container.NewVBox(card(atLeast(container.NewCenter(d.dots), 300, 64)), d.why))
	d.pop = widget.NewModalPopUp(card(container.NewVBox(heading(title), body,
		buttonRow([]fyne.CanvasObject{d.not}, d.ok))), k.win.Canvas())
	d.pop.Show()
	return d
}

func (d *pinDialog) onKey(key string) {
	d.k.touch()
	d.pin = typeKey(d.pin, key, maxPINLen, func(k string) bool { return k >= "0" && k <= "9" })
	d.dots.Text, d.dots.Color, d.dots.TextSize = strings.Repeat("●", len(d.pin)), colForeground, 36
	if d.pin == "" {
		d.dots.Text, d.dots.Color, d.dots.TextSize = lang.L("pin.placeholder"), colMuted, 30
	}
	d.dots.Refresh()
}

func (d *pinDialog) onOK() {
	d.k.touch()
	err := d.act(d.k.ctx, d.pin)
	d.pin = ""
	d.onKey(keyClear)
	if err == nil {
		d.pop.Hide()
		d.k.show()
		return
	}
	log.Print(err)
	var wait *app.PINWaitError
	switch {
	case errors.As(err, &wait):
		d.why.Text = lang.L("pin.wait", map[string]any{"Seconds": int(wait.Wait.Round(time.Second) / time.Second)})
	case errors.Is(err, app.ErrPINWrong):
		d.why.Text = lang.L("pin.wrong")
	default:
		d.why.Text = lang.L("pin.failed")
	}
	d.why.Refresh()
}

// onCash is the assistant's "paid in cash": the PIN first.
func (s *payingScreen) onCash() {
	s.k.touch()
	s.pin = s.k.askPIN(lang.L("cash.title"), s.k.svc.PaidInCash)
}
