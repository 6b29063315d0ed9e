package app_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"gradphoto/app"
)

// fakeClock moves one second forward on every reading, so each event gets
// a distinct time. It is in Beijing time to check that sessions store UTC.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

var beijing = time.FixedZone("CST", 8*3600)

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, beijing)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// counterIDs hands out s-1, s-2, …
type counterIDs struct {
	mu sync.Mutex
	n  int
}

func (c *counterIDs) Next() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return fmt.Sprintf("s-%d", c.n)
}

var (
	zhangSan = app.Identity{Doc: app.DocResidentID, Number: "11010519491231002X", Name: "张三"}
	rosterZS = app.RosterEntry{
		Doc: app.DocResidentID, Number: "11010519491231002X", Name: "张三", StudentNo: "2023010101",
		School: "北京大学", College: "信息科学技术学院", Major: "计算机科学与技术", Degree: "工学学士", GradYear: 2027,
	}
)

func record(st app.Status) *app.StatusRecord {
	return &app.StatusRecord{SubmissionID: "sub-0", Number: zhangSan.Number, Status: st, Reason: "背景不纯净",
		UpdatedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
}

func newMachine(p app.Policy) *app.Machine {
	return app.NewMachine(p, newClock().Now, (&counterIDs{}).Next)
}

var allSteps = []app.Step{app.StepWelcome, app.StepConsent, app.StepIdentity, app.StepEligibility,
	app.StepCards, app.StepService, app.StepPayment, app.StepCapture, app.StepStandardise, app.StepConfirm,
	app.StepSubmitted, app.StepStatus}

// pathTo lists the events that take a fresh machine to step, the usual way.
func pathTo(step app.Step) []func(*app.Machine) error {
	if step == app.StepStatus {
		return []func(*app.Machine) error{
			(*app.Machine).OpenStatus,
			func(m *app.Machine) error { return m.SetIdentity(zhangSan) },
			func(m *app.Machine) error {
				if err := m.ShowStatus(record(app.StatusRejected)); err != nil {
					return err
				}
				return m.Verify(true)
			},
		}
	}
	flow := []func(*app.Machine) error{
		(*app.Machine).Start,
		func(m *app.Machine) error {
			if err := m.AcceptConsent(app.ConsentVersion); err != nil {
				return err
			}
			return m.SetIdentity(zhangSan)
		},
		func(m *app.Machine) error {
			if err := m.SubmitIdentity(); err != nil {
				return err
			}
			_, err := m.SetEligibility(&rosterZS, nil)
			return err
		},
		(*app.Machine).EnterCapture,
		func(m *app.Machine) error {
			if m.Step() != app.StepCards { // no card photos asked for
				return nil
			}
			if err := m.AddCard(app.CardFront, "doc-front"); err != nil {
				return err
			}
			if err := m.AddCard(app.CardBack, "doc-back"); err != nil {
				return err
			}
			return m.CardsDone()
		},
		func(m *app.Machine) error { return m.ChooseService([]string{"degree_photo"}) },
		func(m *app.Machine) error { return m.SettlePayment(app.PaymentPaid, "order-1") },
		func(m *app.Machine) error { return m.Capture("photo-1", "std-1", true) },
		func(m *app.Machine) error { return m.AcceptStandard() },
		func(m *app.Machine) error { return m.Confirm("sub-1") },
	}
	return flow[:int(step)]
}

// at returns a machine driven to step.
func at(t *testing.T, p app.Policy, step app.Step) *app.Machine {
	t.Helper()
	m := newMachine(p)
	for i, ev := range pathTo(step) {
		if err := ev(m); err != nil {
			t.Fatalf("driving to %s, event %d: %v", step, i, err)
		}
	}
	if m.Step() != step {
		t.Fatalf("driven to %s, got %s", step, m.Step())
	}
	return m
}

type event struct {
	name string
	do   func(*app.Machine) error
}

var events = []event{
	{"start", (*app.Machine).Start},
	{"open status", (*app.Machine).OpenStatus},
	{"accept consent", func(m *app.Machine) error { return m.AcceptConsent(app.ConsentVersion) }},
	{"decline consent", func(m *app.Machine) error { _, err := m.DeclineConsent(); return err }},
	{"set identity", func(m *app.Machine) error { return m.SetIdentity(zhangSan) }},
	{"add card", func(m *app.Machine) error { return m.AddCard(app.CardFront, "doc-front-2") }},
	{"submit identity", (*app.Machine).SubmitIdentity},
	{"set eligibility", func(m *app.Machine) error { _, err := m.SetEligibility(&rosterZS, nil); return err }},
	{"enter capture", (*app.Machine).EnterCapture},
	{"cards done", func(m *app.Machine) error {
		// both sides photographed, then on
		if m.Step() != app.StepCards {
			return m.CardsDone()
		}
		if err := m.AddCard(app.CardFront, "doc-front-9"); err != nil {
			return err
		}
		if err := m.AddCard(app.CardBack, "doc-back-9"); err != nil {
			return err
		}
		return m.CardsDone()
	}},
	{"choose service", func(m *app.Machine) error { return m.ChooseService([]string{"degree_photo"}) }},
	{"settle payment", func(m *app.Machine) error { return m.SettlePayment(app.PaymentPaid, "order-9") }},
	{"capture", func(m *app.Machine) error { return m.Capture("photo-9", "std-9", true) }},
	{"accept standard", func(m *app.Machine) error { return m.AcceptStandard() }},
	{"retake", (*app.Machine).Retake},
	{"confirm", func(m *app.Machine) error { return m.Confirm("sub-9") }},
	{"finish", func(m *app.Machine) error { _, err := m.Finish(); return err }},
	{"show status", func(m *app.Machine) error { return m.ShowStatus(record(app.StatusRejected)) }},
	{"retake rejected", (*app.Machine).RetakeRejected},
	{"verify", func(m *app.Machine) error { return m.Verify(true) }},
	{"set card check", func(m *app.Machine) error {
		return m.SetCardCheck(app.CardCheck{Number: app.AgreeMatch, Name: app.AgreeDiffers})
	}},
	{"back", (*app.Machine).Back},
}

// legal is every transition of the flow: from, event, to.
var legal = []struct {
	from  app.Step
	event string
	to    app.Step
}{
	{app.StepWelcome, "start", app.StepConsent},
	{app.StepWelcome, "open status", app.StepStatus},
	{app.StepConsent, "accept consent", app.StepIdentity},
	{app.StepConsent, "decline consent", app.StepWelcome},
	{app.StepConsent, "back", app.StepWelcome},
	{app.StepIdentity, "set identity", app.StepIdentity},
	{app.StepIdentity, "submit identity", app.StepEligibility},
	{app.StepIdentity, "add card", app.StepIdentity},
	{app.StepIdentity, "set card check", app.StepIdentity},
	{app.StepEligibility, "set card check", app.StepEligibility},
	{app.StepIdentity, "back", app.StepConsent},
	{app.StepEligibility, "set eligibility", app.StepEligibility},
	{app.StepEligibility, "enter capture", app.StepCards},
	{app.StepEligibility, "back", app.StepIdentity},
	{app.StepCards, "add card", app.StepCards},
	{app.StepCards, "back", app.StepEligibility},
	{app.StepCards, "cards done", app.StepService},
	{app.StepService, "choose service", app.StepPayment},
	{app.StepService, "back", app.StepEligibility},
	{app.StepPayment, "settle payment", app.StepCapture},
	{app.StepPayment, "back", app.StepService},
	{app.StepCapture, "capture", app.StepStandardise},
	{app.StepStandardise, "accept standard", app.StepConfirm},
	{app.StepStandardise, "retake", app.StepCapture},
	{app.StepConfirm, "retake", app.StepCapture},
	{app.StepConfirm, "confirm", app.StepSubmitted},
	{app.StepSubmitted, "finish", app.StepWelcome},
	{app.StepStatus, "set identity", app.StepStatus},
	{app.StepStatus, "show status", app.StepStatus},
	{app.StepStatus, "retake rejected", app.StepCapture},
	{app.StepStatus, "verify", app.StepStatus},
	{app.StepStatus, "back", app.StepWelcome},
}

func findEvent(t *testing.T, name string) event {
	t.Helper()
	for _, e := range events {
		if e.name == name {
			return e
		}
	}
	t.Fatalf("no event %q", name)
	return event{}
}

func TestLegalTransitions(t *testing.T) {
	for _, tr := range legal {
		t.Run(fmt.Sprintf("%s/%s", tr.from, tr.event), func(t *testing.T) {
			m := at(t, app.Policy{RequireCards: true}, tr.from)
			before := m.Session()
			if err := findEvent(t, tr.event).do(m); err != nil {
				t.Fatalf("%s at %s: %v", tr.event, tr.from, err)
			}
			if m.Step() != tr.to {
				t.Fatalf("%s at %s went to %s, want %s", tr.event, tr.from, m.Step(), tr.to)
			}
			after := m.Session()
			if tr.to == app.StepWelcome {
				if !reflect.DeepEqual(after, app.Session{}) {
					t.Errorf("back at Welcome the session is not empty: %+v", after)
				}
				return
			}
			if after.ID == "" || (tr.from != app.StepWelcome && after.ID != before.ID) {
				t.Errorf("session ID %q → %q", before.ID, after.ID)
			}
			if !after.UpdatedAt.After(before.UpdatedAt) {
				t.Errorf("UpdatedAt not moved: %v → %v", before.UpdatedAt, after.UpdatedAt)
			}
			if after.UpdatedAt.Location() != time.UTC || after.StartedAt.Location() != time.UTC {
				t.Errorf("times not UTC: started %v, updated %v", after.StartedAt, after.UpdatedAt)
			}
		})
	}
}

func TestIllegalTransitions(t *testing.T) {
	for _, ev := range events {
		allowed := map[app.Step]bool{}
		for _, tr := range legal {
			if tr.event == ev.name {
				allowed[tr.from] = true
			}
		}
		if len(allowed) == 0 {
			t.Fatalf("event %q has no legal transition in the table", ev.name)
		}
		for _, step := range allSteps {
			if allowed[step] {
				continue
			}
			t.Run(fmt.Sprintf("%s/%s", ev.name, step), func(t *testing.T) {
				m := at(t, app.Policy{RequireCards: true}, step)
				before := m.Session()
				err := ev.do(m)
				if !errors.Is(err, app.ErrIllegalTransition) {
					t.Fatalf("%s at %s: err = %v, want ErrIllegalTransition", ev.name, step, err)
				}
				if after := m.Session(); !reflect.DeepEqual(before, after) {
					t.Errorf("%s at %s changed the session:\nbefore %+v\nafter  %+v", ev.name, step, before, after)
				}
			})
		}
	}
}

func TestFullFlowRecordsEverything(t *testing.T) {
	m := at(t, app.Policy{RequireCards: true}, app.StepSubmitted)
	s := m.Session()
	if s.ID != "s-1" {
		t.Errorf("ID = %q, want s-1 from the ID source", s.ID)
	}
	if s.Consent == nil || s.Consent.Version != app.ConsentVersion || s.Consent.AcceptedAt.IsZero() ||
		s.Consent.AcceptedAt.Location() != time.UTC {
		t.Errorf("consent = %+v", s.Consent)
	}
	if s.Identity == nil || *s.Identity != zhangSan {
		t.Errorf("identity = %+v", s.Identity)
	}
	if s.Cards[app.CardFront] != "doc-front" || s.Cards[app.CardBack] != "doc-back" {
		t.Errorf("cards = %v", s.Cards)
	}
	if s.Roster == nil || !reflect.DeepEqual(*s.Roster, rosterZS) || s.Eligibility != app.EligibilityOK {
		t.Errorf("roster = %+v, eligibility %v", s.Roster, s.Eligibility)
	}
	if !reflect.DeepEqual(s.Services, []string{"degree_photo"}) || s.Payment != app.PaymentPaid || s.OrderRef != "order-1" {
		t.Errorf("services %v, payment %q, ref %q", s.Services, s.Payment, s.OrderRef)
	}
	if s.PhotoID != "photo-1" || s.StandardID != "std-1" || s.SubmissionID != "sub-1" || s.Retake {
		t.Errorf("photo %q, standard %q, submission %q, retake %v", s.PhotoID, s.StandardID, s.SubmissionID, s.Retake)
	}
	if !s.StartedAt.Before(s.UpdatedAt) {
		t.Errorf("started %v, updated %v", s.StartedAt, s.UpdatedAt)
	}
	ended, err := m.Finish()
	if err != nil || ended.SubmissionID != "sub-1" || ended.Step != app.StepSubmitted {
		t.Fatalf("Finish = %+v, %v", ended, err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); s.ID != "s-2" || s.Identity != nil || s.Consent != nil {
		t.Errorf("next session = %+v, want a fresh s-2", s)
	}
}

func TestAcceptConsentNeedsVersion(t *testing.T) {
	m := at(t, app.Policy{}, app.StepConsent)
	before := m.Session()
	if err := m.AcceptConsent(""); !errors.Is(err, app.ErrConsentRequired) {
		t.Fatalf("AcceptConsent(\"\") = %v, want ErrConsentRequired", err)
	}
	if !reflect.DeepEqual(before, m.Session()) {
		t.Error("refused consent changed the session")
	}
}

func TestDeclineConsentClears(t *testing.T) {
	m := at(t, app.Policy{}, app.StepConsent)
	ended, err := m.DeclineConsent()
	if err != nil {
		t.Fatal(err)
	}
	if ended.ID != "s-1" || ended.Step != app.StepConsent {
		t.Errorf("ended session = %+v", ended)
	}
	if s := m.Session(); !reflect.DeepEqual(s, app.Session{}) {
		t.Errorf("after decline the session is %+v, want empty", s)
	}
}

func TestSubmitIdentityGuards(t *testing.T) {
	// No identity yet.
	m := newMachine(app.Policy{RequireCards: true})
	_ = m.Start()
	_ = m.AcceptConsent(app.ConsentVersion)
	if err := m.SubmitIdentity(); !errors.Is(err, app.ErrIdentityIncomplete) {
		t.Errorf("no identity: %v, want ErrIdentityIncomplete", err)
	}
	// The roster is matched before any photo: no card is needed here.
	_ = m.SetIdentity(zhangSan)
	if err := m.SubmitIdentity(); err != nil || m.Step() != app.StepEligibility {
		t.Errorf("no cards yet: %v at %s", err, m.Step())
	}
}

func TestCardsStep(t *testing.T) {
	// Without RequireCards the roster match leads past the cards.
	m := at(t, app.Policy{}, app.StepEligibility)
	if err := m.EnterCapture(); err != nil || m.Step() != app.StepService {
		t.Fatalf("no cards asked for: %v at %s", err, m.Step())
	}
	// A passport has no card sides: past the cards too.
	m = newMachine(app.Policy{RequireCards: true})
	_ = m.Start()
	_ = m.AcceptConsent(app.ConsentVersion)
	passport := app.Identity{Doc: app.DocPassport, Number: "E12345678"}
	_ = m.SetIdentity(passport)
	_ = m.SubmitIdentity()
	entry := app.RosterEntry{Doc: app.DocPassport, Number: "E12345678", Name: "Anna Li"}
	if _, err := m.SetEligibility(&entry, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.EnterCapture(); err != nil || m.Step() != app.StepService {
		t.Fatalf("passport: %v at %s", err, m.Step())
	}
	if got := m.Session().Identity.Name; got != "Anna Li" {
		t.Errorf("confirmed name = %q, want the roster's", got)
	}
	if err := m.AddCard(app.CardFront, "doc-x"); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("card for a passport at Service: %v", err)
	}

	// RequireCards and an ID card: both sides, then on.
	m = at(t, app.Policy{RequireCards: true}, app.StepCards)
	before := m.Session()
	if err := m.AddCard(app.CardSide("side"), "doc-x"); err == nil {
		t.Error("unknown card side accepted")
	}
	if !reflect.DeepEqual(before, m.Session()) {
		t.Error("refused card changed the session")
	}
	if err := m.CardsDone(); !errors.Is(err, app.ErrIdentityIncomplete) || m.Step() != app.StepCards {
		t.Errorf("no cards: %v at %s", err, m.Step())
	}
	_ = m.AddCard(app.CardFront, "doc-front")
	if err := m.CardsDone(); !errors.Is(err, app.ErrIdentityIncomplete) || m.Step() != app.StepCards {
		t.Errorf("front only: %v at %s", err, m.Step())
	}
	if got := m.CardsNeeded(); len(got) != 1 || got[0] != app.CardBack {
		t.Errorf("still needed = %v, want [back]", got)
	}
	if err := m.AddCard(app.CardFront, "doc-front-2"); err != nil || m.Session().Cards[app.CardFront] != "doc-front-2" {
		t.Errorf("retaken front: %v, %v", err, m.Session().Cards)
	}
	_ = m.AddCard(app.CardBack, "doc-back")
	if err := m.CardsDone(); err != nil || m.Step() != app.StepService {
		t.Errorf("both sides: %v at %s", err, m.Step())
	}
}

func TestSetIdentityNewNumberForgetsCards(t *testing.T) {
	m := at(t, app.Policy{RequireCards: true}, app.StepCards)
	_ = m.AddCard(app.CardFront, "doc-front")
	_ = m.AddCard(app.CardBack, "doc-back")
	if err := m.Back(); err != nil { // to the roster record
		t.Fatal(err)
	}
	if err := m.Back(); err != nil || m.Step() != app.StepIdentity { // to the number
		t.Fatalf("back twice: %v at %s", err, m.Step())
	}
	// The same number keeps the card photos.
	if err := m.SetIdentity(zhangSan); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); len(s.Cards) != 2 {
		t.Fatalf("same number: cards %v", s.Cards)
	}
	// Another number: the photos were of another card.
	other := app.Identity{Doc: app.DocPassport, Number: "E12345678"}
	if err := m.SetIdentity(other); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); len(s.Cards) != 0 || *s.Identity != other {
		t.Fatalf("new number: cards %v, identity %+v", s.Cards, s.Identity)
	}
}

