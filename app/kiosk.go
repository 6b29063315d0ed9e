package app

import (
	"context"
	"errors"
	"fmt"
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
// capture, and the confirmed submission (with its first status, queued).
type CaptureStore interface {
	SaveDocument(ctx context.Context, sessionID string, side CardSide, image []byte) (string, error)
	SaveShot(ctx context.Context, sessionID string, shot Shot) (rawID, standardID string, err error)
	Submit(ctx context.Context, s Session) error
}

// Auditor appends to the audit log.
type Auditor interface {
	Audit(ctx context.Context, actor, action, detail string) error
}

// End reasons recorded when a session stops.
const (
	EndDeclined = "declined"  // privacy notice declined
	EndTimeout  = "timeout"   // inactivity
	EndCancel   = "cancelled" // the graduate went back to Welcome
	EndFinished = "finished"  // submitted and done
)

// Deps are what the Kiosk service works with.
type Deps struct {
	Roster   RosterFinder
	Statuses StatusFinder
	Sessions SessionStore
	Captures CaptureStore
	Audit    Auditor
	Policy   Policy
	Now      func() time.Time
	NewID    func() string
}

// Kiosk runs one graduate session at a time on top of the Machine: it
// validates input, looks up the roster and prior statuses, and persists
// every move. It is safe for concurrent use.
type Kiosk struct {
	d  Deps
	mu sync.Mutex
	m  *Machine
}

// NewKiosk returns a Kiosk at Welcome.
func NewKiosk(d Deps) *Kiosk {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.NewID == nil {
		d.NewID = NewID
	}
	return &Kiosk{d: d, m: NewMachine(d.Policy, d.Now, d.NewID)}
}

// Session returns a copy of the current session.
func (k *Kiosk) Session() Session {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m.Session()
}

// Today is the kiosk's local date, for validating birth dates.
func (k *Kiosk) Today() time.Time { return k.d.Now() }

// do runs one event under the lock and saves the session when it moved.
// It is all or nothing: when the event or the save fails, the session is
// put back as it was, so memory never runs ahead of the database.
func (k *Kiosk) do(ctx context.Context, op string, event func(m *Machine) error) error {
	return k.run(ctx, op, event, k.d.Sessions.SaveSession)
}

// run is do with the save chosen by the caller.
func (k *Kiosk) run(ctx context.Context, op string, event func(m *Machine) error, save func(context.Context, Session) error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	before := k.m.Session()
	err := event(k.m)
	if err == nil && k.m.Step() != StepWelcome {
		err = save(ctx, k.m.Session())
	}
	if err != nil {
		k.m.s = before
		return fmt.Errorf("kiosk: %s: %w", op, err)
	}
	return nil
}

// end closes the session that just left (if it had begun) with a reason.
func (k *Kiosk) end(ctx context.Context, s Session, reason string) error {
	if s.ID == "" {
		return nil
	}
	if err := k.d.Sessions.EndSession(ctx, s.ID, reason, k.d.Now().UTC()); err != nil {
		return fmt.Errorf("kiosk: end session: %w", err)
	}
	return nil
}

// Start begins a graduate's session.
func (k *Kiosk) Start(ctx context.Context) error {
	return k.do(ctx, "start", (*Machine).Start)
}

// OpenStatus begins a status look-up.
func (k *Kiosk) OpenStatus(ctx context.Context) error {
	return k.do(ctx, "open status", (*Machine).OpenStatus)
}

// AcceptConsent records acceptance of the current notice version.
func (k *Kiosk) AcceptConsent(ctx context.Context) error {
	return k.do(ctx, "accept consent", func(m *Machine) error { return m.AcceptConsent(ConsentVersion) })
}

// DeclineConsent ends the session; nothing about the graduate is kept.
func (k *Kiosk) DeclineConsent(ctx context.Context) error {
	k.mu.Lock()
	s, err := k.m.DeclineConsent()
	k.mu.Unlock()
	if err != nil {
		return fmt.Errorf("kiosk: decline consent: %w", err)
	}
	return k.end(ctx, s, EndDeclined)
}

// SubmitIdentity validates the graduate's entry, moves to Eligibility and
// matches the roster. Validation errors (*IDError, ErrName*) leave the
// session at Identity.
func (k *Kiosk) SubmitIdentity(ctx context.Context, doc DocType, number, name string) (Eligibility, error) {
	id, err := NewIdentity(doc, number, name, k.d.Now())
	if err != nil {
		return EligibilityUnknown, fmt.Errorf("kiosk: submit identity: %w", err)
	}
	entry, prior, err := k.lookup(ctx, id.Number)
	if err != nil {
		return EligibilityUnknown, fmt.Errorf("kiosk: submit identity: %w", err)
	}
	var out Eligibility
	err = k.do(ctx, "submit identity", func(m *Machine) error {
		// SetIdentity is legal at Status too: refuse first, so a wrong
		// step leaves the session as it was.
		if err := m.expect("submit identity", StepIdentity); err != nil {
			return err
		}
		if err := m.SetIdentity(id); err != nil {
			return err
		}
		if err := m.SubmitIdentity(); err != nil {
			return err
		}
		out, err = m.SetEligibility(entry, prior)
		return err
	})
	return out, err
}

// CheckIdentity validates the graduate's entry without moving on, so the
// ID-card photos are only taken for a number that is valid.
func (k *Kiosk) CheckIdentity(doc DocType, number, name string) (Identity, error) {
	return NewIdentity(doc, number, name, k.d.Now())
}

// AddCard stores a flattened ID-card image (encrypted) and records it at
// the Identity step. With Policy.RequireCards both sides are needed before
// SubmitIdentity goes on; a card taken for another number is forgotten.
func (k *Kiosk) AddCard(ctx context.Context, side CardSide, image []byte) error {
	return k.do(ctx, "add card", func(m *Machine) error {
		if m.Step() != StepIdentity {
			return m.illegal("add card")
		}
		id, err := k.d.Captures.SaveDocument(ctx, m.s.ID, side, image)
		if err != nil {
			return err
		}
		return m.AddCard(side, id)
	})
}

// CardsNeeded reports whether the deployment asks for ID-card photos.
func (k *Kiosk) CardsNeeded() bool { return k.d.Policy.RequireCards }

// lookup finds the roster entry and the latest status for a number; either
// may be nil when there is none.
func (k *Kiosk) lookup(ctx context.Context, number string) (*RosterEntry, *StatusRecord, error) {
	var entry *RosterEntry
	e, err := k.d.Roster.FindRoster(ctx, number)
	switch {
	case err == nil:
		entry = &e
	case !errors.Is(err, ErrNotFound):
		return nil, nil, err
	}
	prior, err := k.findStatus(ctx, number)
	return entry, prior, err
}

func (k *Kiosk) findStatus(ctx context.Context, number string) (*StatusRecord, error) {
	rec, err := k.d.Statuses.FindStatus(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// EnterCapture is the graduate's "进入采集" on the Eligibility screen.
func (k *Kiosk) EnterCapture(ctx context.Context) error {
	return k.do(ctx, "enter capture", (*Machine).EnterCapture)
}

// EnterCaptureDeferred is "进入采集" on a kiosk without a payment step:
// the service is the degree photo and, unless the school pays or it is a
// free retake, the fee is recorded as deferred (pay later) with the reason,
// so the session says plainly that payment is pending.
func (k *Kiosk) EnterCaptureDeferred(ctx context.Context) error {
	return k.do(ctx, "enter capture", func(m *Machine) error {
		if err := m.EnterCapture(); err != nil {
			return err
		}
		if err := m.ChooseService([]string{ServiceDegreePhoto}); err != nil {
			return err
		}
		if m.Step() == StepPayment {
			return m.SettlePayment(PaymentDeferred, PaymentNotOnKiosk)
		}
		return nil
	})
}

// Capture stores a capture (both photos, one transaction) and moves on to
// the Standardise step.
func (k *Kiosk) Capture(ctx context.Context, shot Shot) error {
	return k.do(ctx, "capture", func(m *Machine) error {
		if m.Step() != StepCapture {
			return m.illegal("capture")
		}
		if err := m.captureAllowed(); err != nil {
			return err
		}
		raw, std, err := k.d.Captures.SaveShot(ctx, m.s.ID, shot)
		if err != nil {
			return err
		}
		return m.Capture(raw, std, shot.Passed)
	})
}

// AcceptStandard keeps the standardised photo (only one that passes).
func (k *Kiosk) AcceptStandard(ctx context.Context) error {
	return k.do(ctx, "accept standard", (*Machine).AcceptStandard)
}

// Retake goes back to the camera from Standardise or Confirm.
func (k *Kiosk) Retake(ctx context.Context) error {
	return k.do(ctx, "retake", (*Machine).Retake)
}

// Confirm is the graduate's final "submit": the session gets its
// submission id and is stored with its first status (queued) and the item
// that sends it to review, in one transaction. It returns the submission id.
func (k *Kiosk) Confirm(ctx context.Context) (string, error) {
	id := k.d.NewID()
	err := k.run(ctx, "confirm", func(m *Machine) error { return m.Confirm(id) }, k.d.Captures.Submit)
	if err != nil {
		return "", err
	}
	return id, nil
}

// Finish ends a submitted session: back to Welcome.
func (k *Kiosk) Finish(ctx context.Context) error {
	k.mu.Lock()
	s, err := k.m.Finish()
	k.mu.Unlock()
	if err != nil {
		return fmt.Errorf("kiosk: finish: %w", err)
	}
	return k.end(ctx, s, EndFinished)
}

// LookupStatus finds the latest submission status for a document number at
// the status look-up screen. It returns nil, nil when there is none.
func (k *Kiosk) LookupStatus(ctx context.Context, doc DocType, number string) (*StatusRecord, error) {
	n, err := ValidateNumber(doc, number, k.d.Now())
	if err != nil {
		return nil, fmt.Errorf("kiosk: look up status: %w", err)
	}
	rec, err := k.findStatus(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("kiosk: look up status: %w", err)
	}
	err = k.do(ctx, "look up status", func(m *Machine) error {
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

// RetakeRejected starts the free retake of a rejected submission.
func (k *Kiosk) RetakeRejected(ctx context.Context) error {
	return k.do(ctx, "retake rejected", (*Machine).RetakeRejected)
}

// Back goes one step back; back to Welcome ends the session.
func (k *Kiosk) Back(ctx context.Context) error {
	var left Session
	var home bool
	err := k.do(ctx, "back", func(m *Machine) error {
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
	return k.end(ctx, left, EndCancel)
}

// Reset ends the session wherever it is, with a reason (EndTimeout, EndCancel…).
func (k *Kiosk) Reset(ctx context.Context, reason string) error {
	k.mu.Lock()
	s := k.m.Reset()
	k.mu.Unlock()
	if s.ID != "" && reason == EndTimeout {
		_ = k.audit(ctx, "session.timeout", s.Step.String())
	}
	return k.end(ctx, s, reason)
}

func (k *Kiosk) audit(ctx context.Context, action, detail string) error {
	if k.d.Audit == nil {
		return nil
	}
	return k.d.Audit.Audit(ctx, "kiosk", action, detail)
}
