package ui

import (
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"gradphoto/assets"
)

// The kiosk's languages: Chinese by default, English on request.
const (
	langZH = "zh-CN"
	langEN = "en"
)

var loadOnce sync.Once

// setLanguage makes Fyne's lang package answer in code ("zh-CN" or "en").
//
// Fyne picks its language from the locale environment whenever translations
// are added, and has no call to change it later; a kiosk switches per
// graduate. So we set LANGUAGE (which the locale lookup prefers, unless
// LC_ALL/LANG is "C") and add our translation file again, which makes lang
// re-read it.
func setLanguage(code string) error {
	if code != langZH && code != langEN {
		return fmt.Errorf("ui: unknown language %q (zh-CN or en)", code)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s == "C" || s == "POSIX" {
			os.Unsetenv(v)
		}
	}
	os.Setenv("LANGUAGE", code)
	var err error
	loadOnce.Do(func() { err = lang.AddTranslationsFS(assets.Translations, "translations") })
	if err != nil {
		return fmt.Errorf("ui: load translations: %w", err)
	}
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		return fmt.Errorf("ui: load translations: %w", err)
	}
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(code)); err != nil {
		return fmt.Errorf("ui: load translations: %w", err)
	}
	return nil
}