func TestEligibilityOutcomes(t *testing.T) {
	otherName := rosterZS
	otherName.Name = "李四"
	otherDoc := rosterZS
	otherDoc.Doc = app.DocResidencePermit
	spaced := rosterZS
	spaced.Name = " 张三 "
	cases := []struct {
		name  string
		entry *app.RosterEntry
		prior *app.StatusRecord
		want  app.Eligibility
		enter error // EnterCapture's error; nil: goes on to Service
	}{
		{"on roster", &rosterZS, nil, app.EligibilityOK, nil},
		{"on roster, name spaced", &spaced, nil, app.EligibilityOK, nil},
		{"not found", nil, nil, app.EligibilityNotFound, app.ErrNotEligible},
		{"name mismatch", &otherName, nil, app.EligibilityMismatch, app.ErrNotEligible},
		{"document type mismatch", &otherDoc, nil, app.EligibilityMismatch, app.ErrNotEligible},
		{"prior queued", &rosterZS, record(app.StatusQueued), app.EligibilityInReview, app.ErrNotEligible},
		{"prior in review", &rosterZS, record(app.StatusInReview), app.EligibilityInReview, app.ErrNotEligible},
		{"prior rejected", &rosterZS, record(app.StatusRejected), app.EligibilityOK, nil},
		{"prior approved", &rosterZS, record(app.StatusApproved), app.EligibilityLocked, app.ErrLocked},
		{"prior published", &rosterZS, record(app.StatusPublished), app.EligibilityLocked, app.ErrLocked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := at(t, app.Policy{}, app.StepIdentity)
			if err := m.SubmitIdentity(); err != nil {
				t.Fatal(err)
			}
			got, err := m.SetEligibility(c.entry, c.prior)
			if err != nil || got != c.want {
				t.Fatalf("SetEligibility = %v, %v; want %v", got, err, c.want)
			}
			s := m.Session()
			if s.Eligibility != c.want || m.Step() != app.StepEligibility {
				t.Fatalf("session eligibility %v at %s", s.Eligibility, m.Step())
			}
			if (s.Roster != nil) != (c.want == app.EligibilityOK) {
				t.Errorf("roster entry kept = %v for outcome %v", s.Roster != nil, c.want)
			}
			before := m.Session()
			err = m.EnterCapture()
			if c.enter != nil {
				if !errors.Is(err, c.enter) {
					t.Fatalf("EnterCapture = %v, want %v", err, c.enter)
				}
				if !reflect.DeepEqual(before, m.Session()) {
					t.Error("refused EnterCapture changed the session")
				}
				return
			}
			if err != nil || m.Step() != app.StepService {
				t.Fatalf("EnterCapture = %v at %s", err, m.Step())
			}
		})
	}
}

