package cli

import (
	"encoding/json"
	"gradphoto/spec"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/internal/fixture"
)

// kioskStill writes a 1920×1080 kiosk still of a real portrait as JPEG.
func kioskStill(t *testing.T, name string, edit func(*fixture.Scene)) string {
	t.Helper()
	return kioskStillLit(t, name, edit, 0)
}

// kioskStillLit is kioskStill with the person lit from their right: the
// picture's right half of the person darker by side (0…1), the backdrop
// as it was (a lamp beside the kiosk, not a dim room).
func kioskStillLit(t *testing.T, name string, edit func(*fixture.Scene), side float64) string {
	t.Helper()
	ph, err := fixture.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	s := fixture.Scene{Size: image.Pt(1920, 1080), FaceWidth: 330, ExtendBody: true, Seed: 3}
	if edit != nil {
		edit(&s)
	}
	fr, err := fixture.Compose(ph, s)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	if side > 0 {
		sideLight(t, fr, side)
	}
	path := filepath.Join(t.TempDir(), name+".jpg")
	if !gocv.IMWrite(path, fr.Img) {
		t.Fatal("cannot write", path)
	}
	return path
}

// sideLight darkens the person's pixels (by their coverage) towards the
// picture's right: a smooth step across the face's middle.
func sideLight(t *testing.T, fr fixture.Frame, side float64) {
	t.Helper()
	img, err := fr.Img.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := fr.Alpha.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	w := fr.Img.Cols()
	cx, fw := fr.Labels.EyeMid()[0], fr.FaceWidth
	for i, a := range alpha {
		x := float64(i % w)
		k := 1 - side*float64(a)/255/(1+math.Exp(-(x-cx)/(0.05*fw)))
		for c := 0; c < 3; c++ {
			img[3*i+c] = uint8(float64(img[3*i+c]) * k)
		}
	}
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	r := runCLI(t, args...)
	return r.code, r.stdout, r.stderr
}

func TestPhotoMakeAndCheck(t *testing.T) {
	in := kioskStill(t, "pigo_sample", nil)
	out := filepath.Join(t.TempDir(), "out.jpg")
	code, stdout, stderr := run(t, "photo", "make", in, out)
	if code != ExitOK || !strings.HasPrefix(stdout, "ok: ") {
		t.Fatalf("photo make: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "photo", "check", out)
	if code != ExitOK || strings.Contains(stdout, "FAIL") || !strings.Contains(stdout, "PASS  eye_line") {
		t.Fatalf("photo check of the made photo: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "photo", "check", "--json", out)
	var rep CheckReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != ExitOK || !rep.Pass || rep.Profile != "chsi" {
		t.Fatalf("--json: exit %d, %v, %+v", code, err, rep)
	}
	ids := map[spec.CheckID]bool{}
	for _, c := range rep.Checks {
		ids[c.ID] = true
	}
	for _, id := range []spec.CheckID{spec.CheckSize, spec.CheckFileSize, spec.CheckDPI, spec.CheckEyeLine,
		spec.CheckHeadTop, spec.CheckFaceWidth, spec.CheckBgColour, spec.CheckEyes} {
		if !ids[id] {
			t.Errorf("JSON report lacks %s", id)
		}
	}
}

func TestPhotoMakeOtherProfileAndBackground(t *testing.T) {
	in := kioskStill(t, "grace_hopper", nil)
	out := filepath.Join(t.TempDir(), "white.jpg")
	if code, stdout, stderr := run(t, "photo", "make", "--profile", "chsi", "--background", "white", in, out); code != ExitOK {
		t.Fatalf("white background: exit %d %q %q", code, stdout, stderr)
	}
	small := filepath.Join(t.TempDir(), "degree.jpg")
	if code, stdout, _ := run(t, "photo", "make", "--profile", "degree-2009", in, small); code != ExitOK {
		t.Fatalf("degree-2009: exit %d %q", code, stdout)
	}
	// the chsi checks fail on a 150×210 photo: size, face width…
	if code, stdout, _ := run(t, "photo", "check", small); code != ExitFailed || !strings.Contains(stdout, "FAIL  size") {
		t.Errorf("checking a degree-2009 photo against chsi: exit %d\n%s", code, stdout)
	}
	if code, _, _ := run(t, "photo", "check", "--profile", "degree-2009", small); code != ExitOK {
		t.Errorf("checking it against its own profile: exit %d", code)
	}
}

func TestPhotoMakeRefuses(t *testing.T) {
	dir := t.TempDir()
	busy, err := fixture.LoadImage("space_shuttle")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := map[string]struct {
		in, reason string
	}{
		"busy background": {kioskStill(t, "pigo_sample", func(s *fixture.Scene) { s.Busy = busy }), "background too busy"},
		"uneven light":    {kioskStillLit(t, "pigo_sample", nil, 0.5), "light check failed"},
		"not an image":    {writeFile(t, dir, "x.jpg", []byte("hello")), "not a JPEG, PNG or WebP"},
		"missing file":    {filepath.Join(dir, "nope.jpg"), "no such file"},
	}
	for name, c := range cases {
		out := filepath.Join(dir, name+".out.jpg")
		code, stdout, _ := run(t, "photo", "make", c.in, out)
		if code != ExitUnreadable || !strings.HasPrefix(stdout, "refused: ") || !strings.Contains(stdout, c.reason) ||
			strings.Count(stdout, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want exit 2 and one line 'refused: …%s…'", name, code, stdout, c.reason)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: refused but wrote %s", name, out)
		}
	}
}

func TestPhotoCheckUnreadable(t *testing.T) {
	in := kioskStill(t, "pigo_sample", nil)
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, t.TempDir(), "cut.jpg", data[:len(data)/2])
	if code, _, stderr := run(t, "photo", "check", cut); code != ExitUnreadable || !strings.Contains(stderr, "cut off") {
		t.Errorf("truncated JPEG: exit %d %q", code, stderr)
	}
	if code, _, _ := run(t, "photo", "check", "--profile", "nope", in); code != ExitUnreadable {
		t.Errorf("unknown profile: exit %d", code)
	}
	if code, _, _ := run(t, "photo", "frobnicate"); code != ExitUnreadable {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
