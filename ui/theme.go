package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"gradphoto/assets"
)

// Kiosk sizes: body text ≥ 20 pt and touch targets ≥ 64 px, readable and
// tappable by someone standing at a touch screen.
const (
	textSize    = 22
	headingSize = 36
	subHeading  = 28
	touchHeight = 72 // every button is at least this tall
	touchWidth  = 160
)

var fontResource = fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.Font)

// kioskTheme is a light, high-contrast theme with large type and the
// embedded CJK font for every text style.
type kioskTheme struct{}

var _ fyne.Theme = kioskTheme{}

var (
	colPrimary    = color.NRGBA{R: 0x15, G: 0x65, B: 0xC0, A: 0xFF}
	colBackground = color.NRGBA{R: 0xF4, G: 0xF7, B: 0xFB, A: 0xFF}
	colForeground = color.NRGBA{R: 0x1A, G: 0x23, B: 0x33, A: 0xFF}
	colMuted      = color.NRGBA{R: 0x5B, G: 0x67, B: 0x7A, A: 0xFF}
	colCard       = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	colSuccess    = color.NRGBA{R: 0x2E, G: 0x7D, B: 0x32, A: 0xFF}
	colWarning    = color.NRGBA{R: 0xE6, G: 0x8A, B: 0x00, A: 0xFF}
	colError      = color.NRGBA{R: 0xC6, G: 0x28, B: 0x28, A: 0xFF}
)

func (kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHyperlink:
		return colPrimary
	case theme.ColorNameBackground:
		return colBackground
	case theme.ColorNameForeground:
		return colForeground
	case theme.ColorNamePlaceHolder:
		return colMuted
	case theme.ColorNameButton, theme.ColorNameInputBackground, theme.ColorNameMenuBackground:
		return colCard
	case theme.ColorNameSuccess:
		return colSuccess
	case theme.ColorNameWarning:
		return colWarning
	case theme.ColorNameError:
		return colError
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (kioskTheme) Font(fyne.TextStyle) fyne.Resource { return fontResource }

func (kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return textSize
	case theme.SizeNameHeadingText:
		return headingSize
	case theme.SizeNameSubHeadingText:
		return subHeading
	case theme.SizeNameCaptionText:
		return 20
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 16
	case theme.SizeNameInlineIcon:
		return 28
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 10
	case theme.SizeNameScrollBar:
		return 20
	}
	return theme.DefaultTheme().Size(n)
}
