package ui

import (
	"errors"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
)

// Backdrop calibration from the operator screen, with a video file of the
// empty backdrop as the camera: trying the cut-out before a backdrop is
// learnt asks for the calibration first; "learn the backdrop" shows the
// camera, learns it, says so, shows the backdrop learnt, and is audited;
// a try with nobody in front of the camera says why it made no photo.
func TestOperatorCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the face models")
	}
	bd, err := fixture.ShadowedBackdrop(image.Pt(1280, 720))
	if err != nil {
		t.Fatal(err)
	}
	defer bd.Close()
	clip := filepath.Join(t.TempDir(), "empty.mp4")
	if err := fixture.WriteClip(clip, 2*fixture.ClipFPS, func(int) (gocv.Mat, error) { return bd.Clone(), nil }); err != nil {
		t.Fatal(err)
	}
	l := startUILoop(t)
	r := newCamRig(t, l, app.Policy{}, map[capture.Purpose]string{capture.PurposeFace: clip})
	r.k.ops = kioskStore{r.st}
	done := make(chan error, 1)
	wait := func(what string) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s in 30 s", what)
			return nil
		}
	}
	l.run(func() {
		r.k.openOperator()
		c := r.k.operator.calib
		c.done = func(err error) { done <- err }
		c.onTry()
	})
	if err := wait("try"); !errors.Is(err, capture.ErrNoBackdrop) {
		t.Errorf("a try before calibration: %v, want ErrNoBackdrop", err)
	}
	l.run(func() {
		if s := r.k.operator; !strings.Contains(s.note.Text, "请先学习背景") {
			t.Errorf("a try before calibration says %q", s.note.Text)
		}
		c := r.k.operator.calib
		c.onLearn()
		if !c.cam.running() {
			t.Error("the camera did not start")
		}
	})
	if err := wait("calibration"); err != nil {
		t.Fatalf("calibration: %v", err)
	}
	l.run(func() {
		s := r.k.operator
		if !strings.Contains(s.note.Text, "背景已学好") || s.calib.backdrop.Image == nil {
			t.Errorf("after calibration: %q, picture %v", s.note.Text, s.calib.backdrop.Image != nil)
		}
		if b := s.calib.backdrop.Image.Bounds(); b.Dx() < 320 {
			t.Errorf("the backdrop picture is %v", b)
		}
		s.calib.onTry()
	})
	if err := wait("try"); !errors.Is(err, spec.ErrNoFace) {
		t.Errorf("a try with nobody seated: %v, want ErrNoFace", err)
	}
	l.run(func() {
		s := r.k.operator
		if !strings.Contains(s.note.Text, "试拍没有成功") || s.calib.matte.Image != nil {
			t.Errorf("a try with nobody seated says %q, picture %v", s.note.Text, s.calib.matte.Image != nil)
		}
		r.k.closeOperator()
		if s.calib.cam.running() {
			t.Error("the camera runs after operator mode closed")
		}
	})
	if n := r.auditCount(t, "backdrop.calibrate"); n != 1 {
		t.Errorf("%d calibrations audited", n)
	}
}
