package ui

import "time"

// countdownTick is how often the on-screen countdowns move (the receipt's,
// the inactivity warning's, the payment's); a variable for the tests.
var countdownTick = time.Second

// clock is a running countdown (see countdown).
type clock struct{ stop, done chan struct{} }

// countdown calls tick on the UI goroutine every countdownTick until Stop;
// tick gets its clock, so a tick already queued when its countdown stopped
// can tell it is stale.
func countdown(tick func(c *clock)) *clock {
	c := &clock{stop: make(chan struct{}), done: make(chan struct{})}
	t := time.NewTicker(countdownTick)
	do := uiDo // as it is now: a test swaps it back when it ends
	go func() {
		defer close(c.done)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				do(func() { tick(c) })
			}
		}
	}()
	return c
}

// Stop ends the countdown and waits until its goroutine is gone, so no
// tick is handed over after it (uiDo never blocks: Fyne's queue is
// unbounded).
func (c *clock) Stop() {
	close(c.stop)
	<-c.done
}
