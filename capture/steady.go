package capture

import (
	"time"

	"gradphoto/spec"
)

// Steadier smooths live results over frames, so hints do not flicker: a
// hint is shown once it has been the frame's hint in Need of the last
// Window frames, and Steady says how long every check has passed without a
// break (the capture screen starts its countdown after 0.5 s). Times come from the
// caller. The zero value shows each frame's hint as it comes.
type Steadier struct {
	Window, Need int

	recent    []spec.Hint
	shown     spec.Hint
	passSince time.Time
	passing   bool
}

// Push adds the report of the frame taken at `at` and returns the hint to
// show and how long all checks have held.
func (s *Steadier) Push(r spec.Report, at time.Time) (spec.Hint, time.Duration) {
	h := r.Hint()
	s.recent = append(s.recent, h)
	if w := max(1, s.Window); len(s.recent) > w {
		s.recent = s.recent[len(s.recent)-w:]
	}
	if s.count(h) >= max(1, s.Need) {
		s.shown = h
	}
	if !r.Pass() {
		s.passing = false
		return s.shown, 0
	}
	if !s.passing {
		s.passing, s.passSince = true, at
	}
	return s.shown, at.Sub(s.passSince)
}

// Reset forgets the history (a new person, or the camera came back).
func (s *Steadier) Reset() { *s = Steadier{Window: s.Window, Need: s.Need} }

func (s *Steadier) count(h spec.Hint) int {
	n := 0
	for _, x := range s.recent {
		if x == h {
			n++
		}
	}
	return n
}
