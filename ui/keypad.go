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
	KeyBackspace = "backspace"
	KeyClear     = "clear"
)

// Keypad is the big on-screen keypad for document numbers: 0–9, X, ⌫ and
// clear; with Letters on, an ABC page gives A–Z for permits and passports.
type Keypad struct {
	widget.BaseWidget

	OnKey func(key string) // a character ("0"…"9", "A"…"Z") or KeyBackspace / KeyClear

	letters bool // may switch to the ABC page
	abc     bool // showing the ABC page
	content *fyne.Container
	buttons map[string]*widget.Button
}

// NewKeypad returns a keypad calling onKey for each tap.
func NewKeypad(onKey func(string)) *Keypad {
	k := &Keypad{OnKey: onKey, content: container.NewStack()}
	k.ExtendBaseWidget(k)
	k.rebuild()
	return k
}

// SetLetters allows (or forbids) the ABC page: resident IDs need only 0–9 and X.
func (k *Keypad) SetLetters(on bool) {
	k.letters = on
	if !on {
		k.abc = false
	}
	k.rebuild()
}

// Button returns the button of a key, for tests ("0"…"9", "X", "A"…, KeyBackspace, KeyClear).
func (k *Keypad) Button(key string) *widget.Button { return k.buttons[key] }

// CreateRenderer implements fyne.Widget.
func (k *Keypad) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.content)
}

func (k *Keypad) send(key string) {
	if k.OnKey != nil {
		k.OnKey(key)
	}
}

func (k *Keypad) rebuild() {
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

func (k *Keypad) key(label string) fyne.CanvasObject {
	b := widget.NewButton(label, func() { k.send(label) })
	k.buttons[label] = b
	return atLeast(b, 88, 68)
}

func (k *Keypad) control(key, label string, icon fyne.Resource) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(label, icon, func() { k.send(key) })
	k.buttons[key] = b
	return atLeast(b, 88, 68)
}

// digitPage: 1 2 3 ⌫ / 4 5 6 clear / 7 8 9 X / 0 and, where letters are
// allowed, the ABC page.
func (k *Keypad) digitPage() fyne.CanvasObject {
	g := container.NewGridWithColumns(4,
		k.key("1"), k.key("2"), k.key("3"), k.control(KeyBackspace, "", theme.NavigateBackIcon()),
		k.key("4"), k.key("5"), k.key("6"), k.control(KeyClear, lang.L("keypad.clear"), theme.ContentClearIcon()),
		k.key("7"), k.key("8"), k.key("9"), k.key("X"),
	)
	last := []fyne.CanvasObject{k.key("0")}
	if k.letters {
		last = append(last, k.pageSwitch("ABC", true))
	}
	return container.NewVBox(g, container.NewGridWithColumns(len(last), last...))
}

func (k *Keypad) letterPage() fyne.CanvasObject {
	g := container.NewGridWithColumns(7)
	for c := 'A'; c <= 'Z'; c++ {
		g.Add(k.keySmall(string(c)))
	}
	g.Add(k.control(KeyBackspace, "", theme.NavigateBackIcon()))
	g.Add(k.control(KeyClear, "", theme.ContentClearIcon()))
	g.Add(k.pageSwitch("123", false))
	return g
}

func (k *Keypad) keySmall(label string) fyne.CanvasObject {
	b := widget.NewButton(label, func() { k.send(label) })
	k.buttons[label] = b
	return atLeast(b, 64, 64)
}

func (k *Keypad) pageSwitch(label string, abc bool) fyne.CanvasObject {
	b := widget.NewButton(label, func() {
		k.abc = abc
		k.rebuild()
	})
	k.buttons[label] = b
	return atLeast(b, 88, 68)
}
