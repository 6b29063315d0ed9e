package capture

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPreviewStatsString(t *testing.T) {
	s := PreviewStats{Shown: 598, Replaced: 2, FPS: 29.84,
		LatencyP50: 18200 * time.Microsecond, LatencyP95: 31 * time.Millisecond, LatencyMax: 44 * time.Millisecond,
		ConvertP50: 1100 * time.Microsecond, ConvertP95: 1400 * time.Microsecond}.String()
	want := "preview: 29.8 fps shown, latency p50 18 ms p95 31 ms max 44 ms, SetFrame p50 1.1 ms p95 1.4 ms (598 shown, 2 replaced)"
	if s != want {
		t.Errorf("got  %q\nwant %q", s, want)
	}
}

// statsView is a View that has shown frames (LogPerf reads only Stats).
type statsView struct{ View }

func (statsView) Stats() PreviewStats { return PreviewStats{Shown: 30, FPS: 30} }

func TestLogPerf(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		lines = append(lines, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Setenv(PerfEnv, "")
	LogPerf(ctx, statsView{}, logf)
	t.Setenv(PerfEnv, "1")
	LogPerf(ctx, statsView{}, logf)
	time.Sleep(PerfInterval + 300*time.Millisecond)
	cancel()
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "preview: 30.0 fps") {
		t.Errorf("logged %q, want one preview line (only the logger started with %s=1)", lines, PerfEnv)
	}
}
