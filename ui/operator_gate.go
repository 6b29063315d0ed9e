package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Operator mode opens from the Welcome screen only (nobody's data shows
// there) by a long press on the title or the key chord Ctrl+Shift+O, never
// by a button a graduate could find, and asks for the operator PIN.

// longPressFor is how long the title must be held.
var longPressFor = 2 * time.Second

// operatorChord opens operator mode from a keyboard.
var operatorChord = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}

// longPress is a widget that calls onLong when held down for longPressFor
// (a finger on a touch screen is a mouse button on a desktop).
type longPress struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onLong  func()
	timer   *time.Timer
}

func newLongPress(content fyne.CanvasObject, onLong func()) *longPress {
	l := &longPress{content: content, onLong: onLong}
	l.ExtendBaseWidget(l)
	return l
}

func (l *longPress) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(l.content)
}

// MouseDown starts the wait.
func (l *longPress) MouseDown(*desktop.MouseEvent) {
	l.stop()
	l.timer = time.AfterFunc(longPressFor, func() { uiDo(l.onLong) })
}

// MouseUp before the time is a tap: nothing.
func (l *longPress) MouseUp(*desktop.MouseEvent) { l.stop() }

func (l *longPress) stop() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// onOperatorRequest asks for the PIN, at Welcome only.
func (k *shell) onOperatorRequest() {
	if k.ops == nil || k.current != k.welcome || k.operator != nil {
		return
	}
	k.touch()
	if !k.svc.HasOperatorPIN(k.ctx) {
		k.tell(lang.L("operator.no_pin"))
		return
	}
	k.opPIN = k.askPIN(lang.L("operator.pin_title"), func(ctx context.Context, pin string) error {
		if err := k.svc.CheckPIN(ctx, pin); err != nil {
			return err
		}
		k.openOperator()
		return nil
	})
}
