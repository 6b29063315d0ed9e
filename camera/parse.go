package camera

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Parse makes the source a kiosk flag names ("--camera DEVICE|FILE|DIR"):
// digits or /dev/videoN are a device (whether or not it is plugged in now:
// the Loop waits for it); an existing directory is an image folder; an
// existing file is a video file; a link to a video device (/dev/v4l/by-id/…)
// is a device. Anything else is ErrNoSource. A bad o.Rotate is refused here.
func Parse(spec string, o Options) (Source, error) {
	if _, err := newRotation(o.Rotate); err != nil {
		return nil, err
	}
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("camera: empty spec: %w", ErrNoSource)
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 0 {
		return NewDevice(spec, o), nil
	}
	if videoNode.MatchString(spec) {
		return NewDevice(spec, o), nil
	}
	fi, err := os.Stat(spec)
	switch {
	case err != nil:
		return nil, fmt.Errorf("camera: %q: %w", spec, ErrNoSource)
	case fi.IsDir():
		return NewFolder(spec, o), nil
	case fi.Mode()&os.ModeCharDevice != 0:
		if _, _, err := deviceIndex(spec); err != nil {
			return nil, fmt.Errorf("camera: %q is not a video device: %w", spec, ErrNoSource)
		}
		return NewDevice(spec, o), nil
	case fi.Mode().IsRegular():
		return NewFile(spec, o), nil
	}
	return nil, fmt.Errorf("camera: %q is neither a device, a file nor a folder: %w", spec, ErrNoSource)
}
