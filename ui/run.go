// Package ui is the kiosk's Fyne front end: one file per screen, the kiosk
// theme with its embedded CJK font, the keypad and the step indicator. It is
// the only package that imports Fyne.
package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"gradphoto/app"
	"gradphoto/assets"
	"gradphoto/cli"
	"gradphoto/imaging"
	"gradphoto/store"
)

// AppID is the kiosk's Fyne application id (as in FyneApp.toml).
const AppID = "cn.edu.gradphoto.kiosk"

// warmUpAfter: the camera models load this long after start-up, so they
// do not slow the Welcome screen down.
const warmUpAfter = 2 * time.Second

// windowSize is the kiosk window's size when not full screen.
var windowSize = fyne.NewSize(1280, 800)

// Run opens the kiosk window and blocks until it closes. With o.Screen it
// opens one screen on a throw-away database filled with demo data.
func Run(o cli.GUIOptions) error {
	if o.Screen == "list" {
		fmt.Println(strings.Join(DemoScreens(), "\n"))
		return nil
	}
	if err := setLanguage(o.Lang); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, done, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer done()

	a := fyneapp.NewWithID(AppID)
	a.Settings().SetTheme(kioskTheme{})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(lang.L("app.title"))
	w.Resize(windowSize)
	w.SetFullScreen(o.Fullscreen)
	w.SetPadded(false)

	profiles, err := imaging.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		return err
	}
	profile, err := profiles.Get("")
	if err != nil {
		return err
	}
	cam := newCamHost(o.Camera, profile)
	defer cam.close()
	if o.Screen == "" {
		// warm up once the Welcome screen is up, while the graduate reads it
		time.AfterFunc(warmUpAfter, func() { cam.load() })
	}
	k := NewKiosk(w, NewService(st, app.Policy{RequireCards: !o.NoCards}), cam, Config{Lang: o.Lang})
	if o.Screen != "" {
		if err := openDemo(ctx, k, st, o.Screen); err != nil {
			return err
		}
	}
	k.Start(ctx)
	defer k.Stop()
	w.ShowAndRun()
	return nil
}

// NewService wires the domain service to the store.
func NewService(st *store.Store, p app.Policy) *app.Kiosk {
	return app.NewKiosk(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st, Policy: p})
}

// openStore opens the kiosk database, or a temporary one for demo screens.
func openStore(ctx context.Context, o cli.GUIOptions) (*store.Store, func(), error) {
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
