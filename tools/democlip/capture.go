package main

import (
	"fmt"
	"gradphoto/capture"
	"gradphoto/spec"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/imaging"
	"gradphoto/imaging/face"
	"gradphoto/internal/fixture"
)

// The capture clip's timeline, in seconds.
const (
	tEnter     = 0.2 // empty backdrop until the person appears at the left
	tArrive    = 1.5 // stopped walking in: small (too far), left of centre
	tClose     = 3.1 // came closer: right size, off-centre, head tilted 6°
	tSettled   = 4.0 // moved into place: centred, level
	tLeave     = 8.6 // starts walking out to the right
	tGone      = 9.5 // out of view
	captureLen = 9.7

	farFace  = 140.0 // face width when far (the distance check wants ≥ 180 at chsi)
	nearFace = 248.0 // face width in place
)

// capturePose is where the person is at time t (seconds).
func capturePose(t float64) fixture.Pose {
	const W, H = 1280.0, 720.0
	var x, y, fw, rot float64
	walk := 0.0 // gait: 1 while walking, fading out when stopping
	switch {
	case t < tArrive:
		p := smooth(phase(t, tEnter, tArrive))
		x, y, fw, rot = lerp(-0.32, 0.37, p), 0.42, farFace, 0
		walk = 1 - smooth(phase(t, tArrive-0.4, tArrive))
	case t < tClose:
		p := smooth(phase(t, tArrive, tClose))
		x, y, fw, rot = lerp(0.37, 0.43, p), lerp(0.42, 0.395, p), lerp(farFace, nearFace, p), lerp(0, 6, p)
		walk = 0.5 * math.Sin(math.Pi*phase(t, tArrive, tClose))
	case t < tSettled:
		p := smooth(phase(t, tClose, tSettled))
		x, y, fw, rot = lerp(0.43, 0.5, p), lerp(0.395, 0.39, p), nearFace, lerp(6, 0, p)
	case t < tLeave:
		x, y, fw, rot = 0.5, 0.39, nearFace, 0
	default:
		p := phase(t, tLeave, tGone)
		x, y, fw, rot = lerp(0.5, 1.45, p*p), 0.39+0.01*p, lerp(nearFace, 235, p), -2*math.Sin(math.Pi*p)
		walk = smooth(p * 3)
	}
	// standing still is never perfectly still: a slow sway of 1–2 px and a
	// fraction of a degree, fading in as the person settles
	sway := smooth(phase(t, tClose, tSettled))
	dx := sway * (1.2*math.Sin(2*math.Pi*t/2.9) + 0.5*math.Sin(2*math.Pi*t/1.1+1))
	dy := sway * 0.8 * math.Sin(2*math.Pi*t/3.7+2)
	rot += sway * 0.25 * math.Sin(2*math.Pi*t/4.3)
	// walking: the head bobs twice a step and rolls with the step
	step := 2 * math.Pi * 1.8 * t
	dy -= walk * 5 * math.Abs(math.Sin(step))
	rot += walk * 1.5 * math.Sin(step/2)
	return fixture.Pose{
		EyeAt:     [2]float64{x + dx/W, y + dy/H},
		FaceWidth: fw,
		Rotate:    rot,
		Hidden:    t < tEnter || t >= tGone,
	}
}

// motionBlur is a Gaussian stand-in for the blur of a moving person: a
// quarter of the eye's travel in one frame, none below half a pixel.
func motionBlur(t float64) float64 {
	a, b := capturePose(t), capturePose(t+1.0/fps)
	if a.Hidden || b.Hidden {
		return 0
	}
	d := math.Hypot((b.EyeAt[0]-a.EyeAt[0])*1280, (b.EyeAt[1]-a.EyeAt[1])*720) + math.Abs(b.FaceWidth-a.FaceWidth)
	if d < 2 {
		return 0
	}
	return math.Min(3, 0.25*d)
}

func captureClip() clip {
	var (
		photo fixture.Photo
		stage *fixture.Stage
	)
	n := int(math.Round(captureLen * fps))
	return clip{
		name: "capture.mp4", size: image.Pt(1280, 720), frames: n,
		prepare: func() error {
			var err error
			if photo, err = fixture.Load("pigo_sample"); err != nil {
				return err
			}
			stage, err = fixture.NewStage(photo, fixture.Scene{Size: image.Pt(1280, 720), FaceWidth: nearFace, Level: true, Seed: 2026})
			return err
		},
		done: func() {
			stage.Close()
			photo.Close()
		},
		render: func(i int) (gocv.Mat, error) {
			t := float64(i) / fps
			p := capturePose(t)
			p.Blur = motionBlur(t)
			p.Seed = int64(1000 + i)
			fr, err := stage.Frame(p)
			if err != nil {
				return gocv.NewMat(), err
			}
			fr.Alpha.Close()
			return fr.Img, nil
		},
		verify: verifyCapture,
	}
}

