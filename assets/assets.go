// Package assets holds the files embedded in the kiosk binary: the CJK font,
// the zh-CN and en translations and the icon. It has no Fyne code; ui wraps
// these bytes into Fyne resources.
package assets

import "embed"

// Font is Droid Sans Fallback (Apache-2.0, Debian fonts-droid-fallback): one
// .ttf with Latin and CJK glyphs (Fyne cannot load .ttc collections).
//
//go:embed fonts/DroidSansFallbackFull.ttf
var Font []byte

// Translations holds translations/zh-CN.json and translations/en.json for
// Fyne's lang package.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon.
//
//go:embed icon.png
var Icon []byte
