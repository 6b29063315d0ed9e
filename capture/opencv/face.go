package opencv

import (
	"context"
	"gradphoto/capture"
	"gradphoto/spec"
	"log"
	"sync"
	"time"

	"gradphoto/camera"
	"gradphoto/imaging"
)

// shotDeadline bounds a burst and its standardisation.
const shotDeadline = 20 * time.Second

// tickEvery is how often the countdown is advanced between checked frames.
const tickEvery = 100 * time.Millisecond

// FaceRun is the capture screen's camera at work: it shows every frame in
// its View, runs the live checks on the newest one, decides, counts down,
// shoots the burst and standardises the sharpest frame.
type FaceRun struct {
	h      *Host
	ev     capture.FaceEvents
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex // guards decide, live and the calls of ev (one at a time, in order)
	decide  *capture.Decider
	live    *imaging.Live // the live checks' memory of this person; nil: start afresh
	empty   int           // checked frames in a row with nobody in them (checker goroutine)
	stopped bool
}

// StartFace starts the camera for the face, showing frames in v.
func (h *Host) StartFace(v capture.View, ev capture.FaceEvents) (capture.FaceRun, error) {
	view, err := ownView(v)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &FaceRun{h: h, ev: ev, cancel: cancel, decide: capture.NewDecider()}
	if err := h.start(capture.PurposeFace, view, r.onFrame, r.onStatus); err != nil {
		cancel()
		return nil, err
	}
	r.wg.Add(1)
	go r.ticker(ctx)
	return r, nil
}

// Shoot takes the photo now (the assistant's button), unless a shot is
// already under way.
func (r *FaceRun) Shoot() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st, ok := r.decide.ShootNow(); ok && !r.stopped {
		r.state(st)
		r.startShot()
	}
}

// Stop ends the run: the camera stops, a shot under way is abandoned, and
// no callback comes after Stop returns. Twice is fine.
func (r *FaceRun) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.h.stop()
	r.wg.Wait()
}

// onFrame runs the live checks on the loop's checker goroutine.
func (r *FaceRun) onFrame(f camera.Frame) {
	r.mu.Lock()
	if r.live == nil {
		r.live = r.h.checks.NewLive(r.h.cfg.Profile, nil)
	}
	live := r.live
	r.mu.Unlock()
	rep, err := live.Check(f.Img, f.Scale)
	if err != nil {
		log.Print(err)
		return
	}
	r.learnIfEmpty(rep, f)
	r.mu.Lock()
	defer r.mu.Unlock()
	st, shoot := r.decide.Push(rep, f.At)
	r.state(st)
	if shoot {
		r.startShot()
	}
}

func (r *FaceRun) onStatus(connected bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	if !connected {
		r.live = nil
		r.state(r.decide.Shot()) // a countdown does not go on without a camera
	}
	if r.ev.Camera != nil {
		r.ev.Camera(connected, err)
	}
}

// ticker advances the countdown between checked frames.
func (r *FaceRun) ticker(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	last := capture.FaceState{}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			r.mu.Lock()
			st, shoot := r.decide.Tick(now)
			if st != last || shoot {
				r.state(st)
			}
			last = st
			if shoot {
				r.startShot()
			}
			r.mu.Unlock()
		}
	}
}

// state hands st to the UI. r.mu held.
func (r *FaceRun) state(st capture.FaceState) {
	if !r.stopped && r.ev.State != nil {
		r.ev.State(st)
	}
}

// startShot takes the burst on its own goroutine. r.mu held.
func (r *FaceRun) startShot() {
	if r.stopped {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), shotDeadline)
		defer cancel()
		sh, err := r.h.take(ctx)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopped {
			return
		}
		if r.ev.Shot != nil {
			r.ev.Shot(sh, err)
		}
		r.live = nil // the next frames may show someone else
		r.state(r.decide.Shot())
	}()
}

// learnIfEmpty feeds the clean plate with frames in which nobody has been
// seen for a while (checker goroutine).
func (r *FaceRun) learnIfEmpty(rep spec.Report, f camera.Frame) {
	if c, ok := rep.Get(spec.CheckOneFace); !ok || c.Value != 0 {
		r.empty = 0
		return
	}
	r.empty++
	if r.empty >= plateAfter && r.empty%plateEvery == 0 {
		r.h.learnEmpty(f.Img)
	}
}