func TestEligibilityRecheck(t *testing.T) {
	// A second look-up (e.g. the server answered after the local roster)
	// replaces the first outcome.
	m := at(t, app.Policy{}, app.StepIdentity)
	_ = m.SubmitIdentity()
	if got, _ := m.SetEligibility(nil, nil); got != app.EligibilityNotFound {
		t.Fatalf("first = %v", got)
	}
	if got, _ := m.SetEligibility(&rosterZS, nil); got != app.EligibilityOK {
		t.Fatalf("second = %v", got)
	}
	if err := m.EnterCapture(); err != nil {
		t.Fatal(err)
	}
}

func TestSchoolPaidSkipsPayment(t *testing.T) {
	prepaid := rosterZS
	prepaid.Prepaid = true
	m := at(t, app.Policy{}, app.StepIdentity)
	_ = m.SubmitIdentity()
	if _, err := m.SetEligibility(&prepaid, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.EnterCapture(); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); s.Payment != app.PaymentSchool || s.Retake {
		t.Fatalf("payment %q retake %v, want school exemption", s.Payment, s.Retake)
	}
	if err := m.ChooseService([]string{"degree_photo", "extra_copy"}); err != nil {
		t.Fatal(err)
	}
	if m.Step() != app.StepCapture {
		t.Fatalf("school-paid ChooseService went to %s, want capture", m.Step())
	}
	if s := m.Session(); !reflect.DeepEqual(s.Services, []string{"degree_photo", "extra_copy"}) || s.Payment != app.PaymentSchool {
		t.Errorf("services %v payment %q", s.Services, s.Payment)
	}
	if err := m.Capture("photo-1", "std-1", true); err != nil {
		t.Fatalf("capture with school exemption: %v", err)
	}
}

