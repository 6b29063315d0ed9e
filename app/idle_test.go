package app_test

import (
	"context"
	"testing"
	"time"

	"gradphoto/app"
)

// Timing: the timers are short, but every wait for an event is generous
// (patience) and assertions only use lower bounds on elapsed time (a timer
// never fires early), so a slow machine cannot make the tests fail.
const patience = 2 * time.Second

type idleEvent struct {
	kind string // "warn" or "expire"
	at   time.Time
}

// newIdle returns an IdleTimer whose callbacks report on the channel.
func newIdle(warn, timeout time.Duration) (*app.IdleTimer, chan idleEvent) {
	ch := make(chan idleEvent, 64)
	t := &app.IdleTimer{
		Warn: warn, Timeout: timeout,
		OnWarn:   func() { ch <- idleEvent{"warn", time.Now()} },
		OnExpire: func() { ch <- idleEvent{"expire", time.Now()} },
	}
	return t, ch
}

func next(t *testing.T, ch <-chan idleEvent, want string) idleEvent {
	t.Helper()
	select {
	case e := <-ch:
		if e.kind != want {
			t.Fatalf("got %s, want %s", e.kind, want)
		}
		return e
	case <-time.After(patience):
		t.Fatalf("no %s within %v", want, patience)
	}
	return idleEvent{}
}

// quiet asserts that nothing fires during d.
func quiet(t *testing.T, ch <-chan idleEvent, d time.Duration) {
	t.Helper()
	select {
	case e := <-ch:
		t.Fatalf("unexpected %s", e.kind)
	case <-time.After(d):
	}
}

func TestIdleWarnsThenExpires(t *testing.T) {
	timer, ch := newIdle(40*time.Millisecond, 80*time.Millisecond)
	start := time.Now()
	timer.Start(context.Background())
	defer timer.Stop()

	w := next(t, ch, "warn")
	e := next(t, ch, "expire")
	if d := w.at.Sub(start); d < 40*time.Millisecond {
		t.Errorf("warned after %v, before Warn", d)
	}
	if d := e.at.Sub(start); d < 80*time.Millisecond {
		t.Errorf("expired after %v, before Timeout", d)
	}
}

func TestIdleExpiresOnceUntilTouched(t *testing.T) {
	timer, ch := newIdle(40*time.Millisecond, 80*time.Millisecond)
	timer.Start(context.Background())
	defer timer.Stop()
	next(t, ch, "warn")
	next(t, ch, "expire")

	// Expired: nothing more, however long the kiosk stays idle.
	quiet(t, ch, 300*time.Millisecond)

	// The next graduate touches the screen: armed again.
	touched := time.Now()
	timer.Touch()
	w := next(t, ch, "warn")
	e := next(t, ch, "expire")
	if d := w.at.Sub(touched); d < 40*time.Millisecond {
		t.Errorf("warned %v after the touch, before Warn", d)
	}
	if d := e.at.Sub(touched); d < 80*time.Millisecond {
		t.Errorf("expired %v after the touch, before Timeout", d)
	}
	quiet(t, ch, 200*time.Millisecond)
}

func TestIdleTouchPostpones(t *testing.T) {
	const warn, timeout = 300 * time.Millisecond, 600 * time.Millisecond
	timer, ch := newIdle(warn, timeout)
	start := time.Now()
	timer.Start(context.Background())
	defer timer.Stop()

	time.Sleep(warn / 3)
	touched := time.Now()
	if touched.Sub(start) > warn/2 {
		t.Skipf("machine too slow: the touch came %v after start", touched.Sub(start))
	}
	timer.Touch()

	w := next(t, ch, "warn")
	e := next(t, ch, "expire")
	if d := w.at.Sub(touched); d < warn {
		t.Errorf("warned %v after the touch; the touch did not postpone the warning", d)
	}
	if d := e.at.Sub(touched); d < timeout {
		t.Errorf("expired %v after the touch; the touch did not postpone the expiry", d)
	}
}

func TestIdleTouchAfterWarningPostponesExpiry(t *testing.T) {
	const warn, timeout = 40 * time.Millisecond, 600 * time.Millisecond
	timer, ch := newIdle(warn, timeout)
	start := time.Now()
	timer.Start(context.Background())
	defer timer.Stop()

	next(t, ch, "warn")
	// The graduate answers the warning.
	touched := time.Now()
	if touched.Sub(start) > timeout/2 {
		t.Skipf("machine too slow: the warning was answered %v after start", touched.Sub(start))
	}
	timer.Touch()
	w := next(t, ch, "warn") // warned again: the warning is re-armed too
	e := next(t, ch, "expire")
	if d := w.at.Sub(touched); d < warn {
		t.Errorf("second warning %v after the touch", d)
	}
	if d := e.at.Sub(touched); d < timeout {
		t.Errorf("expired %v after the touch; the touch did not postpone it", d)
	}
}

func TestIdleStop(t *testing.T) {
	timer, ch := newIdle(40*time.Millisecond, 80*time.Millisecond)
	timer.Start(context.Background())

	stopped := make(chan struct{})
	go func() {
		timer.Stop()
		timer.Stop() // twice is safe
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(patience):
		t.Fatal("Stop did not return")
	}
	timer.Touch() // after Stop: no panic, no effect
	quiet(t, ch, 300*time.Millisecond)

	// Stopped timers start again.
	timer.Start(context.Background())
	next(t, ch, "warn")
	timer.Stop()
}

func TestIdleStopBeforeStartAndTouchBeforeStart(t *testing.T) {
	timer, ch := newIdle(10*time.Millisecond, 20*time.Millisecond)
	timer.Touch()
	timer.Stop()
	quiet(t, ch, 100*time.Millisecond)
}

func TestIdleStartTwiceRunsOneTimer(t *testing.T) {
	timer, ch := newIdle(40*time.Millisecond, 80*time.Millisecond)
	timer.Start(context.Background())
	timer.Start(context.Background())
	defer timer.Stop()
	next(t, ch, "warn")
	next(t, ch, "expire")
	quiet(t, ch, 300*time.Millisecond) // a second goroutine would warn and expire again
}

func TestIdleContextEnds(t *testing.T) {
	timer, ch := newIdle(40*time.Millisecond, 80*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	timer.Start(ctx)
	cancel()
	quiet(t, ch, 300*time.Millisecond)
	done := make(chan struct{})
	go func() { timer.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(patience):
		t.Fatal("Stop after the context ended did not return")
	}
}

func TestIdleNilCallbacks(t *testing.T) {
	timer := &app.IdleTimer{Warn: 5 * time.Millisecond, Timeout: 10 * time.Millisecond}
	timer.Start(context.Background())
	time.Sleep(50 * time.Millisecond)
	timer.Touch()
	timer.Stop()
}

func TestIdleDefaults(t *testing.T) {
	if app.DefaultIdleWarn != 75*time.Second || app.DefaultIdleTimeout != 90*time.Second {
		t.Errorf("defaults %v / %v, want 75 s / 90 s (the documented defaults)", app.DefaultIdleWarn, app.DefaultIdleTimeout)
	}
}
