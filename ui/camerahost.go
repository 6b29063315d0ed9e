package ui

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"

	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/imaging"
	"gradphoto/imaging/face"
)

// Camera purposes: the face for the photo, the two sides of the ID card.
const (
	purposeFace      = "face"
	purposeCardFront = "card-front"
	purposeCardBack  = "card-back"
)

// demoClips are the embedded clips the demo camera plays per purpose.
var demoClips = map[string]string{
	purposeFace:      "capture.mp4",
	purposeCardFront: "card-front.mp4",
	purposeCardBack:  "card-back.mp4",
}

// kioskCamera is how the kiosk asks for frames: 720p at 30 fps, MJPG.
var kioskCamera = camera.Options{Width: 1280, Height: 720, FPS: 30, MJPG: true, Loop: true, Pace: true}

// camHost owns the camera and the photo engines of the camera screens:
// one frame loop at a time, started by the screen that shows it.
type camHost struct {
	spec    string            // --camera: a device, file or folder; "" = the first webcam, else the demo clips
	files   map[string]string // per purpose: a video file to play instead (tests)
	profile imaging.Profile

	// The models load once, in the background after start-up (load): the
	// Welcome screen does not wait for them; a camera screen does.
	once    sync.Once
	loadErr error
	checks  *imaging.Engine // live checks, on the loop's checker goroutine
	stills  *imaging.Engine // burst and standardisation, on the capture goroutine
	cards   *face.Detector  // ID-card front/back, on the loop's checker goroutine

	mu      sync.Mutex
	loop    *camera.Loop
	temp    []string // demo clips written to temp files
	purpose string
}

func newCamHost(spec string, p imaging.Profile) *camHost {
	return &camHost{spec: spec, profile: p}
}

// load loads the models the first time it is called and waits for them;
// Run calls it in the background at start-up.
func (h *camHost) load() error {
	h.once.Do(func() { h.loadErr = h.loadModels() })
	return h.loadErr
}

func (h *camHost) loadModels() error {
	var err error
	if h.checks, err = imaging.NewEngine(); err != nil {
		return err
	}
	if h.stills, err = imaging.NewEngine(); err != nil {
		return err
	}
	h.cards, err = face.NewDetector()
	return err
}

// source picks the camera for a purpose: --camera if given, else the first
// webcam, else the demo clip (so the kiosk shows guidance on any machine).
func (h *camHost) source(purpose string) (camera.Source, error) {
	if f, ok := h.files[purpose]; ok {
		return camera.NewFile(f, kioskCamera), nil
	}
	if h.spec != "" {
		return camera.Parse(h.spec, kioskCamera)
	}
	if devs, err := camera.ListDevices(); err == nil && len(devs) > 0 {
		return camera.NewDevice(devs[0].Path, kioskCamera), nil
	}
	path, err := camera.DemoClip(demoClips[purpose])
	if err != nil {
		return nil, err
	}
	h.temp = append(h.temp, path)
	return camera.NewFile(path, kioskCamera), nil
}

// start runs the camera for purpose, feeding preview every frame and check
// the newest frame it has time for. A running loop for another purpose is
// stopped first.
func (h *camHost) start(purpose string, preview, check func(camera.Frame), status func(bool, error)) error {
	h.stop()
	if err := h.load(); err != nil {
		return fmt.Errorf("ui: camera: %w", err)
	}
	src, err := h.source(purpose)
	if err != nil {
		return fmt.Errorf("ui: camera: %w", err)
	}
	l := &camera.Loop{Source: src, Preview: preview, Check: check, Status: status}
	if err := l.Start(context.Background()); err != nil {
		return fmt.Errorf("ui: camera: %w", err)
	}
	h.mu.Lock()
	h.loop, h.purpose = l, purpose
	h.mu.Unlock()
	return nil
}

// stop ends the running loop, if any, and waits for its goroutines.
func (h *camHost) stop() {
	h.mu.Lock()
	l := h.loop
	h.loop, h.purpose = nil, ""
	h.mu.Unlock()
	if l != nil {
		l.Stop()
	}
}

// burst takes n full-resolution frames from the running camera.
func (h *camHost) burst(ctx context.Context, n int) ([]gocv.Mat, error) {
	h.mu.Lock()
	l := h.loop
	h.mu.Unlock()
	if l == nil {
		return nil, fmt.Errorf("ui: burst: the camera is not running")
	}
	return l.Burst(ctx, n)
}

// close stops the camera, frees the engines and removes demo clip copies.
func (h *camHost) close() {
	h.stop()
	h.once.Do(func() {}) // waits for a load under way, or prevents one
	if h.checks != nil {
		h.checks.Close()
	}
	if h.stills != nil {
		h.stills.Close()
	}
	if h.cards != nil {
		h.cards.Close()
	}
	for _, p := range h.temp {
		if err := os.Remove(p); err != nil {
			log.Print(err)
		}
	}
}
