package app

import (
	"errors"
	"fmt"
	"time"
)

// KioskSettings are what the assistant sets in operator mode. Zero fields
// mean the kiosk's defaults.
type KioskSettings struct {
	Name        string `json:"name,omitempty"`         // the kiosk's name (shown to the server at enrolment)
	Lang        string `json:"lang,omitempty"`         // each graduate starts in it: "zh-CN" or "en"
	IdleSeconds int    `json:"idle_seconds,omitempty"` // inactivity until the session ends
	Camera      string `json:"camera,omitempty"`       // a device path; "" the first webcam
	Width       int    `json:"width,omitempty"`        // the camera's frame size asked for
	Height      int    `json:"height,omitempty"`
	Rotate      int    `json:"rotate,omitempty"`     // 0, 90, 180, 270 (clockwise)
	Profile     string `json:"profile,omitempty"`    // the photo profile's name
	Background  string `json:"background,omitempty"` // the profile's background option
}

// Bounds of the settings an assistant may choose.
const (
	MinIdleSeconds = 30
	MaxIdleSeconds = 600
)

// Resolutions are the camera frame sizes offered.
var Resolutions = [][2]int{{1280, 720}, {1920, 1080}, {640, 480}}

// ErrSettings: a setting out of its bounds.
var ErrSettings = errors.New("setting out of bounds")

// Validate checks each setting against its bounds.
func (s KioskSettings) Validate() error {
	switch {
	case len(s.Name) > 60:
		return fmt.Errorf("%w: a name of at most 60 bytes", ErrSettings)
	case s.Lang != "" && s.Lang != "zh-CN" && s.Lang != "en":
		return fmt.Errorf("%w: language %q", ErrSettings, s.Lang)
	case s.IdleSeconds != 0 && (s.IdleSeconds < MinIdleSeconds || s.IdleSeconds > MaxIdleSeconds):
		return fmt.Errorf("%w: inactivity of %d to %d seconds, not %d", ErrSettings, MinIdleSeconds, MaxIdleSeconds, s.IdleSeconds)
	case s.Rotate%90 != 0 || s.Rotate < 0 || s.Rotate > 270:
		return fmt.Errorf("%w: rotation %d", ErrSettings, s.Rotate)
	case (s.Width == 0) != (s.Height == 0) || s.Width < 0 || s.Height < 0 || s.Width > 4096 || s.Height > 4096:
		return fmt.Errorf("%w: frame size %d×%d", ErrSettings, s.Width, s.Height)
	}
	return nil
}

// IdleTimeout is the inactivity until the session ends, and the warning
// before it (15 s before, as by default).
func (s KioskSettings) IdleTimeout() (warn, timeout time.Duration) {
	if s.IdleSeconds == 0 {
		return DefaultIdleWarn, DefaultIdleTimeout
	}
	timeout = time.Duration(s.IdleSeconds) * time.Second
	return timeout - (DefaultIdleTimeout - DefaultIdleWarn), timeout
}
