package ui

import (
	"errors"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// statusScreen lets a returning graduate look up their submission by
// document number. Once looked up, the number shows masked and only the
// status is told; its reason, and the free retake of a rejected photo, wait
// for an answer only the graduate has: the receipt code or the last 4
// characters of their student number.
type statusScreen struct {
	k      *shell
	input  *numberInput // the document number
	answer *numberInput // the answer to the second question
	looked bool         // a look-up has been made for the current number
	wrong  string       // translation key of the answer's problem

	search *widget.Button
	verify *widget.Button
	again  *widget.Button
	back   *widget.Button
	retake *widget.Button
}

func newStatusScreen(k *shell) *statusScreen {
	s := &statusScreen{k: k, input: newNumberInput(k), answer: newNumberInput(k)}
	s.answer.doc = app.DocPassport // letters and digits: a receipt code or a student number
	s.input.changed = func() {
		if s.looked {
			s.looked = false
			s.k.show()
		}
	}
	s.answer.changed = func() { s.wrong = "" }
	return s
}

func (s *statusScreen) content() fyne.CanvasObject {
	s.search = touchButton(lang.L("status.search"), true, s.onSearch)
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)
	s.verify, s.again, s.retake = nil, nil, nil
	if !s.looked {
		left := container.NewVBox(label(lang.L("identity.number")), s.input.numberBox())
		return numberLayout(lang.L("status.title"), s.input, left, buttonRow([]fyne.CanvasObject{s.back}, s.search))
	}
	sess := s.k.svc.Session()
	s.again = touchButton(lang.L("status.again"), false, s.onAgain)
	number := container.NewVBox(label(lang.L("identity.number")),
		text(app.MaskID(sess.Identity.Number), 36, colForeground, true))
	prior := sess.Prior
	switch {
	case prior == nil:
		return s.page(container.NewVBox(number, card(paragraph(lang.L("status.none")))), nil,
			buttonRow([]fyne.CanvasObject{s.back}, s.again))
	case !sess.Verified && prior.Status == app.StatusRejected:
		// the reason and the retake only for the graduate themself
		return s.question(number, prior)
	}
	return s.page(container.NewVBox(number, s.full(prior)), nil, s.fullButtons(prior))
}

// page lays out the look-up's result: the left column and, when the
// graduate has something to type, the keypad on the right.
func (s *statusScreen) page(left fyne.CanvasObject, keys fyne.CanvasObject, buttons fyne.CanvasObject) fyne.CanvasObject {
	body := container.NewBorder(nil, nil, nil, keys, left)
	return container.NewBorder(container.NewPadded(heading(lang.L("status.title"))), buttons, nil, nil,
		newTouchScroll(container.NewPadded(body)))
}

// question shows the status alone and asks the second question.
func (s *statusScreen) question(number fyne.CanvasObject, prior *app.StatusRecord) fyne.CanvasObject {
	s.verify = touchButton(lang.L("status.verify"), true, s.onVerify)
	msg := text("", 20, colError, false)
	if s.wrong != "" {
		msg.Text = lang.L(s.wrong)
	}
	left := container.NewVBox(number, card(s.statusLine(prior)),
		paragraph(lang.L("status.question")), s.answer.numberBox(), msg)
	return s.page(left, container.NewVBox(s.answer.keys()), buttonRow([]fyne.CanvasObject{s.back, s.again}, s.verify))
}

// statusLine is the status word in its colour and when it last changed.
func (s *statusScreen) statusLine(prior *app.StatusRecord) fyne.CanvasObject {
	title := container.NewHBox(text(lang.L("status."+string(prior.Status)), 30, statusColour(prior.Status), true))
	if !prior.UpdatedAt.IsZero() {
		when := text(lang.L("status.updated", map[string]any{
			"Time": prior.UpdatedAt.Local().Format("2006-01-02 15:04")}), 20, colMuted, false)
		title.Add(layout.NewSpacer())
		title.Add(container.NewCenter(when))
	}
	return title
}

// full is the whole result once the graduate is verified: the status, the
// reason of a rejection and what to do next.
func (s *statusScreen) full(prior *app.StatusRecord) fyne.CanvasObject {
	explain := lang.L("status." + string(prior.Status) + "_text")
	if prior.Reason != "" {
		explain = lang.L("status.reason", map[string]any{"Reason": prior.Reason}) + "\n" + explain
	}
	if prior.Status == app.StatusRejected {
		s.retake = touchButton(lang.L("status.retake"), true, s.onRetake)
	}
	return card(container.NewVBox(s.statusLine(prior), paragraph(explain)))
}

// fullButtons: back, another look-up, and for a rejection the free retake.
func (s *statusScreen) fullButtons(prior *app.StatusRecord) fyne.CanvasObject {
	if s.retake != nil {
		return buttonRow([]fyne.CanvasObject{s.back}, s.again, s.retake)
	}
	return buttonRow([]fyne.CanvasObject{s.back}, s.again)
}

func (s *statusScreen) onSearch() {
	s.k.touch()
	_, err := s.k.svc.LookupStatus(s.k.ctx, s.input.doc, s.input.number)
	var idErr *app.IDError
	switch {
	case err == nil:
		s.input.setProblem(nil)
		s.looked, s.wrong = true, ""
		s.answer.number = ""
	case errors.As(err, &idErr):
		s.input.setProblem(err)
		return
	case errors.Is(err, app.ErrTooManyTries):
		s.k.onHome()
		return
	default:
		s.k.fail(err)
		return
	}
	s.k.show()
}

// onAgain starts another look-up: the number is typed afresh.
func (s *statusScreen) onAgain() {
	s.k.touch()
	s.looked, s.wrong = false, ""
	s.input.number, s.answer.number = "", ""
	s.k.show()
}

// onVerify checks the answer; a wrong one says so and counts, the last
// allowed one ends the look-up.
func (s *statusScreen) onVerify() {
	s.k.touch()
	err := s.k.svc.VerifyStatus(s.k.ctx, s.answer.number)
	switch {
	case err == nil:
		s.wrong = ""
	case errors.Is(err, app.ErrNotVerified):
		s.wrong, s.answer.number = "status.wrong_answer", ""
	case errors.Is(err, app.ErrTooManyTries):
		s.k.onHome()
		s.k.tell(lang.L("status.too_many"))
		return
	default:
		s.k.fail(err)
		return
	}
	s.k.show()
}

func statusColour(st app.Status) color.Color {
	switch st {
	case app.StatusRejected:
		return colError
	case app.StatusApproved, app.StatusPublished:
		return colSuccess
	}
	return colPrimary
}

func (s *statusScreen) onRetake() { s.k.act(s.k.svc.RetakeRejected) }
