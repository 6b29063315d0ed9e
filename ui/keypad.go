package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keys the keypad sends besides characters.
const (
	keyBackspace = "backspace"
	keyClear     = "clear"
)

// keypad is the big on-screen keypad for document numbers: 0–9, X, ⌫ and
// clear; with Letters on, an ABC page gives A–Z for permits and passports.
type keypad struct {
	widget.BaseWidget

	onKey func(key string) // a character ("0"…"9", "A"…"Z") or keyBackspace / keyClear

	letters bool // may switch to the ABC page
	abc     bool // showing the ABC page
	content *fyne.Container
	buttons map[string]*widget.Button
}

// newKeypad returns a keypad calling onKey for each tap.
func newKeypad(onKey func(string)) *keypad {
	k := &keypad{onKey: onKey, content: container.NewStack()}
	k.ExtendBaseWidget(k)
	k.rebuild()
	return k
}

// setLetters allows (or forbids) the ABC page: resident IDs need only 0–9 and X.
func (k *keypad) setLetters(on bool) {
	k.letters = on
	if !on {
		k.abc = false
	}
	k.rebuild()
}

// Button returns the button of a key, for tests ("0"…"9", "X", "A"…, keyBackspace, keyClear).
func (k *keypad) button(key string) *widget.Button { return k.buttons[key] }

// CreateRenderer implements fyne.Widget.
func (k *keypad) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.content)
}

func (k *keypad) send(key string) {
	if k.onKey != nil {
		k.onKey(key)
	}
}

func (k *keypad) rebuild() {
	k.buttons = map[string]*widget.Button{}
	var page fyne.CanvasObject
	if k.abc {
		page = k.letterPage()
	} else {
		page = k.digitPage()
	}
	k.content.Objects = []fyne.CanvasObject{page}
	k.content.Refresh()
}

// Key sizes: the digit page's keys, and the letter page's (smaller, 8 to a row).
var (
	digitKey  = fyne.NewSize(88, 68)
	letterKey = fyne.NewSize(64, 64)
)

func (k *keypad) key(label string, size fyne.Size) fyne.CanvasObject {
	b := widget.NewButton(label, func() { k.send(label) })
	k.buttons[label] = b
	return atLeast(b, size.Width, size.Height)
}

func (k *keypad) control(key, label string, icon fyne.Resource, size fyne.Size) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(label, icon, func() { k.send(key) })
	k.buttons[key] = b
	return atLeast(b, size.Width, size.Height)
}

// digitPage: 1 2 3 ⌫ / 4 5 6 clear / 7 8 9 X / 0 and, where letters are
// allowed, the ABC page.
func (k *keypad) digitPage() fyne.CanvasObject {
	d := digitKey
	g := container.NewGridWithColumns(4,
		k.key("1", d), k.key("2", d), k.key("3", d), k.control(keyBackspace, "", theme.NavigateBackIcon(), d),
		k.key("4", d), k.key("5", d), k.key("6", d), k.control(keyClear, lang.L("keypad.clear"), theme.ContentClearIcon(), d),
		k.key("7", d), k.key("8", d), k.key("9", d), k.key("X", d),
	)
	last := []fyne.CanvasObject{k.key("0", d)}
	if k.letters {
		last = append(last, k.pageSwitch("ABC", true, d))
	}
	return container.NewVBox(g, container.NewGridWithColumns(len(last), last...))
}

// letterPage: A–Z, ⌫, clear and back to the digits, 8 to a row — 4 rows,
// so it fits under the document types on a 1280×800 screen.
func (k *keypad) letterPage() fyne.CanvasObject {
	l := letterKey
	g := container.NewGridWithColumns(8)
	for c := 'A'; c <= 'Z'; c++ {
		g.Add(k.key(string(c), l))
	}
	g.Add(k.control(keyBackspace, "", theme.NavigateBackIcon(), l))
	g.Add(k.control(keyClear, "", theme.ContentClearIcon(), l))
	g.Add(k.pageSwitch("123", false, l))
	return g
}

func (k *keypad) pageSwitch(label string, abc bool, size fyne.Size) fyne.CanvasObject {
	b := widget.NewButton(label, func() {
		k.abc = abc
		k.rebuild()
	})
	k.buttons[label] = b
	return atLeast(b, size.Width, size.Height)
}
