package card

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// cardDetector is a real face detector for the test, as a FaceFinder.
func cardDetector(t testing.TB) FaceFinder {
	t.Helper()
	d, err := face.NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return Faces(d)
}

// cardFind runs Find on the scene and fails the test on a refusal.
func cardFind(t *testing.T, s cardScene, faces FaceFinder) Card {
	t.Helper()
	c, err := Find(s.frame, faces)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// cardCornerError is the largest distance between found and true corners,
// as a fraction of the card's width in the frame.
func cardCornerError(c Card, truth cardQuad) (px, frac float64) {
	for i := range truth {
		px = max(px, cardPtOf(c.Corners[i]).dist(truth[i]))
	}
	return px, px / truth.longSide()
}

// cardNCC is the normalised cross-correlation of the flattened card with
// the specimen, in grey at half size inside cardMargin: 1 = identical up to
// brightness and contrast.
func cardNCC(t *testing.T, img gocv.Mat, back bool) float64 {
	t.Helper()
	spec := cardSpecimen(t, back)
	defer spec.Close()
	a, b := cardGreyValues(img), cardGreyValues(spec)
	var ma, mb float64
	for i := range a {
		ma, mb = ma+a[i], mb+b[i]
	}
	ma, mb = ma/float64(len(a)), mb/float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab, saa, sbb = sab+da*db, saa+da*da, sbb+db*db
	}
	return sab / math.Sqrt(saa*sbb)
}

// cardGreyValues is cardHalfGrey's image as numbers.
func cardGreyValues(img gocv.Mat) []float64 {
	half := cardHalfGrey(img)
	defer half.Close()
	b, _ := half.DataPtrUint8()
	v := make([]float64, len(b))
	for i, x := range b {
		v[i] = float64(x)
	}
	return v
}

// Minimum likeness of a flattened card to its specimen. Shifting the
// 856-wide specimen against itself by 1 px gives 0.94–0.95, by 2 px
// 0.81–0.86; turned upside down or the other side, about 0.
const cardMinNCC = 0.9

// cardMaxCornerError is the test tolerance: 1.5 % of the card's width.
const cardMaxCornerError = 0.015

func TestFindCardScenes(t *testing.T) {
	faces := cardDetector(t)
	cases := []struct {
		name string
		o    cardSceneOpts
		side Side
	}{
		{"front on wood, tilted", cardSceneOpts{roll: 8, tiltX: 12, tiltY: -10}, Front},
		{"back on wood, tilted", cardSceneOpts{back: true, roll: -12, tiltX: -8, tiltY: 14, seed: 1}, Back},
		{"back over a photo", cardSceneOpts{back: true, bg: "shuttle", width: 0.55, roll: -15, tiltX: 15, tiltY: 8, seed: 2}, Back},
		{"front on a light desk", cardSceneOpts{bg: "light", roll: 3, tiltX: 8, seed: 5}, Front},
		{"front held in a hand", cardSceneOpts{hand: true, roll: -5, tiltX: -10, dy: -0.05, seed: 4}, Front},
		{"back held in a hand", cardSceneOpts{back: true, hand: true, roll: 4, tiltY: 12, dy: -0.06, seed: 17}, Back},
		{"front upside down", cardSceneOpts{roll: 188, tiltX: 5, seed: 13}, Front},
		{"back upside down", cardSceneOpts{back: true, roll: 172, tiltY: 10, seed: 14}, Back},
		{"front at 90°", cardSceneOpts{roll: -88, width: 0.45, tiltY: 8, seed: 16}, Front},
		{"front at -90°", cardSceneOpts{roll: 85, width: 0.45, tiltY: 10, seed: 3}, Front},
		{"back at 90°", cardSceneOpts{back: true, roll: -95, width: 0.45, seed: 15}, Back},
		{"small front, off centre", cardSceneOpts{width: 0.4, dx: -0.2, dy: 0.1, roll: 20, seed: 18}, Front},
		{"large back", cardSceneOpts{back: true, width: 0.75, roll: -2, tiltX: 4, seed: 19}, Back},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := cardMakeScene(t, tc.o)
			defer s.frame.Close()
			c := cardFind(t, s, faces)
			px, frac := cardCornerError(c, s.corners)
			ncc := cardNCC(t, c.Image, tc.o.back)
			t.Logf("corner error %.2f px (%.3f %% of the card width), NCC %.3f, sharpness %.0f, glare %.4f",
				px, 100*frac, ncc, c.Sharpness, c.Glare)
			if frac > cardMaxCornerError {
				t.Errorf("corners %v, want %v: off by %.1f px", c.Corners, s.corners.points(), px)
			}
			if ncc < cardMinNCC {
				t.Errorf("flattened card unlike the specimen: NCC %.3f < %.2f", ncc, cardMinNCC)
			}
			if c.Side != tc.side {
				t.Errorf("side %v, want %v", c.Side, tc.side)
			}
			if c.Image.Cols() != Width || c.Image.Rows() != Height || c.Image.Type() != gocv.MatTypeCV8UC3 {
				t.Errorf("image %d×%d %v", c.Image.Cols(), c.Image.Rows(), c.Image.Type())
			}
			if c.Blurry || c.Glary {
				t.Errorf("blurry %v (%.0f), glary %v (%.4f): want neither", c.Blurry, c.Sharpness, c.Glary, c.Glare)
			}
		})
	}
}

