package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A finger dragged up over the privacy notice scrolls it (on a desktop
// touch screen a finger is a mouse), and no further than its end.
func TestNoticeScrollsByFinger(t *testing.T) {
	r := newRig(t, config{})
	test.Tap(r.k.welcome.start)
	var scroll *touchScroll
	for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
		if s, ok := o.(*touchScroll); ok {
			scroll = s
		}
	}
	if scroll == nil {
		t.Fatal("the notice is not in a touch scroll")
	}
	if scroll.Content.MinSize().Height <= scroll.Size().Height {
		t.Skipf("the notice fits (%v in %v): nothing to scroll", scroll.Content.MinSize(), scroll.Size())
	}
	d := fyne.CurrentApp().Driver()
	mid := d.AbsolutePositionForObject(scroll).Add(fyne.NewPos(scroll.Size().Width/2, scroll.Size().Height/2))
	end := scroll.Content.MinSize().Height - scroll.Size().Height
	test.Drag(r.win.Canvas(), mid, 0, -end/2)
	if scroll.Offset.Y != end/2 {
		t.Errorf("after a %v px drag up the offset is %v", end/2, scroll.Offset)
	}
	test.Drag(r.win.Canvas(), mid, 0, -100000)
	if scroll.Offset.Y != end {
		t.Errorf("dragged past the end: offset %v, end %v", scroll.Offset.Y, end)
	}
	test.Drag(r.win.Canvas(), mid, 0, 100000)
	if scroll.Offset.Y != 0 {
		t.Errorf("dragged back past the top: offset %v", scroll.Offset.Y)
	}
}
