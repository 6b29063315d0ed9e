package camera

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gocv.io/x/gocv"
)

// deviceSource is a V4L2 camera.
type deviceSource struct {
	spec string // as given: "0", "/dev/video2", a /dev/v4l/by-id link
	o    Options
	videoCapture
}

// NewDevice returns the V4L2 camera dev: an index ("0", "2"), a node
// ("/dev/video2") or a link to one (/dev/v4l/by-id/…). Open checks that the
// node exists (a missing camera fails at once, with its path), opens it with
// OpenCV's V4L2 backend and asks for MJPG (o.MJPG, before the size: some
// cameras only offer large sizes in MJPG), o.Width×o.Height and o.FPS.
func NewDevice(dev string, o Options) Source { return &deviceSource{spec: dev, o: o} }

func (s *deviceSource) Name() string {
	idx, path, err := deviceIndex(s.spec)
	if err != nil {
		return "camera " + s.spec
	}
	if n := sysName(sysClassDir, idx); n != "" {
		return fmt.Sprintf("camera %s (%s)", path, n)
	}
	return "camera " + path
}

var videoNode = regexp.MustCompile(`^/dev/video(\d+)$`)

// deviceIndex turns a device spec into its V4L2 index and node path.
func deviceIndex(spec string) (int, string, error) {
	if n, err := strconv.Atoi(spec); err == nil && n >= 0 {
		return n, fmt.Sprintf("/dev/video%d", n), nil
	}
	path := spec
	if m := videoNode.FindStringSubmatch(path); m == nil {
		// a link such as /dev/v4l/by-id/usb-…-video-index0
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			return 0, spec, fmt.Errorf("camera: %w", err)
		}
		path = real
	}
	m := videoNode.FindStringSubmatch(path)
	if m == nil {
		return 0, spec, fmt.Errorf("camera: %s is not a video device (/dev/videoN)", spec)
	}
	n, _ := strconv.Atoi(m[1])
	return n, path, nil
}

func (s *deviceSource) Open() error {
	s.Close()
	rot, err := newRotation(s.o.Rotate)
	if err != nil {
		return err
	}
	idx, path, err := deviceIndex(s.spec)
	if err != nil {
		return err
	}
	// OpenCV would log a warning and fail slowly; say plainly what is missing.
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("camera: %s: no such device (is the camera plugged in?)", path)
	}
	if fi.Mode()&os.ModeCharDevice == 0 {
		return fmt.Errorf("camera: %s is not a device", path)
	}
	c, err := gocv.OpenVideoCaptureWithAPI(idx, gocv.VideoCaptureV4L2)
	if err != nil || !c.IsOpened() {
		if c != nil {
			c.Close()
		}
		return fmt.Errorf("camera: %s: cannot open (busy, or no permission: is the user in group video?)", path)
	}
	if s.o.MJPG {
		c.Set(gocv.VideoCaptureFOURCC, c.ToCodec("MJPG"))
	}
	if s.o.Width > 0 {
		c.Set(gocv.VideoCaptureFrameWidth, float64(s.o.Width))
	}
	if s.o.Height > 0 {
		c.Set(gocv.VideoCaptureFrameHeight, float64(s.o.Height))
	}
	if s.o.FPS > 0 {
		c.Set(gocv.VideoCaptureFPS, float64(s.o.FPS))
	}
	s.cap, s.rot = c, rot
	return nil
}

func (s *deviceSource) Read(dst *gocv.Mat) error {
	if s.cap == nil {
		return disconnected(s.Name(), "not open")
	}
	buf := s.rot.target(dst)
	if !s.cap.Read(buf) || buf.Empty() {
		return disconnected(s.Name(), "no frame")
	}
	if !validFrame(buf) {
		return disconnected(s.Name(), "frame is %v, want BGR 8UC3", buf.Type())
	}
	s.rot.finish(dst)
	return nil
}

func (s *deviceSource) Close() error {
	s.release()
	return nil
}

// Device is a V4L2 video node.
type Device struct {
	Path  string // /dev/videoN
	Index int    // N
	Name  string // the driver's name of the camera (/sys/class/video4linux/videoN/name)
}

const (
	devDir      = "/dev"
	sysClassDir = "/sys/class/video4linux"
)

// ListDevices returns the video capture nodes, by index. A UVC webcam makes
// two nodes, one for frames and one for metadata: nodes that say (V4L2
// VIDIOC_QUERYCAP) they cannot capture video are left out; a node that
// cannot be asked (no permission) is listed. No camera is not an error.
func ListDevices() ([]Device, error) { return listDevices(devDir, sysClassDir, canCapture) }

// listDevices lists dev/video* with their names from sys; capture says
// whether a node captures video (false, false when it cannot tell).
func listDevices(dev, sys string, capture func(path string) (yes, known bool)) ([]Device, error) {
	ents, err := os.ReadDir(dev)
	if err != nil {
		return nil, fmt.Errorf("camera: list devices: %w", err)
	}
	var out []Device
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "video") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(name, "video"))
		if err != nil || n < 0 {
			continue
		}
		path := filepath.Join(dev, name)
		if yes, known := capture(path); known && !yes {
			continue
		}
		out = append(out, Device{Path: path, Index: n, Name: sysName(sys, n)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, nil
}

// sysName is the kernel's name of video node n ("" when unknown).
func sysName(sys string, n int) string {
	b, err := os.ReadFile(filepath.Join(sys, fmt.Sprintf("video%d", n), "name"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