func TestChooseServiceNeedsAChoice(t *testing.T) {
	m := at(t, app.Policy{}, app.StepService)
	before := m.Session()
	if err := m.ChooseService(nil); err == nil {
		t.Fatal("nothing chosen accepted")
	}
	if !reflect.DeepEqual(before, m.Session()) {
		t.Error("refused choice changed the session")
	}
	codes := []string{"degree_photo"}
	if err := m.ChooseService(codes); err != nil {
		t.Fatal(err)
	}
	codes[0] = "changed"
	if s := m.Session(); s.Services[0] != "degree_photo" || s.Payment != app.PaymentPending {
		t.Errorf("services %v (caller's slice aliased?), payment %q", s.Services, s.Payment)
	}
}

func TestSettlePayment(t *testing.T) {
	for _, p := range []app.Payment{app.PaymentNone, app.PaymentPending, app.PaymentSchool, app.PaymentRetake, app.Payment("bitcoin")} {
		m := at(t, app.Policy{}, app.StepPayment)
		before := m.Session()
		if err := m.SettlePayment(p, "ref"); !errors.Is(err, app.ErrNotPaid) {
			t.Errorf("SettlePayment(%q) = %v, want ErrNotPaid", p, err)
		}
		if !reflect.DeepEqual(before, m.Session()) {
			t.Errorf("refused SettlePayment(%q) changed the session", p)
		}
	}
	for _, p := range []app.Payment{app.PaymentPaid, app.PaymentVoucher, app.PaymentCash, app.PaymentDeferred} {
		m := at(t, app.Policy{}, app.StepPayment)
		if err := m.SettlePayment(p, "ref-"+string(p)); err != nil {
			t.Errorf("SettlePayment(%q) = %v", p, err)
			continue
		}
		if s := m.Session(); s.Step != app.StepCapture || s.Payment != p || s.OrderRef != "ref-"+string(p) {
			t.Errorf("after SettlePayment(%q): step %s payment %q ref %q", p, s.Step, s.Payment, s.OrderRef)
		}
	}
}

