package imaging

import (
	"encoding/binary"
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
	"gradphoto/spec"
)

// The clean-backdrop check of a finished photo: nothing of the old backdrop
// left beside the person, and no halo around them.
//
// The person is the connected region of pixels that differ from the
// profile colour by more than remnantDE and holds the face. A remnant is
// any other such pixel more than 2 % of the width away from the person: an
// island of the old backdrop in a corner, beside the head. (Nearer, a fold
// of a white shirt on a grey background parts from the person too; there
// Standardise, which knows the old backdrop, judges: leftOver.) The halo is measured along the
// person's outline: an outline pixel should be a blend of the person just
// inside it and the backdrop; one that lies off that blend by more than
// haloDE (a grey fringe round dark hair on blue, the old backdrop's colour
// bleeding through) counts.
const (
	remnantDE   = maxBgColourDE // a backdrop pixel further than this from the profile colour is not clean
	maxRemnant  = 0.5           // % of the backdrop area
	haloDE      = 14.0          // ΔE off the person–backdrop blend at which an outline pixel is fringe
	maxHalo     = 12.0          // % of the outline
	haloInside  = 3.0           // px: the person colour is read this far inside the outline…
	haloInside2 = 6.0           // …to this far
	haloWindow  = 4             // px: half side of the window searched for those pixels
	haloBand    = 2.0           // px: the outline is the person's outer band this wide
)

// cleanCheck measures remnants and halo against the background colour bg;
// left is the share (%) of the background that Standardise knows to be old
// backdrop kept as person (see leftOver; 0 for a file checked on its own).
func cleanCheck(px labPixels, f face.Face, bg Lab, left float64) (spec.Check, error) {
	person, err := personMask(px, f, bg)
	if err != nil {
		return spec.Check{}, err
	}
	near, err := dilated(person, px.w, px.h, max(3, px.w/50))
	if err != nil {
		return spec.Check{}, err
	}
	remnant, bgArea := 0, 0
	for i, in := range person {
		if in != 0 {
			continue
		}
		bgArea++
		if near[i] == 0 && DeltaE(px.atIndex(i), bg) > remnantDE {
			remnant++
		}
	}
	share := 100*float64(remnant)/float64(max(1, bgArea)) + left
	halo, err := haloShare(px, person, bg)
	if err != nil {
		return spec.Check{}, err
	}
	c := atMost(spec.CheckClean, share, maxRemnant, "% of the background", spec.HintBackground)
	c.Note = fmt.Sprintf("halo %.1f%% of the outline (≤ %.0f); old backdrop kept as person %.2f%%", halo, maxHalo, left)
	c.Pass = c.Pass && halo <= maxHalo
	return c, nil
}

// dilated is the mask (255 set) grown by r px (a disc).
func dilated(mask []byte, w, h, r int) ([]byte, error) {
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8U, mask)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	k := gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(2*r+1, 2*r+1))
	defer k.Close()
	out := gocv.NewMat()
	defer out.Close()
	gocv.Dilate(m, &out, k)
	return out.ToBytes(), nil
}

// components labels the 8-connected regions of a mask (255 set; 0 is the
// label of what is not set).
func components(mask []byte, w, h int) ([]int32, error) {
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8U, mask)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	labels := gocv.NewMat()
	defer labels.Close()
	gocv.ConnectedComponentsWithParams(m, &labels, 8, gocv.MatTypeCV32S, gocv.CCL_DEFAULT)
	return int32s(labels.ToBytes()), nil
}

// personMask is the connected region of pixels unlike bg that holds the
// face's centre (the largest such region under the face box if the centre
// itself is like bg), 255 set.
func personMask(px labPixels, f face.Face, bg Lab) ([]byte, error) {
	diff := make([]byte, px.w*px.h)
	for i := range diff {
		if DeltaE(px.atIndex(i), bg) > remnantDE {
			diff[i] = 255
		}
	}
	lab, err := components(diff, px.w, px.h)
	if err != nil {
		return nil, err
	}
	want := personLabel(lab, px.w, px.h, f)
	out := make([]byte, len(lab))
	for i, l := range lab {
		if want != 0 && l == want {
			out[i] = 255
		}
	}
	return out, nil
}

// personLabel is the most frequent non-zero label in the face's central box.
func personLabel(lab []int32, w, h int, f face.Face) int32 {
	c, fw := f.Centre(), f.Width()
	r := image.Rect(int(c.X-0.25*fw), int(c.Y-0.25*fw), int(c.X+0.25*fw), int(c.Y+0.25*fw)).Intersect(image.Rect(0, 0, w, h))
	count := map[int32]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if l := lab[y*w+x]; l != 0 {
				count[l]++
			}
		}
	}
	var best int32
	for l, n := range count {
		if n > count[best] || best == 0 {
			best = l
		}
	}
	return best
}

// haloShare is the share (%) of the person's outline pixels (its outer
// haloBand px) whose colour lies more than haloDE off the blend between the
// person just inside and the backdrop.
func haloShare(px labPixels, person []byte, bg Lab) (float64, error) {
	m, err := gocv.NewMatFromBytes(px.h, px.w, gocv.MatTypeCV8U, person)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	dist, labels := gocv.NewMat(), gocv.NewMat()
	defer dist.Close()
	defer labels.Close()
	gocv.DistanceTransform(m, &dist, &labels, gocv.DistL2, gocv.DistanceMask3, gocv.DistanceLabelCComp)
	d, err := dist.DataPtrFloat32()
	if err != nil {
		return 0, err
	}
	outline, fringe := 0, 0
	for y := 1; y < px.h-1; y++ {
		for x := 1; x < px.w-1; x++ {
			i := y*px.w + x
			if person[i] == 0 || float64(d[i]) > haloBand {
				continue
			}
			in, ok := insideColour(px, d, x, y)
			if !ok {
				continue
			}
			outline++
			if offBlend(px.atIndex(i), in, bg) > haloDE {
				fringe++
			}
		}
	}
	return 100 * float64(fringe) / float64(max(1, outline)), nil
}

