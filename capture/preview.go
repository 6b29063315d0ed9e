package capture

import (
	"context"
	"fmt"
	"os"
	"time"
)

// PreviewStats measure a View against the kiosk's budget: camera frame →
// on screen ≤ 50 ms, 30 fps sustained.
type PreviewStats struct {
	Shown    uint64 // frames painted since the View was made
	Received uint64 // frames converted
	Replaced uint64 // frames replaced by a newer one before they were painted
	Seq      uint64 // the camera's sequence number of the frame painted last

	FPS        float64       // frames painted per second
	LatencyP50 time.Duration // camera read → painted
	LatencyP95 time.Duration
	LatencyMax time.Duration
	ConvertP50 time.Duration // the conversion's own time (resize, colour, mirror, guide)
	ConvertP95 time.Duration
}

// Preview budgets.
const (
	PerfMinFPS     = 25                    // frames shown per second with the checks running (camera: 30)
	PerfMaxLatency = 50 * time.Millisecond // camera frame → on screen, p95
)

// PerfEnv set to 1 makes the camera screens log their preview's
// measurement every PerfInterval: see LogPerf.
const PerfEnv = "GRADPHOTO_PERF"

// PerfInterval is how often LogPerf logs: the window of View.Stats.
const PerfInterval = 2 * time.Second

// String is one line on the stats, e.g. "preview: 29.8 fps shown, latency
// p50 18 ms p95 31 ms max 44 ms, SetFrame p50 1.1 ms p95 1.4 ms (600
// shown, 0 replaced)".
func (s PreviewStats) String() string {
	return fmt.Sprintf("preview: %.1f fps shown, latency p50 %s p95 %s max %s, SetFrame p50 %s p95 %s (%d shown, %d replaced)",
		s.FPS, ms(s.LatencyP50), ms(s.LatencyP95), ms(s.LatencyMax), ms(s.ConvertP50), ms(s.ConvertP95), s.Shown, s.Replaced)
}

// ms writes d in milliseconds: whole ones from 10 ms, else one decimal.
func ms(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return fmt.Sprintf("%.0f ms", d.Seconds()*1000)
	}
	return fmt.Sprintf("%.1f ms", d.Seconds()*1000)
}

// PerfEnabled reports whether GRADPHOTO_PERF=1.
func PerfEnabled() bool { return os.Getenv(PerfEnv) == "1" }

// LogPerf logs v's stats with logf every PerfInterval until ctx ends, when
// GRADPHOTO_PERF=1 (else it does nothing). It returns at once.
func LogPerf(ctx context.Context, v View, logf func(format string, args ...any)) {
	if !PerfEnabled() {
		return
	}
	go func() {
		t := time.NewTicker(PerfInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if st := v.Stats(); st.Shown > 0 {
					logf("%s", st)
				}
			}
		}
	}()
}
