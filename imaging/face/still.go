package face

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// Still-mode search.
const (
	// squareAspect: the passes on squares of the short side run when the
	// image's long side is at least this many times its short side (else the
	// letterbox pass already sees the image at nearly the same scale).
	squareAspect = 1.2
	// tileMinSide: tiles run only on images whose short side is at least
	// this (smaller images are already seen at ≥ 1/2 scale).
	tileMinSide = 256
	// Tiles are tileSide × the short side, overlapping by tileOverlap: on
	// 1080p, 8 tiles of 720 px that find faces down to ≈ 80 px wide
	// (squares of the short side: ≈ 130 px).
	tileSide    = 2.0 / 3
	tileOverlap = 0.25
	// refineSide is the side of the face-centred square of the refining
	// inference, in face box sizes. Measured on the labelled fixtures
	// (BlazeFace eye error, % of the face width, mean / worst): 1.5 → 2.4 /
	// 4.0, 1.75 → 2.3 / 4.7, 2.0 → 1.5 / 3.0, 2.5 → 1.9 / 4.4, 3.0 → 1.4 /
	// 3.0; without refining 1.9 / 5.8 (astronaut.jpg, whose face is small).
	refineSide = 2.0
	// cutMargin: a detection from a partial pass whose box reaches beyond an
	// inner edge of the pass's square by more than this fraction of its size
	// is a cut face, left to the passes that see it whole.
	cutMargin = 0.05
)

// detectLive: one inference on the central square, then the refining one
// centred on each face (as Still does: the key points of a face that fills
// a third of the square scatter by degrees of roll and yaw; centred and
// larger they agree with Still's).
func (d *Detector) detectLive(img gocv.Mat) ([]raw, error) {
	sq := centralSquare(img.Cols(), img.Rows())
	dets, err := d.infer(img, sq)
	if err != nil {
		return nil, err
	}
	return d.refine(img, dropCut(dets, sq, img))
}

// Track finds the faces near prev (a face of the frame before) with one
// inference on the square refineSide times its box, centred on it: a face
// that sat still or moved a little is found at the cost of one inference
// instead of two. Faces outside that square are not seen; an empty result
// means look with Detect.
func (d *Detector) Track(img gocv.Mat, prev Face) ([]Face, error) {
	if d.closed {
		return nil, fmt.Errorf("face: track: %w", ErrClosed)
	}
	if err := checkImage(img); err != nil {
		return nil, fmt.Errorf("face: track: %w", err)
	}
	d.interp, d.levels = liveInterp, 0
	side := int(math.Round(refineSide * math.Max(prev.Box.W, prev.Box.H)))
	cx, cy := prev.Box.X+prev.Box.W/2, prev.Box.Y+prev.Box.H/2
	x, y := int(math.Round(cx))-side/2, int(math.Round(cy))-side/2
	sq := image.Rect(x, y, x+side, y+side)
	dets, err := d.infer(img, sq)
	if err != nil {
		return nil, fmt.Errorf("face: track: %w", err)
	}
	dets = weightedNMS(dropCut(dets, sq, img))
	faces := make([]Face, 0, len(dets))
	for _, r := range dets {
		faces = append(faces, r.face())
	}
	return faces, nil
}

// detectStill: the letterboxed whole image; on an oblong image also squares
// of the short side across it (the central one among them); tiles of half
// the short side if nothing was found; then one refining inference centred
// on each face.
func (d *Detector) detectStill(img gocv.Mat) ([]raw, error) {
	w, h := img.Cols(), img.Rows()
	passes := []image.Rectangle{letterbox(w, h)}
	if float64(max(w, h)) >= squareAspect*float64(min(w, h)) {
		passes = append(passes, squares(w, h)...)
	}
	all, err := d.runPasses(img, passes)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 && min(w, h) >= tileMinSide {
		if all, err = d.runPasses(img, tiles(w, h)); err != nil {
			return nil, err
		}
	}
	return d.refine(img, weightedNMS(all))
}

