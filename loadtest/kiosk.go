package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"path/filepath"
	"sync"
	"time"

	"gradphoto/app"
	"gradphoto/internal/kioskflow"
	"gradphoto/store"
)

// kiosk is one simulated kiosk: a real kiosk database and domain service,
// through which its graduates are taken like at the screen.
type kiosk struct {
	n     int
	st    *store.Store
	svc   *app.Service
	clock clock
}

func newKiosk(ctx context.Context, dir string, n int) (*kiosk, error) {
	k := &kiosk{n: n}
	st, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("kiosk-%03d.db", n)), store.Options{Now: k.clock.now})
	if err != nil {
		return nil, err
	}
	svc := app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st,
		Policy: app.Policy{RequireCards: true}})
	k.st, k.svc = st, svc
	return k, nil
}

// seed puts graduates from…from+n-1 on the kiosk's roster and takes each
// through the kiosk: n confirmed submissions in its outbox. With a
// schedule (a paced run), the j-th is confirmed at due(j) on the kiosk's
// clock, so its sync becomes due then.
func (k *kiosk) seed(ctx context.Context, from, n int, due func(j int) time.Time) error {
	grads := make([]app.RosterEntry, n)
	for i := range grads {
		grads[i] = graduate(from + i)
	}
	if _, err := k.st.ImportRoster(ctx, grads); err != nil {
		return fmt.Errorf("kiosk %d: roster: %w", k.n, err)
	}
	for i, g := range grads {
		if due != nil {
			k.clock.set(due(i))
		}
		if err := k.walk(ctx, g, from+i); err != nil {
			return fmt.Errorf("kiosk %d: graduate %d: %w", k.n, from+i, err)
		}
	}
	k.clock.set(time.Time{})
	return nil
}

// walk takes one graduate through the flow, with photos of their own.
func (k *kiosk) walk(ctx context.Context, g app.RosterEntry, i int) error {
	report := []byte(`{"pass":true,"checks":[]}`)
	_, err := kioskflow.Walk(ctx, k.svc, g, kioskflow.Pictures{
		Front: picture(i+2<<20, 856, 540), Back: picture(i+3<<20, 856, 540),
		Shot: app.Shot{Raw: picture(i+1<<20, 1280, 720), RawReport: report,
			Standard: picture(i, 480, 640), StandardReport: report, Passed: true}})
	return err
}

// graduate is the i-th made-up graduate: a valid resident ID number of
// their own (born from 2001 on), on the load test's school.
func graduate(i int) app.RosterEntry {
	d17 := fmt.Sprintf("110105%s%03d", time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900).Format("20060102"), 100+i%900)
	return app.RosterEntry{Doc: app.DocResidentID, Number: d17 + string(app.CheckChar(d17)), Name: "测试",
		StudentNo: fmt.Sprint(2026000000 + i), School: School, Major: "英语", Degree: "学士", GradYear: 2026}
}

// School is the school of the load test's graduates.
const School = "压力测试大学"

// picture is a w×h JPEG of its own for seed (a smooth pattern: the sizes
// of real photos' files, roughly, without their cost to make).
func picture(seed, w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(x*3 + y + seed)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(seed), uint8(seed>>8)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}) // cannot fail into a buffer
	return b.Bytes()
}

// clock is a kiosk store's clock: the real time, a fixed time while a
// paced run's graduate is taken through, or — once the paced sync starts —
// the schedule's time, running from its base as the real one does.
type clock struct {
	mu          sync.Mutex
	fixed       time.Time
	base, start time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.fixed.IsZero():
		return c.fixed
	case !c.start.IsZero():
		return c.base.Add(time.Since(c.start))
	}
	return time.Now()
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fixed = t
}

// run makes the clock read base from now on.
func (c *clock) run(base time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fixed, c.base, c.start = time.Time{}, base, time.Now()
}
