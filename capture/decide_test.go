package capture

import (
	"gradphoto/spec"
	"testing"
	"time"
)

// report is a live report where the checks named in fail fail (with their
// hints, "hint.ID" where the real one does not matter) and every other
// check of spec.LiveOrder passes.
func report(fail ...spec.CheckID) spec.Report {
	hints := map[spec.CheckID]spec.Hint{
		spec.CheckOneFace: spec.HintNoFace, spec.CheckDistance: spec.HintCloser,
		spec.CheckHeight: spec.HintSeat, spec.CheckLevel: spec.HintStraight,
	}
	var r spec.Report
	for _, id := range spec.LiveOrder {
		h, ok := hints[id]
		if !ok {
			h = spec.Hint("hint." + string(id))
		}
		c := spec.Check{ID: id, Pass: true, Hint: h}
		for _, f := range fail {
			c.Pass = c.Pass && f != id
		}
		r.Checks = append(r.Checks, c)
	}
	return r
}

// feeder pushes reports to a Decider at 10 checked frames per second.
type feeder struct {
	t     *testing.T
	d     *Decider
	now   time.Time
	shots int
	last  FaceState
}

func newFeeder(t *testing.T) *feeder {
	return &feeder{t: t, d: NewDecider(), now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
}

// push feeds r for dur, one frame every 100 ms, shooting when told.
func (f *feeder) push(r spec.Report, dur time.Duration) {
	for end := f.now.Add(dur); f.now.Before(end); f.now = f.now.Add(100 * time.Millisecond) {
		st, shoot := f.d.Push(r, f.now)
		f.last = st
		if shoot {
			f.shots++
			f.last = f.d.Shot()
		}
	}
}

func TestDeciderShootsAfterSteadyAndCountdown(t *testing.T) {
	f := newFeeder(t)
	f.push(report(spec.CheckOneFace), time.Second)
	if f.last.Guide != GuideSearching || f.last.Hint != string(spec.HintNoFace) {
		t.Fatalf("nobody: %+v", f.last)
	}
	// steady 0.5 s, then 3 s of countdown: the shot comes at 3.5 s, not before
	f.push(report(), 3400*time.Millisecond)
	if f.shots != 0 || f.last.Count != 1 || f.last.Guide != GuideReady || f.last.Hint != HintReady {
		t.Fatalf("after 3.4 s of passing frames: %d shots, state %+v; want counting 1", f.shots, f.last)
	}
	f.push(report(), 200*time.Millisecond)
	if f.shots != 1 {
		t.Fatalf("after 3.6 s: %d shots, want 1", f.shots)
	}
}

func TestDeciderCountdownDigits(t *testing.T) {
	f := newFeeder(t)
	var digits []int
	for range 50 {
		st, shoot := f.d.Push(report(), f.now)
		if n := len(digits); st.Count != 0 && (n == 0 || digits[n-1] != st.Count) {
			digits = append(digits, st.Count)
		}
		if shoot {
			break
		}
		f.now = f.now.Add(100 * time.Millisecond)
	}
	if len(digits) != 3 || digits[0] != 3 || digits[1] != 2 || digits[2] != 1 {
		t.Errorf("countdown showed %v, want 3 2 1", digits)
	}
}

// A single flickering frame (or a few, under 0.3 s) does not cancel the
// countdown; a failure that holds does; nobody in the frame for two frames
// cancels at once.
func TestDeciderCountdownSurvivesFlicker(t *testing.T) {
	f := newFeeder(t)
	f.push(report(), 1500*time.Millisecond) // counting since 0.5 s
	f.push(report(spec.CheckLevel), 200*time.Millisecond)
	f.push(report(), 2500*time.Millisecond)
	if f.shots != 1 {
		t.Errorf("flicker of 0.2 s: %d shots, want 1", f.shots)
	}

	f = newFeeder(t)
	f.push(report(), 1500*time.Millisecond)
	f.push(report(spec.CheckLevel), 400*time.Millisecond)
	if f.last.Count != 0 || f.last.Guide != GuideAdjust {
		t.Errorf("a failure of 0.4 s left %+v, want the countdown cancelled and the guide amber", f.last)
	}

	f = newFeeder(t)
	f.push(report(), 1500*time.Millisecond)
	f.push(report(spec.CheckOneFace), 100*time.Millisecond)
	if f.last.Count == 0 {
		t.Errorf("one frame without a face (a missed detection) cancelled the countdown: %+v", f.last)
	}
	f.push(report(spec.CheckOneFace), 100*time.Millisecond)
	if f.last.Count != 0 {
		t.Errorf("the person left: %+v, want the countdown cancelled at once", f.last)
	}
}

// A slow checker (a loaded machine: a frame every 0.4 s) with two bad
// frames keeps counting: the gap between them is not a failure that held.
func TestDeciderSlowCheckerOneBadFrame(t *testing.T) {
	d := NewDecider()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	shots := 0
	for i := range 12 {
		r := report()
		if i == 4 || i == 5 {
			r = report(spec.CheckSharp)
		}
		if _, shoot := d.Push(r, now); shoot {
			shots++
			d.Shot()
			break
		}
		now = now.Add(400 * time.Millisecond)
	}
	if shots != 1 {
		t.Errorf("two bad frames at a slow rate cancelled the countdown: %d shots", shots)
	}
}

// A check that fails every other frame never lets the countdown start:
// starting needs 0.5 s without a break.
func TestDeciderAlternatingNeverShoots(t *testing.T) {
	f := newFeeder(t)
	for range 100 {
		f.push(report(), 100*time.Millisecond)
		f.push(report(spec.CheckSharp), 100*time.Millisecond)
	}
	if f.shots != 0 {
		t.Errorf("%d shots from a flickering check, want 0", f.shots)
	}
}

// Tick advances the countdown between checked frames (a slow checker).
func TestDeciderTick(t *testing.T) {
	f := newFeeder(t)
	f.push(report(), 600*time.Millisecond) // counting since 0.5 s
	st, _ := f.d.Tick(f.now.Add(1400 * time.Millisecond))
	if st.Count != 2 {
		t.Errorf("count %d 1.5 s into the countdown, want 2", st.Count)
	}
	if _, shoot := f.d.Tick(f.now.Add(3 * time.Second)); !shoot {
		t.Error("no shot when the countdown ran out between frames")
	}
	if st, shoot := f.d.Tick(f.now.Add(4 * time.Second)); shoot || !st.Busy {
		t.Errorf("a second shot (%v) or not busy (%+v) while shooting", shoot, st)
	}
}

// ShootNow is the assistant's button: once, even without passing checks;
// nothing more until the shot is over.
func TestDeciderShootNow(t *testing.T) {
	d := NewDecider()
	st, ok := d.ShootNow()
	if !ok || !st.Busy {
		t.Fatalf("ShootNow = %+v, %v", st, ok)
	}
	if _, ok := d.ShootNow(); ok {
		t.Error("a second ShootNow while shooting")
	}
	if st, shoot := d.Push(report(), time.Now()); shoot || !st.Busy {
		t.Errorf("frame while shooting: %+v, shoot %v", st, shoot)
	}
	if st := d.Shot(); st.Busy || st.Count != 0 {
		t.Errorf("after the shot: %+v", st)
	}
	if _, ok := d.ShootNow(); !ok {
		t.Error("ShootNow refused after the shot ended")
	}
}

// A frame checked late carries the time it was taken, older than the
// clock's last tick: the countdown never runs back for it (it showed
// 3 2 1 2 1 on a loaded machine).
func TestDeciderLateFrameDoesNotRunBack(t *testing.T) {
	d := NewDecider()
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for i := range 6 { // steady from t0, counting from t0+0.5 s
		d.Push(report(), t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	st, _ := d.Tick(t0.Add(2600 * time.Millisecond))
	if st.Count != 1 {
		t.Fatalf("at 2.6 s the count is %d, want 1", st.Count)
	}
	st, _ = d.Push(report(), t0.Add(900*time.Millisecond)) // a frame taken at 0.9 s, checked now
	if st.Count != 1 {
		t.Errorf("a late frame turned the count back to %d", st.Count)
	}
}
