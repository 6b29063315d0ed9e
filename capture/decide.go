package capture

import (
	"gradphoto/spec"
	"time"
)

// Guide is what the live checks say about the person or the card in front
// of the camera; the UI colours the guide from it.
type Guide int

// Guide states.
const (
	GuideSearching Guide = iota // nobody, several people, or not the card wanted
	GuideAdjust                 // someone is there and a check fails
	GuideReady                  // every check passes
)

// HintReady is the hint key shown while every check passes.
const HintReady = "hint.ready"

// FaceState is what the capture screen shows: the guide's state, one hint
// (a translation key), the countdown digit (0: none) and whether a burst is
// being taken and standardised.
type FaceState struct {
	Guide Guide
	Hint  string
	Count int
	Busy  bool
}

// Default capture timing: all checks steady for 0.5 s start a 3-2-1
// countdown (a graduate who sits still is photographed within 4 s); a
// failure cancels it once it has held for 0.3 s (a single flickering frame
// does not), nobody in the frame cancels it at once.
const (
	DefaultSteady    = 500 * time.Millisecond
	DefaultCountFrom = 3
	DefaultGrace     = 300 * time.Millisecond
	hintWindow       = 6 // frames over which hints are smoothed
	hintNeed         = 4
	failFrames       = 3 // failing frames in a row (besides Grace) that cancel a countdown
	nobodyFrames     = 2 // frames in a row with nobody that cancel it
)

// Decider is the capture decision, fed with the live checks of each frame
// and with clock ticks; it says what to show and when to shoot. It is pure
// (times come from the caller) and not safe for concurrent use.
type Decider struct {
	Steady    time.Duration // every check passing this long starts the countdown
	CountFrom int           // the countdown's first digit
	Grace     time.Duration // a failure must hold this long to cancel the countdown

	hints     Steadier
	state     FaceState
	counting  bool
	countFrom time.Time // when the countdown started
	failSince time.Time // first failing frame during the countdown; zero: none
	failing   int       // failing frames in a row during the countdown
	latest    time.Time // the latest time the countdown was shown at: it never runs back
	shooting  bool
}

// NewDecider returns a Decider with the default timing.
func NewDecider() *Decider {
	d := &Decider{Steady: DefaultSteady, CountFrom: DefaultCountFrom, Grace: DefaultGrace,
		hints: Steadier{Window: hintWindow, Need: hintNeed}}
	d.Reset()
	return d
}

// Reset forgets everything: a new person, a camera that came back, a shot
// that was refused.
func (d *Decider) Reset() {
	d.hints.Reset()
	d.state = FaceState{Hint: string(spec.HintNoFace)}
	d.counting, d.shooting = false, false
	d.failSince, d.failing = time.Time{}, 0
}

// Push takes the live checks of the frame taken at `at`. shoot is true once,
// when the countdown has run out.
func (d *Decider) Push(r spec.Report, at time.Time) (st FaceState, shoot bool) {
	hint, steady := d.hints.Push(r, at)
	if d.shooting {
		return d.state, false
	}
	if g, key, ok := guideFor(hint, r.Pass()); ok {
		d.state.Guide, d.state.Hint = g, key
	}
	switch {
	case d.counting && r.Pass():
		d.failSince, d.failing = time.Time{}, 0
	case d.counting:
		if d.failSince.IsZero() {
			d.failSince = at
		}
		d.failing++
		// nobody (or a second face) twice running cancels at once; any
		// other failure must hold for Grace and over a few frames, so one
		// bad frame from a slow checker does not count as held
		if nobody(r) && d.failing >= nobodyFrames || d.failing >= failFrames && at.Sub(d.failSince) >= d.Grace {
			d.cancel()
		}
	case r.Pass() && steady >= d.Steady:
		d.counting, d.countFrom, d.failSince = true, at, time.Time{}
	}
	return d.Tick(at)
}

// Tick advances the countdown to `at`. shoot is true once, when it has run
// out.
//
// Frames come with the time they were taken and the clock ticks with the
// time now; a frame checked late (a loaded machine) carries an older time
// than the last tick, and the countdown must not run back for it.
func (d *Decider) Tick(at time.Time) (st FaceState, shoot bool) {
	if at.Before(d.latest) {
		at = d.latest
	}
	d.latest = at
	if !d.counting || d.shooting {
		return d.state, false
	}
	left := d.CountFrom - int(at.Sub(d.countFrom)/time.Second)
	if left > 0 {
		d.state.Count = left
		return d.state, false
	}
	return d.ShootNow()
}

// ShootNow starts a shot at once (the assistant's button); ok is false when
// one is already under way.
func (d *Decider) ShootNow() (st FaceState, ok bool) {
	if d.shooting {
		return d.state, false
	}
	d.counting, d.shooting = false, true
	d.state.Count, d.state.Busy = 0, true
	return d.state, true
}

// Shot ends a shot: the checks start afresh (after a refusal the graduate
// is coached again; after a good shot the screen moves on).
func (d *Decider) Shot() FaceState {
	d.Reset()
	return d.state
}

func (d *Decider) cancel() {
	d.counting, d.failSince, d.failing = false, time.Time{}, 0
	d.state.Count = 0
}

// nobody reports whether the frame has no face or several: the person left
// or someone stepped in, which cancels a countdown at once.
func nobody(r spec.Report) bool {
	c, ok := r.Get(spec.CheckOneFace)
	return ok && !c.Pass
}

// guideFor is the guide's state and hint key for a smoothed hint; "ready"
// needs the frame itself to pass as well. ok is false when the screen
// should keep what it shows.
func guideFor(hint spec.Hint, pass bool) (Guide, string, bool) {
	switch {
	case hint == spec.HintNone && pass:
		return GuideReady, HintReady, true
	case hint == spec.HintOneFace || hint == spec.HintNoFace:
		return GuideSearching, string(hint), true
	case hint != spec.HintNone:
		return GuideAdjust, string(hint), true
	}
	return 0, "", false
}
