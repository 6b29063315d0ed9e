package ui

import (
	"image"
	"math"

	"fyne.io/fyne/v2"
)

// previewBox is the letterboxed frame inside the widget.
type previewBox struct {
	pos  fyne.Position
	size fyne.Size
}

// previewLetterbox fits a frame of frame's aspect inside size, centred
// (16:9 before the first frame).
func previewLetterbox(size fyne.Size, frame image.Point) previewBox {
	aspect := float32(16) / 9
	if frame.X > 0 && frame.Y > 0 {
		aspect = float32(frame.X) / float32(frame.Y)
	}
	w, h := size.Width, size.Width/aspect
	if h > size.Height {
		w, h = size.Height*aspect, size.Height
	}
	return previewBox{fyne.NewPos((size.Width-w)/2, (size.Height-h)/2), fyne.NewSize(w, h)}
}

// layout places everything for the widget's size and tells the View how
// big the frame is painted.
func (v *preview) layout(size fyne.Size) {
	scale := float32(1)
	if a := fyne.CurrentApp(); a != nil && len(a.Driver().AllWindows()) > 0 {
		if c := a.Driver().CanvasForObject(v); c != nil {
			scale = c.Scale()
		}
	}
	frame := v.view.FrameSize()
	box := previewLetterbox(size, frame)
	px := image.Pt(int(math.Round(float64(box.size.Width*scale))), int(math.Round(float64(box.size.Height*scale))))
	v.view.Layout(frame, px, box.size.Height)

	v.raster.Move(box.pos)
	v.raster.Resize(box.size)
	v.layoutBars(size, box)
	v.layoutTexts(size)
}

// layoutBars covers the widget around the frame in black (two bars at
// most: cheaper to paint than a black background under the whole frame).
func (v *preview) layoutBars(size fyne.Size, box previewBox) {
	var rects [2][2]fyne.Position // top-left, bottom-right
	if box.pos.Y >= 0.5 {
		rects[0] = [2]fyne.Position{{}, {X: size.Width, Y: box.pos.Y}}
		rects[1] = [2]fyne.Position{{X: 0, Y: box.pos.Y + box.size.Height}, {X: size.Width, Y: size.Height}}
	} else if box.pos.X >= 0.5 {
		rects[0] = [2]fyne.Position{{}, {X: box.pos.X, Y: size.Height}}
		rects[1] = [2]fyne.Position{{X: box.pos.X + box.size.Width, Y: 0}, {X: size.Width, Y: size.Height}}
	}
	for i, r := range rects {
		bar := v.bars[i]
		if r[1].X-r[0].X < 0.5 || r[1].Y-r[0].Y < 0.5 {
			bar.Hide()
			continue
		}
		bar.Move(r[0])
		bar.Resize(fyne.NewSize(r[1].X-r[0].X, r[1].Y-r[0].Y))
		bar.Show()
	}
}

// layoutTexts places the hint, the countdown and the banner.
func (v *preview) layoutTexts(size fyne.Size) {
	box := previewLetterbox(size, v.view.FrameSize())
	show := func(on bool, objs ...fyne.CanvasObject) {
		for _, o := range objs {
			if on {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}

	show(v.hint != "", v.hintPlate, v.hintText)
	if v.hint != "" {
		ts := v.hintText.MinSize()
		pw, ph := min(ts.Width+48, size.Width), ts.Height+24
		y := max(box.pos.Y, box.pos.Y+box.size.Height*0.94-ph)
		v.hintPlate.Move(fyne.NewPos((size.Width-pw)/2, y))
		v.hintPlate.Resize(fyne.NewSize(pw, ph))
		v.hintText.Move(fyne.NewPos((size.Width-ts.Width)/2, y+12))
		v.hintText.Resize(ts)
	}

	show(v.countdown > 0, v.countPlate, v.countText)
	if v.countdown > 0 {
		v.countText.TextSize = max(120, box.size.Height*0.45)
		ts := v.countText.MinSize()
		d := max(ts.Width, ts.Height) * 1.1
		c := fyne.NewPos(box.pos.X+box.size.Width/2, box.pos.Y+box.size.Height/2)
		v.countPlate.Move(fyne.NewPos(c.X-d/2, c.Y-d/2))
		v.countPlate.Resize(fyne.NewSize(d, d))
		v.countText.Move(fyne.NewPos(c.X-ts.Width/2, c.Y-ts.Height/2))
		v.countText.Resize(ts)
	}

	show(v.banner != "", v.banPlate, v.banText)
	if v.banner != "" {
		ts := v.banText.MinSize()
		h := ts.Height + 28
		v.banPlate.Move(fyne.Position{})
		v.banPlate.Resize(fyne.NewSize(size.Width, h))
		v.banText.Move(fyne.NewPos(max(0, (size.Width-ts.Width)/2), 14))
		v.banText.Resize(ts)
	}
	for _, o := range v.overlays() {
		o.Refresh()
	}
}