// insideColour is the mean colour of the person pixels near (x, y) that lie
// haloInside…haloInside2 px inside the outline.
func insideColour(px labPixels, d []float32, x, y int) (Lab, bool) {
	var sum Lab
	n := 0
	for v := max(0, y-haloWindow); v <= min(px.h-1, y+haloWindow); v++ {
		for u := max(0, x-haloWindow); u <= min(px.w-1, x+haloWindow); u++ {
			if dd := float64(d[v*px.w+u]); dd >= haloInside && dd <= haloInside2 {
				c := px.atIndex(v*px.w + u)
				sum = Lab{sum.L + c.L, sum.A + c.A, sum.B + c.B}
				n++
			}
		}
	}
	if n == 0 {
		return Lab{}, false
	}
	k := float64(n)
	return Lab{sum.L / k, sum.A / k, sum.B / k}, true
}

// offBlend is the distance of c from the segment between a and b in Lab.
func offBlend(c, a, b Lab) float64 {
	ab := [3]float64{b.L - a.L, b.A - a.A, b.B - a.B}
	ac := [3]float64{c.L - a.L, c.A - a.A, c.B - a.B}
	n := ab[0]*ab[0] + ab[1]*ab[1] + ab[2]*ab[2]
	t := 0.0
	if n > 0 {
		t = math.Max(0, math.Min(1, (ac[0]*ab[0]+ac[1]*ab[1]+ac[2]*ab[2])/n))
	}
	p := Lab{a.L + t*ab[0], a.A + t*ab[1], a.B + t*ab[2]}
	return DeltaE(c, p)
}

// int32s reads a CV_32S Mat's bytes (little-endian, as OpenCV lays them out
// on the machines we run on).
func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// leftOver is the share (%) of the new background that is old backdrop kept
// as person, outside the head and body priors (where backdrop is expected;
// a light cheek or a white collar the colour of a grey backdrop is still
// the person): pixels the matte keeps (alpha ≥ 0.5) whose colour is the
// old backdrop's (within twice its spread, at least leftOverDE) in regions
// that touch the background but not the photo's bottom 3 % (a shirt the
// colour of the backdrop runs down to the bottom: clothes) — a patch of
// backdrop beside a shoulder or between arm and body; and, below the chin
// on a coloured backdrop, kept pixels that are the backdrop in a shadow.
func leftOver(cols mixColours, alpha []float32, cv *canvas, seg segmentation, l layout) (float64, error) {
	px, oldPx := cols.crop, cols.old
	tight := math.Max(leftOverDE, 2*seg.spread)
	like := make([]byte, len(alpha))
	bgArea := 0
	k, tx, ty := l.canToOut[0], l.canToOut[2], l.canToOut[5]
	for i, a := range alpha {
		switch {
		case a < 0.5:
			bgArea++
		case DeltaE(px.atIndex(i), oldPx.atIndex(i)) <= tight:
			like[i] = 255
		}
	}
	lab, err := components(like, px.w, px.h)
	if err != nil {
		return 0, err
	}
	touching, clothes := map[int32]bool{}, map[int32]bool{}
	for i, l := range lab {
		if l != 0 && touchesBackground(alpha, px.w, px.h, i) {
			touching[l] = true
		}
		if l != 0 && i >= len(lab)-px.w*max(1, px.h*3/100) {
			clothes[l] = true
		}
	}
	for l := range clothes {
		delete(touching, l)
	}
	n := 0
	for i, l := range lab {
		x, y := float64(i%px.w), float64(i/px.w)
		if cv.mayBePerson((x-tx)/k, (y-ty)/k) || alpha[i] < 0.5 {
			continue
		}
		old := oldPx.atIndex(i)
		// a coloured backdrop in a shadow the model did not know is its
		// own hue, darker (on a grey backdrop that is every dark suit, and
		// beside the head brown hair on beige: not judged there)
		shadow := (y-ty)/k > cv.chinY && old.Chroma() > shadowChroma && shadowOf(px.atIndex(i), old)
		if touching[l] || shadow {
			n++
		}
	}
	return 100 * float64(n) / float64(max(1, bgArea)), nil
}

// leftOverDE: the least ΔE within which a kept pixel counts as old backdrop;
// shadowChroma: the least chroma of an old backdrop whose shadows are told
// from the person by their hue.
const (
	leftOverDE   = 4.0
	shadowChroma = 12.0
)

// touchesBackground reports whether a 4-neighbour of pixel i is background.
func touchesBackground(alpha []float32, w, h, i int) bool {
	x, y := i%w, i/w
	return x > 0 && alpha[i-1] < 0.5 || x < w-1 && alpha[i+1] < 0.5 ||
		y > 0 && alpha[i-w] < 0.5 || y < h-1 && alpha[i+w] < 0.5
}

// labOfBGR converts BGR bytes of a w×h image to Lab pixels.
func labOfBGR(bgr []uint8, w, h int) (labPixels, error) {
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, bgr)
	if err != nil {
		return labPixels{}, err
	}
	defer m.Close()
	return newLabPixels(m)
}
