package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gradphoto/api"
	"gradphoto/internal/argonhash"
)

// PINStore keeps the hash of the kiosk's operator PIN (argon2id) and the
// wrong PINs in a row, so a restart does not reset the wait.
type PINStore interface {
	// OperatorPIN is the PIN's hash; ErrNotFound when none is set.
	OperatorPIN(ctx context.Context) (string, error)
	// PINFailures are the wrong PINs in a row (zero when none).
	PINFailures(ctx context.Context) (PINFailures, error)
	SetPINFailures(ctx context.Context, f PINFailures) error
}

// PINFailures counts wrong operator PINs in a row and when the last came.
type PINFailures struct {
	Count int
	Last  time.Time
}

// Why a PIN is refused; test with errors.Is (and errors.As for the wait).
var (
	ErrPINNotSet = errors.New("no operator PIN is set on this kiosk")
	ErrPINWrong  = errors.New("wrong operator PIN")
)

// PINWaitError: too many wrong PINs in a row; the next try must wait.
type PINWaitError struct{ Wait time.Duration }

func (e *PINWaitError) Error() string {
	return fmt.Sprintf("too many wrong operator PINs: wait %v", e.Wait.Round(time.Second))
}

// Growing delay after wrong PINs: the third wrong one in a row and each
// after it double the wait, from pinFirstWait up to pinMaxWait.
const (
	pinFreeTries = 2
	pinFirstWait = time.Second
	pinMaxWait   = 5 * time.Minute
)

// wait is how long the next try must wait after f (0: at once).
func (f PINFailures) wait(now time.Time) time.Duration {
	n := f.Count - pinFreeTries
	if n <= 0 {
		return 0
	}
	return max(0, f.Last.Add(min(pinMaxWait, pinFirstWait<<min(n-1, 20))).Sub(now))
}

// HasOperatorPIN reports whether the kiosk has an operator PIN set.
func (svc *Service) HasOperatorPIN(ctx context.Context) bool {
	if svc.d.PINs == nil {
		return false
	}
	_, err := svc.d.PINs.OperatorPIN(ctx)
	return err == nil
}

// CheckPIN checks the assistant's PIN. Wrong ones are audited, and from
// the third in a row each next try waits longer (*PINWaitError).
func (svc *Service) CheckPIN(ctx context.Context, pin string) error {
	if svc.d.PINs == nil {
		return ErrPINNotSet
	}
	svc.pinMu.Lock() // one check at a time: each sees the one before
	defer svc.pinMu.Unlock()
	failed, err := svc.d.PINs.PINFailures(ctx)
	if err != nil {
		return fmt.Errorf("app: check PIN: %w", err)
	}
	if w := failed.wait(svc.d.Now()); w > 0 {
		return &PINWaitError{Wait: w}
	}
	hash, err := svc.d.PINs.OperatorPIN(ctx)
	if errors.Is(err, ErrNotFound) {
		return ErrPINNotSet
	}
	if err != nil {
		return fmt.Errorf("app: check PIN: %w", err)
	}
	ok, err := argonhash.Check(hash, pin)
	if err != nil {
		return fmt.Errorf("app: check PIN: %w", err)
	}
	if ok {
		failed = PINFailures{}
	} else { // the wait counts from the answer, however long the hash took
		failed = PINFailures{Count: failed.Count + 1, Last: svc.d.Now()}
	}
	if err := svc.d.PINs.SetPINFailures(ctx, failed); err != nil {
		return fmt.Errorf("app: check PIN: %w", err)
	}
	if !ok {
		_ = svc.audit(ctx, "operator.pin_wrong", fmt.Sprintf("in_a_row=%d", failed.Count))
		return ErrPINWrong
	}
	return nil
}

// PaidInCash is the assistant's "paid in cash" at the Payment step,
// behind the operator PIN: the open order is closed (paid meanwhile, it
// settles the fee instead), the fee is settled as cash and the audit log
// says who, for which session and how much.
func (svc *Service) PaidInCash(ctx context.Context, pin string) error {
	s, err := svc.atPayment()
	if err == nil {
		err = svc.CheckPIN(ctx, pin)
	}
	if err != nil {
		return fmt.Errorf("app: paid in cash: %w", err)
	}
	due, err := svc.amountDue(ctx, s.Services)
	if err != nil {
		return fmt.Errorf("app: paid in cash: %w", err)
	}
	if o, err := svc.closeOrder(ctx); err != nil || o.Status == api.OrderPaid {
		if err != nil {
			return fmt.Errorf("app: paid in cash: close order: %w", err)
		}
		return nil
	}
	if err := svc.do(ctx, "paid in cash", func(m *Machine) error { return m.SettlePayment(PaymentCash, "cash") }); err != nil {
		return err
	}
	if svc.d.Audit == nil {
		return nil
	}
	return svc.d.Audit.Audit(ctx, "operator", "payment.cash", fmt.Sprintf("session=%s amount_fen=%d", s.ID, due))
}
