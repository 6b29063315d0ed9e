package imaging_test

import (
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/assets"
	"gradphoto/imaging"
	"gradphoto/imaging/face"
	"gradphoto/internal/acceptance"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
)

// The acceptance set (internal/acceptance: real portraits of people the
// engine was not tuned on, and the fixtures composed on other backdrops and
// framings) comes out as testdata/acceptance/expect.json says; every
// compliant photo is measured again here on its own; and a real portrait
// stored sideways by a phone (EXIF orientation 6 and 8) or saved as WebP
// comes out as the original does.
func TestAcceptanceSet(t *testing.T) {
	if testing.Short() || fixture.Race {
		t.Skip("the acceptance set: 15 s (not under -short or -race)")
	}
	ps, err := spec.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	e, err := imaging.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	det, err := face.NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer det.Close()
	cases, err := acceptance.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name+" "+c.Backdrop, func(t *testing.T) {
			p, err := ps.Get(c.Profile)
			if err != nil {
				t.Fatal(err)
			}
			r, err := acceptance.Run(e, ps, c)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("%s, want %s (%s)", r.Outcome, c.Expect, r.Detail)
			}
			if r.Outcome == "compliant" {
				measure(t, det, r.JPEG, p)
			}
			if c.Real {
				variants(t, e, p, c, r.Outcome)
			}
		})
	}
}

