package app

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Step is where a session stands in the graduate's flow (docs/ARCHITECTURE.md).
type Step int

// The steps of one graduate's session, in flow order; StepStatus is the
// status look-up a returning graduate opens from Welcome.
const (
	StepWelcome Step = iota
	StepConsent
	StepIdentity
	StepEligibility
	StepCards
	StepService
	StepPayment
	StepCapture
	StepStandardise
	StepConfirm
	StepSubmitted
	StepStatus
)

var stepNames = [...]string{"welcome", "consent", "identity", "eligibility", "cards", "service",
	"payment", "capture", "standardise", "confirm", "submitted", "status"}

func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return fmt.Sprintf("step(%d)", int(s))
	}
	return stepNames[s]
}

// ParseStep is the inverse of Step.String.
func ParseStep(name string) (Step, error) {
	for i, n := range stepNames {
		if n == name {
			return Step(i), nil
		}
	}
	return 0, fmt.Errorf("unknown step %q", name)
}

// Payment is how the session's fee is settled.
type Payment string

// Payment states. Every state but PaymentNone and PaymentPending lets the
// graduate go on to capture; the ones other than PaymentPaid are recorded
// exemptions or deferrals.
const (
	PaymentNone     Payment = ""         // nothing chosen yet
	PaymentPending  Payment = "pending"  // order open, waiting for the payer
	PaymentPaid     Payment = "paid"     // paid by QR through the server
	PaymentSchool   Payment = "school"   // the roster says the school pays
	PaymentVoucher  Payment = "voucher"  // a voucher code was redeemed
	PaymentCash     Payment = "cash"     // assistant recorded cash (PIN, audited)
	PaymentDeferred Payment = "deferred" // pay later: offline day, or no payment step on this kiosk yet
	PaymentLater    Payment = "later"    // offline day: paid from a phone by the receipt's QR code; reviewed once paid
	PaymentRetake   Payment = "retake"   // free retake after a rejection
)

// Settled reports whether the payment lets the graduate be photographed.
func (p Payment) Settled() bool {
	switch p {
	case PaymentPaid, PaymentSchool, PaymentVoucher, PaymentCash, PaymentDeferred, PaymentLater, PaymentRetake:
		return true
	}
	return false
}

// CardSide names a side of an identity card photographed at the Cards step.
type CardSide string

// The two sides of an identity card.
const (
	CardFront CardSide = "front"
	CardBack  CardSide = "back"
)

// Session is one graduate's way through the kiosk. It is a value: the
// Machine hands out copies.
type Session struct {
	ID        string
	Step      Step
	StartedAt time.Time
	UpdatedAt time.Time

	Consent  *Consent
	Identity *Identity
	Cards    map[CardSide]string // document IDs of the captured card photos
	// CardCheck: how the ID card read by OCR compared (the reviewer sees it).
	CardCheck CardCheck

	Roster      *RosterEntry  // the matched roster entry; nil until matched
	Eligibility Eligibility   // outcome of the roster match
	Prior       *StatusRecord // an earlier submission of this graduate, if any

	Services []string // chosen catalog codes
	Payment  Payment
	OrderRef string // order id, voucher code or audit reference

	PhotoID      string // captured still
	StandardID   string // standardised photo
	StandardOK   bool   // it passes every check (only then can it be accepted)
	SubmissionID string
	StatusToken  string // opens the graduate's status page (the receipt's QR); set at Confirm
	Code         string // the receipt code (8 characters, unique across kiosks); set at Confirm
	Retake       bool   // this session retakes a rejected photo

	// Verified: at the status look-up, the graduate answered the second
	// question (the receipt code or the student number's last 4), so more
	// than the status may be shown; WrongAnswers counts the wrong answers.
	Verified     bool
	WrongAnswers int
}

// Eligibility is the outcome of matching an identity against the roster.
type Eligibility int

// Outcomes of the roster match.
const (
	EligibilityUnknown  Eligibility = iota // not checked yet
	EligibilityOK                          // on the roster: may go on
	EligibilityNotFound                    // the number is not on the roster
	EligibilityMismatch                    // the number is there, with another name or document type
	EligibilityInReview                    // already submitted and waiting: nothing to do now
	EligibilityLocked                      // approved or published: nothing can be changed
)

