package ui

import (
	"context"
	"errors"
	"image"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/capture/opencv"
	"gradphoto/internal/fixture"
	"gradphoto/store"
)

// The start-up self-check with the real camera host and database: a 720p
// camera is fine, a 320×240 one is reported as too small (not turned into a
// hint the graduate cannot follow), a missing camera or a database that
// cannot be written stop "start" with a notice.
func TestSelfCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the face models")
	}
	ph, err := fixture.Load("pigo_sample")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	clip := func(size image.Point) string {
		path := filepath.Join(t.TempDir(), "clip.mp4")
		err := fixture.WriteStillClip(path, ph, fixture.Scene{Size: size, FaceWidth: 0.2 * float64(size.X), Level: true}, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	r := newRig(t, config{})
	for _, c := range []struct {
		name   string
		cfg    capture.Config
		health func(context.Context) (store.Health, error)
		want   string
		level  checkLevel
	}{
		{"720p", capture.Config{Clips: map[capture.Purpose]string{capture.PurposeFace: clip(image.Pt(1280, 720))}},
			r.st.Health, "摄像头 1280×720", checkOK},
		{"320×240", capture.Config{Clips: map[capture.Purpose]string{capture.PurposeFace: clip(image.Pt(320, 240))}},
			r.st.Health, "摄像头分辨率 320×240 偏低", checkWarn},
		{"no camera", capture.Config{Camera: "/dev/video97"}, r.st.Health, "未找到摄像头", checkBlock},
		{"database", capture.Config{Clips: map[capture.Purpose]string{capture.PurposeFace: clip(image.Pt(1280, 720))}},
			func(context.Context) (store.Health, error) { return store.Health{}, errors.New("disk I/O error") },
			"数据库无法写入", checkBlock},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Profile = previewProfile(t)
			cam := opencv.New(c.cfg)
			defer cam.Close()
			got := runSelfCheck(context.Background(), cam, c.health)
			if !strings.Contains(got.line(), c.want) || got.worst() != c.level {
				t.Errorf("self-check %q level %d, want %q at level %d", got.line(), got.worst(), c.want, c.level)
			}
			if !strings.Contains(got.line(), "GB") && c.name != "database" {
				t.Errorf("no free space in %q", got.line())
			}

			k := newShell(r.win, newService(r.st, app.Policy{}), cam, config{})
			k.onSelfCheck(got)
			blocked := k.welcome.start.Disabled()
			if blocked != (c.level == checkBlock) {
				t.Errorf("start disabled %v at level %d", blocked, c.level)
			}
			if blocked {
				test.Tap(k.welcome.start)
				if k.svc.Session().Step != app.StepWelcome {
					t.Error("a stopped kiosk let a graduate start")
				}
			}
		})
	}
}
