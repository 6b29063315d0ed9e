package camera

import (
	"fmt"
	"io"
	"os"

	"gocv.io/x/gocv"
)

// fileSource plays a video file through OpenCV (FFMPEG backend).
type fileSource struct {
	path string
	o    Options
	videoCapture
	pace  pacer
	count int // frames read since the file was (re)opened
}

// NewFile returns a source that plays the video at path (anything OpenCV's
// FFMPEG backend reads: .mp4 H.264, .avi MJPG, …). With o.Loop it starts
// again at the end (re-opening the file, so a file replaced meanwhile is
// picked up); with o.Pace frames come at the file's frame rate (30 when the
// file does not say). The file is opened by Open.
func NewFile(path string, o Options) Source { return &fileSource{path: path, o: o} }

func (s *fileSource) Name() string { return "file " + s.path }

func (s *fileSource) Open() error {
	s.Close()
	rot, err := newRotation(s.o.Rotate)
	if err != nil {
		return err
	}
	if err := s.openCapture(); err != nil {
		rot.close()
		return err
	}
	s.rot = rot
	s.pace.start(periodOf(s.cap.Get(gocv.VideoCaptureFPS)))
	return nil
}

// openCapture (re)opens the capture at the file's start.
func (s *fileSource) openCapture() error {
	if s.cap != nil {
		s.cap.Close()
		s.cap = nil
	}
	// OpenCV says only "cannot open": tell a missing file apart.
	if _, err := os.Stat(s.path); err != nil {
		return fmt.Errorf("camera: %w", err)
	}
	c, err := gocv.VideoCaptureFile(s.path)
	if err != nil || !c.IsOpened() {
		c.Close()
		return fmt.Errorf("camera: %s: not a video OpenCV can read", s.path)
	}
	s.cap, s.count = c, 0
	return nil
}

func (s *fileSource) Read(dst *gocv.Mat) error {
	if s.cap == nil {
		return disconnected(s.Name(), "not open")
	}
	buf := s.rot.target(dst)
	if !s.cap.Read(buf) || buf.Empty() {
		if s.count == 0 {
			return disconnected(s.Name(), "no frame could be read")
		}
		if !s.o.Loop {
			return io.EOF
		}
		if err := s.openCapture(); err != nil {
			return fmt.Errorf("%w: %w", err, ErrDisconnected)
		}
		if !s.cap.Read(buf) || buf.Empty() {
			return disconnected(s.Name(), "no frame after starting again")
		}
	}
	if !validFrame(buf) {
		return disconnected(s.Name(), "frame is %v, want BGR 8UC3", buf.Type())
	}
	s.count++
	s.rot.finish(dst)
	if s.o.Pace {
		s.pace.wait()
	}
	return nil
}

func (s *fileSource) setStop(stop <-chan struct{}) { s.pace.stop = stop }

func (s *fileSource) Close() error {
	s.release()
	return nil
}
