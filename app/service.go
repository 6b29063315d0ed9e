package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"gradphoto/api"
	"log"
	"strings"
	"sync"
	"time"
)

// SessionStore keeps sessions as they move, so a power cut loses nothing.
type SessionStore interface {
	SaveSession(ctx context.Context, s Session) error
	EndSession(ctx context.Context, id, reason string, at time.Time) error
}

// CaptureStore keeps what the camera steps produce, each in one transaction
// with its outbox row: ID-card images (encrypted), the two photos of a
// capture, and the confirmed submission (with its first status, queued);
// and it hands out receipt codes, each once. DropDocuments deletes a
// session's card images and their rows (the graduate chose a document
// without those sides, or another number).
type CaptureStore interface {
	SaveDocument(ctx context.Context, sessionID string, side CardSide, image []byte) (string, error)
	DropDocuments(ctx context.Context, sessionID string) error
	SaveShot(ctx context.Context, sessionID string, shot Shot) (rawID, standardID string, err error)
	NextCode(ctx context.Context) (string, error)
	Submit(ctx context.Context, s Session) error
}

// Auditor appends to the audit log.
type Auditor interface {
	Audit(ctx context.Context, actor, action, detail string) error
}

// End reasons recorded when a session stops.
const (
	EndDeclined  = "declined"  // privacy notice declined
	EndTimeout   = "timeout"   // inactivity
	EndCancel    = "cancelled" // the graduate went back to Welcome
	EndFinished  = "finished"  // submitted and done
	EndAbandoned = "abandoned" // left open when the kiosk stopped (found at the next start)
)

// Deps are what the Service works with.
type Deps struct {
	Roster   RosterFinder
	Statuses StatusFinder
	Sessions SessionStore
	Captures CaptureStore
	Audit    Auditor
	// Payments opens orders through the server, kept in Orders; nil: the
	// kiosk takes no payment (the fee is deferred).
	Payments Payments
	Orders   OrderStore
	Vouchers VoucherBook  // the signed voucher book; nil: no vouchers
	Catalogs CatalogCache // the last catalog, for offline days; nil: none kept
	PINs     PINStore     // the operator PIN; nil: no operator actions
	Policy   Policy
	Now      func() time.Time
	NewID    func() string
}

// Service runs one graduate session at a time on top of the Machine: it
// validates input, looks up the roster and prior statuses, and persists
// every move. It is safe for concurrent use.
type Service struct {
	d       Deps
	mu      sync.Mutex
	m       *Machine
	catalog api.Catalog // the last catalog the server gave
	pinMu   sync.Mutex  // one operator PIN check at a time
}

// NewService returns a Service at Welcome.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = NewID
	}
	return &Service{d: d, m: NewMachine(d.Policy, d.Now, d.NewID)}
}

// Session returns a copy of the current session.
func (svc *Service) Session() Session {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	return svc.m.Session()
}

// Today is the kiosk's local date, for validating birth dates.
func (svc *Service) Today() time.Time { return svc.d.Now() }

// do runs one event under the lock and saves the session when it moved.
// It is all or nothing: when the event or the save fails, the session is
// put back as it was, so memory never runs ahead of the database.
func (svc *Service) do(ctx context.Context, op string, event func(m *Machine) error) error {
	return svc.run(ctx, op, event, svc.d.Sessions.SaveSession)
}

// run is do with the save chosen by the caller.
func (svc *Service) run(ctx context.Context, op string, event func(m *Machine) error, save func(context.Context, Session) error) error {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	before := svc.m.Session()
	err := event(svc.m)
	if err == nil && svc.m.Step() != StepWelcome {
		err = save(ctx, svc.m.Session())
	}
	if err != nil {
		svc.m.s = before
		return fmt.Errorf("app: %s: %w", op, err)
	}
	return nil
}

// end closes the session that just left (if it had begun) with a reason.
func (svc *Service) end(ctx context.Context, s Session, reason string) error {
	if s.ID == "" {
		return nil
	}
	if err := svc.d.Sessions.EndSession(ctx, s.ID, reason, svc.d.Now().UTC()); err != nil {
		return fmt.Errorf("app: end session: %w", err)
	}
	return nil
}

// Start begins a graduate's session.
func (svc *Service) Start(ctx context.Context) error {
	return svc.do(ctx, "start", (*Machine).Start)
}

// OpenStatus begins a status look-up.
func (svc *Service) OpenStatus(ctx context.Context) error {
	return svc.do(ctx, "open status", (*Machine).OpenStatus)
}

