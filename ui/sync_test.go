package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"gradphoto/app"
	"gradphoto/remote"
)

// The sync indicator says how things stand, in place, and never in the way.
func TestSyncIndicator(t *testing.T) {
	r := newRig(t, config{})
	if strings.Contains(r.texts(), "同步") {
		t.Fatal("an indicator without a server")
	}
	r.k.onSync(remote.State{Pending: 3, Offline: true})
	if got := r.texts(); !strings.Contains(got, "离线 · 待上传 3") {
		t.Errorf("offline: %q", got)
	}
	box := r.k.syncBox
	at := time.Date(2026, 11, 28, 9, 5, 0, 0, time.Local)
	r.k.onSync(remote.State{LastSuccess: at})
	if got := r.texts(); !strings.Contains(got, "已同步 09:05") || strings.Contains(got, "待上传") {
		t.Errorf("synced: %q", got)
	}
	if r.k.syncBox != box {
		t.Error("a new state rebuilt the window instead of the indicator")
	}
	r.k.onSync(remote.State{Problem: "refused", Pending: 1})
	if got := r.texts(); !strings.Contains(got, "同步出错") {
		t.Errorf("problem: %q", got)
	}
}

// smallJPEG is a JPEG the domain can store as a photo.
func smallJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 48, 64)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// toReceipt takes the demo graduate through the domain to the receipt.
func (r *rig) toReceipt(t *testing.T) app.Session {
	t.Helper()
	ctx := context.Background()
	svc := r.k.svc
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.Start(ctx))
	must(svc.AcceptConsent(ctx))
	_, err := svc.SubmitIdentity(ctx, demoGraduate.Doc, demoGraduate.Number, "")
	must(err)
	must(svc.ConfirmRecord(ctx))
	img := smallJPEG(t)
	must(svc.Capture(ctx, app.Shot{Raw: img, Standard: img, Passed: true}))
	must(svc.AcceptStandard(ctx))
	_, err = svc.Confirm(ctx)
	must(err)
	r.k.show()
	return svc.Session()
}

// With a server the receipt's QR opens the status page of this submission
// (its token, not its id); without one it says where to look instead.
func TestReceiptQR(t *testing.T) {
	r := newRig(t, config{StatusURL: "https://photo.example.edu.cn/s/"})
	s := r.toReceipt(t)
	if len(s.StatusToken) != 22 {
		t.Fatalf("status token %q", s.StatusToken)
	}
	if !hasQR(r) || !strings.Contains(r.texts(), "扫右侧二维码") {
		t.Errorf("no QR code on the receipt, or no word about it:\n%s", r.texts())
	}
	test.Tap(r.k.submitted.done)

	r = newRig(t, config{})
	r.toReceipt(t)
	if hasQR(r) || !strings.Contains(r.texts(), "本机首页“查询审核状态”") || strings.Contains(r.texts(), "扫") {
		t.Errorf("without a server: QR %v, texts %q", hasQR(r), r.texts())
	}
	test.Tap(r.k.submitted.done) // ends the session and the receipt's countdown
}

// hasQR reports whether the window shows a QR-sized image.
func hasQR(r *rig) bool {
	for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
		if img, ok := o.(*canvas.Image); ok && o.Visible() && img.MinSize().Width >= 200 {
			return true
		}
	}
	return false
}
