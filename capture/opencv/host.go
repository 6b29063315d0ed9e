package opencv

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"log"
	"os"
	"sync"

	"gocv.io/x/gocv"

	"gradphoto/camera"
	"gradphoto/capture"
	"gradphoto/imaging"
	"gradphoto/imaging/face"
	"gradphoto/imaging/ocr"
	"gradphoto/spec"
)

// demoClips are the embedded clips the demo camera plays per purpose.
var demoClips = map[capture.Purpose]string{
	capture.PurposeFace:      "capture.mp4",
	capture.PurposeCardFront: "card-front.mp4",
	capture.PurposeCardBack:  "card-back.mp4",
}

// kioskCamera is how the kiosk asks for frames: 720p at 30 fps, MJPG.
var kioskCamera = camera.Options{Width: 1280, Height: 720, FPS: 30, MJPG: true, Loop: true, Pace: true}

// Host owns the camera and the photo engines: one frame loop at a time,
// started by the run (face or card) that needs it. The engines load once,
// in the background after start-up (Load): the first screens do not wait
// for them; a camera run does.
type Host struct {
	cfg capture.Config

	once     sync.Once
	loadErr  error
	checks   *imaging.Engine // live checks, on the loop's checker goroutine
	stills   *imaging.Engine // burst, standardisation and calibration; only under stillsMu
	stillsMu sync.Mutex
	cards    *face.Detector // ID-card front/back, on the loop's checker goroutine

	mu   sync.Mutex
	loop *camera.Loop
	temp []string // demo clips written to temp files

	plateMu sync.Mutex
	plate   *imaging.Plate // the empty backdrop as learnt so far

	ocrMu sync.Mutex
	ocr   *ocr.Reader // the ID card reader; nil until first used
}

var _ capture.Camera = (*Host)(nil)

// analyze runs the still engine's checks on img; the engine is shared by a
// run's shot and the operator's calibration, one at a time.
func (h *Host) analyze(img gocv.Mat) (spec.Report, error) {
	h.stillsMu.Lock()
	defer h.stillsMu.Unlock()
	return h.stills.Analyze(img, h.cfg.Profile, nil)
}

// standardise makes the photo of img with the still engine.
func (h *Host) standardise(img gocv.Mat, o imaging.Options) (imaging.Result, error) {
	h.stillsMu.Lock()
	defer h.stillsMu.Unlock()
	if o.Background == "" {
		o.Background = h.cfg.Background
	}
	return h.stills.Standardise(img, h.cfg.Profile, o)
}

// cameraOptions is how the kiosk asks for frames: kioskCamera with the
// operator's frame size and rotation.
func (h *Host) cameraOptions() camera.Options {
	o := kioskCamera
	if h.cfg.Width > 0 && h.cfg.Height > 0 {
		o.Width, o.Height = h.cfg.Width, h.cfg.Height
	}
	o.Rotate = h.cfg.Rotate
	return o
}

// Devices lists the webcams.
func (h *Host) Devices() ([]capture.Device, error) {
	devs, err := camera.ListDevices()
	if err != nil {
		return nil, err
	}
	out := make([]capture.Device, len(devs))
	for i, d := range devs {
		out[i] = capture.Device{Path: d.Path, Name: d.Name}
	}
	return out, nil
}

// New returns the camera of cfg; nothing is loaded or opened yet.
func New(cfg capture.Config) capture.Camera { return NewHost(cfg) }

// NewHost returns a host for cfg; nothing is loaded or opened yet.
func NewHost(cfg capture.Config) *Host { return &Host{cfg: cfg} }

// NewView makes a View with the guide of kind placed from the profile.
func (h *Host) NewView(kind capture.GuideKind, colour color.NRGBA) capture.View {
	return NewView(kind, h.cfg.Profile, colour)
}

// ownView is v as this package's View: a run draws into it.
func ownView(v capture.View) (*View, error) {
	view, ok := v.(*View)
	if !ok {
		return nil, fmt.Errorf("capture: a View of another camera (%T)", v)
	}
	return view, nil
}

// Profile is the photo profile the host aims at.
func (h *Host) Profile() spec.Profile { return h.cfg.Profile }

// Load loads the models the first time it is called and waits for them.
func (h *Host) Load() error {
	h.once.Do(func() { h.loadErr = h.loadModels() })
	return h.loadErr
}