// AcceptConsent records acceptance of the current notice version.
func (svc *Service) AcceptConsent(ctx context.Context) error {
	return svc.do(ctx, "accept consent", func(m *Machine) error { return m.AcceptConsent(ConsentVersion) })
}

// DeclineConsent ends the session; nothing about the graduate is kept.
func (svc *Service) DeclineConsent(ctx context.Context) error {
	svc.mu.Lock()
	s, err := svc.m.DeclineConsent()
	svc.mu.Unlock()
	if err != nil {
		return fmt.Errorf("app: decline consent: %w", err)
	}
	return svc.end(ctx, s, EndDeclined)
}

// SubmitIdentity validates the graduate's entry, moves to Eligibility and
// matches the roster. Validation errors (*IDError, ErrName*) leave the
// session at Identity.
func (svc *Service) SubmitIdentity(ctx context.Context, doc DocType, number, name string) (Eligibility, error) {
	id, err := NewIdentity(doc, number, name, svc.d.Now())
	if err != nil {
		return EligibilityUnknown, fmt.Errorf("app: submit identity: %w", err)
	}
	entry, prior, err := svc.lookup(ctx, id.Number)
	if err != nil {
		return EligibilityUnknown, fmt.Errorf("app: submit identity: %w", err)
	}
	var out Eligibility
	var drop string // the session whose card images were for another number or document
	err = svc.do(ctx, "submit identity", func(m *Machine) error {
		// SetIdentity is legal at Status too: refuse first, so a wrong
		// step leaves the session as it was.
		if err := m.expect("submit identity", StepIdentity); err != nil {
			return err
		}
		had := len(m.s.Cards) > 0
		if err := m.SetIdentity(id); err != nil {
			return err
		}
		if had && len(m.s.Cards) == 0 {
			drop = m.s.ID
		}
		if err := m.SubmitIdentity(); err != nil {
			return err
		}
		out, err = m.SetEligibility(entry, prior)
		return err
	})
	if err == nil && drop != "" {
		// once the session no longer names them: the card images go
		if err := svc.d.Captures.DropDocuments(ctx, drop); err != nil {
			return out, fmt.Errorf("app: submit identity: %w", err)
		}
	}
	return out, err
}

// AddCard stores a flattened document image (encrypted) and records it at
// the Cards step, or (the ID card's portrait side, read to fill in the
// number) at Identity.
func (svc *Service) AddCard(ctx context.Context, side CardSide, image []byte) error {
	return svc.do(ctx, "add card", func(m *Machine) error {
		if m.Step() != StepCards && m.Step() != StepIdentity {
			return m.illegal("add card")
		}
		id, err := svc.d.Captures.SaveDocument(ctx, m.s.ID, side, image)
		if err != nil {
			return err
		}
		return m.AddCard(side, id)
	})
}

// SetCardCheck records how the ID card read by OCR compared.
func (svc *Service) SetCardCheck(ctx context.Context, c CardCheck) error {
	return svc.do(ctx, "set card check", func(m *Machine) error { return m.SetCardCheck(c) })
}

// CardsNeeded lists the document sides the session still has to photograph.
func (svc *Service) CardsNeeded() []CardSide {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	return svc.m.CardsNeeded()
}

// CardSteps reports whether the session's document is photographed at all
// (for the step indicator): the deployment asks for it and the document
// has sides.
func (svc *Service) CardSteps() bool {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	id := svc.m.s.Identity
	return svc.d.Policy.RequireCards && (id == nil || len(id.Doc.CardSides()) > 0)
}

// lookup finds the roster entry and the latest status for a number; either
// may be nil when there is none.
func (svc *Service) lookup(ctx context.Context, number string) (*RosterEntry, *StatusRecord, error) {
	var entry *RosterEntry
	e, err := svc.d.Roster.FindRoster(ctx, number)
	switch {
	case err == nil:
		entry = &e
	case !errors.Is(err, ErrNotFound):
		return nil, nil, err
	}
	prior, err := svc.findStatus(ctx, number)
	return entry, prior, err
}

