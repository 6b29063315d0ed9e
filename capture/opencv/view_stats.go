package opencv

import (
	"gradphoto/capture"
	"math"
	"slices"
	"time"
)

// statsWindow is the window of Stats' rates and percentiles.
const statsWindow = capture.PerfInterval

// statsRingSize records about 34 s of frames at 30 fps.
const statsRingSize = 1024

// viewStats are a View's counters and recent samples (View.mu held).
type viewStats struct {
	received, replaced, shown, lastSeq uint64
	firstPaint                         time.Time
	paints                             statsRing // paint time, latency
	converts                           statsRing // SetFrame end, SetFrame duration
}

func (s *viewStats) painted(now time.Time, b *viewBuffer) {
	s.shown++
	s.lastSeq = b.seq
	if s.firstPaint.IsZero() {
		s.firstPaint = now
	}
	lat := time.Duration(-1)
	if !b.at.IsZero() {
		lat = now.Sub(b.at)
	}
	s.paints.add(now, lat)
}

type statsSample struct {
	at time.Time
	d  time.Duration
}

type statsRing struct {
	s [statsRingSize]statsSample
	n int // samples written in total
}

func (r *statsRing) add(at time.Time, d time.Duration) {
	r.s[r.n%statsRingSize] = statsSample{at, d}
	r.n++
}

// between returns the durations of the samples taken in (from, to].
func (r *statsRing) between(from, to time.Time) []time.Duration {
	var out []time.Duration
	for i := max(0, r.n-statsRingSize); i < r.n; i++ {
		if s := r.s[i%statsRingSize]; s.at.After(from) && !s.at.After(to) {
			out = append(out, s.d)
		}
	}
	return out
}

// Stats measures the last 2 s.
func (v *View) Stats() capture.PreviewStats {
	return v.statsOver(time.Now(), statsWindow)
}

// StatsOver measures the last window (at most about 30 s are kept).
func (v *View) StatsOver(window time.Duration) capture.PreviewStats {
	return v.statsOver(time.Now(), window)
}

// statsOver measures the window ending at now.
func (v *View) statsOver(now time.Time, window time.Duration) capture.PreviewStats {
	from := now.Add(-window)
	v.mu.Lock()
	s := &v.stats
	st := capture.PreviewStats{Shown: s.shown, Received: s.received, Replaced: s.replaced, Seq: s.lastSeq}
	lats := s.paints.between(from, now)
	convs := s.converts.between(from, now)
	first := s.firstPaint
	v.mu.Unlock()

	if span := now.Sub(first); !first.IsZero() && span > 0 {
		st.FPS = float64(len(lats)) / min(window, span).Seconds()
	}
	lats = slices.DeleteFunc(lats, func(d time.Duration) bool { return d < 0 }) // frames without a time
	if len(lats) > 0 {
		slices.Sort(lats)
		st.LatencyP50 = percentile(lats, 0.50)
		st.LatencyP95 = percentile(lats, 0.95)
		st.LatencyMax = lats[len(lats)-1]
	}
	if len(convs) > 0 {
		slices.Sort(convs)
		st.ConvertP50 = percentile(convs, 0.50)
		st.ConvertP95 = percentile(convs, 0.95)
	}
	return st
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(len(sorted)-1, i))]
}
