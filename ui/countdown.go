package ui

import "time"

// countdownTick is how often the on-screen countdowns move (the receipt's,
// the inactivity warning's); a variable for the tests.
var countdownTick = time.Second

// countdown calls tick on the UI goroutine every countdownTick until the
// returned channel is closed; tick gets that channel, so a tick already
// queued when its countdown stopped can tell it is stale.
func countdown(tick func(stop chan struct{})) chan struct{} {
	stop := make(chan struct{})
	t := time.NewTicker(countdownTick)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				uiDo(func() { tick(stop) })
			}
		}
	}()
	return stop
}