// Policy holds the switches of the flow that a deployment sets.
type Policy struct {
	// RequireCards: after the roster match, the Cards step photographs
	// every side the graduate's document has (a passport has none).
	RequireCards bool
}

// Machine is the session state machine. Each event either moves the session
// or returns an error wrapping ErrIllegalTransition (or a guard's sentinel)
// and leaves it unchanged. A Machine is not safe for concurrent use.
type Machine struct {
	s      Session
	policy Policy
	now    func() time.Time
	newID  func() string
}

// NewMachine returns a machine at Welcome. now and newID are the clock and
// the session-ID source (UUIDv7 in production).
func NewMachine(p Policy, now func() time.Time, newID func() string) *Machine {
	return &Machine{policy: p, now: now, newID: newID}
}

// Session returns a copy of the current session: it shares no map, slice
// or pointer with the machine.
func (m *Machine) Session() Session { return m.s.clone() }

// clone copies s deeply.
func (s Session) clone() Session {
	c := s
	if s.Cards != nil {
		c.Cards = make(map[CardSide]string, len(s.Cards))
		for k, v := range s.Cards {
			c.Cards[k] = v
		}
	}
	c.Services = append([]string(nil), s.Services...)
	c.Consent = clonePtr(s.Consent)
	c.Identity = clonePtr(s.Identity)
	c.Roster = clonePtr(s.Roster)
	c.Prior = clonePtr(s.Prior)
	return c
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Step is the current step.
func (m *Machine) Step() Step { return m.s.Step }

func (m *Machine) illegal(event string) error {
	return fmt.Errorf("%w: %s at %s", ErrIllegalTransition, event, m.s.Step)
}

func (m *Machine) expect(event string, steps ...Step) error {
	for _, s := range steps {
		if m.s.Step == s {
			return nil
		}
	}
	return m.illegal(event)
}

func (m *Machine) move(to Step) {
	m.s.Step = to
	m.s.UpdatedAt = m.now().UTC()
}

// begin starts a fresh session at step to.
func (m *Machine) begin(to Step) {
	now := m.now().UTC()
	m.s = Session{ID: m.newID(), StartedAt: now}
	m.move(to)
}

// Reset ends the session wherever it is (inactivity, cancel, finish) and
// returns to an empty Welcome. It returns the session that ended.
func (m *Machine) Reset() Session {
	old := m.Session()
	m.s = Session{}
	return old
}

// Start begins a new session: Welcome → Consent.
func (m *Machine) Start() error {
	if err := m.expect("start", StepWelcome); err != nil {
		return err
	}
	m.begin(StepConsent)
	return nil
}

// OpenStatus begins a status look-up: Welcome → Status.
func (m *Machine) OpenStatus() error {
	if err := m.expect("open status", StepWelcome); err != nil {
		return err
	}
	m.begin(StepStatus)
	return nil
}

// AcceptConsent records the accepted notice version: Consent → Identity.
func (m *Machine) AcceptConsent(version string) error {
	if err := m.expect("accept consent", StepConsent); err != nil {
		return err
	}
	if version == "" {
		return fmt.Errorf("%w: empty notice version", ErrConsentRequired)
	}
	m.s.Consent = &Consent{Version: version, AcceptedAt: m.now().UTC()}
	m.move(StepIdentity)
	return nil
}

// DeclineConsent ends the session: Consent → Welcome. Nothing is kept.
func (m *Machine) DeclineConsent() (Session, error) {
	if err := m.expect("decline consent", StepConsent); err != nil {
		return Session{}, err
	}
	return m.Reset(), nil
}

// SetIdentity records the validated identity at the Identity step (or the
// number looked up at Status). A new number forgets card photos taken for
// another; a document without sides (a passport) forgets any card photo.
func (m *Machine) SetIdentity(id Identity) error {
	if err := m.expect("set identity", StepIdentity, StepStatus); err != nil {
		return err
	}
	if m.s.Identity != nil && m.s.Identity.Number != id.Number || len(id.Doc.CardSides()) == 0 {
		m.s.Cards, m.s.CardCheck = nil, CardCheck{}
	}
	m.s.Identity = &id
	m.s.UpdatedAt = m.now().UTC()
	return nil
}

// AddCard records a captured document photo: at the Cards step any side
// the document has; at Identity the portrait side of an ID card, read to
// fill in the number.
func (m *Machine) AddCard(side CardSide, documentID string) error {
	if err := m.expect("add card", StepIdentity, StepCards); err != nil {
		return err
	}
	switch {
	case m.s.Step == StepIdentity && side != CardFront:
		return fmt.Errorf("add card: only the portrait side is read at identity, not %q", side)
	case m.s.Step == StepCards && !slices.Contains(m.s.Identity.Doc.CardSides(), side):
		return fmt.Errorf("add card: %s has no side %q", m.s.Identity.Doc, side)
	}
	if m.s.Step == StepIdentity {
		// a portrait side read at Identity starts the identity over: the
		// number about to be confirmed is this card's
		m.s.Identity, m.s.CardCheck, m.s.Cards = nil, CardCheck{}, nil
	}
	if m.s.Cards == nil {
		m.s.Cards = map[CardSide]string{}
	}
	m.s.Cards[side] = documentID
	m.s.UpdatedAt = m.now().UTC()
	return nil
}

// SubmitIdentity leaves Identity for Eligibility once the identity is set
// and consent is on record: the roster is matched before anything is
// photographed.
func (m *Machine) SubmitIdentity() error {
	if err := m.expect("submit identity", StepIdentity); err != nil {
		return err
	}
	if m.s.Consent == nil {
		return ErrConsentRequired
	}
	if m.s.Identity == nil {
		return fmt.Errorf("%w: no number", ErrIdentityIncomplete)
	}
	m.s.Eligibility = EligibilityUnknown
	m.s.Roster, m.s.Prior = nil, nil
	m.move(StepEligibility)
	return nil
}

// SetEligibility records the roster match at the Eligibility step: the entry
// found for the number (nil when none) and the graduate's prior submission
// (nil when none). It returns the outcome.
func (m *Machine) SetEligibility(entry *RosterEntry, prior *StatusRecord) (Eligibility, error) {
	if err := m.expect("set eligibility", StepEligibility); err != nil {
		return EligibilityUnknown, err
	}
	m.s.Roster, m.s.Prior = nil, clonePtr(prior)
	switch {
	case entry == nil:
		m.s.Eligibility = EligibilityNotFound
	case !entry.Matches(*m.s.Identity):
		m.s.Eligibility = EligibilityMismatch
	case prior != nil && prior.Status.Locked():
		m.s.Eligibility = EligibilityLocked
	case prior != nil && prior.Status != StatusRejected:
		m.s.Eligibility = EligibilityInReview
	default:
		e := *entry
		m.s.Roster = &e
		m.s.Eligibility = EligibilityOK
	}
	m.s.UpdatedAt = m.now().UTC()
	return m.s.Eligibility, nil
}

// EnterCapture is the graduate's "是我本人，继续" on the roster record:
// Eligibility → Cards (when the document's sides are to be photographed) or
// Service. The identity takes the roster's name (the graduate confirmed
// it, masked); a school-paid roster entry records the exemption now; a
// rejected prior submission makes this a free retake.
func (m *Machine) EnterCapture() error {
	if err := m.expect("enter capture", StepEligibility); err != nil {
		return err
	}
	switch m.s.Eligibility {
	case EligibilityOK:
	case EligibilityLocked:
		return ErrLocked
	default:
		return ErrNotEligible
	}
	switch {
	case m.s.Prior != nil && m.s.Prior.Status == StatusRejected:
		m.s.Payment, m.s.Retake = PaymentRetake, true
	case m.s.Roster.Prepaid:
		m.s.Payment = PaymentSchool
	}
	if m.s.Identity.Name == "" {
		m.s.Identity.Name = NormalizeName(m.s.Roster.Name)
	}
	if len(m.CardsNeeded()) > 0 {
		m.move(StepCards)
		return nil
	}
	m.move(StepService)
	return nil
}

// SetCardCheck records how the ID card read by OCR compared, at Identity
// (the number) or Eligibility (the name).
func (m *Machine) SetCardCheck(c CardCheck) error {
	if err := m.expect("set card check", StepIdentity, StepEligibility); err != nil {
		return err
	}
	m.s.CardCheck = c
	m.s.UpdatedAt = m.now().UTC()
	return nil
}

// CardsNeeded lists the document sides still to be photographed: none when
// the deployment does not ask for them or the document has none (a passport).
func (m *Machine) CardsNeeded() []CardSide {
	if !m.policy.RequireCards || m.s.Identity == nil {
		return nil
	}
	var out []CardSide
	for _, side := range m.s.Identity.Doc.CardSides() {
		if m.s.Cards[side] == "" {
			out = append(out, side)
		}
	}
	return out
}

// CardsDone leaves Cards for Service once every side is photographed.
func (m *Machine) CardsDone() error {
	if err := m.expect("cards done", StepCards); err != nil {
		return err
	}
	if missing := m.CardsNeeded(); len(missing) > 0 {
		return fmt.Errorf("%w: %s side not photographed", ErrIdentityIncomplete, missing[0])
	}
	m.move(StepService)
	return nil
}

// ChooseService records the chosen catalog items: Service → Payment, or
// straight to Capture when the payment is already settled (school-paid, retake).
func (m *Machine) ChooseService(codes []string) error {
	if err := m.expect("choose service", StepService); err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("choose service: nothing chosen")
	}
	m.s.Services = append([]string(nil), codes...)
	if m.s.Payment.Settled() {
		m.move(StepCapture)
		return nil
	}
	m.s.Payment = PaymentPending
	m.move(StepPayment)
	return nil
}

