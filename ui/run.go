// Package ui is the kiosk's Fyne front end: the window shell (top bar, step
// indicator, language toggle, inactivity), one file per screen, the keypad,
// the camera preview widget and the kiosk theme with its embedded CJK font.
// It renders what the domain service (app) and the camera side (capture)
// hand it and forwards taps; it is the only package that imports Fyne and
// imports no gocv.
package ui

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"gradphoto/spec"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/assets"
	"gradphoto/capture"
	"gradphoto/remote"
	"gradphoto/store"
)

// Options are the kiosk's settings from the command line.
type Options struct {
	DB         string // database file; "" = the default location
	Fullscreen bool
	Screen     string // open one screen with demo data (Screens lists them)
	Lang       string // "zh-CN" (default) or "en"
	Camera     string // DEVICE|FILE|DIR; "" = the first webcam, else the demo clips
	NoCards    bool   // skip the ID-card photos at the Identity step
}

// appID is the kiosk's Fyne application id (as in FyneApp.toml).
const appID = "cn.edu.gradphoto.kiosk"

// warmUpAfter: the self-check (and the models' loading) starts this long
// after start-up, so they
// do not slow the Welcome screen down.
const warmUpAfter = 2 * time.Second

// demoStatusURL is the status page the demo screens' receipt points to:
// the reference server that `make server` starts.
const demoStatusURL = "http://127.0.0.1:8080" + api.PathStatusPage

// windowSize is the kiosk window's size when not full screen.
var windowSize = fyne.NewSize(1280, 800)

