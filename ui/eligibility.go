package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// eligibilityScreen shows the roster match: the record (masked) to confirm,
// or what to do when there is none.
type eligibilityScreen struct {
	k      *shell
	record map[string]string // the matched record as shown, by caption key (tests read it)
	enter  *widget.Button
	back   *widget.Button
}

func (s *eligibilityScreen) content() fyne.CanvasObject {
	sess := s.k.svc.Session()
	s.back = touchButton(lang.L("eligibility.reenter"), false, s.k.onBack)
	s.enter = nil
	if sess.Eligibility == app.EligibilityOK && sess.Roster != nil {
		return s.matched(*sess.Roster)
	}
	return s.notEligible(sess)
}

// matched asks "是您本人吗？" with the name on record, masked, large; the
// rest of the record below it. Nothing about the graduate was typed but the
// number: this is where they say the record is theirs.
func (s *eligibilityScreen) matched(e app.RosterEntry) fyne.CanvasObject {
	fields := []struct{ key, value string }{
		{"eligibility.id_number", app.MaskID(e.Number)},
		{"eligibility.school", e.School},
		{"eligibility.college", e.College},
		{"eligibility.major", e.Major},
		{"eligibility.degree", s.k.degreeShown(e.Degree)},
		{"eligibility.grad_year", year(e.GradYear)},
	}
	if e.Prepaid {
		fields = append(fields, struct{ key, value string }{"eligibility.payment", lang.L("eligibility.prepaid")})
	}
	s.record = map[string]string{"eligibility.name": app.MaskName(e.Name)}
	grid := container.NewGridWithColumns(2)
	for _, f := range fields {
		v := f.value
		if v == "" {
			v = "—"
		}
		s.record[f.key] = v
		grid.Add(container.NewVBox(text(lang.L(f.key), 20, colMuted, false), text(v, 26, colForeground, true)))
	}
	s.enter = touchButton(lang.L("eligibility.enter"), true, s.onEnter)
	s.enter.Icon = theme.NavigateNextIcon()
	s.back = touchButton(lang.L("eligibility.not_me"), false, s.k.onBack)
	name := text(s.record["eligibility.name"], 48, colPrimary, true)
	top := container.NewVBox(heading(lang.L("eligibility.found_title")), name,
		paragraph(lang.L("eligibility.found_hint")))
	if a := s.cardName(e); a != app.AgreeUnknown {
		col := colSuccess
		if a != app.AgreeMatch {
			col = colWarning
		}
		msg := paragraph(lang.L("eligibility.card_name_" + string(a)))
		top.Add(container.NewBorder(nil, nil, atLeast(canvasDot(col), 16, 16), nil, msg))
	}
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{s.back}, s.enter), nil, nil,
		newTouchScroll(card(grid)))
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// notEligible explains each outcome and what to do next.
func (s *eligibilityScreen) notEligible(sess app.Session) fyne.CanvasObject {
	key := map[app.Eligibility]string{
		app.EligibilityNotFound: "eligibility.not_found",
		app.EligibilityMismatch: "eligibility.mismatch",
		app.EligibilityInReview: "eligibility.in_review",
		app.EligibilityLocked:   "eligibility.locked",
	}[sess.Eligibility]
	if key == "" {
		key = "eligibility.unknown"
	}
	home := touchButton(lang.L("button.home"), false, s.k.onHome)
	icon := widget.NewIcon(theme.WarningIcon())
	if sess.Eligibility == app.EligibilityInReview || sess.Eligibility == app.EligibilityLocked {
		icon = widget.NewIcon(theme.InfoIcon())
	}
	msg := container.NewVBox(
		container.NewHBox(atLeast(icon, 48, 48), heading(lang.L(key+"_title"))),
		paragraph(lang.L(key+"_text")),
	)
	if sess.Identity != nil {
		msg.Add(paragraph(lang.L("eligibility.you_entered", map[string]any{
			"Doc": lang.L("doc." + string(sess.Identity.Doc)), "Number": app.MaskID(sess.Identity.Number)})))
	}
	return container.NewBorder(nil, buttonRow([]fyne.CanvasObject{home}, s.back), nil, nil,
		container.NewVBox(layout.NewSpacer(), card(msg), layout.NewSpacer()))
}

// cardName compares the name read off the ID card with the roster's
// (AgreeUnknown when no card was read).
func (s *eligibilityScreen) cardName(e app.RosterEntry) app.Agreement {
	read := s.k.identity.read
	if read == nil || e.Doc != app.DocResidentID {
		return app.AgreeUnknown
	}
	return app.Compare(read.Name, e.Name, app.NormalizeName)
}

// onEnter records how the card's name compared, then on to the photos.
func (s *eligibilityScreen) onEnter() {
	sess := s.k.svc.Session()
	if sess.Roster != nil {
		if a := s.cardName(*sess.Roster); a != app.AgreeUnknown {
			c := sess.CardCheck
			c.Name = a
			if err := s.k.svc.SetCardCheck(s.k.ctx, c); err != nil {
				s.k.fail(err)
				return
			}
		}
	}
	s.k.act(s.k.svc.ConfirmRecord)
}
