package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"gradphoto/api"
	"gradphoto/app"
)

// The receipt shows the short code large and counts down before it closes;
// "done" closes it at once.
func TestReceiptCountsDown(t *testing.T) {
	// both kiosks made first: newRig sets the language, which the UI loop reads
	r, r2 := newRig(t, config{}), newRig(t, config{})
	l := startUILoop(t)
	old := countdownTick
	countdownTick = 5 * time.Millisecond
	t.Cleanup(func() { countdownTick = old })
	var code string
	l.run(func() {
		r.toReceipt(t)
		code = r.k.svc.Session().Code
		shown := r.texts()
		if len(code) != api.CodeLen || !strings.Contains(shown, api.FormatCode(code)) {
			t.Errorf("receipt shows no code %q:\n%s", code, shown)
		}
		if strings.Contains(shown, r.k.svc.Session().SubmissionID) {
			t.Error("receipt shows the long submission id")
		}
		if !strings.Contains(shown, "60 秒后自动返回首页") {
			t.Errorf("no countdown on the receipt:\n%s", shown)
		}
	})
	// part way: the countdown moved
	deadline := time.Now().Add(5 * time.Second)
	for {
		var shown string
		l.run(func() { shown = r.texts() })
		if !strings.Contains(shown, "60 秒") && strings.Contains(shown, "秒后自动返回首页") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("countdown did not move:\n%s", shown)
		}
		time.Sleep(2 * time.Millisecond)
	}
	l.waitStep(t, r, app.StepWelcome, 5*time.Second)
	st, err := r.st.FindStatus(context.Background(), demoGraduate.Number)
	if err != nil || st.Code != code {
		t.Errorf("status after the receipt: %+v, %v; want code %q", st, err, code)
	}

	// "done" closes the next receipt at once
	l.run(func() {
		countdownTick = time.Hour
		r2.toReceipt(t)
		test.Tap(r2.k.submitted.done)
		r2.wantStep(t, app.StepWelcome)
	})
}
