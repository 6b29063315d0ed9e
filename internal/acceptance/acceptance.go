// Package acceptance is the photo engine's acceptance set: real portraits
// of people the engine was not tuned on (testdata/acceptance, with their
// licences in SOURCES.md) and portraits of the fixtures composed on other
// backdrops and framings, each with the outcome a careful person expects.
// tools/acceptance prints the table in README; the imaging tests hold the
// engine to it. Only tests and tools import it.
package acceptance

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gocv.io/x/gocv"

	"gradphoto/imaging"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
)

// Case is one photo of the set.
type Case struct {
	Name     string // the file, or what was composed
	Real     bool   // a real photograph as it was shipped; false: composed from a fixture
	Backdrop string
	Framing  string
	Profile  string // the profile it is made for
	// Expect is "compliant", the refusal expected (the text of a spec
	// error, e.g. spec.ErrManyFaces.Error()), or "refused": any refusal.
	Expect string
	Path   string // the file of a real photograph
	load   func() (gocv.Mat, error)
}

// Load decodes or composes the case's picture; the caller closes it.
func (c Case) Load() (gocv.Mat, error) { return c.load() }

// expectation is one line of testdata/acceptance/expect.json.
type expectation struct {
	Backdrop, Framing, Profile, Expect string
}

// Cases lists the whole set: the real portraits first, then the composed ones.
func Cases() ([]Case, error) {
	dir, err := fixture.PhotosDir()
	if err != nil {
		return nil, err
	}
	dir = filepath.Join(filepath.Dir(dir), "acceptance")
	data, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		return nil, err
	}
	var exp map[string]expectation
	if err := json.Unmarshal(data, &exp); err != nil {
		return nil, fmt.Errorf("acceptance: expect.json: %w", err)
	}
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Case
	for _, n := range names {
		e, path := exp[n], filepath.Join(dir, n)
		out = append(out, Case{Name: n, Real: true, Backdrop: e.Backdrop, Framing: e.Framing, Profile: e.Profile,
			Expect: e.Expect, Path: path, load: func() (gocv.Mat, error) {
				b, err := os.ReadFile(path)
				if err != nil {
					return gocv.Mat{}, err
				}
				return imaging.Decode(b)
			}})
	}
	return append(out, composed()...), nil
}

// A composed variant: a fixture portrait on a backdrop, in a framing.
type variant struct {
	photo, backdrop, framing string
	scene                    fixture.Scene
}

var (
	grey      = color.RGBA{R: 150, G: 150, B: 150, A: 255}
	lightGrey = color.RGBA{R: 218, G: 218, B: 215, A: 255}
	beige     = color.RGBA{R: 226, G: 211, B: 186, A: 255}
	red       = color.RGBA{R: 196, G: 32, B: 40, A: 255}
	white     = color.RGBA{R: 250, G: 250, B: 248, A: 255}
	darkGrey  = color.RGBA{R: 62, G: 64, B: 66, A: 255}
	blue      = color.RGBA{R: 67, G: 142, B: 219, A: 255}
)

// idPhoto is an existing ID photo's framing: 358×441 (33×48 mm at 275
// dpi), the head near the top, the shoulders cut by the picture.
func idPhoto(bg color.RGBA) fixture.Scene {
	return fixture.Scene{Size: image.Pt(358, 441), FaceWidth: 190, EyeAt: [2]float64{0.5, 0.43}, Backdrop: bg,
		ExtendBody: true, Level: true, Seed: 5}
}

// portrait is a head-and-shoulders portrait, 1200×1500.
func portrait(bg color.RGBA) fixture.Scene {
	return fixture.Scene{Size: image.Pt(1200, 1500), FaceWidth: 420, EyeAt: [2]float64{0.5, 0.36}, Backdrop: bg,
		ExtendBody: true, Level: true, Seed: 6}
}

func variants() []variant {
	grad := portrait(blue)
	grad.Backdrop2 = white
	darkGrad := portrait(darkGrey)
	darkGrad.Vignette = 0.18
	touchTop := idPhoto(lightGrey)
	touchTop.EyeAt[1] = 0.33
	return []variant{
		{"pigo_sample", "grey", "ID photo (tight)", idPhoto(grey)},
		{"astronaut", "light grey", "ID photo (tight)", idPhoto(lightGrey)},
		{"face", "beige", "ID photo (tight)", idPhoto(beige)},
		{"grace_hopper", "red", "head and shoulders", portrait(red)},
		{"pigo_sample", "blue→white gradient", "head and shoulders", grad},
		{"astronaut", "white", "head and shoulders", portrait(white)},
		{"grace_hopper", "dark grey, vignette", "head and shoulders", darkGrad},
		{"pigo_sample", "light grey", "head touches the top", touchTop},
	}
}

// composed lists the composed cases: every one should be compliant.
func composed() []Case {
	var out []Case
	for _, v := range variants() {
		out = append(out, Case{Name: v.photo + " (composed)", Backdrop: v.backdrop, Framing: v.framing,
			Profile: spec.DefaultProfile, Expect: "compliant", load: func() (gocv.Mat, error) {
				ph, err := fixture.Load(v.photo)
				if err != nil {
					return gocv.Mat{}, err
				}
				defer ph.Close()
				fr, err := fixture.Compose(ph, v.scene)
				if err != nil {
					return gocv.Mat{}, err
				}
				fr.Alpha.Close()
				return fr.Img, nil
			}})
	}
	return out
}

// Result is what the engine made of a case.
type Result struct {
	Case
	Outcome string // "compliant", "failed: CHECKS" or the refusal
	Detail  string // the failed checks' values
	JPEG    []byte // the standardised photo, when one was made
	Report  spec.Report
}

// OK reports whether the outcome is the expected one.
func (r Result) OK() bool {
	if r.Expect == "refused" {
		return r.Outcome != "compliant" && !strings.HasPrefix(r.Outcome, "failed:")
	}
	return r.Outcome == r.Expect
}

// Run standardises a case for its profile.
func Run(e *imaging.Engine, ps spec.Profiles, c Case) (Result, error) {
	p, err := ps.Get(c.Profile)
	if err != nil {
		return Result{}, err
	}
	img, err := c.Load()
	if err != nil {
		return Result{Case: c, Outcome: refusal(err)}, nil
	}
	defer img.Close()
	return RunImage(e, p, c, img), nil
}

// RunImage standardises img (the case's picture, or a variant of it) for
// profile p.
func RunImage(e *imaging.Engine, p spec.Profile, c Case, img gocv.Mat) Result {
	res, err := e.Standardise(img, p, imaging.Options{})
	r := Result{Case: c, JPEG: res.JPEG, Report: res.Report}
	switch {
	case err != nil:
		r.Outcome, r.Detail = refusal(err), err.Error()
	case res.Report.Pass():
		r.Outcome = "compliant"
	default:
		r.Outcome = "failed:"
		for _, f := range res.Report.Failed() {
			r.Outcome += " " + string(f.ID)
			r.Detail += fmt.Sprintf("%s %g %s (%s) %s; ", f.ID, f.Value, f.Unit, f.Limits(), f.Note)
		}
	}
	return r
}

// refusal is the text of the spec error a refusal wraps.
func refusal(err error) string {
	for _, e := range []error{spec.ErrBadImage, spec.ErrNoFace, spec.ErrManyFaces, spec.ErrEyesNotFound,
		spec.ErrFaceTooSmall, spec.ErrHeadCut, spec.ErrShouldersCut, spec.ErrNoFit, spec.ErrNotSegmented,
		spec.ErrBusyBackdrop, spec.ErrTurned} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return err.Error()
}
