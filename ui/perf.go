package ui

import (
	"context"
	"fmt"
	"os"
	"time"
)

// PerfEnv set to 1 makes the camera screens log their preview's
// measurement (PerfReport) every PerfInterval: see LogPerf.
const PerfEnv = "GRADPHOTO_PERF"

// PerfInterval is how often LogPerf logs: the window of PreviewStats.
const PerfInterval = previewStatsWindow

// Budgets of DESIGN §7 the preview is measured against.
const (
	PerfMinFPS     = 25                    // frames shown per second with the checks running (camera: 30)
	PerfMaxLatency = 50 * time.Millisecond // camera frame → on screen, p95
)

// PerfEnabled reports whether GRADPHOTO_PERF=1.
func PerfEnabled() bool { return os.Getenv(PerfEnv) == "1" }

// PerfReport is one line on the preview's last 2 s, e.g.
// "preview: 29.8 fps shown, latency p50 18 ms p95 31 ms max 44 ms, SetFrame p50 1.1 ms p95 1.4 ms (600 shown, 0 replaced)".
func PerfReport(v *Preview) string { return FormatPreviewStats(v.Stats()) }

// FormatPreviewStats writes s as PerfReport does.
func FormatPreviewStats(s PreviewStats) string {
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

// LogPerf logs PerfReport(v) with logf every PerfInterval until ctx ends,
// when GRADPHOTO_PERF=1 (else it does nothing). It returns at once; it
// reads only the preview's statistics, so it needs no fyne.Do. A camera
// screen calls it when it starts its camera loop:
//
//	ui.LogPerf(ctx, s.view, log.Printf)
func LogPerf(ctx context.Context, v *Preview, logf func(format string, args ...any)) {
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
					logf("%s", FormatPreviewStats(st))
				}
			}
		}
	}()
}