// SettlePayment records how the fee was settled: Payment → Capture.
// ref is the order id, voucher code or audit reference.
func (m *Machine) SettlePayment(p Payment, ref string) error {
	if err := m.expect("settle payment", StepPayment); err != nil {
		return err
	}
	if !p.Settled() || p == PaymentRetake || p == PaymentSchool {
		return fmt.Errorf("%w: %q does not settle a payment", ErrNotPaid, p)
	}
	m.s.Payment, m.s.OrderRef = p, ref
	m.move(StepCapture)
	return nil
}

// Capture records the kept still and the standardised photo made from it
// (ok: it passes every check): Capture → Standardise. Guarded: eligible,
// paid (or exempt) and not locked.
func (m *Machine) Capture(photoID, standardID string, ok bool) error {
	if err := m.expect("capture", StepCapture); err != nil {
		return err
	}
	if err := m.captureAllowed(); err != nil {
		return err
	}
	if photoID == "" || standardID == "" {
		return fmt.Errorf("capture: no photo")
	}
	m.s.PhotoID, m.s.StandardID, m.s.StandardOK = photoID, standardID, ok
	m.move(StepStandardise)
	return nil
}

func (m *Machine) captureAllowed() error {
	if m.s.Prior != nil && m.s.Prior.Status.Locked() {
		return ErrLocked
	}
	if m.s.Eligibility != EligibilityOK {
		return ErrNotEligible
	}
	if !m.s.Payment.Settled() {
		return ErrNotPaid
	}
	return nil
}

