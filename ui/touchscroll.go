package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// touchScroll is a vertical scroll a finger can drag. Fyne scrolls by
// dragging only on phones; on a desktop touch screen a finger is a mouse,
// and only the thin scroll bar would move the page.
type touchScroll struct{ container.Scroll }

func newTouchScroll(content fyne.CanvasObject) *touchScroll {
	s := &touchScroll{}
	s.Direction = container.ScrollVerticalOnly
	s.Content = content
	s.ExtendBaseWidget(s)
	return s
}

// Dragged moves the page with the finger (as a wheel would, so the offset
// stays within the content).
func (s *touchScroll) Dragged(e *fyne.DragEvent) {
	s.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: e.Dragged.DY}})
}
