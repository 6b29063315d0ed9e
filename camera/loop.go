package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"gocv.io/x/gocv"
)

// Loop defaults.
const (
	DefaultRetry      = 2 * time.Second
	DefaultCheckWidth = 1280
)

// ErrStopped is returned by Burst when the loop is not running or stops
// before the burst is complete.
var ErrStopped = errors.New("camera: loop not running")

// Frame is one camera frame. Img belongs to the loop and is valid only
// during the callback: copy what you keep.
type Frame struct {
	Img   gocv.Mat
	Seq   uint64    // 1, 2, … in reading order, over reconnects
	At    time.Time // when Read returned
	Scale float64   // full-resolution width ÷ Img's width (1 for preview and burst frames)
}

// Stats are the loop's counters since Start.
type Stats struct {
	Read          uint64  // frames read
	Checked       uint64  // frames Check was called with
	DroppedChecks uint64  // frames replaced in the check mailbox before Check took them
	FPS           float64 // frames read per second over the last 2 s
	Connected     bool    // the source delivers frames
}

// Loop reads a Source on its own goroutine. Set the fields, then Start; do
// not change them while it runs.
//
// The reader reads every frame into one of two reused Mats (no allocation
// per frame), calls Preview with it, puts a copy reduced to CheckWidth into
// a one-slot mailbox for the checker goroutine — a frame still waiting there
// is replaced (newest wins, counted in DroppedChecks), so a slow Check never
// delays the camera or works on stale frames — and copies frames for Burst.
// When the source fails it reports Status(false, err), closes it and tries
// Open and Read again every Retry until a frame comes (Status(true, nil)).
//
// The callbacks must not call Stop or Burst (both wait for the reader that
// is calling them): hand the request to another goroutine.
type Loop struct {
	Source Source
	// Retry is the wait between attempts to reopen a failed source
	// (default 2 s).
	Retry time.Duration
	// CheckWidth: Check frames are reduced (area interpolation) to this
	// width; narrower frames are copied as they are (default 1280).
	CheckWidth int
	// Preview gets every frame on the reader goroutine. It must be quick
	// (convert into a reused buffer and hand that to the UI).
	Preview func(f Frame)
	// Check gets the newest frame not yet checked, reduced, on its own
	// goroutine. Frames that arrive while it works replace each other.
	Check func(f Frame)
	// Status is called on the reader goroutine when the source connects
	// (true, nil) or fails (false, why); at a file's or folder's end without
	// Options.Loop it is (false, io.EOF) and the loop reads no more.
	Status func(connected bool, err error)

	mu  sync.Mutex
	run *run

	read, checked, dropped atomic.Uint64
	connected              atomic.Bool
	rate                   rateMeter
}

// run is one Start…Stop.
type run struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when both goroutines ended and the Mats are freed

	bmu    sync.Mutex
	bursts []*burstReq
	ended  error // set when the reader ended
}

