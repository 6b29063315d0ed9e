package camera

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// benchLoop runs a Loop on the unpaced 720p clip until Preview has seen
// b.N frames after the first, and reports ns and allocations per frame
// (H.264 decoding included: it is what a file camera costs).
func benchLoop(b *testing.B, check func(Frame)) {
	path := testClip(b, "still720")
	var n atomic.Int64
	first, done := make(chan struct{}), make(chan struct{})
	target := int64(b.N) + 1
	l := &Loop{
		Source: NewFile(path, Options{Loop: true}),
		Preview: func(f Frame) {
			switch n.Add(1) {
			case 1:
				close(first)
			case target:
				close(done)
			}
		},
		Check: check,
	}
	if err := l.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer l.Stop()
	<-first
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	<-done
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "frames/s")
	if s := l.Stats(); check != nil {
		b.ReportMetric(float64(s.Checked)/float64(s.Read), "checked/read")
	}
}

// BenchmarkLoopPreview720p: reader → Preview, per frame.
func BenchmarkLoopPreview720p(b *testing.B) { benchLoop(b, nil) }

// BenchmarkLoopPreview720pWithCheck: the same with a Check that takes as
// long as the live checks (8 ms); the check copy is made on the reader.
func BenchmarkLoopPreview720pWithCheck(b *testing.B) {
	benchLoop(b, func(Frame) { time.Sleep(8 * time.Millisecond) })
}

// BenchmarkFileRead720p: the file source alone (decode into a reused Mat).
func BenchmarkFileRead720p(b *testing.B) {
	s := NewFile(testClip(b, "still720"), Options{Loop: true})
	if err := s.Open(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	m := gocv.NewMat()
	defer m.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Read(&m); err != nil {
			b.Fatal(err)
		}
	}
}
