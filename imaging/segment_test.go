package imaging

import (
	"image"
	"math"
	"testing"

	"gradphoto/internal/fixture"
)

// The head top found by segmentation lies within 3 % of the face height
// (labelled head top to chin) of the hand label, on every portrait placed
// before the backdrop at kiosk size, straight and turned.
func TestHeadTopMatchesLabels(t *testing.T) {
	e := newTestEngine(t)
	worst := 0.0
	for _, name := range fixture.Portraits() {
		for _, rot := range []float64{0, 5} {
			s := kioskScene(image.Pt(1920, 1080), 330)
			s.Rotate = rot
			fr := compose(t, name, s)
			f, err := e.oneFace(fr.Img)
			if err != nil {
				fr.Close()
				t.Fatalf("%s: %v", name, err)
			}
			pic, f, err := extendPicture(fr.Img, f)
			if err != nil {
				fr.Close()
				t.Fatal(err)
			}
			defer pic.close()
			cv, err := newCanvas(pic, f)
			if err != nil {
				fr.Close()
				t.Fatal(err)
			}
			seg, err := segment(cv)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			h, err := measureHead(cv, f, seg)
			cv.close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			l := fr.Labels
			fr.Close()
			// the label's head top, measured the same way: its distance above
			// the eye line along the head's axis (perpendicular to the eye line)
			eye := l.EyeMid()
			roll := l.Roll() * math.Pi / 180
			dx, dy := l.HeadTop[0]-eye[0], l.HeadTop[1]-eye[1]
			labelUp := -(dx*math.Sin(-roll) + dy*math.Cos(-roll))
			faceH := math.Hypot(l.Chin[0]-l.HeadTop[0], l.Chin[1]-l.HeadTop[1])
			errPct := math.Abs(h.TopUp-labelUp) / faceH * 100
			worst = math.Max(worst, errPct)
			t.Logf("%s rot %.0f°: head top %.1f px above the eyes, label %.1f: %.2f%% of face height", name, rot, h.TopUp, labelUp, errPct)
			if errPct > 3 {
				t.Errorf("%s rot %.0f°: head top off by %.2f%% of the face height", name, rot, errPct)
			}
		}
	}
	t.Logf("worst head-top error: %.2f%% of face height", worst)
}
