// Package camera gets frames into the kiosk: sources (a USB webcam through
// V4L2, a video file, a folder of images) and the frame loop that reads one
// of them on its own goroutine, shows every frame (Preview), hands the newest
// one to the live checks (Check) without ever queueing or blocking the
// camera, serves capture bursts, and reconnects a camera that was unplugged.
//
// A Source is used from one goroutine at a time (the Loop's reader). Every
// gocv.Mat the package hands out is either the Loop's (valid only during a
// callback) or the caller's to Close (Burst).
package camera

import (
	"errors"
	"fmt"
	"time"

	"gocv.io/x/gocv"
)

// ErrDisconnected is what Read returns when a source cannot deliver a frame:
// the device went away, the file vanished or cannot be decoded, the source
// is not open. The Loop closes the source and opens it again.
var ErrDisconnected = errors.New("camera disconnected")

// ErrNoSource is returned by Parse when the spec names no device, video file
// or image folder.
var ErrNoSource = errors.New("no camera, video file or image folder there")

// Options configure a source. The zero value asks a device for its default
// mode and plays files and folders once, as fast as they can be read.
type Options struct {
	// Width, Height, FPS are requested from a device (0 = the device's
	// default); the kiosk asks for 1280×720 at 30. For a folder, FPS is the
	// rate Pace delivers images at (default 30).
	Width, Height, FPS int
	// MJPG asks the device for motion JPEG (USB 2 webcams need it for
	// 720p at 30 fps; their raw YUYV modes top out at 5–10 fps there).
	MJPG bool
	// Rotate turns every frame clockwise by 0, 90, 180 or 270 degrees
	// (a camera mounted in portrait).
	Rotate int
	// Loop starts files and folders again at their end (the demo camera).
	// Without it Read returns io.EOF at the end.
	Loop bool
	// Pace delivers the frames of files and folders at their frame rate
	// (the file's, or FPS for folders), like a camera; without it they come
	// as fast as they are read.
	Pace bool
}

// Source is a camera, or something that stands in for one.
type Source interface {
	// Name says what the source is, for logs and the operator.
	Name() string
	// Open opens the source, or opens it again after a failure (closing
	// what was open first).
	Open() error
	// Read puts the next frame into dst (BGR 8UC3, rotated; dst's buffer is
	// reused when its size fits). It returns an error wrapping
	// ErrDisconnected when it cannot read, and io.EOF at the end of a file
	// or folder that does not loop.
	Read(dst *gocv.Mat) error
	// Close releases the source; Read then fails. Closing twice is fine.
	Close() error
}

// videoCapture is what the device and file sources hold: an OpenCV capture
// and the rotation of its frames.
type videoCapture struct {
	cap *gocv.VideoCapture
	rot *rotation
}

// release closes the capture and the rotation's buffer. Releasing twice is
// fine.
func (v *videoCapture) release() {
	if v.cap != nil {
		v.cap.Close()
		v.cap = nil
	}
	if v.rot != nil {
		v.rot.close()
		v.rot = nil
	}
}

// rotation turns frames by o.Rotate; it owns the unrotated buffer.
type rotation struct {
	flag   gocv.RotateFlag
	on     bool
	raw    gocv.Mat // made on first use
	hasRaw bool
}

func newRotation(deg int) (*rotation, error) {
	r := &rotation{}
	switch deg {
	case 0:
		return r, nil
	case 90:
		r.flag = gocv.Rotate90Clockwise
	case 180:
		r.flag = gocv.Rotate180Clockwise
	case 270:
		r.flag = gocv.Rotate90CounterClockwise
	default:
		return nil, fmt.Errorf("camera: rotate %d: want 0, 90, 180 or 270", deg)
	}
	r.on = true
	return r, nil
}

// target is where the source should decode into: dst itself, or the
// unrotated buffer.
func (r *rotation) target(dst *gocv.Mat) *gocv.Mat {
	if !r.on {
		return dst
	}
	if !r.hasRaw {
		r.raw, r.hasRaw = gocv.NewMat(), true
	}
	return &r.raw
}

// finish rotates the decoded frame into dst.
func (r *rotation) finish(dst *gocv.Mat) {
	if r.on {
		gocv.Rotate(r.raw, dst, r.flag)
	}
}

func (r *rotation) close() {
	if r.hasRaw {
		r.raw.Close()
		r.hasRaw = false
	}
}

// pacer spaces frames by period like a camera: each Read returns at its
// frame's due time. A reader that falls behind by more than a frame is not
// caught up with a burst of frames: the schedule restarts from now.
type pacer struct {
	period time.Duration
	next   time.Time
	timer  *time.Timer     // reused
	stop   <-chan struct{} // ends a wait at once (the Loop stopping); nil: none
}

// start begins a new schedule of period.
func (p *pacer) start(period time.Duration) {
	p.period, p.next = period, time.Time{}
}

// wait sleeps until the current frame is due.
func (p *pacer) wait() {
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > p.period {
		p.next = now
	} else if d := p.next.Sub(now); d > 0 {
		p.sleep(d)
	}
	p.next = p.next.Add(p.period)
}

func (p *pacer) sleep(d time.Duration) {
	if p.stop == nil {
		time.Sleep(d)
		return
	}
	if p.timer == nil {
		p.timer = time.NewTimer(d)
	} else {
		p.timer.Reset(d)
	}
	select {
	case <-p.timer.C:
	case <-p.stop:
		p.timer.Stop()
	}
}

// stopper is a source whose Read may wait (pacing): the Loop hands it a
// channel that is closed when the loop stops, so that Stop does not wait a
// frame period (a second for a folder at 1 fps), and nil when it has ended.
type stopper interface{ setStop(stop <-chan struct{}) }

// periodOf is the frame period of fps frames per second (30 when fps is
// missing or implausible).
func periodOf(fps float64) time.Duration {
	if !(fps >= 1 && fps <= 240) {
		fps = 30
	}
	return time.Duration(float64(time.Second) / fps)
}

// disconnected wraps ErrDisconnected with what happened.
func disconnected(name, format string, a ...any) error {
	return fmt.Errorf("camera: %s: %s: %w", name, fmt.Sprintf(format, a...), ErrDisconnected)
}

// validFrame reports whether m is a usable BGR frame.
func validFrame(m *gocv.Mat) bool {
	return !m.Empty() && m.Type() == gocv.MatTypeCV8UC3
}