// AcceptStandard keeps the standardised photo, if it passes every check
// (else ErrStandardFails): Standardise → Confirm.
func (m *Machine) AcceptStandard() error {
	if err := m.expect("accept standard", StepStandardise); err != nil {
		return err
	}
	if !m.s.StandardOK {
		return ErrStandardFails
	}
	m.move(StepConfirm)
	return nil
}

// Retake drops the photo and goes back to Capture from Standardise or Confirm.
func (m *Machine) Retake() error {
	if err := m.expect("retake", StepStandardise, StepConfirm); err != nil {
		return err
	}
	m.s.PhotoID, m.s.StandardID, m.s.StandardOK = "", "", false
	m.move(StepCapture)
	return nil
}

// Confirm is the final "nothing can be changed after approval": Confirm → Submitted.
func (m *Machine) Confirm(submissionID string) error {
	if err := m.expect("confirm", StepConfirm); err != nil {
		return err
	}
	if err := m.captureAllowed(); err != nil {
		return err
	}
	if submissionID == "" {
		return fmt.Errorf("confirm: no submission id")
	}
	m.s.SubmissionID = submissionID
	m.move(StepSubmitted)
	return nil
}

// Finish ends a submitted session: Submitted → Welcome.
func (m *Machine) Finish() (Session, error) {
	if err := m.expect("finish", StepSubmitted); err != nil {
		return Session{}, err
	}
	return m.Reset(), nil
}

