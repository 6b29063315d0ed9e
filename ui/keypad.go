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

func (k *keypad) key(label string) fyne.CanvasObject {
	b := widget.NewButton(label, func() { k.send(label) })
	k.buttons[label] = b
	return atLeast(b, 88, 68)
}

func (k *keypad) control(key, label string, icon fyne.Resource) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(label, icon, func() { k.send(key) })
	k.buttons[key] = b
	return atLeast(b, 88, 68)
}

// digitPage: 1 2 3 ⌫ / 4 5 6 clear / 7 8 9 X / 0 and, where letters are
// allowed, the ABC page.
func (k *keypad) digitPage() fyne.CanvasObject {
	g := container.NewGridWithColumns(4,
		k.key("1"), k.key("2"), k.key("3"), k.control(keyBackspace, "", theme.NavigateBackIcon()),
		k.key("4"), k.key("5"), k.key("6"), k.control(keyClear, lang.L("keypad.clear"), theme.ContentClearIcon()),
		k.key("7"), k.key("8"), k.key("9"), k.key("X"),
	)
	last := []fyne.CanvasObject{k.key("0")}
	if k.letters {
		last = append(last, k.pageSwitch("ABC", true))
	}
	return container.NewVBox(g, container.NewGridWithColumns(len(last), last...))
}

func (k *keypad) letterPage() fyne.CanvasObject {
	g := container.NewGridWithColumns(7)
	for c := 'A'; c <= 'Z'; c++ {
		g.Add(k.keySmall(string(c)))
	}
	g.Add(k.control(keyBackspace, "", theme.NavigateBackIcon()))
	g.Add(k.control(keyClear, "", theme.ContentClearIcon()))
	g.Add(k.pageSwitch("123", false))
	return g
}

func (k *keypad) keySmall(label string) fyne.CanvasObject {
	b := widget.NewButton(label, func() { k.send(label) })
	k.buttons[label] = b
	return atLeast(b, 64, 64)
}

func (k *keypad) pageSwitch(label string, abc bool) fyne.CanvasObject {
	b := widget.NewButton(label, func() {
		k.abc = abc
		k.rebuild()
	})
	k.buttons[label] = b
	return atLeast(b, 88, 68)
}