// verifier holds what the checks need.
type verifier struct {
	engine  *imaging.Engine
	det     *face.Detector
	profile spec.Profile
}

func newVerifier() (*verifier, error) {
	photos, err := fixture.PhotosDir()
	if err != nil {
		return nil, err
	}
	// read the shipped profiles from the tree (not through package assets,
	// whose embed pattern needs the clips this tool makes)
	root := filepath.Dir(filepath.Dir(photos))
	ps, err := spec.LoadProfiles(os.DirFS(filepath.Join(root, "assets")), "profiles")
	if err != nil {
		return nil, err
	}
	p, err := ps.Get("chsi")
	if err != nil {
		return nil, err
	}
	e, err := imaging.NewEngine()
	if err != nil {
		return nil, err
	}
	d, err := face.NewDetector()
	if err != nil {
		e.Close()
		return nil, err
	}
	return &verifier{engine: e, det: d, profile: p}, nil
}

func (v *verifier) close() {
	v.engine.Close()
	v.det.Close()
}

// span is a run of frames with the same outcome.
type span struct {
	from, to int // frames [from, to)
	what     string
}

func verifyCapture(v *verifier, path string) bool {
	fmt.Printf("%s:\n", filepath.Base(path))
	var (
		pass   []bool
		spans  []span
		faces0 []bool // no face at all
		err    error
		st     = capture.Steadier{Window: 5, Need: 3}
		shoot  = -1.0 // clip time when the checks had held 0.8 s
	)
	n, rate, size, rerr := readClip(path, func(i int, m gocv.Mat) {
		var r spec.Report
		r, err = v.engine.Analyze(m, v.profile, nil)
		if err != nil {
			return
		}
		pass = append(pass, r.Pass())
		c, _ := r.Get(spec.CheckOneFace)
		faces0 = append(faces0, c.Value == 0)
		what := "pass"
		if !r.Pass() {
			var ids []string
			for _, f := range r.Failed() {
				ids = append(ids, string(f.ID))
			}
			what = strings.Join(ids, ",")
			if c.Value == 0 {
				what = "no face"
			}
		}
		if k := len(spans); k > 0 && spans[k-1].what == what {
			spans[k-1].to = i + 1
		} else {
			spans = append(spans, span{i, i + 1, what})
		}
		at := time.Unix(0, 0).Add(time.Duration(float64(i) / fps * float64(time.Second)))
		if _, held := st.Push(r, at); held >= 800*time.Millisecond && shoot < 0 {
			shoot = float64(i) / fps
		}
	})
	if rerr != nil || err != nil {
		fmt.Println("  FAIL", rerr, err)
		return false
	}
	ok := verdict(n == int(math.Round(captureLen*fps)) && math.Abs(rate-fps) < 0.01 && size == image.Pt(1280, 720),
		"%d frames (%.2f s) at %.0f fps, %d×%d", n, float64(n)/fps, rate, size.X, size.Y)
	ok = verdict(fileKB(path) < 1024, "%.0f KB (< 1 MB)", fileKB(path)) && ok
	fmt.Println("  live checks (chsi), frame by frame:")
	for _, s := range spans {
		fmt.Printf("       %5.2f–%5.2f s  %s\n", float64(s.from)/fps, float64(s.to)/fps, s.what)
	}
	best := span{}
	for _, s := range spans {
		if s.what == "pass" && s.to-s.from > best.to-best.from {
			best = s
		}
	}
	held := float64(best.to-best.from) / fps
	ok = verdict(held >= 2.5 && float64(best.from)/fps <= tSettled+0.5,
		"every check passes without a break for %.2f s (%.2f–%.2f s; want ≥ 2.5 s once settled)", held, float64(best.from)/fps, float64(best.to)/fps) && ok
	early, want := 0, int(tClose*fps)
	for i := 0; i < want && i < len(pass); i++ {
		if !pass[i] {
			early++
		}
	}
	ok = verdict(early == want, "walking in and coming closer (0–%.1f s): every frame fails a check (%d of %d)", tClose, early, want) && ok
	ok = verdict(shoot >= 0 && shoot+3.2 <= float64(best.to)/fps,
		"Steadier: checks held 0.8 s at %.2f s; they keep holding %.2f s more (a 3-2-1 countdown and burst fit)", shoot, float64(best.to)/fps-shoot) && ok
	ok = verdict(len(faces0) > 0 && faces0[0] && faces0[len(faces0)-1], "loops cleanly: the first and last frames are the empty backdrop") && ok
	return ok
}
