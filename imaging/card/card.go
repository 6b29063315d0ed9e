// Package card finds a Chinese resident identity card (居民身份证) in a
// camera frame and flattens it: the four corners by edge runs refined on
// the full frame, perspective undone to 856×540, which side faces the
// camera (the portrait or the red emblem), and whether it is sharp and
// free of glare. Pure: a Mat in, a Card out.
package card

import (
	"errors"
	"fmt"
	"image"

	"gocv.io/x/gocv"
)

// Size of a flattened ID card: 10 px per mm of the ISO/IEC 7810 ID-1 format
// (85.6 × 54 mm) of the 居民身份证.
const (
	Width  = 856
	Height = 540
)

// Thresholds of Find. Sizes are fractions of the frame width so that
// they hold at any camera resolution.
const (
	// Aspect is the card's width / height (85.6 / 54).
	Aspect = 85.6 / 54
	// AspectTolerance: the card's width / height once perspective is
	// undone (see Focal) may be off Aspect by this fraction either
	// way. It keeps A4 pages (1.414) and 16:9 screens (1.78) out.
	AspectTolerance = 0.10
	// MinWidth: the card's long side must be at least this fraction of
	// the frame width (35 %: the flattened card is then upscaled at most
	// 1.9× from a 1280-wide frame); narrower cards are refused with
	// ErrTooSmall. Below 15 % a quadrilateral is not considered at all.
	MinWidth = 0.35
	// MaxTilt is the largest angle, in degrees, between the card and
	// the image plane; more is refused with ErrSkewed (the far side
	// would be too foreshortened to read).
	MaxTilt = 30.0
	// Focal is the focal length assumed for the camera, as a fraction
	// of the frame width (≈ 67° horizontal field of view, the usual USB
	// webcam). It is only used to undo perspective when measuring the
	// card's aspect and tilt: a card tilted 20° seen by a camera whose
	// focal length is 25 % off still measures within 1 % of Aspect
	// (TestCardPose).
	Focal = 0.75
	// EdgeMargin: a corner this near (fraction of the frame width,
	// about 13 px at 1280) to the frame's edge makes the card cut off.
	EdgeMargin = 0.01
	// MinSharpness: a card whose Sharpness is below this is Blurry.
	// On the synthetic card specimen a sharp card measures 1200–2100, one
	// defocused by σ = 1 px 170–500, by σ = 2 px 24–85, by σ = 3 px 12–34
	// (card 40–60 % of a 1280×720 frame): 100 flags σ ≥ 1.5 px on a small
	// card, σ ≥ 2 px on a large one, i.e. once text starts to smear.
	// Real printing and lenses are softer: calibrate on the kiosk's camera.
	MinSharpness = 100.0
	// GlareLevel: a pixel is washed out (a specular highlight on the
	// card's laminate, or overexposure) when its grey level is at least
	// this.
	GlareLevel = 245
	// MaxGlare: a card whose Glare is above this (0.5 % of its area,
	// about one word of text) is Glary.
	MaxGlare = 0.005
)

// Why Find refuses a frame. Every error it returns wraps one of these
// (test with errors.Is), except an error of the FaceFinder, which is
// returned wrapped as is.
var (
	// ErrBadFrame: the frame is empty or not an 8-bit BGR image (CV_8UC3)
	// of at least 64×64 pixels.
	ErrBadFrame = errors.New("bad frame: want a BGR 8UC3 image of at least 64×64")
	// ErrNoCard: no card-shaped quadrilateral in the frame.
	ErrNoCard = errors.New("no ID card found")
	// ErrTooSmall: the card is narrower than MinWidth of the frame.
	ErrTooSmall = errors.New("ID card too small: bring it closer")
	// ErrCutOff: the card touches or crosses the edge of the frame.
	ErrCutOff = errors.New("ID card cut off by the frame edge: move it into the picture")
	// ErrSkewed: the card is tilted more than MaxTilt.
	ErrSkewed = errors.New("ID card tilted too much: hold it flat to the camera")
)

// Side is which face of the ID card was photographed.
type Side int

const (
	// Unknown: no FaceFinder was given.
	Unknown Side = iota
	// Front is the portrait side (人像面).
	Front
	// Back is the national-emblem side (国徽面).
	Back
)

// String is "unknown", "front" or "back".
func (s Side) String() string {
	switch s {
	case Front:
		return "front"
	case Back:
		return "back"
	}
	return "unknown"
}