func TestPaymentSettled(t *testing.T) {
	settled := map[app.Payment]bool{
		app.PaymentNone: false, app.PaymentPending: false, app.PaymentPaid: true, app.PaymentSchool: true,
		app.PaymentVoucher: true, app.PaymentCash: true, app.PaymentDeferred: true, app.PaymentRetake: true,
		app.Payment("other"): false,
	}
	for p, want := range settled {
		if got := p.Settled(); got != want {
			t.Errorf("%q.Settled() = %v, want %v", p, got, want)
		}
	}
}

func TestStatusLockedAndValid(t *testing.T) {
	cases := []struct {
		s             app.Status
		locked, valid bool
	}{
		{app.StatusQueued, false, true},
		{app.StatusInReview, false, true},
		{app.StatusRejected, false, true},
		{app.StatusApproved, true, true},
		{app.StatusPublished, true, true},
		{app.Status(""), false, false},
		{app.Status("lost"), false, false},
	}
	for _, c := range cases {
		if c.s.Locked() != c.locked || c.s.Valid() != c.valid {
			t.Errorf("%q: Locked %v Valid %v, want %v %v", c.s, c.s.Locked(), c.s.Valid(), c.locked, c.valid)
		}
	}
}

func TestRejectedPriorIsAFreeRetake(t *testing.T) {
	m := at(t, app.Policy{}, app.StepIdentity)
	_ = m.SubmitIdentity()
	if got, err := m.SetEligibility(&rosterZS, record(app.StatusRejected)); err != nil || got != app.EligibilityOK {
		t.Fatalf("SetEligibility = %v, %v", got, err)
	}
	if err := m.EnterCapture(); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); s.Payment != app.PaymentRetake || !s.Retake {
		t.Fatalf("payment %q retake %v, want free retake", s.Payment, s.Retake)
	}
	if err := m.ChooseService([]string{"degree_photo"}); err != nil || m.Step() != app.StepCapture {
		t.Fatalf("ChooseService = %v at %s, want capture", err, m.Step())
	}
	if err := m.Capture("photo-2", "std-2", true); err != nil {
		t.Fatal(err)
	}
}