// TestFindCardRandomPoses measures corner accuracy over random poses
// within the kiosk's range: roll ±30°, tilt ±20° about both axes, width 40–
// 75 % of the frame, anywhere in the frame.
func TestFindCardRandomPoses(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	faces := cardDetector(t)
	rng := rand.New(rand.NewPCG(2024, 6))
	bgs := []string{"wood", "light", "wood", "shuttle"}
	var sum, worst float64
	const n = 24
	for i := range n {
		o := cardRandomPose(rng)
		o.back, o.bg, o.seed, o.hand = i%2 == 1, bgs[i%len(bgs)], uint64(100+i), i%3 == 2
		s := cardMakeScene(t, o)
		c, err := Find(s.frame, faces)
		s.frame.Close()
		if err != nil {
			t.Errorf("pose %d %+v: %v", i, o, err)
			continue
		}
		px, frac := cardCornerError(c, s.corners)
		sum, worst = sum+px, max(worst, frac)
		if frac > cardMaxCornerError {
			t.Errorf("pose %d %+v: corners off by %.1f px", i, o, px)
		}
		if want := map[bool]Side{false: Front, true: Back}[o.back]; c.Side != want {
			t.Errorf("pose %d %+v: side %v, want %v", i, o, c.Side, want)
		}
		c.Close()
	}
	t.Logf("%d poses: mean corner error %.2f px, worst %.3f %% of the card width", n, sum/n, 100*worst)
}

// cardRandomPose draws a pose whose card lies inside the frame with room
// to spare.
func cardRandomPose(rng *rand.Rand) cardSceneOpts {
	u := func(a, b float64) float64 { return a + (b-a)*rng.Float64() }
	for {
		o := cardSceneOpts{
			width: u(0.4, 0.75), roll: u(-30, 30), tiltX: u(-20, 20), tiltY: u(-20, 20),
			dx: u(-0.25, 0.25), dy: u(-0.2, 0.2),
		}
		q := cardPoseCorners(o)
		inside := true
		for _, p := range q {
			inside = inside && p.X > 20 && p.Y > 20 && p.X < cardSceneW-20 && p.Y < cardSceneH-20
		}
		if inside {
			return o
		}
	}
}

// TestFindCardFrameSizes: the thresholds scale with the frame.
func TestFindCardFrameSizes(t *testing.T) {
	s := cardMakeScene(t, cardSceneOpts{roll: -7, tiltY: 12, seed: 35})
	defer s.frame.Close()
	for _, size := range []image.Point{{1920, 1080}, {800, 450}, {480, 270}} {
		m := gocv.NewMat()
		gocv.Resize(s.frame, &m, size, 0, 0, gocv.InterpolationArea)
		k := float64(size.X) / cardSceneW
		var truth cardQuad
		for i, p := range s.corners { // pixel centres scale about (-0.5, -0.5)
			truth[i] = cardPt{(p.X+0.5)*k - 0.5, (p.Y+0.5)*k - 0.5}
		}
		c, err := Find(m, nil)
		m.Close()
		if err != nil {
			t.Errorf("%v: %v", size, err)
			continue
		}
		px, frac := cardCornerError(c, truth)
		t.Logf("%v: corner error %.2f px (%.3f %%)", size, px, 100*frac)
		if frac > cardMaxCornerError {
			t.Errorf("%v: corners %v, want %v", size, c.Corners, truth.points())
		}
		c.Close()
	}
}

