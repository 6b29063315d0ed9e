package opencv

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"gradphoto/capture"
	"gradphoto/internal/fixture"
)

// emptyThenSeated writes a clip of the shadowed, creased backdrop empty for
// empty seconds, then with pigo_sample sitting still in front of it.
func emptyThenSeated(t *testing.T, empty, seated float64) string {
	t.Helper()
	bd, err := fixture.ShadowedBackdrop(image.Pt(1280, 720))
	if err != nil {
		t.Fatal(err)
	}
	defer bd.Close()
	ph, err := fixture.Load("pigo_sample")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	st, err := fixture.NewStage(ph, fixture.Scene{FaceWidth: 250, Level: true, Busy: bd})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n0 := int(empty * fixture.ClipFPS)
	return stageClip(t, st, "empty-then-seated.mp4", n0+int(seated*fixture.ClipFPS), func(i int) fixture.Pose {
		return fixture.Pose{Hidden: i < n0, Seed: int64(i + 1)}
	})
}

// Between graduates the kiosk learns its empty backdrop by itself; the
// next graduate's photo is made with it, and passes although the backdrop
// has a shadow and a crease. The operator's calibration is refused while
// someone sits in front of the camera.
func TestFaceRunLearnsThePlate(t *testing.T) {
	h := newTestHost(t, map[capture.Purpose]string{capture.PurposeFace: emptyThenSeated(t, 2, 6)})
	rec := newRecorder()
	run, err := h.StartFace(NewView(capture.GuideFace, h.Profile(), red), rec.face())
	if err != nil {
		t.Fatal(err)
	}
	defer run.Stop()
	select {
	case got := <-rec.shots:
		if got.err != nil {
			t.Fatalf("shot refused: %v", got.err)
		}
		if !got.sh.Report.Pass() {
			t.Errorf("photo fails %v", got.sh.Report.Failed())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("no shot in 40 s")
	}
	p := h.plateCopy()
	if p == nil {
		t.Fatal("no plate learnt from 2 s of empty backdrop")
	}
	p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.CalibrateBackdrop(ctx); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("calibration with someone seated: %v, want ErrNotEmpty", err)
	}
}