func TestStatusLookupRetake(t *testing.T) {
	m := newMachine(app.Policy{})
	if err := m.OpenStatus(); err != nil {
		t.Fatal(err)
	}
	// Nothing looked up yet: nothing to retake.
	if err := m.RetakeRejected(); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("retake before look-up: %v", err)
	}
	lookup := app.Identity{Doc: app.DocResidentID, Number: zhangSan.Number}
	if err := m.SetIdentity(lookup); err != nil {
		t.Fatal(err)
	}
	if err := m.ShowStatus(nil); err != nil {
		t.Fatal(err)
	}
	if err := m.RetakeRejected(); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("retake with no submission: %v", err)
	}
	if err := m.ShowStatus(record(app.StatusRejected)); err != nil {
		t.Fatal(err)
	}
	// More than the status needs the second question answered.
	if err := m.RetakeRejected(); !errors.Is(err, app.ErrNotVerified) {
		t.Errorf("retake before the second question: %v, want ErrNotVerified", err)
	}
	if err := m.Verify(false); !errors.Is(err, app.ErrNotVerified) {
		t.Errorf("a wrong answer: %v", err)
	}
	if err := m.Verify(true); err != nil {
		t.Fatal(err)
	}
	if err := m.RetakeRejected(); err != nil {
		t.Fatal(err)
	}
	s := m.Session()
	if s.Step != app.StepCapture || s.Payment != app.PaymentRetake || !s.Retake || s.Eligibility != app.EligibilityOK {
		t.Fatalf("after retake: step %s payment %q retake %v eligibility %v", s.Step, s.Payment, s.Retake, s.Eligibility)
	}
	if s.Prior == nil || s.Prior.SubmissionID != "sub-0" {
		t.Errorf("prior = %+v", s.Prior)
	}
	if err := m.Capture("photo-3", "std-3", true); err != nil {
		t.Fatalf("capture on a retake: %v", err)
	}
	if err := m.AcceptStandard(); err != nil {
		t.Fatal(err)
	}
	if err := m.Confirm("sub-3"); err != nil {
		t.Fatal(err)
	}
}

func TestStatusLookupOtherStatuses(t *testing.T) {
	cases := []struct {
		st   app.Status
		want error
	}{
		{app.StatusApproved, app.ErrLocked},
		{app.StatusPublished, app.ErrLocked},
		{app.StatusInReview, app.ErrIllegalTransition},
		{app.StatusQueued, app.ErrIllegalTransition},
	}
	for _, c := range cases {
		m := newMachine(app.Policy{})
		_ = m.OpenStatus()
		_ = m.SetIdentity(zhangSan)
		_ = m.ShowStatus(record(c.st))
		before := m.Session()
		if err := m.RetakeRejected(); !errors.Is(err, c.want) {
			t.Errorf("retake of %s: %v, want %v", c.st, err, c.want)
		}
		if !reflect.DeepEqual(before, m.Session()) {
			t.Errorf("refused retake of %s changed the session", c.st)
		}
	}
}

func TestRetakeAndReject(t *testing.T) {
	m := at(t, app.Policy{}, app.StepConfirm)
	if err := m.Retake(); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); s.Step != app.StepCapture || s.PhotoID != "" || s.StandardID != "" || s.Payment != app.PaymentPaid {
		t.Fatalf("after retake: %+v", s)
	}
	if err := m.Capture("", "std-2", true); err == nil {
		t.Error("capture without a photo accepted")
	}
	_ = m.Capture("photo-2", "std-2", false)
	before := m.Session()
	if err := m.AcceptStandard(); !errors.Is(err, app.ErrStandardFails) {
		t.Errorf("a failing standard photo accepted: %v", err)
	}
	if !reflect.DeepEqual(before, m.Session()) {
		t.Error("refused AcceptStandard changed the session")
	}
	if err := m.Retake(); err != nil {
		t.Fatal(err)
	}
	_ = m.Capture("photo-3", "std-3", true)
	_ = m.AcceptStandard()
	before = m.Session()
	if err := m.Confirm(""); err == nil {
		t.Error("empty submission id accepted")
	}
	if !reflect.DeepEqual(before, m.Session()) {
		t.Error("refused Confirm changed the session")
	}
	if err := m.Confirm("sub-2"); err != nil {
		t.Fatal(err)
	}
}