func TestFindCardWithoutFaceFinder(t *testing.T) {
	// The back's emblem still turns it upright; the side stays unknown.
	s := cardMakeScene(t, cardSceneOpts{back: true, roll: 175, tiltX: 8, seed: 21})
	defer s.frame.Close()
	c := cardFind(t, s, nil)
	if c.Side != Unknown {
		t.Errorf("side %v, want unknown", c.Side)
	}
	if px, frac := cardCornerError(c, s.corners); frac > cardMaxCornerError {
		t.Errorf("corners %v, want %v (off by %.1f px)", c.Corners, s.corners.points(), px)
	}
	// A front stays the way it was found: landscape, top side pointing right.
	s2 := cardMakeScene(t, cardSceneOpts{roll: -10, seed: 22})
	defer s2.frame.Close()
	c2 := cardFind(t, s2, nil)
	if px, frac := cardCornerError(c2, s2.corners); c2.Side != Unknown || frac > cardMaxCornerError {
		t.Errorf("side %v, corners off by %.1f px", c2.Side, px)
	}
}

func TestFindCardBlurry(t *testing.T) {
	for _, tc := range []struct {
		o     cardSceneOpts
		blurr bool
	}{
		{cardSceneOpts{roll: 8, seed: 6}, false},
		{cardSceneOpts{roll: 8, seed: 6, blur: 3}, true},
		{cardSceneOpts{back: true, roll: -4, seed: 23, blur: 3}, true},
		{cardSceneOpts{width: 0.4, seed: 24, blur: 2}, true},
		{cardSceneOpts{width: 0.4, seed: 24}, false},
		{cardSceneOpts{width: 0.6, seed: 34, blur: 1}, false},
	} {
		s := cardMakeScene(t, tc.o)
		c := cardFind(t, s, nil)
		s.frame.Close()
		t.Logf("width %.2f σ %.0f: sharpness %.1f", cardDefaults(tc.o).width, tc.o.blur, c.Sharpness)
		if c.Blurry != tc.blurr {
			t.Errorf("σ %.0f: Blurry %v (sharpness %.1f, threshold %.0f), want %v", tc.o.blur, c.Blurry, c.Sharpness, MinSharpness, tc.blurr)
		}
	}
}

func TestFindCardGlary(t *testing.T) {
	faces := cardDetector(t)
	for _, back := range []bool{false, true} {
		s := cardMakeScene(t, cardSceneOpts{back: back, glare: true, roll: -6, seed: 7})
		c := cardFind(t, s, faces)
		s.frame.Close()
		t.Logf("back %v: glare %.4f", back, c.Glare)
		if !c.Glary || c.Glare <= MaxGlare {
			t.Errorf("back %v: Glary %v, glare %.4f: want glary", back, c.Glary, c.Glare)
		}
	}
}

