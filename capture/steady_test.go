package capture

import (
	"testing"
	"time"

	"gradphoto/spec"
)

func TestSteadierSmoothsHints(t *testing.T) {
	s := Steadier{Window: 5, Need: 3}
	t0 := time.Unix(0, 0)
	frames := []spec.Report{report(spec.CheckCentre), report(spec.CheckCentre), report(spec.CheckSharp), report(spec.CheckCentre), report(spec.CheckSharp), report(spec.CheckSharp)}
	want := []spec.Hint{"", "", "", "hint.centre", "hint.centre", "hint.sharp"}
	for i, r := range frames {
		got, _ := s.Push(r, t0.Add(time.Duration(i)*33*time.Millisecond))
		if got != want[i] {
			t.Errorf("frame %d: hint %q, want %q", i, got, want[i])
		}
	}
}

func TestSteadierCountsPassingTime(t *testing.T) {
	var s Steadier
	t0 := time.Unix(100, 0)
	if _, d := s.Push(report(), t0); d != 0 {
		t.Errorf("first passing frame: steady %v, want 0", d)
	}
	if _, d := s.Push(report(), t0.Add(500*time.Millisecond)); d != 500*time.Millisecond {
		t.Errorf("steady %v, want 500ms", d)
	}
	if _, d := s.Push(report(spec.CheckLevel), t0.Add(600*time.Millisecond)); d != 0 {
		t.Errorf("a failing frame must break the streak, got %v", d)
	}
	if _, d := s.Push(report(), t0.Add(700*time.Millisecond)); d != 0 {
		t.Errorf("the streak restarts at the next pass, got %v", d)
	}
	s.Reset()
	if h, d := s.Push(report(spec.CheckEyes), t0); h != "hint.eyes" || d != 0 {
		t.Errorf("after reset: %q %v", h, d)
	}
}
