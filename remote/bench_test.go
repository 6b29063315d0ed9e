package remote

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/internal/jpegmark"
	"gradphoto/store"
)

// seedBig seeds n submissions quickly: one set of realistic-size photos
// (a 1920×1080 still, a 480×640 photo, two 856×540 card sides), made
// distinct per submission with a JPEG comment.
func (k *kiosk) seedBig(b testing.TB, n int) int {
	b.Helper()
	ctx := context.Background()
	base := pictures{std: testJPEG(b, 1, 480, 640), raw: testJPEG(b, 2, 1920, 1080),
		front: testJPEG(b, 3, 856, 540), back: testJPEG(b, 4, 856, 540)}
	var grads []app.RosterEntry
	for i := range n {
		grads = append(grads, graduate(i))
	}
	if _, err := k.st.ImportRoster(ctx, grads); err != nil {
		b.Fatal(err)
	}
	for i, g := range grads {
		tag := fmt.Sprint("bench ", i)
		p := pictures{std: jpegmark.Comment(base.std, tag), raw: jpegmark.Comment(base.raw, tag),
			front: jpegmark.Comment(base.front, tag), back: jpegmark.Comment(base.back, tag)}
		k.numbers[k.walk(b, g, p)] = g.Number
	}
	return len(base.std) + len(base.raw) + len(base.front) + len(base.back)
}

// peakRSS is the process's peak resident set since resetPeakRSS (Linux).
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// resetPeakRSS starts peakRSS afresh (writes 5 to /proc/self/clear_refs).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// heapSampler records the highest live heap while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return h
}

func (h *heapSampler) done() uint64 { close(h.stop); h.wg.Wait(); return h.peak.Load() }

// copyDB copies a closed SQLite database (and its key) into dir.
func copyDB(b testing.TB, from, dir string) string {
	b.Helper()
	for _, name := range []string{"kiosk.db", "gradphoto.key"} {
		src, err := os.Open(filepath.Join(from, name))
		if err != nil {
			b.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			b.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
	return filepath.Join(dir, "kiosk.db")
}

// BenchmarkSync1000: 1 000 confirmed submissions (standardised photo, the
// 1920×1080 still, both card sides: ≈ 0.5 MB each) sent by the sync worker
// to the reference server on loopback (SQLite), in one process. Reports the
// time per 1 000, the peak live heap and the peak RSS of the process while
// syncing (kiosk and server together).
//
//	go test -run '^$' -bench Sync1000 -benchtime 1x ./remote
func BenchmarkSync1000(b *testing.B) {
	const n = 1000
	ctx := context.Background()
	tmpl := b.TempDir()
	var size int
	{
		st, err := store.Open(ctx, filepath.Join(tmpl, "kiosk.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		k := &kiosk{st: st, svc: app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st,
			Audit: st, Policy: app.Policy{RequireCards: true}}), numbers: map[string]string{}}
		size = k.seedBig(b, n)
		st.Close()
	}
	var heap, rss uint64
	var took time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		srv := newServer(b, nil)
		c, _ := srv.enrol(b, "")
		st, err := store.Open(ctx, copyDB(b, tmpl, b.TempDir()), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		w := &Worker{Store: st, Client: c}
		runtime.GC()
		resetPeakRSS()
		hs := sampleHeap()
		start := time.Now()
		b.StartTimer()
		s, err := w.Round(ctx)
		b.StopTimer()
		took = time.Since(start)
		heap, rss = max(heap, hs.done()), max(rss, uint64(peakRSS()))
		if err != nil || s.Pending != 0 {
			b.Fatalf("round: %+v, %v", s, err)
		}
		var lines int
		srv.db.Manifest(ctx, func(api.ManifestLine) error { lines++; return nil })
		if lines != 4*n {
			b.Fatalf("server holds %d photos, want %d", lines, 4*n)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(took.Seconds(), "s/1000")
	b.ReportMetric(float64(size)/1e6, "MB/submission")
	b.ReportMetric(float64(heap)/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(rss)/(1<<20), "MB-peak-RSS")
}