func TestFindCardRefusals(t *testing.T) {
	cases := []struct {
		name string
		o    cardSceneOpts
		want error
	}{
		{"no card on wood", cardSceneOpts{noCard: true, seed: 11}, ErrNoCard},
		{"no card over a photo", cardSceneOpts{noCard: true, bg: "shuttle", seed: 12}, ErrNoCard},
		{"no card on a light desk", cardSceneOpts{noCard: true, bg: "light", seed: 25}, ErrNoCard},
		{"an empty hand", cardSceneOpts{noCard: true, hand: true, seed: 32}, ErrNoCard},
		{"an empty hand over a photo", cardSceneOpts{noCard: true, hand: true, bg: "shuttle", seed: 33}, ErrNoCard},
		{"cut by the right edge", cardSceneOpts{dx: 0.43, width: 0.5, seed: 8}, ErrCutOff},
		{"cut by the bottom edge", cardSceneOpts{dy: 0.4, width: 0.55, roll: 5, seed: 26}, ErrCutOff},
		{"cut by a corner", cardSceneOpts{dx: -0.4, dy: -0.35, width: 0.6, roll: -10, seed: 27}, ErrCutOff},
		{"too small", cardSceneOpts{width: 0.25, seed: 9}, ErrTooSmall},
		{"too small, back", cardSceneOpts{back: true, width: 0.3, roll: 15, seed: 28}, ErrTooSmall},
		{"tilted 45°", cardSceneOpts{tiltX: 45, width: 0.5, seed: 10}, ErrSkewed},
		{"turned away 40°", cardSceneOpts{tiltY: 40, width: 0.55, seed: 29}, ErrSkewed},
	}
	faces := cardDetector(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := cardMakeScene(t, tc.o)
			defer s.frame.Close()
			c, err := Find(s.frame, faces)
			if err == nil {
				c.Close()
				t.Fatalf("found a card at %v, want %v", c.Corners, tc.want)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestFindCardBadFrames(t *testing.T) {
	grey := gocv.NewMatWithSize(720, 1280, gocv.MatTypeCV8U)
	defer grey.Close()
	tiny := gocv.NewMatWithSize(40, 60, gocv.MatTypeCV8UC3)
	defer tiny.Close()
	empty := gocv.NewMat()
	defer empty.Close()
	for name, m := range map[string]gocv.Mat{"zero Mat": {}, "empty": empty, "grey": grey, "tiny": tiny} {
		c, err := Find(m, nil)
		if !errors.Is(err, ErrBadFrame) {
			c.Close()
			t.Errorf("%s: error %v, want ErrBadFrame", name, err)
		}
	}
	// A blank frame is a frame without a card.
	blank := gocv.NewMatWithSize(720, 1280, gocv.MatTypeCV8UC3)
	defer blank.Close()
	if _, err := Find(blank, nil); !errors.Is(err, ErrNoCard) {
		t.Errorf("blank frame: error %v, want ErrNoCard", err)
	}
}

func TestFindCardFaceFinderError(t *testing.T) {
	d, err := face.NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	d.Close() // a closed detector fails every call
	s := cardMakeScene(t, cardSceneOpts{seed: 30})
	defer s.frame.Close()
	c, err := Find(s.frame, Faces(d))
	if err == nil {
		c.Close()
		t.Fatal("no error from a closed detector")
	}
	if !errors.Is(err, face.ErrClosed) {
		t.Errorf("error %v, want it to wrap face.ErrClosed", err)
	}
}

func TestFindCardLeavesFrameAlone(t *testing.T) {
	s := cardMakeScene(t, cardSceneOpts{seed: 31})
	defer s.frame.Close()
	before := s.frame.Clone()
	defer before.Close()
	c := cardFind(t, s, nil)
	_ = c
	diff := gocv.NewMat()
	defer diff.Close()
	gocv.AbsDiff(s.frame, before, &diff)
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(diff, &grey, gocv.ColorBGRToGray)
	if n := gocv.CountNonZero(grey); n != 0 {
		t.Errorf("Find changed %d pixels of its input", n)
	}
}

func TestCardPose(t *testing.T) {
	// Perspective removed with a focal length 25 % off the true one.
	focal := Focal * cardSceneW
	centre := cardPt{(cardSceneW - 1) / 2.0, (cardSceneH - 1) / 2.0}
	for _, o := range []cardSceneOpts{
		{}, {tiltX: 20}, {tiltY: -20}, {tiltX: 15, tiltY: 15, roll: 30},
		{tiltX: -20, dx: 0.3, dy: -0.2, width: 0.4}, {tiltX: 40}, {tiltY: 35, roll: 60},
	} {
		o = cardDefaults(o)
		q := cardPoseCorners(o)
		pose, ok := cardPoseOf(q, focal, centre)
		if !ok {
			t.Fatalf("%+v: no pose", o)
		}
		trueTilt := math.Acos(math.Cos(o.tiltX*math.Pi/180)*math.Cos(o.tiltY*math.Pi/180)) * 180 / math.Pi
		t.Logf("tilt %4.1f°: aspect %.3f, tilt %.1f°", trueTilt, pose.aspect, pose.tilt)
		if off := math.Abs(pose.aspect/Aspect - 1); off > 0.03 {
			t.Errorf("%+v: aspect %.3f, want %.3f ± 3 %%", o, pose.aspect, Aspect)
		}
		if math.Abs(pose.tilt-trueTilt) > 5 {
			t.Errorf("%+v: tilt %.1f°, want %.1f°", o, pose.tilt, trueTilt)
		}
	}
}

func TestCardLandscape(t *testing.T) {
	focal, centre := 960.0, cardPt{640, 360}
	for _, roll := range []float64{0, 30, 60, 89, 91, 120, 170, 190, -45, -89, -91, -150} {
		q := cardPoseCorners(cardDefaults(cardSceneOpts{roll: roll, width: 0.4}))
		// shuffle the start: cardClockwise must not care
		r := cardLandscape(cardClockwise([4]cardPt{q[2], q[0], q[3], q[1]}), focal, centre)
		top := r.side(0)
		if top.norm() < r.side(1).norm() {
			t.Errorf("roll %v: top side %.0f px is the short one", roll, top.norm())
		}
		if top.X < -1e-9 {
			t.Errorf("roll %v: top side points left (%v)", roll, top)
		}
		want := q
		if math.Cos(roll*math.Pi/180) < 0 {
			want = q.turn180()
		}
		if math.Abs(math.Cos(roll*math.Pi/180)) > 0.02 && r.points() != want.points() {
			t.Errorf("roll %v: %v, want %v", roll, r.points(), want.points())
		}
	}
}