// runPasses runs one inference per square and collects the detections that
// are not cut by a square's inner edge.
func (d *Detector) runPasses(img gocv.Mat, squares []image.Rectangle) ([]raw, error) {
	var all []raw
	for _, sq := range squares {
		dets, err := d.infer(img, sq)
		if err != nil {
			return nil, err
		}
		all = append(all, dropCut(dets, sq, img)...)
	}
	return all, nil
}

// squares covers the image with squares of its short side: the central
// one and, along the long side, as few more as overlap by at least a third.
func squares(w, h int) []image.Rectangle {
	s := min(w, h)
	n := 1 + int(math.Ceil(float64(max(w, h)-s)/(float64(s)*2/3)))
	if n%2 == 0 {
		n++ // odd, so one square is the central one
	}
	out := make([]image.Rectangle, 0, n)
	for i := range n {
		o := spread(i, n, max(w, h)-s)
		if w >= h {
			out = append(out, image.Rect(o, 0, o+s, s))
		} else {
			out = append(out, image.Rect(0, o, s, o+s))
		}
	}
	return out
}

// tiles covers the image with squares of tileSide × the short side,
// evenly spaced and overlapping by at least tileOverlap of a tile, so that
// any face small enough to need them lies whole inside one.
func tiles(w, h int) []image.Rectangle {
	s := int(math.Round(tileSide * float64(min(w, h))))
	stride := float64(s) * (1 - tileOverlap)
	count := func(n int) int { return 1 + int(math.Ceil(float64(n-s)/stride)) }
	nx, ny := count(w), count(h)
	out := make([]image.Rectangle, 0, nx*ny)
	for j := range ny {
		for i := range nx {
			x, y := spread(i, nx, w-s), spread(j, ny, h-s)
			out = append(out, image.Rect(x, y, x+s, y+s))
		}
	}
	return out
}

// spread is the i-th of n positions evenly spaced over 0..span.
func spread(i, n, span int) int {
	if n <= 1 {
		return span / 2
	}
	return i * span / (n - 1)
}

// dropCut removes detections whose box reaches beyond an edge of sq that is
// inside the image: the face is cut there.
func dropCut(dets []raw, sq image.Rectangle, img gocv.Mat) []raw {
	out := dets[:0]
	for _, r := range dets {
		x0, y0, x1, y1 := r.box()
		mx, my := cutMargin*r.w, cutMargin*r.h
		cut := (sq.Min.X > 0 && x0 < float64(sq.Min.X)-mx) ||
			(sq.Min.Y > 0 && y0 < float64(sq.Min.Y)-my) ||
			(sq.Max.X < img.Cols() && x1 > float64(sq.Max.X)+mx) ||
			(sq.Max.Y < img.Rows() && y1 > float64(sq.Max.Y)+my)
		if !cut {
			out = append(out, r)
		}
	}
	return out
}

// refine re-detects each face in a square centred on it, where the face
// fills the model's input at its best scale, and takes the key points from
// there. It is also a check: a face the refining pass does not find again
// is dropped (on the fixtures, a suit badge seen in one tile at 0.69).
func (d *Detector) refine(img gocv.Mat, faces []raw) ([]raw, error) {
	out := make([]raw, 0, len(faces))
	for _, f := range faces {
		side := int(math.Round(refineSide * math.Max(f.w, f.h)))
		x, y := int(math.Round(f.cx))-side/2, int(math.Round(f.cy))-side/2
		dets, err := d.infer(img, image.Rect(x, y, x+side, y+side))
		if err != nil {
			return nil, err
		}
		if r, ok := closest(f, dets); ok {
			out = append(out, r)
		}
	}
	return weightedNMS(out), nil
}

// closest returns the detection in dets that overlaps f most, if any
// overlaps it by more than nmsIoU.
func closest(f raw, dets []raw) (raw, bool) {
	var best raw
	bestIoU := nmsIoU
	for _, r := range dets {
		if v := iou(f, r); v > bestIoU {
			best, bestIoU = r, v
		}
	}
	return best, bestIoU > nmsIoU
}
