package app_test

import (
	"errors"
	"testing"
	"time"

	"gradphoto/app"
)

func TestKioskSettingsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		s    app.KioskSettings
		ok   bool
	}{
		{"zero: the defaults", app.KioskSettings{}, true},
		{"all set", app.KioskSettings{Name: "图书馆一楼", Lang: "en", IdleSeconds: 120, Camera: "/dev/video2",
			Width: 1920, Height: 1080, Rotate: 90, Profile: "chsi", Background: "white"}, true},
		{"idle too short", app.KioskSettings{IdleSeconds: 10}, false},
		{"idle too long", app.KioskSettings{IdleSeconds: 3600}, false},
		{"unknown language", app.KioskSettings{Lang: "fr"}, false},
		{"odd rotation", app.KioskSettings{Rotate: 45}, false},
		{"negative rotation", app.KioskSettings{Rotate: -90}, false},
		{"width without height", app.KioskSettings{Width: 1280}, false},
		{"huge frame", app.KioskSettings{Width: 10000, Height: 10000}, false},
		{"long name", app.KioskSettings{Name: string(make([]byte, 61))}, false},
	} {
		err := c.s.Validate()
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, app.ErrSettings)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if w, to := (app.KioskSettings{IdleSeconds: 120}).IdleTimeout(); w != 105*time.Second || to != 120*time.Second {
		t.Errorf("120 s: warn %v, timeout %v", w, to)
	}
	if w, to := (app.KioskSettings{}).IdleTimeout(); w != app.DefaultIdleWarn || to != app.DefaultIdleTimeout {
		t.Errorf("defaults: %v %v", w, to)
	}
}
