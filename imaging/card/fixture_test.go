package card

// Synthetic ID-card scenes. No real ID card may be photographed for tests
// (personal information): internal/fixture's ComposeCard prints a card
// specimen and puts it in front of a pinhole camera (f = 0.8 × frame width)
// at a known pose, over a textured background, with a drop shadow, uneven
// light, optional defocus, specular glare or a holding hand, sensor noise
// and JPEG compression (see internal/fixture/card.go). The true corners are
// known exactly. This file maps the tests' scene options onto it.

import (
	"flag"
	"image"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

const cardSceneW, cardSceneH = 1280, 720

// cardSceneOpts describes one synthetic photo.
type cardSceneOpts struct {
	back           bool
	noCard         bool    // the scene without the card (a hand may still be there)
	width          float64 // card width, seen flat, / frame width
	dx, dy         float64 // card centre's offset from the frame centre, fraction of the frame
	roll           float64 // degrees, in the image plane, clockwise on screen
	tiltX, tiltY   float64 // degrees about the card's horizontal, vertical axis
	bg             string  // "wood", "shuttle", "light"
	blur           float64 // Gaussian σ in frame pixels, 0 = sharp
	glare, hand    bool
	seed           uint64
	noise          float64 // sensor noise σ, grey levels (default 3)
	jpegQ          int     // JPEG quality of the frame (default 90)
	flatLight      bool    // no uneven illumination
	shadowDisabled bool
}

// cardScene is a synthetic frame with the truth about the card in it.
type cardScene struct {
	frame   gocv.Mat // 1280×720 BGR; close it
	corners cardQuad // the card's corners (TL, TR, BR, BL of the specimen), frame pixels
}

func cardDefaults(o cardSceneOpts) cardSceneOpts {
	if o.width == 0 {
		o.width = 0.6
	}
	if o.bg == "" {
		o.bg = "wood"
	}
	if o.noise == 0 {
		o.noise = 3
	}
	if o.jpegQ == 0 {
		o.jpegQ = 90
	}
	return o
}

// cardFixtureScene is o as a fixture.CardScene: one seed for the surface and
// the noise (OneStream), "shuttle" for fixture's space_shuttle photo.
func cardFixtureScene(o cardSceneOpts) fixture.CardScene {
	o = cardDefaults(o)
	surface := o.bg
	if surface == "shuttle" {
		surface = "space_shuttle"
	}
	return fixture.CardScene{
		Size: image.Pt(cardSceneW, cardSceneH), Back: o.back, Hidden: o.noCard,
		Width: o.width, DX: o.dx, DY: o.dy, Roll: o.roll, TiltX: o.tiltX, TiltY: o.tiltY,
		Surface: surface, SurfaceSeed: o.seed, OneStream: true,
		Hand: o.hand, Glare: o.glare, NoShadow: o.shadowDisabled, FlatLight: o.flatLight,
		Blur: o.blur, Noise: o.noise, JPEGQuality: o.jpegQ,
	}
}

// cardMakeScene renders the scene o.
func cardMakeScene(t testing.TB, o cardSceneOpts) cardScene {
	t.Helper()
	f, err := fixture.ComposeCard(cardFixtureScene(o))
	if err != nil {
		t.Fatal(err)
	}
	s := cardScene{frame: f.Img}
	if !o.noCard {
		s.corners = cardQuadOf(f.Corners)
	}
	return s
}

// cardPoseCorners projects the card's corners for the pose in o.
func cardPoseCorners(o cardSceneOpts) cardQuad {
	return cardQuadOf(fixture.CardCorners(cardFixtureScene(o)))
}

func cardQuadOf(c [4][2]float64) cardQuad {
	var q cardQuad
	for i, p := range c {
		q[i] = cardPt{p[0], p[1]}
	}
	return q
}

// cardSpecimen prints a card: 856×540 BGR.
func cardSpecimen(t testing.TB, back bool) gocv.Mat {
	t.Helper()
	m, err := fixture.CardSpecimen(back)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var cardWriteFixtures = flag.Bool("cards.write", false, "write the card scenes of testdata/cards")

// cardFixtureFiles are the scenes in testdata/cards, for the CLI's tests.
var cardFixtureFiles = map[string]cardSceneOpts{
	"front.jpg":            {roll: 8, tiltX: 12, tiltY: -10},
	"back-upside-down.jpg": {back: true, roll: 172, tiltY: 10, seed: 14},
	"no-card.jpg":          {noCard: true, hand: true, seed: 32},
	"cut-off.jpg":          {dx: 0.43, width: 0.5, seed: 8},
}

// TestCardWriteFixtures rewrites testdata/cards:
//
//	go test ./imaging/card -run TestCardWriteFixtures -cards.write
func TestCardWriteFixtures(t *testing.T) {
	if !*cardWriteFixtures {
		t.Skip("writes testdata/cards only with -cards.write")
	}
	dir := filepath.Join("..", "..", "testdata", "cards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, o := range cardFixtureFiles {
		s := cardMakeScene(t, o)
		ok := gocv.IMWriteWithParams(filepath.Join(dir, name), s.frame, []int{gocv.IMWriteJpegQuality, 85})
		s.frame.Close()
		if !ok {
			t.Fatalf("cannot write %s", name)
		}
	}
}