// Start starts the reader and checker goroutines and returns at once; they
// run until Stop or until ctx ends. The source is opened by the reader.
func (l *Loop) Start(ctx context.Context) error {
	if l.Source == nil {
		return errors.New("camera: loop without a source")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.run != nil {
		select {
		case <-l.run.done:
		default:
			return errors.New("camera: loop already running")
		}
	}
	l.read.Store(0)
	l.checked.Store(0)
	l.dropped.Store(0)
	l.connected.Store(false)
	l.rate.reset()
	ctx, cancel := context.WithCancel(ctx)
	r := &run{cancel: cancel, done: make(chan struct{})}
	l.run = r
	mb := newMailbox()
	checkerDone := make(chan struct{})
	if l.Check != nil {
		go l.checker(ctx, mb, checkerDone)
	} else {
		close(checkerDone)
	}
	go l.reader(ctx, r, mb, checkerDone)
	return nil
}

// Stop ends both goroutines, closes the source and waits for all that. It
// is safe to call twice, and before Start.
func (l *Loop) Stop() {
	l.mu.Lock()
	r := l.run
	l.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
}

// Stats returns the counters.
func (l *Loop) Stats() Stats {
	return Stats{
		Read:          l.read.Load(),
		Checked:       l.checked.Load(),
		DroppedChecks: l.dropped.Load(),
		FPS:           l.rate.fps(time.Now()),
		Connected:     l.connected.Load(),
	}
}

// Burst returns copies of the next n full-resolution frames (the caller
// closes them). It fails when the source fails before the n-th frame (with
// that error), when the loop stops (ErrStopped) or when ctx ends.
func (l *Loop) Burst(ctx context.Context, n int) ([]gocv.Mat, error) {
	if n <= 0 {
		return nil, fmt.Errorf("camera: burst of %d frames", n)
	}
	l.mu.Lock()
	r := l.run
	l.mu.Unlock()
	if r == nil {
		return nil, ErrStopped
	}
	req := &burstReq{n: n, out: make(chan burstResult, 1)}
	r.bmu.Lock()
	if r.ended != nil {
		r.bmu.Unlock()
		return nil, r.ended
	}
	r.bursts = append(r.bursts, req)
	r.bmu.Unlock()
	select {
	case res := <-req.out:
		return res.mats, res.err
	case <-ctx.Done():
		req.mu.Lock()
		req.abandoned = true
		req.mu.Unlock()
		select { // delivered just before it was abandoned
		case res := <-req.out:
			CloseAll(res.mats)
		default:
		}
		return nil, ctx.Err()
	}
}

// linkState is what Status last said.
type linkState int

const (
	linkUnknown linkState = iota
	linkUp
	linkDown
)

// report calls Status when the link changes.
func (l *Loop) report(st *linkState, up bool, err error) {
	want := linkDown
	if up {
		want = linkUp
	}
	if *st == want {
		return
	}
	*st = want
	l.connected.Store(up)
	if up {
		l.rate.connect(time.Now())
	}
	if l.Status != nil {
		l.Status(up, err)
	}
}

// reader is the camera goroutine: open, read, hand out, and on failure
// close, report and try again, until ctx ends.
func (l *Loop) reader(ctx context.Context, r *run, mb *mailbox, checkerDone <-chan struct{}) {
	src := l.Source
	retry := l.Retry
	if retry <= 0 {
		retry = DefaultRetry
	}
	pacing, _ := src.(stopper)
	if pacing != nil {
		pacing.setStop(ctx.Done())
	}
	frames := [2]gocv.Mat{gocv.NewMat(), gocv.NewMat()}
	var (
		state linkState
		open  bool
		seq   uint64
		cur   int
	)
	// fail closes the source after err and waits to try again; false: stop.
	fail := func(err error) bool {
		src.Close()
		open = false
		r.failBursts(err, false)
		l.report(&state, false, err)
		if errors.Is(err, io.EOF) {
			<-ctx.Done()
			return false
		}
		t := time.NewTimer(retry)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for ctx.Err() == nil {
		if !open {
			if err := src.Open(); err != nil {
				if !fail(err) {
					break
				}
				continue
			}
			open = true
		}
		m := &frames[cur] // the other one still holds the previous frame
		cur ^= 1
		err := src.Read(m)
		at := time.Now()
		if err != nil {
			if !fail(err) {
				break
			}
			continue
		}
		if ctx.Err() != nil {
			break
		}
		l.report(&state, true, nil)
		seq++
		l.hand(r, mb, Frame{Img: *m, Seq: seq, At: at, Scale: 1})
	}
	src.Close()
	if pacing != nil {
		pacing.setStop(nil)
	}
	r.failBursts(ErrStopped, true)
	<-checkerDone
	mb.close()
	frames[0].Close()
	frames[1].Close()
	l.connected.Store(false)
	close(r.done)
}

// hand gives a frame to Preview, to the check mailbox (reduced) and to the
// bursts waiting.
func (l *Loop) hand(r *run, mb *mailbox, f Frame) {
	l.read.Add(1)
	l.rate.add(f.At)
	if l.Preview != nil {
		l.Preview(f)
	}
	if l.Check != nil {
		width := l.CheckWidth
		if width <= 0 {
			width = DefaultCheckWidth
		}
		mb.spare.fill(f.Img, f, width)
		if mb.post() {
			l.dropped.Add(1)
		}
	}
	r.serveBursts(f.Img)
}

func (l *Loop) checker(ctx context.Context, mb *mailbox, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-mb.wake:
		}
		sl := mb.take()
		if sl == nil {
			continue
		}
		l.Check(sl.f)
		l.checked.Add(1)
		mb.give(sl)
	}
}

// checkSlot is one reduced frame for Check.
type checkSlot struct {
	img gocv.Mat
	f   Frame
}

// fill reduces src into the slot.
func (s *checkSlot) fill(src gocv.Mat, f Frame, width int) {
	w, h := src.Cols(), src.Rows()
	if w > width {
		nh := max(1, int(math.Round(float64(h)*float64(width)/float64(w))))
		gocv.Resize(src, &s.img, image.Pt(width, nh), 0, 0, gocv.InterpolationArea)
	} else {
		src.CopyTo(&s.img)
	}
	f.Img = s.img
	f.Scale = float64(w) / float64(s.img.Cols())
	s.f = f
}

