package ui

import (
	"context"
	"fmt"
	"log"

	"fyne.io/fyne/v2/lang"

	"gradphoto/capture"
	"gradphoto/store"
)

// The start-up self-check: camera present and giving enough pixels for the
// profile, models loaded, free disk space, database writable. Its outcome
// is a small line on the Welcome screen for the assistant; a problem that
// would stop a graduate half way (no camera, no models, a database that
// cannot be written) also stops the "start" button, so nobody reads the
// notice and types their number for nothing.

// checkLevel is how bad a self-check item is.
type checkLevel int

const (
	checkOK    checkLevel = iota
	checkWarn             // the kiosk works, the assistant should know
	checkBlock            // no graduate can finish: "start" is stopped
)

// checkItem is one line of the self-check: a translation key, its values
// and its level.
type checkItem struct {
	key   string
	args  map[string]any
	level checkLevel
}

// selfCheck is the outcome of the start-up self-check.
type selfCheck struct {
	items []checkItem
}

// worst is the highest level among the items.
func (c selfCheck) worst() checkLevel {
	w := checkOK
	for _, it := range c.items {
		w = max(w, it.level)
	}
	return w
}

// line is the self-check as one line of text in the current language.
func (c selfCheck) line() string {
	s := ""
	for i, it := range c.items {
		if i > 0 {
			s += " · "
		}
		s += lang.L(it.key, it.args)
	}
	return s
}

// Free space below which the self-check warns, and below which it stops
// the kiosk (a session with its photos takes about 1 MB).
const (
	diskWarnBytes  = 1 << 30
	diskBlockBytes = 100 << 20
)

// runSelfCheck checks the camera, the models and the database. It blocks
// (loading the models takes seconds): run it off the UI goroutine.
func runSelfCheck(ctx context.Context, cam capture.Camera, health func(context.Context) (store.Health, error)) selfCheck {
	var c selfCheck
	c.items = append(c.items, cameraCheck(cam))
	if err := cam.Load(); err != nil {
		log.Printf("ui: self-check: models: %v", err)
		c.items = append(c.items, checkItem{key: "selfcheck.models_failed", level: checkBlock})
	}
	h, err := health(ctx)
	switch {
	case err != nil:
		log.Printf("ui: self-check: %v", err)
		c.items = append(c.items, checkItem{key: "selfcheck.db_failed", level: checkBlock})
	case h.FreeBytes < diskBlockBytes:
		c.items = append(c.items, checkItem{key: "selfcheck.disk_full", args: gb(h.FreeBytes), level: checkBlock})
	case h.FreeBytes < diskWarnBytes:
		c.items = append(c.items, checkItem{key: "selfcheck.disk_low", args: gb(h.FreeBytes), level: checkWarn})
	default:
		c.items = append(c.items, checkItem{key: "selfcheck.disk_ok", args: gb(h.FreeBytes)})
	}
	return c
}

func gb(bytes uint64) map[string]any {
	return map[string]any{"GB": fmt.Sprintf("%.1f", float64(bytes)/(1<<30))}
}

// cameraCheck opens the face camera for a frame: missing, the demo clip,
// too few pixels for the profile (photos would be upscaled), or fine.
func cameraCheck(cam capture.Camera) checkItem {
	p, err := cam.Probe()
	if err != nil {
		log.Printf("ui: self-check: %v", err)
		return checkItem{key: "selfcheck.camera_missing", level: checkBlock}
	}
	size := map[string]any{"Size": fmt.Sprintf("%d×%d", p.Size.X, p.Size.Y)}
	if p.Demo {
		return checkItem{key: "selfcheck.camera_demo", level: checkWarn}
	}
	if _, _, enough := cam.Profile().FaceSpan(float64(p.Size.X), float64(p.Size.Y)); !enough {
		return checkItem{key: "selfcheck.camera_small", args: size, level: checkWarn}
	}
	return checkItem{key: "selfcheck.camera_ok", args: size}
}

// startSelfCheck runs the self-check in the background and shows its
// outcome when it is done.
func (k *shell) startSelfCheck(health func(context.Context) (store.Health, error)) {
	k.checking = true
	go func() {
		c := runSelfCheck(k.ctx, k.cam, health)
		uiDo(func() { k.onSelfCheck(c) })
	}()
}

// onSelfCheck keeps the outcome and shows it if Welcome is showing.
func (k *shell) onSelfCheck(c selfCheck) {
	k.check = &c
	log.Printf("ui: self-check: %s", c.line())
	if k.current == k.welcome {
		k.show()
	}
}
