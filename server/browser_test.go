package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gradphoto/api"
)

// headlessShell is Debian's chromium-headless-shell (make test installs it).
func headlessShell(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium-headless-shell: run make deps (apt-get install chromium-headless-shell)")
	return ""
}

// realSubmission stores a submitted submission whose photos are real
// portraits (for the screenshots).
func (r *rig) realSubmission(t *testing.T, token, name, std, raw string, seed int) api.Submission {
	t.Helper()
	m := meta(newUUID(), newUUID())
	m.Name, m.StatusToken = name, "browser-status-token-"+m.ID
	if st := r.call(token, "PUT", api.PathSubmissions+m.ID, m, nil); st != 200 {
		t.Fatalf("put: %d", st)
	}
	for kind, file := range map[string]string{api.KindStandard: std, api.KindRaw: raw} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "photos", file))
		if err != nil {
			t.Fatal(err)
		}
		if st := r.putPhoto(token, m.ID, kind, data, "", nil); st != 200 {
			t.Fatalf("photo %s: %d", kind, st)
		}
	}
	if st := r.call(token, "POST", api.PathSubmissions+m.ID+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	return m
}

// A reviewer in a real browser: logs in, approves one photo with the
// keyboard, rejects another with a preset reason. With
// GRADPHOTO_SCREENSHOTS=DIR it saves the queue and a review page there.
func TestReviewInABrowser(t *testing.T) {
	exe := headlessShell(t)
	r := newRig(t)
	tok := r.enrol("")
	m1 := r.realSubmission(t, tok, "张晓明", "grace_hopper.jpg", "astronaut.jpg", 1)
	m2 := r.realSubmission(t, tok, "李华", "pigo_sample.jpg", "pigo_sample.jpg", 2)
	pw := r.addReviewer("alice", "*")

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	shots := os.Getenv("GRADPHOTO_SCREENSHOTS")
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if shots == "" {
				return nil
			}
			buf, err := chromedp.FullScreenshot(90)(ctx, t)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name), buf, 0o644)
		})
	}
	base := r.srv.URL
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/review/"))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "alice"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.queue`)),
		shot("review-queue-zh-CN.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	queueHTML, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/review/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`table.queue`)),
		shot("review-queue-en.png"),
		chromedp.Navigate(base+"/review/s/"+m1.ID+"?lang=zh-CN"),
		chromedp.WaitVisible(chromedp.CSS(`#approve`)),
		shot("review-submission-zh-CN.png"),
		chromedp.Navigate(base+"/review/s/"+m1.ID+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#approve`)),
		shot("review-submission-en.png"),
		chromedp.KeyEvent("a"), // the approve shortcut
	)
	if err != nil {
		t.Fatal(err)
	}
	var after string
	for range 50 { // the form posts and the next page loads
		if after, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(after, m1.ID) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#reject`))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(queueHTML, m1.ID) || !strings.Contains(queueHTML, m2.ID) {
		t.Errorf("queue lacks a submission")
	}
	if !strings.Contains(after, "/review/s/"+m2.ID) {
		t.Errorf("after approving: at %s, want the next submission %s", after, m2.ID)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#reason`), "light"),
		chromedp.SendKeys(chromedp.CSS(`#reject input[name=text]`), "左侧偏暗"),
		chromedp.Click(chromedp.CSS(`#reject button`)),
		chromedp.WaitVisible(chromedp.CSS(`table.queue, p.empty`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctxb := context.Background()
	s1, _ := r.db.Submission(ctxb, m1.ID)
	s2, _ := r.db.Submission(ctxb, m2.ID)
	if s1.Status != api.StatusApproved || s2.Status != api.StatusRejected || !strings.Contains(s2.Reason, "左侧偏暗") || s1.Reviewer != "alice" {
		t.Errorf("after the browser: %s/%q by %q, %s/%q", s1.Status, s1.Reason, s1.Reviewer, s2.Status, s2.Reason)
	}
	if shots != "" {
		err = chromedp.Do(ctx, chromedp.EmulateViewport(390, 780), chromedp.Navigate(base+"/s/"+m2.StatusToken),
			chromedp.WaitVisible(chromedp.CSS(`p.next`)), shot("status-page-zh-CN.png"))
		if err != nil {
			t.Fatal(err)
		}
	}
}
