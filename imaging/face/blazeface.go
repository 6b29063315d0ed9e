package face

import (
	"fmt"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// BlazeFace (short-range "front" model) constants.
const (
	inputSide = 128 // the model's square input, NHWC [1,128,128,3] RGB in [-1,1]
	numKeys   = 6   // key points per detection
	boxValues = 4 + 2*numKeys

	// scoreThreshold is the minimum sigmoid score of a raw anchor detection.
	// MediaPipe ships 0.5 (short-range graph) and 0.75 (older front graph).
	// Measured here: the fixture faces' best anchors score 0.87–0.96 in
	// every pass, the busy no-face fixture (space_shuttle.jpg) 0.40. 0.65
	// sits in the gap with room both ways, and lets a dimmer or turned face
	// through rather than the kiosk failing to see someone.
	scoreThreshold = 0.65
	// nmsIoU is the overlap above which detections are merged by MediaPipe's
	// weighted non-maximum suppression.
	nmsIoU = 0.3
)

// head is one of the model's two output pairs (scores + boxes) on a grid.
type head struct {
	cells, anchors int
	scoreName      string
	boxName        string
}

// heads lists the two output grids of the model; see assets/models/SOURCES.
var heads = [2]head{
	{cells: 16, anchors: 2, scoreName: "Identity:0", boxName: "Identity_2:0"},
	{cells: 8, anchors: 6, scoreName: "Identity_1:0", boxName: "Identity_3:0"},
}

// outputNames are the output blob names in the order ForwardLayers gets them.
func outputNames() []string {
	return []string{heads[0].scoreName, heads[1].scoreName, heads[0].boxName, heads[1].boxName}
}

// raw is one detection: in input-square units (0..1 on both axes) as
// decoded, in image pixels once mapped back.
type raw struct {
	score  float64
	cx, cy float64 // box centre
	w, h   float64
	keys   [numKeys][2]float64
}

func (r raw) box() (x0, y0, x1, y1 float64) {
	return r.cx - r.w/2, r.cy - r.h/2, r.cx + r.w/2, r.cy + r.h/2
}

// decode turns the four output blobs into raw detections above threshold.
func decode(outs []gocv.Mat) ([]raw, error) {
	var dets []raw
	for i, h := range heads {
		n := h.cells * h.cells * h.anchors
		scores, err := floats(outs[i], n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.scoreName, err)
		}
		boxes, err := floats(outs[i+2], n*boxValues)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.boxName, err)
		}
		dets = decodeHead(h, scores, boxes, dets)
	}
	return dets, nil
}

// floats returns the data of a float32 output blob, checking its length.
func floats(m gocv.Mat, want int) ([]float32, error) {
	if m.Empty() || m.Type() != gocv.MatTypeCV32F || m.Total() != want {
		return nil, fmt.Errorf("%w: output has %d values, want %d", ErrModel, m.Total(), want)
	}
	return m.DataPtrFloat32()
}

func decodeHead(h head, scores, boxes []float32, dets []raw) []raw {
	minLogit := float32(math.Log(scoreThreshold / (1 - scoreThreshold)))
	for idx, s := range scores {
		if s < minLogit {
			continue
		}
		cell := idx / h.anchors
		ax := (float64(cell%h.cells) + 0.5) / float64(h.cells)
		ay := (float64(cell/h.cells) + 0.5) / float64(h.cells)
		b := boxes[idx*boxValues : (idx+1)*boxValues]
		r := raw{
			score: sigmoid(float64(s)),
			cx:    ax + float64(b[0])/inputSide,
			cy:    ay + float64(b[1])/inputSide,
			w:     float64(b[2]) / inputSide,
			h:     float64(b[3]) / inputSide,
		}
		for k := range numKeys {
			r.keys[k] = [2]float64{ax + float64(b[4+2*k])/inputSide, ay + float64(b[5+2*k])/inputSide}
		}
		if r.w > 0 && r.h > 0 {
			dets = append(dets, r)
		}
	}
	return dets
}

func sigmoid(x float64) float64 {
	x = math.Max(-100, math.Min(100, x))
	return 1 / (1 + math.Exp(-x))
}

// iou is the intersection over union of two detections' boxes.
func iou(a, b raw) float64 {
	ax0, ay0, ax1, ay1 := a.box()
	bx0, by0, bx1, by1 := b.box()
	iw := math.Min(ax1, bx1) - math.Max(ax0, bx0)
	ih := math.Min(ay1, by1) - math.Max(ay0, by0)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	return inter / (a.w*a.h + b.w*b.h - inter)
}

// weightedNMS is MediaPipe's blending suppression: the best remaining
// detection collects every other one overlapping it by more than nmsIoU,
// and the group's boxes and key points are averaged, weighted by score. The
// group keeps its best score. The result is sorted best first.
func weightedNMS(dets []raw) []raw {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].score > dets[j].score })
	var out []raw
	used := make([]bool, len(dets))
	for i := range dets {
		if used[i] {
			continue
		}
		var group []raw
		for j := i; j < len(dets); j++ {
			if !used[j] && iou(dets[i], dets[j]) > nmsIoU {
				used[j] = true
				group = append(group, dets[j])
			}
		}
		out = append(out, blend(group))
	}
	return out
}

// blend averages a group of detections weighted by score; the first is the
// best and gives the score.
func blend(group []raw) raw {
	var m raw
	var total float64
	for _, d := range group {
		w := d.score
		total += w
		m.cx += w * d.cx
		m.cy += w * d.cy
		m.w += w * d.w
		m.h += w * d.h
		for k := range numKeys {
			m.keys[k][0] += w * d.keys[k][0]
			m.keys[k][1] += w * d.keys[k][1]
		}
	}
	m.cx, m.cy, m.w, m.h = m.cx/total, m.cy/total, m.w/total, m.h/total
	for k := range numKeys {
		m.keys[k][0] /= total
		m.keys[k][1] /= total
	}
	m.score = group[0].score
	return m
}