// mailbox hands the checker the newest reduced frame through one slot.
// Three slots circulate: the one the reader fills (spare, reader-only), the
// one waiting (pending) and the one being checked; free holds the rest.
type mailbox struct {
	mu      sync.Mutex
	all     [3]*checkSlot
	spare   *checkSlot
	pending *checkSlot
	free    []*checkSlot
	wake    chan struct{}
}

func newMailbox() *mailbox {
	m := &mailbox{wake: make(chan struct{}, 1), free: make([]*checkSlot, 0, 3)}
	for i := range m.all {
		m.all[i] = &checkSlot{img: gocv.NewMat()}
	}
	m.spare = m.all[0]
	m.free = append(m.free, m.all[1], m.all[2])
	return m
}

// post publishes the spare slot; dropped says it replaced an unchecked one.
func (m *mailbox) post() (dropped bool) {
	m.mu.Lock()
	if m.pending != nil {
		dropped = true
		m.pending, m.spare = m.spare, m.pending
	} else {
		m.pending = m.spare
		m.spare = m.free[len(m.free)-1]
		m.free = m.free[:len(m.free)-1]
	}
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return dropped
}

func (m *mailbox) take() *checkSlot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.pending
	m.pending = nil
	return s
}

func (m *mailbox) give(s *checkSlot) {
	m.mu.Lock()
	m.free = append(m.free, s)
	m.mu.Unlock()
}

func (m *mailbox) close() {
	for _, s := range m.all {
		s.img.Close()
	}
}

// burstReq is one Burst call waiting for frames.
type burstReq struct {
	n    int
	mats []gocv.Mat // reader-only (under run.bmu)
	out  chan burstResult

	mu        sync.Mutex
	abandoned bool
}

type burstResult struct {
	mats []gocv.Mat
	err  error
}

func (b *burstReq) isAbandoned() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.abandoned
}

// deliver hands the result over, or frees it when Burst gave up.
func (b *burstReq) deliver(mats []gocv.Mat, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.abandoned {
		CloseAll(mats)
		return
	}
	b.out <- burstResult{mats, err}
}

// serveBursts copies img for every waiting burst.
func (r *run) serveBursts(img gocv.Mat) {
	r.bmu.Lock()
	defer r.bmu.Unlock()
	if len(r.bursts) == 0 {
		return
	}
	keep := r.bursts[:0]
	for _, b := range r.bursts {
		if b.isAbandoned() {
			CloseAll(b.mats)
			continue
		}
		b.mats = append(b.mats, img.Clone())
		if len(b.mats) == b.n {
			b.deliver(b.mats, nil)
			continue
		}
		keep = append(keep, b)
	}
	clear(r.bursts[len(keep):])
	r.bursts = keep
}

// failBursts ends every waiting burst with err; final also refuses new ones.
func (r *run) failBursts(err error, final bool) {
	r.bmu.Lock()
	defer r.bmu.Unlock()
	for _, b := range r.bursts {
		CloseAll(b.mats)
		b.deliver(nil, err)
	}
	r.bursts = nil
	if final {
		r.ended = err
	}
}

// CloseAll closes every Mat of ms (a burst's frames).
func CloseAll(ms []gocv.Mat) {
	for i := range ms {
		ms[i].Close()
	}
}

// rateMeter measures frames per second over the last 2 s.
type rateMeter struct {
	mu    sync.Mutex
	t     [256]time.Time // ring of the latest frame times
	n     int            // frames added
	since time.Time      // the source (re)connected
}

const rateWindow = 2 * time.Second

func (r *rateMeter) reset() {
	r.mu.Lock()
	r.n, r.since = 0, time.Time{}
	r.mu.Unlock()
}

func (r *rateMeter) connect(at time.Time) {
	r.mu.Lock()
	r.since = at
	r.mu.Unlock()
}

func (r *rateMeter) add(at time.Time) {
	r.mu.Lock()
	r.t[r.n%len(r.t)] = at
	r.n++
	r.mu.Unlock()
}

// fps counts the frames after max(now − 2 s, connected) per second of that span.
func (r *rateMeter) fps(now time.Time) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := now.Add(-rateWindow)
	if r.since.After(start) {
		start = r.since
	}
	span := now.Sub(start)
	if span <= 0 {
		return 0
	}
	count := 0
	for i := r.n - 1; i >= 0 && i >= r.n-len(r.t); i-- {
		if !r.t[i%len(r.t)].After(start) {
			break
		}
		count++
	}
	return float64(count) / span.Seconds()
}
