package capture

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"time"

	"gradphoto/app"
	"gradphoto/spec"
)

// Purpose is what the camera is pointed at: it picks the demo clip.
type Purpose string

// Camera purposes: the face for the photo, the two sides of the ID card.
const (
	PurposeFace      Purpose = "face"
	PurposeCardFront Purpose = "card-front"
	PurposeCardBack  Purpose = "card-back"
)

// Config says which camera to use and which photo profile to aim at.
type Config struct {
	// Camera is a device ("0", "/dev/video2"), a video file or a folder of
	// images; "" picks the first webcam, else the embedded demo clips.
	Camera string
	// Clips, when set, play a video file per purpose instead (tests).
	Clips   map[Purpose]string
	Profile spec.Profile
	// Background is the profile's background option ("" its default).
	Background string
	// Width×Height is the frame size asked of a webcam (0: 1280×720);
	// Rotate turns frames clockwise by 0, 90, 180 or 270 degrees.
	Width, Height, Rotate int
}

// Device is a webcam the kiosk can use.
type Device struct {
	Path string // /dev/videoN
	Name string // the driver's name
}

// ErrNoBackdrop: no empty backdrop has been learnt yet.
var ErrNoBackdrop = errors.New("capture: no backdrop learnt yet")

// Camera is the kiosk's camera and photo engines as the screens drive them:
// one run at a time (starting one stops the other).
type Camera interface {
	// Profile is the photo profile the camera aims at.
	Profile() spec.Profile
	// Load loads the models (the first call; later ones wait for it).
	Load() error
	// NewView makes a View with the guide of kind in colour.
	NewView(kind GuideKind, colour color.NRGBA) View
	// StartFace starts the camera for the face, showing frames in v.
	StartFace(v View, ev FaceEvents) (FaceRun, error)
	// StartCard starts the camera for one side of the ID card.
	StartCard(side app.CardSide, v View, ev CardEvents) (Run, error)
	// ReadCard reads the number and name off a flattened portrait side (a
	// JPEG of a card run); a field it cannot read is "".
	ReadCard(img []byte) (CardText, error)
	// Probe opens the face camera for one frame and tells what it is (the
	// start-up self-check); not while a run has the camera.
	Probe() (Probe, error)
	// DemoShot and DemoCard make what a run would, from the demo clips
	// (for the demo screens).
	DemoShot() (Shot, error)
	DemoCard(side app.CardSide) ([]byte, error)
	// Devices lists the webcams, for the operator's settings.
	Devices() ([]Device, error)
	// CalibrateBackdrop learns the empty backdrop now from the running
	// face run (nobody in front of the camera).
	CalibrateBackdrop(ctx context.Context) error
	// Backdrop is the learnt empty backdrop as a JPEG (ErrNoBackdrop).
	Backdrop() ([]byte, error)
	// TryMatte makes the photo of whoever sits in front of the running
	// face camera with the learnt backdrop (a JPEG): the operator sees the
	// person cut out on the profile's background (ErrNoBackdrop).
	TryMatte(ctx context.Context) ([]byte, error)
	// Close stops the camera and frees the models.
	Close()
}

// CardText is what was read off an ID card's portrait side: as read, not
// validated.
type CardText struct {
	Number string
	Name   string
}

// Probe is what the start-up self-check learns of the face camera.
type Probe struct {
	Name string      // the device or file
	Size image.Point // the frames' size
	Demo bool        // no webcam: the embedded demo clip plays instead
}

// Run is a camera at work for one screen. Stop ends it: the camera
// stops, and no callback comes after Stop returns. Twice is fine.
type Run interface{ Stop() }

// FaceRun is the capture screen's run; Shoot takes the photo now (the
// assistant's button) unless a shot is under way.
type FaceRun interface {
	Run
	Shoot()
}

// GuideKind selects the guide drawn into the frames of a View.
type GuideKind int

const (
	// GuideFace is a head-and-shoulders oval with the eye-line band, both
	// placed from the photo profile; the frames are mirrored, so the
	// graduate moves the way the picture moves.
	GuideFace GuideKind = iota
	// GuideCard is an ID-card outline (85.6:54, about 60 % of the view
	// width); the frames are not mirrored, so the card's text reads right.
	GuideCard
)

// View turns camera frames into pictures for the screen: the newest frame,
// reduced to the size the screen paints, mirrored for the face, the guide
// drawn in. Frames arrive on the camera's goroutine; Paint runs when the
// screen paints; a frame not painted yet is replaced, never queued. Every
// method is safe for concurrent use.
type View interface {
	// SetOnFrame sets what is called (on the camera's goroutine) after a
	// frame was converted while none was waiting: the screen should paint.
	SetOnFrame(f func())
	// Layout records how the screen laid the view out for frames of size
	// frame (as FrameSize said): its size in pixels, and its height in
	// layout units (for the guide's stroke).
	Layout(frame, px image.Point, height float32)
	// FrameSize is the newest frame's size (zero before the first).
	FrameSize() image.Point
	// Present is called when the screen is about to paint after OnFrame.
	// relayout: the frame's size changed since Layout; exact: the waiting
	// frame has the painted size, so it can be sampled 1:1.
	Present() (relayout, exact bool)
	// Paint is the picture to paint at w×h pixels: the newest frame (black
	// before the first). It stays valid until the next Paint.
	Paint(w, h int) image.Image
	// SetColour draws the guide in c from the next frame on.
	SetColour(c color.NRGBA)
	// Stats measure the last 2 s; StatsOver the last window (≤ 30 s).
	Stats() PreviewStats
	StatsOver(window time.Duration) PreviewStats
	// Close stops the view: later frames are ignored, the last one can
	// still be painted. Twice is fine.
	Close()
}

// Shot is one capture: the still as the camera took it and the
// standardised photo made from it, each with its checks.
type Shot struct {
	Raw       []byte      // the still as taken (JPEG, not mirrored)
	RawReport spec.Report // the live checks on it
	Standard  []byte      // the standardised photo (JPEG)
	Report    spec.Report // the photo checks on it
}

// App is the shot as the domain stores it: the bytes, the reports as JSON.
func (s Shot) App() app.Shot {
	return app.Shot{Raw: s.Raw, RawReport: reportJSON(s.RawReport),
		Standard: s.Standard, StandardReport: reportJSON(s.Report), Passed: s.Report.Pass()}
}

func reportJSON(r spec.Report) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		return nil
	}
	return b
}

// FaceEvents are a face run's callbacks. They are called on the run's own
// goroutines, never two at once and in the order things happened; they
// must be quick (hand the value to the UI) and must not call Stop.
type FaceEvents struct {
	// State: what to show, after each checked frame and countdown step.
	State func(FaceState)
	// Camera: the camera was lost (false, why) or is back (true, nil).
	Camera func(connected bool, err error)
	// Shot: a burst was taken and standardised, or refused (err says why,
	// e.g. spec.ErrNoFace). The run then watches again (State follows).
	Shot func(Shot, error)
}

// CardState is what the card screen shows: the guide's state and one hint
// (a translation key).
type CardState struct {
	Guide Guide
	Hint  string
}

// CardEvents are a card run's callbacks, with the rules of FaceEvents.
type CardEvents struct {
	// State: what to show after each checked frame.
	State func(CardState)
	// Camera: the camera was lost (false, why) or is back (true, nil).
	Camera func(connected bool, err error)
	// Card: the wanted side was held still, sharp and glare-free: the
	// flattened card as JPEG. The run then shows nothing more; stop it.
	Card func(jpeg []byte)
}
