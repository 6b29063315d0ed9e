package ui

import (
	"errors"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/capture"
)

// identityScreen takes the document type and the number. Nothing else is
// typed: the roster match that follows shows the name on record, masked,
// for the graduate to confirm. For a 居民身份证 it starts with the card's
// portrait side held to the camera: the number is read off it (OCR) and
// shown on the keypad's display to confirm or correct; a number changed to
// one other than the card's is asked about, never let through silently.
type identityScreen struct {
	k     *shell
	input *numberInput

	scanning bool              // the card camera runs for the portrait side
	reading  bool              // the card is being stored and read
	cam      camScreen         // the card preview while scanning
	read     *capture.CardText // what was read off the card; nil: not read
	note     string            // translation key of what to say about the reading
	doc      app.DocType       // the document type the page was built for
	noteText *widget.Label     // shows note (or how to type the number)

	next, back, scan, manual *widget.Button
	differs                  *differsDialog // the last "number differs" dialog
}

func newIdentityScreen(k *shell) *identityScreen {
	s := &identityScreen{k: k, input: newNumberInput(k), cam: camScreen{k: k, kind: capture.GuideCard}}
	s.scanning = s.canScan()
	s.doc = s.input.doc
	s.input.changed = s.onInputChanged
	return s
}

// onInputChanged follows the keypad and the document type: another type
// forgets the card read and rebuilds the page (a scan button only for a
// 居民身份证); a number edited away from the card's drops the "read from
// your card" note.
func (s *identityScreen) onInputChanged() {
	if s.input.doc != s.doc {
		s.doc = s.input.doc
		s.read, s.note = nil, ""
		s.cam.stop()
		s.scanning = false
		s.k.show()
		return
	}
	if s.note == "" || s.read == nil || app.NormalizeNumber(s.input.number) == app.NormalizeNumber(s.read.Number) {
		return
	}
	s.note = ""
	if s.noteText != nil {
		s.noteText.SetText(phraseBreaks(lang.L("identity.number_only")))
	}
}

// canScan: the number can be read off the card (a 居民身份证, a camera,
// and a deployment that photographs cards).
func (s *identityScreen) canScan() bool {
	return s.k.cam != nil && s.k.svc.CardSteps() && s.input.doc == app.DocResidentID
}

func (s *identityScreen) content() fyne.CanvasObject {
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)
	if s.scanning || s.reading {
		return s.scanContent()
	}
	s.next = touchButton(lang.L("button.next"), true, s.onNext)
	left := container.NewVBox(label(lang.L("identity.number")), s.input.numberBox())
	s.noteText = paragraph(lang.L("identity.number_only"))
	if s.note != "" {
		s.noteText.SetText(phraseBreaks(lang.L(s.note)))
	}
	left.Add(card(s.noteText))
	s.scan = nil
	leading := []fyne.CanvasObject{s.back}
	if s.canScan() { // beside Back: the page has room for it in every language
		s.scan = touchButton(lang.L("identity.scan"), false, s.onScan)
		leading = append(leading, s.scan)
	}
	return numberLayout(lang.L("identity.title"), s.input, left, buttonRow(leading, s.next))
}

// scanContent is the camera with the card guide, and the way to the keypad.
func (s *identityScreen) scanContent() fyne.CanvasObject {
	words := idCardWords()
	msg := lang.L("card.instructions_front", words)
	if s.reading {
		msg = lang.L("identity.reading")
	}
	s.manual = touchButton(lang.L("identity.manual"), false, s.onManual)
	top := container.NewVBox(heading(lang.L("identity.scan_title")), paragraph(msg))
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.back}, s.manual), nil, nil, s.cam.preview())
}

// idCardWords fill the card texts for a 居民身份证.
func idCardWords() map[string]any {
	return map[string]any{"Card": lang.L("card.name_id"), "Front": lang.L("card.front_id"), "Back": lang.L("card.back_id")}
}

// numberLayout is the page shared by Identity and Status look-up: title and
// document types across the top, fields on the left, keypad on the right.
func numberLayout(title string, in *numberInput, left, buttons fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewVBox(heading(title), in.docTypes())
	body := container.NewBorder(nil, nil, nil, container.NewVBox(in.keys()), left)
	return container.NewBorder(container.NewPadded(top), buttons, nil, nil,
		newTouchScroll(container.NewPadded(body)))
}

// label is a field caption.
func label(s string) fyne.CanvasObject { return text(s, 22, colMuted, false) }

func (s *identityScreen) enter() {
	if s.scanning {
		s.startScan()
	}
}

func (s *identityScreen) leave() { s.cam.stop() }

// startScan runs the card camera for the portrait side.
func (s *identityScreen) startScan() {
	v := s.cam.preview()
	v.setGuide(capture.GuideSearching)
	v.setHint(lang.L("card.show", idCardWords()))
	s.cam.start(func(gen int) (capture.Run, error) {
		return s.k.cam.StartCard(app.CardFront, v.view, capture.CardEvents{
			State: func(st capture.CardState) {
				s.cam.later(gen, func() {
					v.setGuide(st.Guide)
					v.setHint(lang.L(st.Hint, idCardWords()))
				})
			},
			Camera: s.cam.onCamera(gen, func() {}),
			Card:   func(img []byte) { s.cam.later(gen, func() { s.onCard(img) }) },
		})
	})
}