// variants runs the phone-turned and WebP copies of a real portrait. (The
// WebP is quality 95: at 90 the shadowed eye of xraylarch_mendeleev is no
// longer seen open on the photo, a check that sits on its edge there.)
func variants(t *testing.T, e *imaging.Engine, p spec.Profile, c acceptance.Case, want string) {
	t.Helper()
	data, err := os.ReadFile(c.Path)
	if err != nil {
		t.Fatal(err)
	}
	upright, err := imaging.Decode(data)
	if err != nil {
		return // an unreadable original has no variants
	}
	defer upright.Close()
	made := map[string]func() ([]byte, error){
		"EXIF 6": func() ([]byte, error) { return fixture.WithOrientation(upright, 6) },
		"EXIF 8": func() ([]byte, error) { return fixture.WithOrientation(upright, 8) },
		"WebP":   func() ([]byte, error) { return fixture.WebP(upright) },
	}
	for name, make := range made {
		b, err := make()
		if err != nil {
			t.Fatal(err)
		}
		img, err := imaging.Decode(b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := acceptance.RunImage(e, p, c, img); kind(got.Outcome) != kind(want) {
			t.Errorf("%s: %s, the original: %s (%s)", name, got.Outcome, want, got.Detail)
		}
		img.Close()
	}
}

// kind is what an outcome means to the person: a compliant photo, a photo
// that fails checks, or a refusal (whose reason a borderline picture may
// give one way or another: a grimace's eyes not found, or its face turned).
func kind(outcome string) string {
	switch {
	case outcome == "compliant":
		return outcome
	case strings.HasPrefix(outcome, "failed:"):
		return "failed"
	}
	return "refused"
}

// measure checks a compliant photo without its report: pixel size, the
// background's corners against the profile's colours, one face whose width
// and eye line are inside the profile's ranges, the head top (the first
// row under the top that is not background, over the face's middle) inside
// its range.
func measure(t *testing.T, det *face.Detector, data []byte, p spec.Profile) {
	t.Helper()
	img, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil || img.Empty() {
		t.Fatalf("the photo does not decode: %v", err)
	}
	defer img.Close()
	if img.Cols() != p.Width || img.Rows() != p.Height {
		t.Fatalf("photo %d×%d, want %d×%d", img.Cols(), img.Rows(), p.Width, p.Height)
	}
	bg := nearestBackground(img, p)
	for _, at := range []image.Point{{3, 3}, {p.Width - 4, 3}} {
		if d := rgbDist(img, at, bg); d > 12 {
			t.Errorf("background at %v is %.1f from %v", at, d, bg)
		}
	}
	faces, err := det.Detect(img, face.Still)
	if err != nil || len(faces) != 1 {
		t.Fatalf("%d faces on the photo (%v)", len(faces), err)
	}
	f := faces[0]
	if _, err := det.Eyes(img, &f); err != nil {
		t.Fatal(err)
	}
	if p.EyeLine != nil && !p.EyeLine.Contains(f.EyeMid().Y) {
		t.Errorf("eye line at %.1f px, want %v", f.EyeMid().Y, *p.EyeLine)
	}
	if p.FaceWidth != nil && !widen(*p.FaceWidth, 0.05).Contains(f.Width()) {
		t.Errorf("face width %.1f px, want %v", f.Width(), *p.FaceWidth)
	}
	if p.HeadTop != nil {
		top := headTop(img, bg, f)
		if !widen(*p.HeadTop, 0.1).Contains(float64(top)) {
			t.Errorf("head top at %d px, want %v", top, *p.HeadTop)
		}
	}
}

// widen is r grown by a share of its width each way (the detector here is
// not the one the engine measured with, and finds key points a few px
// apart).
func widen(r spec.Range, k float64) spec.Range {
	d := k * (r.Max - r.Min)
	return spec.Range{Min: r.Min - d, Max: r.Max + d}
}

// nearestBackground is the profile colour nearest the photo's top-left corner.
func nearestBackground(img gocv.Mat, p spec.Profile) spec.RGB {
	best, bestD := spec.RGB{}, math.Inf(1)
	for _, n := range p.BackgroundOptions() {
		c := p.Backgrounds[n]
		if d := rgbDist(img, image.Pt(3, 3), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func rgbDist(img gocv.Mat, at image.Point, c spec.RGB) float64 {
	v := img.GetVecbAt(at.Y, at.X)
	return math.Sqrt(sqr(float64(v[2])-float64(c.R)) + sqr(float64(v[1])-float64(c.G)) + sqr(float64(v[0])-float64(c.B)))
}

func sqr(x float64) float64 { return x * x }

// headTop is the first row (median over the face's middle half-width of
// columns) that differs from the background by more than 40 in RGB.
func headTop(img gocv.Mat, bg spec.RGB, f face.Face) int {
	cx, fw := f.Centre().X, f.Width()
	var tops []int
	for x := int(cx - 0.2*fw); x <= int(cx+0.2*fw); x++ {
		if x < 0 || x >= img.Cols() {
			continue
		}
		for y := 0; y < int(f.EyeMid().Y); y++ {
			if rgbDist(img, image.Pt(x, y), bg) > 40 {
				tops = append(tops, y)
				break
			}
		}
	}
	if len(tops) == 0 {
		return -1
	}
	// the median column: a stray hair does not count
	for i := 1; i < len(tops); i++ {
		for j := i; j > 0 && tops[j] < tops[j-1]; j-- {
			tops[j], tops[j-1] = tops[j-1], tops[j]
		}
	}
	return tops[len(tops)/2]
}

// yawLabels is testdata/acceptance/yaw.json: hand-measured outlines and
// nose tips, and how a yaw is read from them.
type yawLabels struct {
	Method string
	Photos []struct {
		File              string
		Left, Nose, Right float64
	}
}

// The yaw estimate is within 4° of the hand label on every labelled face
// (fixtures and the acceptance set, as the still is read for a photo), and
// the picture saved again (JPEG and WebP at quality 95: a phone's or
// WeChat's copy) moves it by at most resavedYaw.
func TestYawAgainstHandLabels(t *testing.T) {
	dir, err := fixture.PhotosDir()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(dir)
	data, err := os.ReadFile(filepath.Join(root, "acceptance", "yaw.json"))
	if err != nil {
		t.Fatal(err)
	}
	var labels yawLabels
	if err := json.Unmarshal(data, &labels); err != nil {
		t.Fatal(err)
	}
	det, err := face.NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer det.Close()
	worst, moved := 0.0, 0.0
	for _, l := range labels.Photos {
		b, err := os.ReadFile(filepath.Join(root, l.File))
		if err != nil {
			t.Fatal(err)
		}
		img, err := imaging.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		yaw := stillYaw(t, det, img, l.File)
		dl, dr := l.Nose-l.Left, l.Right-l.Nose
		r := (dl - dr) / (dl + dr)
		label := math.Atan(r/(1.5*math.Sqrt(1-r*r))) * 180 / math.Pi
		off := yaw - label
		worst = math.Max(worst, math.Abs(off))
		t.Logf("%-40s label %5.1f°  estimate %5.1f°  off %+5.1f°", l.File, label, yaw, off)
		if math.Abs(off) > 4 {
			t.Errorf("%s: yaw estimate %.1f°, hand label %.1f°", l.File, yaw, label)
		}
		for _, s := range savers {
			again := resaved(t, img, s.save)
			d := stillYaw(t, det, again, l.File+" "+s.name) - yaw
			again.Close()
			moved = math.Max(moved, math.Abs(d))
			if math.Abs(d) > resavedYaw {
				t.Errorf("%s saved again as %s: yaw estimate moved by %+.1f°", l.File, s.name, d)
			}
		}
		img.Close()
	}
	t.Logf("worst %.1f° over %d faces; saved again, moved by at most %.1f°", worst, len(labels.Photos), moved)
}

// resavedYaw: the most a yaw estimate may move when the picture is saved
// again. Measured: at most 4.2° (grace_hopper.jpg, whose narrowed left
// iris is clear enough to move that eye in one copy and not in the other;
// gtkmorph_AD_image2.png 3.7°, another pair of dark spots taken for the
// nostrils). Before the nostril search tried more than one darkness level,
// xraylarch_barkla.jpg moved 5.5°: its nostrils were lost, and BlazeFace's
// nose point and ears, 7° off on that face, were all that was left.
const resavedYaw = 5.0

// savers save a picture again as a phone (JPEG) and WeChat (WebP) do.
var savers = []struct {
	name string
	save func(gocv.Mat) ([]byte, error)
}{{"JPEG", fixture.JPEG}, {"WebP", fixture.WebP}}

// stillYaw is the yaw estimate of the best-scoring face in img, as a still
// is read.
func stillYaw(t *testing.T, det *face.Detector, img gocv.Mat, name string) float64 {
	t.Helper()
	faces, err := det.Detect(img, face.Still)
	if err != nil || len(faces) == 0 {
		t.Fatalf("%s: no face (%v)", name, err)
	}
	f := faces[0]
	if _, err := det.Eyes(img, &f); err != nil {
		t.Fatal(err)
	}
	return f.Yaw()
}

// resaved is img encoded by save and decoded again.
func resaved(t *testing.T, img gocv.Mat, save func(gocv.Mat) ([]byte, error)) gocv.Mat {
	t.Helper()
	b, err := save(img)
	if err != nil {
		t.Fatal(err)
	}
	m, err := imaging.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