func (h *Host) loadModels() error {
	var err error
	if h.checks, err = imaging.NewEngine(); err != nil {
		return fmt.Errorf("capture: load models: %w", err)
	}
	if h.stills, err = imaging.NewEngine(); err != nil {
		return fmt.Errorf("capture: load models: %w", err)
	}
	if h.cards, err = face.NewDetector(); err != nil {
		return fmt.Errorf("capture: load models: %w", err)
	}
	return nil
}

// Source picks the camera for a purpose: Config.Clips, Config.Camera, the
// first webcam, else the demo clip (so the kiosk shows guidance on any
// machine).
func (h *Host) Source(p capture.Purpose) (camera.Source, error) {
	src, _, err := h.source(p)
	return src, err
}

// source is Source, and whether it fell back to the demo clip.
func (h *Host) source(p capture.Purpose) (src camera.Source, demo bool, err error) {
	if f, ok := h.cfg.Clips[p]; ok {
		return camera.NewFile(f, kioskCamera), false, nil
	}
	if h.cfg.Camera != "" {
		src, err := camera.Parse(h.cfg.Camera, h.cameraOptions())
		return src, false, err
	}
	if devs, err := camera.ListDevices(); err == nil && len(devs) > 0 {
		return camera.NewDevice(devs[0].Path, h.cameraOptions()), false, nil
	}
	path, err := camera.DemoClip(demoClips[p])
	if err != nil {
		return nil, true, err
	}
	h.mu.Lock()
	h.temp = append(h.temp, path)
	h.mu.Unlock()
	return camera.NewFile(path, kioskCamera), true, nil
}

// Probe opens the face camera, reads one frame and closes it again.
func (h *Host) Probe() (capture.Probe, error) {
	h.mu.Lock()
	busy := h.loop != nil
	h.mu.Unlock()
	if busy {
		return capture.Probe{}, fmt.Errorf("capture: probe: the camera is in use")
	}
	src, demo, err := h.source(capture.PurposeFace)
	if err != nil {
		return capture.Probe{}, fmt.Errorf("capture: probe: %w", err)
	}
	defer src.Close()
	p := capture.Probe{Name: src.Name(), Demo: demo}
	if err := src.Open(); err != nil {
		return p, fmt.Errorf("capture: probe %s: %w", p.Name, err)
	}
	f := gocv.NewMat()
	defer f.Close()
	if err := src.Read(&f); err != nil {
		return p, fmt.Errorf("capture: probe %s: %w", p.Name, err)
	}
	p.Size = image.Pt(f.Cols(), f.Rows())
	return p, nil
}

// start runs the camera for purpose p: every frame to view, the newest one
// it has time for to check, connection changes to status. A running loop
// is stopped first.
func (h *Host) start(p capture.Purpose, view *View, check func(camera.Frame), status func(bool, error)) error {
	h.stop()
	if err := h.Load(); err != nil {
		return err
	}
	src, err := h.Source(p)
	if err != nil {
		return fmt.Errorf("capture: camera: %w", err)
	}
	l := &camera.Loop{Source: src, Preview: view.SetFrame, Check: check, Status: status}
	if err := l.Start(context.Background()); err != nil {
		return fmt.Errorf("capture: camera: %w", err)
	}
	h.mu.Lock()
	h.loop = l
	h.mu.Unlock()
	return nil
}

// stop ends the running loop, if any, and waits for its goroutines.
func (h *Host) stop() {
	h.mu.Lock()
	l := h.loop
	h.loop = nil
	h.mu.Unlock()
	if l != nil {
		l.Stop()
	}
}

// burst takes n full-resolution frames from the running camera; the
// caller closes them.
func (h *Host) burst(ctx context.Context, n int) ([]gocv.Mat, error) {
	h.mu.Lock()
	l := h.loop
	h.mu.Unlock()
	if l == nil {
		return nil, fmt.Errorf("capture: burst: %w", camera.ErrStopped)
	}
	return l.Burst(ctx, n)
}

// Close stops the camera, frees the engines and removes demo clip copies.
func (h *Host) Close() {
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
	h.plateMu.Lock()
	h.plate.Close()
	h.plate = nil
	h.plateMu.Unlock()
	h.closeOCR()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range h.temp {
		if err := os.Remove(p); err != nil {
			log.Print(err)
		}
	}
	h.temp = nil
}
