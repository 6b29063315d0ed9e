package app

import (
	"context"
	"sync"
	"time"
)

// Default inactivity limits: warn at 75 s, end the session at 90 s (the
// next person must never find the previous one's data on screen).
const (
	DefaultIdleWarn    = 75 * time.Second
	DefaultIdleTimeout = 90 * time.Second
)

// IdleTimer calls OnWarn after Warn and OnExpire after Timeout without a
// Touch. After expiring it waits for the next Touch before arming again.
// Callbacks run on the timer's goroutine: UI code hands them to fyne.Do.
// They must not call Stop, which waits for that goroutine (a deadlock);
// Touch is fine.
type IdleTimer struct {
	Warn, Timeout    time.Duration
	OnWarn, OnExpire func()

	touch  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
}

// Start arms the timer; it runs until Stop or ctx ends.
func (t *IdleTimer) Start(ctx context.Context) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cancel != nil {
		return
	}
	ctx, t.cancel = context.WithCancel(ctx)
	t.touch = make(chan struct{}, 1)
	t.done = make(chan struct{})
	go t.run(ctx, t.touch, t.done)
}

// Stop ends the timer and waits for its goroutine.
func (t *IdleTimer) Stop() {
	t.mu.Lock()
	cancel, done := t.cancel, t.done
	t.cancel = nil
	t.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Touch records activity: both deadlines start again.
func (t *IdleTimer) Touch() {
	t.mu.Lock()
	ch := t.touch
	t.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (t *IdleTimer) run(ctx context.Context, touch <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	warn, expire := time.NewTimer(t.Warn), time.NewTimer(t.Timeout)
	defer warn.Stop()
	defer expire.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-touch:
			warn.Reset(t.Warn)
			expire.Reset(t.Timeout)
		case <-warn.C:
			call(t.OnWarn)
		case <-expire.C:
			warn.Stop()
			call(t.OnExpire)
		}
	}
}

func call(f func()) {
	if f != nil {
		f()
	}
}