// Screens lists the names Options.Screen accepts.
func Screens() []string {
	names := make([]string, 0, len(demoScreens))
	for n := range demoScreens {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Run opens the kiosk window and blocks until it closes. With o.Screen it
// opens one screen on a throw-away database filled with demo data.
// newCamera makes the camera side (capture/opencv's New).
func Run(o Options, newCamera func(capture.Config) capture.Camera) error {
	if o.Screen != "" {
		if _, ok := demoScreens[o.Screen]; !ok {
			return fmt.Errorf("ui: unknown screen %q (one of: %s)", o.Screen, strings.Join(Screens(), ", "))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, done, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer done()
	ks, err := st.KioskSettings(ctx) // the operator's settings; flags given win
	if err != nil {
		return err
	}
	o = o.with(ks)
	if err := setLanguage(o.Lang); err != nil {
		return err
	}
	var resume *app.Session // a graduate who was paying when the kiosk stopped
	if o.Screen == "" {
		if s, err := st.ResumableSession(ctx, time.Now().Add(-app.ResumeWithin)); err == nil {
			resume = &s
		}
		// the other sessions left open by a stop or a power cut: forget what they held
		keep := ""
		if resume != nil {
			keep = resume.ID
		}
		n, err := st.EndAbandoned(ctx, time.Now(), keep)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Printf("ui: ended %d session(s) left open at the last stop", n)
		}
	}

	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(kioskTheme{})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(lang.L("app.title"))
	w.Resize(windowSize)
	w.SetFullScreen(o.Fullscreen)
	w.SetPadded(false)

	profile, err := kioskProfile(ks.Profile)
	if err != nil {
		return err
	}
	cam := newCamera(capture.Config{Camera: o.Camera, Profile: profile, Background: ks.Background,
		Width: ks.Width, Height: ks.Height, Rotate: ks.Rotate})
	defer cam.Close()
	cfg := config{Lang: o.Lang}
	cfg.IdleWarn, cfg.IdleTimeout = ks.IdleTimeout()
	var pay app.Payments // an enrolled kiosk takes payment through its server
	worker, err := remote.NewWorker(ctx, st)
	switch {
	case err == nil:
		srv, _ := st.ServerConfig(ctx)
		cfg.StatusURL = strings.TrimRight(srv.URL, "/") + api.PathStatusPage
		cfg.PayLater = payLaterURL(srv)
		if pay, err = paymentClient(srv); err != nil {
			return err
		}
	case !errors.Is(err, store.ErrNotEnrolled):
		return err
	}
	if o.Screen != "" && cfg.StatusURL == "" {
		cfg.StatusURL = demoStatusURL // the demo receipt shows its QR code
	}
	if demoPaying[o.Screen] {
		var stop func()
		if pay, stop, err = demoPayments(ctx); err != nil {
			return err
		}
		defer stop()
	}
	svc := newPayingService(st, app.Policy{RequireCards: !o.NoCards}, pay)
	if resume != nil && !svc.Resume(*resume) {
		if err := st.EndSession(ctx, resume.ID, app.EndAbandoned, time.Now()); err != nil {
			return err
		}
	}
	k := newShell(w, svc, cam, cfg)
	k.ops = kioskStore{st}
	if o.Screen != "" {
		if err := openDemo(ctx, k, st, o.Screen); err != nil {
			return err
		}
	}
	k.start(ctx)
	defer k.stop()
	if o.Screen == "" {
		// once the Welcome screen is up: the models load while it is read
		k.checking = true
		time.AfterFunc(warmUpAfter, func() { k.startSelfCheck(st.Health) })
	}
	if worker != nil && o.Screen == "" {
		k.worker = worker
		worker.OnState = func(st remote.State) { uiDo(func() { k.onSync(st) }) }
		worker.Start(ctx)
		defer worker.Stop()
	}
	w.ShowAndRun()
	return nil
}

// with fills what the command line left unset from the operator's settings.
func (o Options) with(ks app.KioskSettings) Options {
	if o.Lang == "" {
		o.Lang = ks.Lang
	}
	if o.Lang == "" {
		o.Lang = langZH
	}
	if o.Camera == "" {
		o.Camera = ks.Camera
	}
	return o
}

// kioskProfile is the profile of that name ("" the shipped default).
func kioskProfile(name string) (spec.Profile, error) {
	profiles, err := spec.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		return spec.Profile{}, err
	}
	return profiles.Get(name)
}

// newService wires the domain service to the store: a kiosk that takes no
// payment (the fee is deferred).
func newService(st *store.Store, p app.Policy) *app.Service { return newPayingService(st, p, nil) }

// newPayingService is newService taking payment through pay.
func newPayingService(st *store.Store, p app.Policy, pay app.Payments) *app.Service {
	return app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st,
		Payments: pay, Orders: st, Vouchers: st, Catalogs: st, PINs: st, Policy: p})
}

// payLaterURL makes the pay-later addresses of the kiosk's sessions,
// signed with its token's hash (which the server keeps).
func payLaterURL(srv store.ServerConfig) func(string, []string) string {
	h := sha256.Sum256([]byte(srv.Token))
	base := strings.TrimRight(srv.URL, "/")
	return func(session string, services []string) string {
		return base + api.PayLaterPath(h[:], srv.DeviceID, session, services)
	}
}

// paymentClient is the client the payment screen polls with: a poll that
// hangs must not hold up the next one for long, so a shorter timeout and
// one retry.
func paymentClient(srv store.ServerConfig) (*remote.Client, error) {
	return remote.New(remote.Config{URL: srv.URL, Token: srv.Token, CA: srv.CA, Timeout: 10 * time.Second, Retries: 1})
}

// openStore opens the kiosk database, or a temporary one for demo screens.
func openStore(ctx context.Context, o Options) (*store.Store, func(), error) {
	path, cleanup := o.DB, func() {}
	switch {
	case o.Screen != "":
		dir, err := os.MkdirTemp("", "gradphoto-demo-")
		if err != nil {
			return nil, nil, fmt.Errorf("ui: demo database: %w", err)
		}
		path, cleanup = filepath.Join(dir, "demo.db"), func() { os.RemoveAll(dir) }
	case path == "":
		p, err := store.DefaultPath()
		if err != nil {
			return nil, nil, err
		}
		path = p
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return st, func() { st.Close(); cleanup() }, nil
}
