package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/spec"
)

// The review screen's checks speak plainly in the graduate's language; the
// figures hide behind a toggle for the assistant, in words too.
func TestCheckListPlainWords(t *testing.T) {
	r := newRig(t, config{})
	ctx := context.Background()
	svc := r.k.svc
	for _, err := range []error{svc.Start(ctx), svc.AcceptConsent(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.SubmitIdentity(ctx, demoGraduate.Doc, demoGraduate.Number, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.ConfirmRecord(ctx); err != nil {
		t.Fatal(err)
	}
	lo, hi := 200.0, 300.0
	report := spec.Report{Checks: []spec.Check{
		{ID: spec.CheckSize, Pass: true, Value: 480, Min: &[]float64{480}[0], Max: &[]float64{480}[0], Unit: "px wide"},
		{ID: spec.CheckOneFace, Pass: true, Value: 1, Unit: "faces"},
		{ID: spec.CheckHeadTop, Pass: false, Value: 320, Min: &lo, Max: &hi, Unit: "px from top"},
		{ID: spec.CheckLevel, Pass: true, Value: 1.5, Unit: "° roll"},
		{ID: spec.CheckBgColour, Pass: true, Value: 3, Unit: "ΔE"},
	}}
	jpeg := smallJPEG(t)
	r.k.shot = capture.Shot{Raw: jpeg, Standard: jpeg, Report: report}
	if err := svc.Capture(ctx, r.k.shot.App()); err != nil {
		t.Fatal(err)
	}
	r.k.show()
	r.wantStep(t, app.StepStandardise)
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") } // lines wrap
	shown := squash(r.texts())
	for _, want := range []string{"照片尺寸符合要求", "照片里只有您一人", "头顶离照片上边太近或太远", "头部端正", "背景颜色：合格"} {
		if !strings.Contains(shown, want) {
			t.Errorf("missing %q:\n%s", want, shown)
		}
	}
	for _, dev := range []string{"px", "faces", "roll", "480 (480–480)"} {
		if strings.Contains(shown, dev) {
			t.Errorf("developer words %q on the graduate's screen:\n%s", dev, shown)
		}
	}
	test.Tap(r.k.standardise.toggle)
	shown = squash(r.texts())
	if !strings.Contains(shown, "测得320像素（距上边）（要求200–300）") || strings.Contains(shown, "px") {
		t.Errorf("the figures are not in words:\n%s", shown)
	}
}