// MaxWrongAnswers: the look-up's second question may be answered wrong
// this many times; then the look-up ends.
const MaxWrongAnswers = 5

// ShowStatus records what the status look-up found (nil: no submission).
// A new look-up must be verified again.
func (m *Machine) ShowStatus(rec *StatusRecord) error {
	if err := m.expect("show status", StepStatus); err != nil {
		return err
	}
	if m.s.WrongAnswers >= MaxWrongAnswers {
		return ErrTooManyTries
	}
	m.s.Prior, m.s.Verified = clonePtr(rec), false
	m.s.UpdatedAt = m.now().UTC()
	return nil
}

// RetakeRejected starts the free retake of a rejected submission: Status →
// Capture. Approved or published submissions are locked; others have nothing
// to retake.
func (m *Machine) RetakeRejected() error {
	if err := m.expect("retake rejected", StepStatus); err != nil {
		return err
	}
	switch {
	case m.s.Prior == nil || m.s.Identity == nil:
		return fmt.Errorf("%w: no submission looked up", ErrIllegalTransition)
	case m.s.Prior.Status.Locked():
		return ErrLocked
	case m.s.Prior.Status != StatusRejected:
		return fmt.Errorf("%w: submission is %s", ErrIllegalTransition, m.s.Prior.Status)
	case !m.s.Verified:
		return ErrNotVerified
	}
	m.s.Eligibility, m.s.Payment, m.s.Retake = EligibilityOK, PaymentRetake, true
	m.move(StepCapture)
	return nil
}

// Verify records the answer to the look-up's second question: right
// (verified) or wrong (counted; ErrNotVerified, or ErrTooManyTries once
// MaxWrongAnswers are spent).
func (m *Machine) Verify(right bool) error {
	if err := m.expect("verify", StepStatus); err != nil {
		return err
	}
	if m.s.Prior == nil {
		return fmt.Errorf("%w: no submission looked up", ErrIllegalTransition)
	}
	if m.s.WrongAnswers >= MaxWrongAnswers {
		return ErrTooManyTries
	}
	m.s.UpdatedAt = m.now().UTC()
	if !right {
		m.s.WrongAnswers++
		if m.s.WrongAnswers >= MaxWrongAnswers {
			return ErrTooManyTries
		}
		return ErrNotVerified
	}
	m.s.Verified = true
	return nil
}

// back maps each step to where its Back button leads.
var back = map[Step]Step{
	StepConsent:     StepWelcome,
	StepIdentity:    StepConsent,
	StepEligibility: StepIdentity,
	StepCards:       StepEligibility,
	StepService:     StepEligibility,
	StepPayment:     StepService,
	StepStatus:      StepWelcome,
}

// Back goes one step back where the flow allows it. Going back to Welcome
// ends the session; leaving Payment closes the pending order.
func (m *Machine) Back() error {
	to, ok := back[m.s.Step]
	if !ok {
		return m.illegal("back")
	}
	if to == StepWelcome {
		m.Reset()
		return nil
	}
	switch m.s.Step {
	case StepPayment:
		m.s.Payment, m.s.OrderRef = PaymentNone, ""
		if m.s.Roster != nil && m.s.Roster.Prepaid {
			m.s.Payment = PaymentSchool
		}
	case StepService, StepCards:
		m.s.Payment, m.s.Retake = PaymentNone, false
	case StepIdentity:
		m.s.Consent = nil
	}
	m.move(to)
	return nil
}

// NewStatusToken makes the secret part of a status page's address: 128
// random bits, URL-safe (22 characters).
func NewStatusToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewID makes a UUIDv7 session or submission id: time-ordered and unique
// across kiosks without coordination, so any kiosk can make ids offline.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
