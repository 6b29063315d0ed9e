package imaging

import (
	"image"
	"image/color"
	"testing"

	"gradphoto/imaging/face"
	"gradphoto/spec"
)

// stagedPhoto is a still of pigo_sample on a mid-grey backdrop made ready
// to render, with its crop and matte; the caller closes it.
type stagedPhoto struct {
	e  *Engine
	st *staged
	matted
}

func (s stagedPhoto) close() {
	s.matted.close()
	s.st.close()
}

func stageOnGrey(t *testing.T, e *Engine) stagedPhoto {
	t.Helper()
	sc := kioskScene(image.Pt(1920, 1080), 330)
	sc.Backdrop = color.RGBA{R: 150, G: 150, B: 150, A: 255}
	fr := compose(t, "pigo_sample", sc)
	defer fr.Close()
	f, err := e.oneFace(fr.Img)
	if err != nil {
		t.Fatal(err)
	}
	st, err := prepare(fr.Img, f, profile(t, "chsi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := matteOf(st.pic, st.cv, st.seg, st.l, color.RGBA{})
	if err != nil {
		st.close()
		t.Fatal(err)
	}
	return stagedPhoto{e: e, st: st, matted: m}
}

// check composites the photo with alpha and runs the clean-background check
// on it as Standardise does (with what it knows of the old backdrop).
func (s stagedPhoto) check(t *testing.T, alpha []float32) spec.Check {
	t.Helper()
	bg := spec.RGB{R: 100, G: 197, B: 255}
	left, err := leftOver(s.cols, alpha, s.st.cv, s.st.seg, s.st.l)
	if err != nil {
		t.Fatal(err)
	}
	out, err := composite(s.crop, alpha, s.in, s.cols.oldBGR, bg)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	px, err := newLabPixels(out)
	if err != nil {
		t.Fatal(err)
	}
	faces, err := s.e.det.Detect(out, face.Still)
	if err != nil || len(faces) != 1 {
		t.Fatalf("%d faces on the photo (%v)", len(faces), err)
	}
	c, err := cleanCheck(px, faces[0], LabOf(bg), left)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The clean-background check passes the engine's own matte, and fails a
// patch of old backdrop kept beside the shoulder, an island of it in a
// corner, and a rim of it round the hair.
func TestCleanCheckCatchesRemnants(t *testing.T) {
	e := newTestEngine(t)
	s := stageOnGrey(t, e)
	defer s.close()
	w := s.st.l.size.X
	eyeY := int(s.st.l.eyeY)
	if c := s.check(t, s.alpha); !c.Pass {
		t.Fatalf("the engine's own matte fails: %v (%s)", c.Value, c.Note)
	}
	edit := func(keep func(x, y int, a float32) bool) []float32 {
		out := append([]float32(nil), s.alpha...)
		for i := range out {
			if keep(i%w, i/w, out[i]) {
				out[i] = 1
			}
		}
		return out
	}
	// beside the shoulder: the backdrop from the chin's height down to the
	// shoulder line, 50 px out from the person on the left
	beside := edit(func(x, y int, a float32) bool {
		return y > eyeY+110 && y < eyeY+170 && x < w/2 && a < 0.5 && s.personWithin(x, y, 50)
	})
	corner := edit(func(x, y int, a float32) bool { return x < 40 && y < 40 })
	rim := edit(func(x, y int, a float32) bool {
		return y < eyeY && a < 0.5 && s.personWithin(x, y, 3)
	})
	for name, alpha := range map[string][]float32{"old backdrop beside the shoulder": beside,
		"an island in the corner": corner, "a rim round the hair": rim} {
		if c := s.check(t, alpha); c.Pass {
			t.Errorf("%s passes: %v %s (%s)", name, c.Value, c.Unit, c.Note)
		} else {
			t.Logf("%s: %.2f %s (%s)", name, c.Value, c.Unit, c.Note)
		}
	}

}

// personWithin reports whether a pixel of the engine's matte lies within r
// px of (x, y).
func (s stagedPhoto) personWithin(x, y, r int) bool {
	w, h := s.st.l.size.X, s.st.l.size.Y
	for v := max(0, y-r); v <= min(h-1, y+r); v++ {
		for u := max(0, x-r); u <= min(w-1, x+r); u++ {
			if s.alpha[v*w+u] >= 0.5 && (u-x)*(u-x)+(v-y)*(v-y) <= r*r {
				return true
			}
		}
	}
	return false
}