func TestBack(t *testing.T) {
	t.Run("identity clears consent", func(t *testing.T) {
		m := at(t, app.Policy{}, app.StepIdentity)
		if err := m.Back(); err != nil {
			t.Fatal(err)
		}
		if s := m.Session(); s.Step != app.StepConsent || s.Consent != nil || s.ID != "s-1" {
			t.Errorf("after back: step %s consent %+v id %q", s.Step, s.Consent, s.ID)
		}
		if err := m.SubmitIdentity(); !errors.Is(err, app.ErrIllegalTransition) {
			t.Errorf("submit at consent: %v", err)
		}
	})
	t.Run("eligibility to identity", func(t *testing.T) {
		m := at(t, app.Policy{}, app.StepEligibility)
		if err := m.Back(); err != nil {
			t.Fatal(err)
		}
		s := m.Session()
		if s.Step != app.StepIdentity || s.Consent == nil || s.Identity == nil {
			t.Fatalf("after back: %+v", s)
		}
		// Submitting again re-checks the roster from scratch.
		if err := m.SubmitIdentity(); err != nil {
			t.Fatal(err)
		}
		if s := m.Session(); s.Eligibility != app.EligibilityUnknown || s.Roster != nil {
			t.Errorf("resubmitted identity kept the old match: %v %+v", s.Eligibility, s.Roster)
		}
		if err := m.EnterCapture(); !errors.Is(err, app.ErrNotEligible) {
			t.Errorf("enter capture before the new match: %v", err)
		}
	})
	t.Run("service undoes the exemption", func(t *testing.T) {
		m := at(t, app.Policy{}, app.StepIdentity)
		_ = m.SubmitIdentity()
		_, _ = m.SetEligibility(&rosterZS, record(app.StatusRejected))
		_ = m.EnterCapture()
		if err := m.Back(); err != nil {
			t.Fatal(err)
		}
		if s := m.Session(); s.Step != app.StepEligibility || s.Payment != app.PaymentNone || s.Retake {
			t.Errorf("after back: step %s payment %q retake %v", s.Step, s.Payment, s.Retake)
		}
	})
	t.Run("payment closes the order", func(t *testing.T) {
		m := at(t, app.Policy{}, app.StepPayment)
		if err := m.Back(); err != nil {
			t.Fatal(err)
		}
		if s := m.Session(); s.Step != app.StepService || s.Payment != app.PaymentNone || s.OrderRef != "" {
			t.Errorf("after back: step %s payment %q ref %q", s.Step, s.Payment, s.OrderRef)
		}
		// Choosing again opens a new order rather than skipping payment.
		if err := m.ChooseService([]string{"degree_photo"}); err != nil || m.Step() != app.StepPayment {
			t.Errorf("choose again: %v at %s", err, m.Step())
		}
	})
	for _, step := range []app.Step{app.StepConsent, app.StepStatus} {
		t.Run(step.String()+" to welcome clears everything", func(t *testing.T) {
			m := at(t, app.Policy{}, step)
			if err := m.Back(); err != nil {
				t.Fatal(err)
			}
			if s := m.Session(); !reflect.DeepEqual(s, app.Session{}) || m.Step() != app.StepWelcome {
				t.Errorf("after back: %+v", s)
			}
		})
	}
}

func TestResetFromEveryStep(t *testing.T) {
	for _, step := range allSteps {
		t.Run(step.String(), func(t *testing.T) {
			m := at(t, app.Policy{RequireCards: true}, step)
			want := m.Session()
			ended := m.Reset()
			if !reflect.DeepEqual(ended, want) {
				t.Errorf("Reset returned %+v, want the session that ended %+v", ended, want)
			}
			if s := m.Session(); !reflect.DeepEqual(s, app.Session{}) || m.Step() != app.StepWelcome {
				t.Errorf("after reset: %+v", s)
			}
			if err := m.Start(); err != nil {
				t.Errorf("start after reset: %v", err)
			}
		})
	}
}

func TestSessionReturnsACopy(t *testing.T) {
	m := at(t, app.Policy{RequireCards: true}, app.StepPayment)
	// The clock and the IDs are deterministic: a twin machine driven the
	// same way holds an equal session that shares nothing with m.
	want := at(t, app.Policy{RequireCards: true}, app.StepPayment).Session()
	if !reflect.DeepEqual(m.Session(), want) {
		t.Fatal("twin machines differ")
	}

	s := m.Session()
	s.Cards[app.CardFront] = "forged"
	delete(s.Cards, app.CardBack)
	s.Services[0] = "forged"
	s.Services = append(s.Services, "more")
	s.Identity.Name = "李四"
	s.Identity.Number = "E12345678"
	s.Consent.Version = "old"
	s.Roster.Prepaid = true
	s.Roster.Name = "李四"
	s.Step = app.StepSubmitted

	if got := m.Session(); !reflect.DeepEqual(got, want) {
		t.Errorf("mutating the returned session changed the machine:\nwant %+v\ngot  %+v", want, got)
	}
}

