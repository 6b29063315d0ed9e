package camera

import (
	"fmt"
	"io/fs"
	"os"
	"path"

	"gradphoto/assets"
)

// The embedded demo clips (assets/demo, made by tools/democlip): a
// graduate walking into place and settling, and a hand holding up the front
// and the back of a synthetic ID card.
const (
	DemoCapture   = "capture.mp4"
	DemoCardFront = "card-front.mp4"
	DemoCardBack  = "card-back.mp4"
)

var demoClips = []string{DemoCapture, DemoCardFront, DemoCardBack}

// DemoClip writes the embedded demo clip name ("capture.mp4",
// "card-front.mp4", "card-back.mp4") to a new temporary file (OpenCV reads
// videos from paths only) and returns its path; the caller removes it.
// Play it with NewFile(path, Options{Loop: true, Pace: true}) where no
// webcam is found.
func DemoClip(name string) (string, error) {
	if name != path.Base(name) || !fs.ValidPath(name) {
		return "", fmt.Errorf("camera: demo clip %q: want one of %v", name, demoClips)
	}
	b, err := fs.ReadFile(assets.Demo, "demo/"+name)
	if err != nil {
		return "", fmt.Errorf("camera: demo clip %q: want one of %v", name, demoClips)
	}
	f, err := os.CreateTemp("", "gradphoto-demo-*-"+name)
	if err != nil {
		return "", fmt.Errorf("camera: demo clip: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("camera: demo clip: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("camera: demo clip: %w", err)
	}
	return f.Name(), nil
}
