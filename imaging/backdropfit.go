package imaging

import (
	"image"
	"math"
	"slices"
)

// backdropModel is the backdrop colour as a smooth surface over the canvas:
// per Lab channel v = Σ k_i·t_i(u, v) over the terms 1, u, v (a plane: light
// falling off across the backdrop) and, when the samples surround the head
// well enough to pin them down, u², u·v, v² (a vignette, a gradient that
// bends), in face widths from the eye midpoint (u = (x−cx)/fw, v = (y−eyeY)/fw).
// Far from its samples the surface is held to the range the samples span,
// so it never runs away behind the head.
type backdropModel struct {
	k          [3][6]float64
	terms      int // 1, 3 or 6
	cx, eyeY   float64
	fw         float64
	lo, hi     Lab // the samples' colour range, widened a little: the surface stays inside
	constColor Lab // the mean of the inliers (for checks that need one colour)
}

func (m backdropModel) basis(x, y float64) [6]float64 {
	u, v := (x-m.cx)/m.fw, (y-m.eyeY)/m.fw
	return [6]float64{1, u, v, u * u, u * v, v * v}
}

func (m backdropModel) at(x, y float64) Lab {
	t := m.basis(x, y)
	var c [3]float64
	for ch := range 3 {
		for i := 0; i < m.terms; i++ {
			c[ch] += m.k[ch][i] * t[i]
		}
	}
	return Lab{clamp(c[0], m.lo.L, m.hi.L), clamp(c[1], m.lo.A, m.hi.A), clamp(c[2], m.lo.B, m.hi.B)}
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// fitModel fits a surface with the given number of terms to the samples by
// least squares; it returns the model and the RMS ΔE of the samples from it.
func fitModel(px labPixels, samples []image.Point, terms int, cx, eyeY, fw float64) (backdropModel, float64) {
	m := backdropModel{terms: terms, cx: cx, eyeY: eyeY, fw: fw}
	var ata [6][6]float64
	var atb [3][6]float64
	lo := Lab{math.Inf(1), math.Inf(1), math.Inf(1)}
	hi := Lab{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	var sum Lab
	for _, p := range samples {
		t := m.basis(float64(p.X), float64(p.Y))
		c := px.at(p.X, p.Y)
		v := [3]float64{c.L, c.A, c.B}
		for i := 0; i < terms; i++ {
			for j := 0; j < terms; j++ {
				ata[i][j] += t[i] * t[j]
			}
			for ch := range 3 {
				atb[ch][i] += t[i] * v[ch]
			}
		}
		lo = Lab{math.Min(lo.L, c.L), math.Min(lo.A, c.A), math.Min(lo.B, c.B)}
		hi = Lab{math.Max(hi.L, c.L), math.Max(hi.A, c.A), math.Max(hi.B, c.B)}
		sum = Lab{sum.L + c.L, sum.A + c.A, sum.B + c.B}
	}
	n := math.Max(1, float64(len(samples)))
	m.constColor = Lab{sum.L / n, sum.A / n, sum.B / n}
	const widen = 3
	m.lo = Lab{lo.L - widen, lo.A - widen, lo.B - widen}
	m.hi = Lab{hi.L + widen, hi.A + widen, hi.B + widen}
	for ch := range 3 {
		k, ok := solveN(ata, atb[ch], terms)
		if !ok {
			m.terms = 1
			k = [6]float64{[]float64{m.constColor.L, m.constColor.A, m.constColor.B}[ch]}
		}
		m.k[ch] = k
	}
	var ss float64
	for _, p := range samples {
		ss += sq(DeltaE(px.at(p.X, p.Y), m.at(float64(p.X), float64(p.Y))))
	}
	return m, math.Sqrt(ss / n)
}

// solveN solves the first n×n of a linear system by Gaussian elimination
// with partial pivoting; ok is false when it is singular.
func solveN(a [6][6]float64, b [6]float64, n int) ([6]float64, bool) {
	var x [6]float64
	for col := 0; col < n; col++ {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-9 {
			return x, false
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < n; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < n; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// fitRobust fits the backdrop surface to the samples, then, three times,
// drops the samples far from it (more than four median residuals, at least
// inlierDE: hair, a shoulder, a light switch) and fits again on the rest. The quadratic surface is used only when the samples
// surround the head (above it and on both sides) and it fits clearly better
// than the plane. The start is the median colour of the samples above the
// chin (chinY), where backdrop is the majority even in a tight ID photo
// whose lower sides are all shoulders. It returns the model, its RMS
// spread, the share of the upper samples kept (of all samples when too few
// lie above the chin) and the kept samples.
func fitRobust(px labPixels, samples []image.Point, cx, eyeY, fw, chinY float64) (backdropModel, float64, float64, []image.Point) {
	terms := 3
	if surrounds(samples, cx, eyeY, fw) {
		terms = 6
	}
	upper := slices.DeleteFunc(slices.Clone(samples), func(p image.Point) bool { return float64(p.Y) > chinY })
	if len(upper) < minPlainN/2 {
		upper = samples
	}
	kept := samples
	m := medianModel(px, upper, cx, eyeY, fw) // robust start: a majority of backdrop is enough
	var spread float64
	for it := range 5 {
		if it > 0 {
			if len(kept) < minPlainN {
				return m, math.Inf(1), keptShare(kept, upper, chinY, len(upper) == len(samples)), kept
			}
			m, spread = fitModel(px, kept, terms, cx, eyeY, fw)
			if terms == 6 {
				if _, planeSpread := fitModel(px, kept, 3, cx, eyeY, fw); planeSpread < 1.15*spread {
					m, spread = fitModel(px, kept, 3, cx, eyeY, fw)
				}
			}
		}
		// the median residual is not pulled up by a minority of outliers
		res := make([]float64, len(samples))
		for i, p := range samples {
			res[i] = DeltaE(px.at(p.X, p.Y), m.at(float64(p.X), float64(p.Y)))
		}
		limit := math.Max(inlierDE, 4*medianOf(append([]float64(nil), res...)))
		next := kept[:0:0]
		for i, p := range samples {
			if res[i] <= limit {
				next = append(next, p)
			}
		}
		if it > 0 && len(next) == len(kept) {
			break
		}
		kept = next
	}
	return m, spread, keptShare(kept, upper, chinY, len(upper) == len(samples)), kept
}

// keptShare is the share of the upper samples that were kept (all is true
// when the upper samples are all samples).
func keptShare(kept, upper []image.Point, chinY float64, all bool) float64 {
	n := len(kept)
	if !all {
		n = 0
		for _, p := range kept {
			if float64(p.Y) <= chinY {
				n++
			}
		}
	}
	return float64(n) / float64(max(1, len(upper)))
}

// medianModel is the constant surface at the samples' per-channel median colour.
func medianModel(px labPixels, samples []image.Point, cx, eyeY, fw float64) backdropModel {
	ch := [3][]float64{}
	for _, p := range samples {
		c := px.at(p.X, p.Y)
		ch[0], ch[1], ch[2] = append(ch[0], c.L), append(ch[1], c.A), append(ch[2], c.B)
	}
	med := Lab{medianOf(ch[0]), medianOf(ch[1]), medianOf(ch[2])}
	m := backdropModel{terms: 1, cx: cx, eyeY: eyeY, fw: fw, constColor: med,
		lo: Lab{-1000, -1000, -1000}, hi: Lab{1000, 1000, 1000}}
	m.k[0][0], m.k[1][0], m.k[2][0] = med.L, med.A, med.B
	return m
}

// surrounds reports whether samples lie above the head and on both sides of
// it (enough of each to pin a curved surface down).
func surrounds(samples []image.Point, cx, eyeY, fw float64) bool {
	var above, left, right int
	for _, p := range samples {
		switch {
		case float64(p.Y) < eyeY-1.2*fw:
			above++
		case float64(p.X) < cx-fw:
			left++
		case float64(p.X) > cx+fw:
			right++
		}
	}
	need := minPlainN / 2
	return above >= need && left >= need && right >= need
}

// medianOf is the median of v (which it sorts).
func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}