func (s *identityScreen) stopScan() {
	s.cam.stop()
	s.scanning = false
	s.k.show()
}

// onScan goes back to the camera from the keypad.
func (s *identityScreen) onScan() {
	s.k.touch()
	s.scanning = true
	s.k.show()
	s.startScan()
}

// onManual leaves the camera for the keypad.
func (s *identityScreen) onManual() {
	s.k.touch()
	s.stopScan()
}

// onCard stores the portrait side and reads it in the background.
func (s *identityScreen) onCard(img []byte) {
	if s.reading {
		return
	}
	s.k.touch()
	s.cam.stop()
	if err := s.k.svc.AddCard(s.k.ctx, app.CardFront, img); err != nil {
		s.scanning = false
		s.k.fail(err)
		s.k.show()
		return
	}
	s.reading = true
	s.k.show()
	cam := s.k.cam
	go func() {
		t, err := cam.ReadCard(img)
		uiDo(func() { s.onRead(t, err) })
	}()
}

// onRead fills in the number read off the card and says how sure it is:
// a number that fails its check character is shown with the problem, for
// the graduate to correct on the keypad.
func (s *identityScreen) onRead(t capture.CardText, err error) {
	if !s.reading {
		return // the graduate left meanwhile
	}
	s.reading, s.scanning = false, false
	if err != nil {
		log.Print(err)
		t = capture.CardText{}
	}
	s.read = &t
	s.input.doc, s.input.number = app.DocResidentID, trimNumber(t.Number)
	s.note = "identity.read_ok"
	_, verr := app.ValidateNumber(app.DocResidentID, t.Number, s.k.svc.Today())
	switch {
	case t.Number == "":
		s.note = "identity.read_none"
	case verr != nil:
		s.note = "identity.read_unsure"
	}
	s.input.setProblem(verr)
	if t.Number == "" {
		s.input.setProblem(nil)
	}
	s.k.show()
}

// trimNumber keeps what fits the keypad's display.
func trimNumber(n string) string {
	if len(n) > maxNumberLen {
		return n[:maxNumberLen]
	}
	return n
}

// onNext validates the number and matches the roster at once: a number
// that is not on it, or already submitted, is told now, before any other
// photo. A valid number that is not the one read off the card is asked about.
func (s *identityScreen) onNext() {
	s.k.touch()
	if _, err := app.ValidateNumber(s.input.doc, s.input.number, s.k.svc.Today()); err != nil {
		s.input.setProblem(err)
		return
	}
	if cardNo, ok := s.readNumber(); ok && app.NormalizeNumber(s.input.number) != cardNo {
		s.askDiffers(cardNo)
		return
	}
	s.submit(s.numberAgreement())
}

// readNumber is the number read off the card, when it is a valid one.
func (s *identityScreen) readNumber() (string, bool) {
	if s.read == nil || s.input.doc != app.DocResidentID {
		return "", false
	}
	n, err := app.ValidateNumber(app.DocResidentID, s.read.Number, s.k.svc.Today())
	return n, err == nil
}

// numberAgreement is how the number to submit compares with the card's.
func (s *identityScreen) numberAgreement() app.Agreement {
	if s.read == nil || s.input.doc != app.DocResidentID {
		return app.AgreeUnknown
	}
	cardNo, ok := s.readNumber()
	switch {
	case !ok:
		return app.AgreeUnread
	case cardNo == app.NormalizeNumber(s.input.number):
		return app.AgreeMatch
	}
	return app.AgreeDiffers
}

func (s *identityScreen) submit(number app.Agreement) {
	_, err := s.k.svc.SubmitIdentity(s.k.ctx, s.input.doc, s.input.number, "")
	s.input.setProblem(nil)
	var idErr *app.IDError
	switch {
	case err == nil:
	case errors.As(err, &idErr):
		s.input.setProblem(err)
		return
	default:
		s.k.fail(err)
		return
	}
	if number != app.AgreeUnknown {
		if err := s.k.svc.SetCardCheck(s.k.ctx, app.CardCheck{Number: number}); err != nil {
			s.k.fail(err)
		}
	}
	s.k.show()
}

// differsDialog holds the buttons of the "number differs" dialog (tests tap them).
type differsDialog struct{ useCard, keepTyped *widget.Button }

// askDiffers shows the card's number (masked: someone may be looking on)
// beside the typed one: take the card's, or keep the typed one (the
// reviewer is told).
func (s *identityScreen) askDiffers(cardNo string) {
	var pop *widget.PopUp
	useCard := touchButton(lang.L("identity.use_card"), true, func() {
		pop.Hide()
		s.input.number = cardNo
		s.submit(app.AgreeMatch)
	})
	keep := touchButton(lang.L("identity.keep_typed"), false, func() {
		pop.Hide()
		s.submit(app.AgreeDiffers)
	})
	s.differs = &differsDialog{useCard: useCard, keepTyped: keep}
	body := lang.L("identity.differs_text", map[string]any{"Card": app.MaskID(cardNo), "Typed": app.NormalizeNumber(s.input.number)})
	pop = widget.NewModalPopUp(card(container.NewVBox(heading(lang.L("identity.differs_title")),
		atLeast(paragraph(body), 560, 0), buttonRow([]fyne.CanvasObject{keep}, useCard))), s.k.win.Canvas())
	pop.Show()
}
