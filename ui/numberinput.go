package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// maxNumberLen bounds what the keypad accepts (the longest passport number).
const maxNumberLen = 18

// numberInput is the document-type choice, the big number display and the
// keypad, shared by the Identity and Status look-up screens.
type numberInput struct {
	k       *shell
	doc     app.DocType
	number  string
	problem string // translation key of the current validation message
	changed func() // called after the type or number changed

	docButtons map[app.DocType]*widget.Button
	display    *canvas.Text
	message    *canvas.Text
	keypad     *keypad
}

func newNumberInput(k *shell) *numberInput {
	return &numberInput{k: k, doc: app.DocResidentID}
}

// docTypes builds the grid of document-type buttons; the chosen one is filled.
func (n *numberInput) docTypes() fyne.CanvasObject {
	n.docButtons = map[app.DocType]*widget.Button{}
	g := container.NewGridWithColumns(3)
	for _, d := range app.DocTypes {
		b := touchButton(lang.L("doc."+string(d)), d == n.doc, func() { n.onDoc(d) })
		n.docButtons[d] = b
		g.Add(atLeast(b, 0, 64))
	}
	return g
}

// numberBox is the large display of the typed number and its message.
func (n *numberInput) numberBox() fyne.CanvasObject {
	n.display = text("", 44, colForeground, true)
	n.message = text("", 20, colError, false)
	n.refreshDisplay()
	return container.NewVBox(card(atLeast(container.NewCenter(n.display), 440, 64)), n.message)
}

// keys builds the keypad; letters only where the document needs them.
func (n *numberInput) keys() fyne.CanvasObject {
	n.keypad = newKeypad(n.onKey)
	n.keypad.setLetters(n.doc != app.DocResidentID && n.doc != app.DocResidencePermit)
	return n.keypad
}

func (n *numberInput) onDoc(d app.DocType) {
	n.k.touch()
	if d == n.doc {
		return
	}
	n.doc, n.problem = d, ""
	for t, b := range n.docButtons {
		b.Importance = widget.MediumImportance
		if t == d {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	n.keypad.setLetters(d != app.DocResidentID && d != app.DocResidencePermit)
	n.refreshDisplay()
	n.notify()
}

func (n *numberInput) notify() {
	if n.changed != nil {
		n.changed()
	}
}

func (n *numberInput) onKey(key string) {
	n.k.touch()
	n.problem = ""
	n.number = typeKey(n.number, key, maxNumberLen, nil)
	n.refreshDisplay()
	n.notify()
}

// setProblem shows the message for a validation error (nil clears it).
func (n *numberInput) setProblem(err error) {
	n.problem = problemKey(err)
	n.refreshDisplay()
}

func (n *numberInput) refreshDisplay() {
	if n.display == nil {
		return
	}
	n.display.Text, n.display.Color = n.number, colForeground
	if n.number == "" {
		n.display.Text, n.display.Color = lang.L("identity.number_placeholder"), colMuted
	}
	n.display.Refresh()
	n.message.Text = ""
	if n.problem != "" {
		n.message.Text = lang.L(n.problem)
	}
	n.message.Refresh()
}

// problemKey maps a validation error to the translation key of its message.
func problemKey(err error) string {
	if err == nil {
		return ""
	}
	return keyOf(err, []errKey{
		{app.ErrIDEmpty, "problem.id_empty"},
		{app.ErrIDLength, "problem.id_length"},
		{app.ErrIDFormat, "problem.id_format"},
		{app.ErrIDRegion, "problem.id_region"},
		{app.ErrIDDate, "problem.id_date"},
		{app.ErrIDChecksum, "problem.id_checksum"},
		{app.ErrNameEmpty, "problem.name_empty"},
		{app.ErrNameLong, "problem.name_long"},
		{app.ErrNameChars, "problem.name_chars"},
	}, "problem.unknown")
}
