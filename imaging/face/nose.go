package face

import (
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// The nostril search, in units of the eye distance e, in the face's own
// frame (u along the eye line, v down from it): the nostrils sit about
// 0.75–0.9 e below the eye line and 0.3–0.4 e apart on a frontal face.
// BlazeFace's nose point on small or bearded faces is off by up to 0.1 e,
// several degrees of yaw; the midpoint of the nostrils is the face's
// midline far more exactly.
const (
	noseHalfW    = 0.6  // patch half width
	noseTop      = 0.4  // patch top below the eye line
	noseBottom   = 0.98 // patch bottom (above the lips)
	nostrilNear  = 0.12 // their midpoint is at most this far across from BlazeFace's nose point
	nosePatchW   = 72   // patch px across 2·noseHalfW·e
	nostrilMinDx = 0.14 // nostril centres at least this far apart…
	nostrilMaxDx = 0.55 // …and at most this
	nostrilMaxDy = 0.12 // their heights differ by at most this
)

// nostrilDark are the levels a nostril pixel is darker than, min +
// k·(median − min) of the patch, tried in this order.
var nostrilDark = []float64{0.30, 0.20, 0.40}

// noseMid finds the midpoint of the nostrils of f in img (BGR): ok is false
// when two nostrils are not seen (a beard, a shadow, the face too small),
// and the caller keeps BlazeFace's nose point.
func noseMid(img gocv.Mat, f Face) (Point, bool) {
	e := f.EyeDistance()
	if e < 2*minEyeDist {
		return Point{}, false
	}
	s := nosePatchW / (2 * noseHalfW * e)
	size := image.Pt(nosePatchW, int(math.Round((noseBottom-noseTop)*e*s)))
	th := f.Roll() * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	m := f.EyeMid()
	// image p = m + R(roll)·((x, y) − (ox, oy))/s for patch (x, y)
	ox, oy := noseHalfW*e*s, -noseTop*e*s
	toImage := func(x, y float64) Point {
		u, v := (x-ox)/s, (y-oy)/s
		return Point{m.X + cos*u - sin*v, m.Y + sin*u + cos*v}
	}
	roi := image.Rectangle{}
	for _, c := range [][2]float64{{0, 0}, {float64(size.X), 0}, {0, float64(size.Y)}, {float64(size.X), float64(size.Y)}} {
		q := toImage(c[0], c[1])
		roi = roi.Union(image.Rect(int(q.X)-2, int(q.Y)-2, int(q.X)+3, int(q.Y)+3))
	}
	roi = roi.Intersect(image.Rect(0, 0, img.Cols(), img.Rows()))
	if roi.Dx() < 8 || roi.Dy() < 8 {
		return Point{}, false
	}
	region := img.Region(roi)
	defer region.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(region, &grey, gocv.ColorBGRToGray)
	// a large face is first reduced by area, so nothing aliases
	k := 1.0
	if s < 0.5 {
		w, h := max(1, int(float64(roi.Dx())*s)), max(1, int(float64(roi.Dy())*s))
		gocv.Resize(grey, &grey, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		k = float64(w) / float64(roi.Dx())
	}
	// patch (x, y) = (s/k)·R(−roll)·(q − k·m) + (ox, oy), q in the (reduced) region's pixels
	mx, my := k*(m.X-float64(roi.Min.X)), k*(m.Y-float64(roi.Min.Y))
	sk := s / k
	toPatch := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer toPatch.Close()
	toPatch.SetDoubleAt(0, 0, sk*cos)
	toPatch.SetDoubleAt(0, 1, sk*sin)
	toPatch.SetDoubleAt(0, 2, ox-sk*(cos*mx+sin*my))
	toPatch.SetDoubleAt(1, 0, -sk*sin)
	toPatch.SetDoubleAt(1, 1, sk*cos)
	toPatch.SetDoubleAt(1, 2, oy-sk*(-sin*mx+cos*my))
	patch := gocv.NewMat()
	defer patch.Close()
	gocv.WarpAffineWithParams(grey, &patch, toPatch, size, gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	gocv.GaussianBlur(patch, &patch, image.Pt(3, 3), 0, 0, gocv.BorderReplicate)
	// BlazeFace's nose point across the patch
	tip := (f.Nose.X-m.X)*cos + (f.Nose.Y-m.Y)*sin
	x, y, ok := nostrils(patch, e*s, ox+tip*s)
	if !ok {
		return Point{}, false
	}
	return toImage(x, y), true
}

// nostrils finds two dark blobs side by side in the grey patch (e: the eye
// distance in patch px) near the column near and returns their midpoint.
// It tries the levels of nostrilDark in turn: a nostril that runs into the
// shadow beside the nose at the usual level is a blob of its own at a
// darker one (xraylarch_barkla.jpg, whose pair was lost when the picture
// was saved again and its yaw read 5.5° more), and a faint one shows at a
// lighter level.
func nostrils(patch gocv.Mat, e, near float64) (float64, float64, bool) {
	px, err := patch.DataPtrUint8()
	if err != nil || len(px) == 0 {
		return 0, 0, false
	}
	lo, med := darkLevels(px)
	if med-lo < 12 {
		return 0, 0, false // no contrast: nothing to find
	}
	bin := gocv.NewMatWithSize(patch.Rows(), patch.Cols(), gocv.MatTypeCV8U)
	defer bin.Close()
	for _, k := range nostrilDark {
		gocv.Threshold(patch, &bin, float32(lo+k*(med-lo)), 255, gocv.ThresholdBinaryInv)
		if x, y, ok := nostrilPair(darkBlobs(bin, e), e, near); ok {
			return x, y, true
		}
	}
	return 0, 0, false
}

// darkBlobs are the connected white spots of bin that may be a nostril:
// not a speck, not a moustache or a shadow band.
func darkBlobs(bin gocv.Mat, e float64) []blob {
	labels, stats, cents := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer labels.Close()
	defer stats.Close()
	defer cents.Close()
	n := gocv.ConnectedComponentsWithStats(bin, &labels, &stats, &cents)
	var blobs []blob
	maxArea := 0.08 * float64(bin.Rows()*bin.Cols())
	for i := 1; i < n; i++ {
		a := float64(stats.GetIntAt(i, int(gocv.CC_STAT_AREA)))
		w := float64(stats.GetIntAt(i, int(gocv.CC_STAT_WIDTH)))
		if a < 3 || a > maxArea || w > 0.35*e {
			continue // a speck, or a moustache or shadow band
		}
		blobs = append(blobs, blob{cents.GetDoubleAt(i, 0), cents.GetDoubleAt(i, 1), a})
	}
	return blobs
}

// nostrilPair is the midpoint of the pair of blobs that may be the
// nostrils: side by side, as far apart as nostrils are, about under the
// column near.
func nostrilPair(blobs []blob, e, near float64) (float64, float64, bool) {
	best, bx, by := 0.0, 0.0, 0.0
	for i := range blobs {
		for j := i + 1; j < len(blobs); j++ {
			a, b := blobs[i], blobs[j]
			dx, dy := math.Abs(a.x-b.x), math.Abs(a.y-b.y)
			mid := (a.x + b.x) / 2
			if dx < nostrilMinDx*e || dx > nostrilMaxDx*e || dy > nostrilMaxDy*e || math.Abs(mid-near) > nostrilNear*e {
				continue
			}
			// the larger pair nearest the nose point
			score := math.Min(a.area, b.area) / (1 + math.Abs(mid-near)/e*4)
			if score > best {
				best, bx, by = score, mid, (a.y+b.y)/2
			}
		}
	}
	return bx, by, best > 0
}

// darkLevels are the 1st percentile and the median of the patch.
func darkLevels(px []uint8) (float64, float64) {
	var hist [256]int
	for _, v := range px {
		hist[v]++
	}
	lo, med, seen := -1, -1, 0
	for v, k := range hist {
		seen += k
		if lo < 0 && 100*seen >= len(px) {
			lo = v
		}
		if med < 0 && 2*seen >= len(px) {
			med = v
		}
	}
	return float64(lo), float64(med)
}

// blob is a dark spot of the nose patch: its centre and area.
type blob struct{ x, y, area float64 }