func TestMachineDoesNotAliasCallersRecords(t *testing.T) {
	// The status record given to ShowStatus and SetEligibility belongs to
	// the caller (a cache, a store row): changing it later must not change
	// the session.
	m := newMachine(app.Policy{})
	_ = m.OpenStatus()
	_ = m.SetIdentity(zhangSan)
	rec := record(app.StatusRejected)
	_ = m.ShowStatus(rec)
	_ = m.Verify(true)
	rec.Status = app.StatusApproved
	if err := m.RetakeRejected(); err != nil {
		t.Errorf("retake after the caller reused its record: %v", err)
	}

	m = at(t, app.Policy{}, app.StepIdentity)
	_ = m.SubmitIdentity()
	rec = record(app.StatusRejected)
	entry := rosterZS
	_, _ = m.SetEligibility(&entry, rec)
	rec.Status = app.StatusPublished
	entry.Prepaid = true
	if s := m.Session(); s.Prior.Status != app.StatusRejected || s.Roster.Prepaid {
		t.Errorf("session follows the caller's records: prior %s prepaid %v", s.Prior.Status, s.Roster.Prepaid)
	}
}

func TestStepNames(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range allSteps {
		name := s.String()
		if seen[name] {
			t.Errorf("duplicate step name %q", name)
		}
		seen[name] = true
		back, err := app.ParseStep(name)
		if err != nil || back != s {
			t.Errorf("ParseStep(%q) = %v, %v; want %v", name, back, err, s)
		}
	}
	if got := app.Step(42).String(); got != "step(42)" {
		t.Errorf("Step(42).String() = %q", got)
	}
	if got := app.Step(-1).String(); got != "step(-1)" {
		t.Errorf("Step(-1).String() = %q", got)
	}
	if _, err := app.ParseStep("lobby"); err == nil {
		t.Error("ParseStep(lobby) accepted")
	}
}

// The second question may be answered wrong MaxWrongAnswers times; then
// the look-up ends, and a new look-up in the same session is refused too.
func TestVerifyTooManyTries(t *testing.T) {
	m := newMachine(app.Policy{})
	_ = m.OpenStatus()
	_ = m.SetIdentity(zhangSan)
	_ = m.ShowStatus(record(app.StatusRejected))
	for i := 1; i < app.MaxWrongAnswers; i++ {
		if err := m.Verify(false); !errors.Is(err, app.ErrNotVerified) {
			t.Fatalf("wrong answer %d: %v", i, err)
		}
	}
	if err := m.Verify(false); !errors.Is(err, app.ErrTooManyTries) {
		t.Fatalf("last wrong answer: %v, want ErrTooManyTries", err)
	}
	if err := m.Verify(true); !errors.Is(err, app.ErrTooManyTries) || m.Session().Verified {
		t.Errorf("a right answer after too many: %v", err)
	}
	if err := m.ShowStatus(record(app.StatusRejected)); !errors.Is(err, app.ErrTooManyTries) {
		t.Errorf("a new look-up after too many: %v", err)
	}
}

// The ID card's portrait side may be read at Identity (it fills in the
// number); the emblem side waits for the Cards step, which then asks only
// for what is missing. A new number forgets the card and its check.
func TestCardReadAtIdentity(t *testing.T) {
	m := at(t, app.Policy{RequireCards: true}, app.StepIdentity)
	if err := m.AddCard(app.CardBack, "doc-back"); err == nil {
		t.Error("the emblem side taken at Identity")
	}
	if err := m.AddCard(app.CardFront, "doc-front"); err != nil {
		t.Fatal(err)
	}
	if s := m.Session(); s.Identity != nil {
		t.Fatalf("a card read at Identity kept the earlier identity %+v", s.Identity)
	}
	if err := m.SetCardCheck(app.CardCheck{Number: app.AgreeMatch}); err != nil {
		t.Fatal(err)
	}
	_ = m.SetIdentity(zhangSan) // the number as read and confirmed
	if s := m.Session(); s.Cards[app.CardFront] != "doc-front" {
		t.Fatalf("confirming the number forgot the card: %v", s.Cards)
	}
	_ = m.SubmitIdentity()
	_, _ = m.SetEligibility(&rosterZS, nil)
	_ = m.EnterCapture()
	if got := m.CardsNeeded(); len(got) != 1 || got[0] != app.CardBack {
		t.Fatalf("at Cards still needed %v, want [back]", got)
	}
	_ = m.Back()
	_ = m.Back()
	other := app.Identity{Doc: app.DocResidentID, Number: "11010519491231003" + string(app.CheckChar("11010519491231003"))}
	_ = m.SetIdentity(other)
	if s := m.Session(); len(s.Cards) != 0 || s.CardCheck != (app.CardCheck{}) {
		t.Errorf("another number kept the card %v and its check %+v", s.Cards, s.CardCheck)
	}
}
