package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// minLayout gives its objects at least min size (touch targets ≥ 64 px).
type minLayout struct{ min fyne.Size }

func (l minLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l minLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := l.min
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// atLeast wraps o so that it is never smaller than w×h.
func atLeast(o fyne.CanvasObject, w, h float32) fyne.CanvasObject {
	return container.New(minLayout{min: fyne.NewSize(w, h)}, o)
}

// touchButton is a button of kiosk size; primary ones are filled.
func touchButton(label string, primary bool, tapped func()) *widget.Button {
	b := widget.NewButton(label, tapped)
	if primary {
		b.Importance = widget.HighImportance
	}
	return b
}

// sized wraps a button to the kiosk's touch size.
func sized(b fyne.CanvasObject) fyne.CanvasObject { return atLeast(b, touchWidth, touchHeight) }

// text returns a canvas text of the given size and colour.
func text(s string, size float32, c color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, c)
	t.TextSize = size
	t.TextStyle.Bold = bold
	return t
}

// paragraph is wrapping body text.
func paragraph(s string) *widget.Label {
	l := widget.NewLabel(phraseBreaks(s))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a large screen title.
func heading(s string) fyne.CanvasObject {
	return text(s, headingSize, colForeground, true)
}

// card is a white rounded panel around content.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(colCard)
	bg.CornerRadius = 16
	bg.StrokeColor = color.NRGBA{R: 0xD5, G: 0xDE, B: 0xEA, A: 0xFF}
	bg.StrokeWidth = 2
	return container.NewStack(bg, container.NewPadded(container.NewPadded(content)))
}

// buttonRow lays out kiosk buttons: secondary ones left, the primary right.
func buttonRow(left []fyne.CanvasObject, right ...fyne.CanvasObject) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, len(left)+len(right)+1)
	for _, o := range left {
		objs = append(objs, sized(o))
	}
	objs = append(objs, layout.NewSpacer())
	for _, o := range right {
		objs = append(objs, sized(o))
	}
	return container.NewHBox(objs...)
}

// centred places content in the middle of the available space.
func centred(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(content)
}

// tapRow makes a whole row tappable (touch target) around smaller content;
// taps on the content itself still go to the content.
type tapRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapRow(content fyne.CanvasObject, onTap func()) *tapRow {
	r := &tapRow{content: content, onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

func (r *tapRow) CreateRenderer() fyne.WidgetRenderer {
	// spacers centre the content vertically at its own height, so that
	// widgets checking where they were tapped (Check) see a tap inside
	return widget.NewSimpleRenderer(container.NewVBox(layout.NewSpacer(),
		container.NewHBox(r.content), layout.NewSpacer()))
}

func (r *tapRow) Tapped(*fyne.PointEvent) { r.onTap() }

// canvasDot is a small filled circle: a status mark beside a line of text.
func canvasDot(c color.Color) fyne.CanvasObject { return canvas.NewCircle(c) }