func (svc *Service) findStatus(ctx context.Context, number string) (*StatusRecord, error) {
	rec, err := svc.d.Statuses.FindStatus(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// EnterCapture is the graduate's "进入采集" on the Eligibility screen.
func (svc *Service) EnterCapture(ctx context.Context) error {
	return svc.do(ctx, "enter capture", (*Machine).EnterCapture)
}

// ConfirmRecord is "是我本人，继续" on the Eligibility screen: on to the
// document photos, or to the Service step (past it and Payment to the
// camera on a kiosk that takes no payment, see passPayment).
func (svc *Service) ConfirmRecord(ctx context.Context) error {
	return svc.do(ctx, "enter capture", func(m *Machine) error {
		if err := m.EnterCapture(); err != nil {
			return err
		}
		return svc.passPayment(m)
	})
}

// CardsDone leaves the document photos once every side is stored, for the
// Service step (or past it, see passPayment).
func (svc *Service) CardsDone(ctx context.Context) error {
	return svc.do(ctx, "cards done", func(m *Machine) error {
		if err := m.CardsDone(); err != nil {
			return err
		}
		return svc.passPayment(m)
	})
}

// passPayment passes Service and Payment when nothing is to be chosen or
// paid here: the school pays (roster "prepaid": no catalog, no QR code),
// a free retake, or a kiosk that takes no payment (no server to open
// orders with). The service is the degree photo and, on a kiosk that takes
// no payment, a fee that is owed is recorded as deferred (pay later) with
// the reason, so the session says plainly that payment is pending. It
// does nothing before Service.
func (svc *Service) passPayment(m *Machine) error {
	if m.Step() != StepService || svc.d.Payments != nil && !m.s.Payment.Settled() {
		return nil
	}
	if err := m.ChooseService([]string{ServiceDegreePhoto}); err != nil {
		return err
	}
	if m.Step() == StepPayment {
		return m.SettlePayment(PaymentDeferred, PaymentNotOnKiosk)
	}
	return nil
}

// Capture stores a capture (both photos, one transaction) and moves on to
// the Standardise step.
func (svc *Service) Capture(ctx context.Context, shot Shot) error {
	return svc.do(ctx, "capture", func(m *Machine) error {
		if m.Step() != StepCapture {
			return m.illegal("capture")
		}
		if err := m.captureAllowed(); err != nil {
			return err
		}
		raw, std, err := svc.d.Captures.SaveShot(ctx, m.s.ID, shot)
		if err != nil {
			return err
		}
		return m.Capture(raw, std, shot.Passed)
	})
}

// AcceptStandard keeps the standardised photo (only one that passes).
func (svc *Service) AcceptStandard(ctx context.Context) error {
	return svc.do(ctx, "accept standard", (*Machine).AcceptStandard)
}

// Retake goes back to the camera from Standardise or Confirm.
func (svc *Service) Retake(ctx context.Context) error {
	return svc.do(ctx, "retake", (*Machine).Retake)
}

// Confirm is the graduate's final "submit": the session gets its
// submission id (a retake keeps the rejected submission's, so its photo
// becomes that submission's next version), its receipt code and the token
// of its status page, and is stored with its first status (queued) and the item that
// sends it to review, in one transaction. It returns the submission id.
func (svc *Service) Confirm(ctx context.Context) (string, error) {
	code, err := svc.d.Captures.NextCode(ctx)
	if err != nil {
		return "", fmt.Errorf("app: confirm: %w", err)
	}
	var id string
	err = svc.run(ctx, "confirm", func(m *Machine) error {
		id = svc.d.NewID()
		if m.s.Retake && m.s.Prior != nil && m.s.Prior.SubmissionID != "" {
			id = m.s.Prior.SubmissionID
		}
		if err := m.Confirm(id); err != nil {
			return err
		}
		m.s.StatusToken, m.s.Code = NewStatusToken(), code
		return nil
	}, svc.d.Captures.Submit)
	if err != nil {
		return "", err
	}
	return id, nil
}

// Finish ends a submitted session: back to Welcome.
func (svc *Service) Finish(ctx context.Context) error {
	svc.mu.Lock()
	s, err := svc.m.Finish()
	svc.mu.Unlock()
	if err != nil {
		return fmt.Errorf("app: finish: %w", err)
	}
	return svc.end(ctx, s, EndFinished)
}

// LookupStatus finds the latest submission status for a document number at
// the status look-up screen. It returns nil, nil when there is none.
func (svc *Service) LookupStatus(ctx context.Context, doc DocType, number string) (*StatusRecord, error) {
	n, err := ValidateNumber(doc, number, svc.d.Now())
	if err != nil {
		return nil, fmt.Errorf("app: look up status: %w", err)
	}
	rec, err := svc.findStatus(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("app: look up status: %w", err)
	}
	err = svc.do(ctx, "look up status", func(m *Machine) error {
		// SetIdentity is legal at Identity too, where it would replace the
		// graduate's identity and forget the card photos: refuse first.
		if err := m.expect("look up status", StepStatus); err != nil {
			return err
		}
		if err := m.SetIdentity(Identity{Doc: doc, Number: n}); err != nil {
			return err
		}
		return m.ShowStatus(rec)
	})
	return rec, err
}

// VerifyStatus answers the status look-up's second question, which only the
// graduate can: the receipt code of the submission found, or the last 4
// characters of their student number on the roster. A wrong answer gives
// ErrNotVerified (counted), the last allowed one ErrTooManyTries (audited).
func (svc *Service) VerifyStatus(ctx context.Context, answer string) error {
	s := svc.Session()
	if s.Step != StepStatus || s.Prior == nil || s.Identity == nil {
		return fmt.Errorf("app: verify status: %w: no submission looked up", ErrIllegalTransition)
	}
	right, err := svc.rightAnswer(ctx, s, answer)
	if err != nil {
		return fmt.Errorf("app: verify status: %w", err)
	}
	var outcome error
	err = svc.do(ctx, "verify status", func(m *Machine) error {
		outcome = m.Verify(right)
		if errors.Is(outcome, ErrNotVerified) || errors.Is(outcome, ErrTooManyTries) {
			return nil // the count is kept
		}
		return outcome
	})
	if err != nil {
		return err
	}
	if errors.Is(outcome, ErrTooManyTries) {
		_ = svc.audit(ctx, "status.too_many_tries", "")
	}
	if outcome != nil {
		return fmt.Errorf("app: verify status: %w", outcome)
	}
	return nil
}

// rightAnswer compares answer with the receipt code and the student
// number's last 4 characters, ignoring case, spaces and hyphens.
func (svc *Service) rightAnswer(ctx context.Context, s Session, answer string) (bool, error) {
	a := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(answer))
	if a == "" {
		return false, nil
	}
	if s.Prior.Code != "" && subtle.ConstantTimeCompare([]byte(a), []byte(s.Prior.Code)) == 1 {
		return true, nil
	}
	e, err := svc.d.Roster.FindRoster(ctx, s.Identity.Number)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	no := strings.ToUpper(NormalizeNumber(e.StudentNo))
	if len(no) < 4 || len(a) != 4 {
		return false, nil
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(no[len(no)-4:])) == 1, nil
}

// RetakeRejected starts the free retake of a rejected submission.
func (svc *Service) RetakeRejected(ctx context.Context) error {
	return svc.do(ctx, "retake rejected", (*Machine).RetakeRejected)
}

// Back goes one step back; back to Welcome ends the session. Back from
// Payment closes the order first (an order paid meanwhile settles the fee
// and the session goes on to Capture instead).
func (svc *Service) Back(ctx context.Context) error {
	if o, err := svc.closeOrder(ctx); err != nil || o.Status == api.OrderPaid {
		return err
	}
	var left Session
	var home bool
	err := svc.do(ctx, "back", func(m *Machine) error {
		left = m.Session()
		if err := m.Back(); err != nil {
			return err
		}
		home = m.Step() == StepWelcome
		return nil
	})
	if err != nil || !home {
		return err
	}
	return svc.end(ctx, left, EndCancel)
}

// Reset ends the session wherever it is, with a reason (EndTimeout, EndCancel…).
// An open order is closed first, so nobody can pay for a session that ended;
// one found paid at that moment is written to the audit log for a refund.
func (svc *Service) Reset(ctx context.Context, reason string) error {
	o, err := svc.closeOrder(ctx)
	if err != nil {
		log.Printf("app: reset: close order: %v", err) // it expires by itself
	}
	svc.mu.Lock()
	s := svc.m.Reset()
	svc.mu.Unlock()
	if o.Status == api.OrderPaid { // paid just as the session ended: the assistant refunds it
		_ = svc.audit(ctx, "order.paid_session_ended", "order="+o.ID)
	}
	if s.ID != "" && reason == EndTimeout {
		_ = svc.audit(ctx, "session.timeout", s.Step.String())
	}
	return svc.end(ctx, s, reason)
}

func (svc *Service) audit(ctx context.Context, action, detail string) error {
	if svc.d.Audit == nil {
		return nil
	}
	return svc.d.Audit.Audit(ctx, "kiosk", action, detail)
}