// Card is an ID card found in a frame.
type Card struct {
	// Image is the card flattened to Width × Height, BGR. The
	// caller closes it.
	Image gocv.Mat
	// Corners are the card's top-left, top-right, bottom-right and
	// bottom-left corners in the input frame (the corners of the card's
	// straight sides, i.e. where its rounded corners would be if they were
	// square), in the order of Image: Corners[0] lands on Image's (0, 0).
	Corners [4]image.Point
	// Side is front or back; Unknown without a FaceFinder.
	Side Side
	// Sharpness is the variance of the 3×3 Laplacian of the flattened
	// card's grey levels at half size (402×254, without a 3 % margin that
	// may hold a sliver of background). Higher is sharper; it measures
	// blur relative to the card, whatever its size in the frame.
	Sharpness float64
	// Glare is the fraction (0..1) of the same half-size grey pixels at or
	// above GlareLevel.
	Glare float64
	// Blurry is Sharpness < MinSharpness; Glary is Glare > MaxGlare.
	Blurry, Glary bool
}

// Close releases the flattened image.
func (c *Card) Close() error { return c.Image.Close() }

// FaceFinder tells the front of a card (portrait) from the back.
type FaceFinder interface {
	// HasFace reports whether img, the portrait region of a flattened
	// card (its right 40 %, upright, BGR), shows a face.
	HasFace(img gocv.Mat) (bool, error)
}

// Find finds an ID card in a camera frame, flattens it and grades it.
//
// How the card is found:
//
//  1. The frame is shrunk by a whole factor to about 640 px wide (by 2
//     for 1280×720) and turned grey; Canny edges, dilated by one pixel,
//     outline every region, and the frame's border is drawn in so that a
//     card crossing it outlines a region too.
//  2. Each region's outline is reduced to its convex hull, and that to a
//     polygon (Douglas-Peucker) whose sides are refitted to the outline
//     (the card's rounded corners would pull them in). A quadrilateral is
//     a card when it is convex, fills at least 85 % of its hull, at least
//     70 % of each side lies on edges (fingers may hide the rest), its
//     aspect once perspective is undone (Focal) is Aspect ±
//     AspectTolerance, it tilts at most MaxTilt, it is at least
//     MinWidth wide and keeps EdgeMargin from the frame's edge. When
//     no region qualifies (a side lost against an equally bright
//     background lets the card's region run into the background's), four
//     long straight runs of an outline that close a card-shaped
//     quadrilateral will do, one of its sides needing only 30 % support.
//     The largest, best supported, best shaped candidate wins. Without one,
//     the refusal names the largest near miss: a card-like region cut by
//     the frame's edge (ErrCutOff), a card tilted too much
//     (ErrSkewed) or too small (ErrTooSmall); else ErrNoCard.
//  3. On the full-resolution frame each side is moved onto the strongest
//     straight grey-level edge within a few pixels: sub-pixel edge samples
//     along the side's normal, a consensus line that ignores fingers and
//     the rounded corners, in two passes; the corners are the sides'
//     intersections.
//  4. The corners are ordered so the card comes out landscape, its top
//     being the long side that points most nearly to the image's right,
//     and the card is warped to 856×540.
//  5. With a FaceFinder, the card is the front when the portrait region
//     (the right 40 %) shows a face, and the front upside down when the
//     left 40 %, turned, does (the card is then turned); otherwise it is
//     the back. The side with more dark mass (hair) is looked at first,
//     and a red national emblem top-left or bottom-right spares the second
//     look; the emblem also turns a back upright, with or without a
//     FaceFinder. A card shown at 90° thus always comes out landscape and,
//     when its side can be told, upright.
//  6. Sharpness and glare are measured on the flattened card.
//
// frame must be BGR (CV_8UC3); it is not modified. faces may be nil. A
// card's side lost against an equally bright background along its whole
// length cannot be found (ErrNoCard).
func Find(frame gocv.Mat, faces FaceFinder) (Card, error) {
	if err := cardCheckFrame(frame); err != nil {
		return Card{}, fmt.Errorf("find card: %w", err)
	}
	if !frame.IsContinuous() {
		frame = frame.Clone()
		defer frame.Close()
	}
	q, sight, err := cardLocate(frame)
	if err != nil {
		return Card{}, fmt.Errorf("find card: %w", err)
	}
	q, err = cardRefine(frame, q, sight)
	if err != nil {
		return Card{}, fmt.Errorf("find card: %w", err)
	}
	card, err := cardFlatten(frame, q, faces)
	if err != nil {
		return Card{}, fmt.Errorf("find card: %w", err)
	}
	return card, nil
}

// cardCheckFrame rejects what OpenCV would throw on.
func cardCheckFrame(frame gocv.Mat) error {
	if frame.Ptr() == nil || frame.Empty() {
		return fmt.Errorf("%w: empty", ErrBadFrame)
	}
	if frame.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("%w: type %v", ErrBadFrame, frame.Type())
	}
	if frame.Cols() < 64 || frame.Rows() < 64 {
		return fmt.Errorf("%w: %d×%d", ErrBadFrame, frame.Cols(), frame.Rows())
	}
	return nil
}
