package app

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"gradphoto/api"
)

// Payments is the server's side of a fee as the kiosk sees it (the remote
// client): the catalog, and the orders the server opens with its payment
// provider. The kiosk holds no provider keys.
type Payments interface {
	Catalog(ctx context.Context) (api.Catalog, error)
	CreateOrder(ctx context.Context, key string, req api.OrderRequest) (api.Order, error)
	Order(ctx context.Context, id string) (api.Order, error)
	CloseOrder(ctx context.Context, id string) (api.Order, error)
}

// OrderStore keeps a session's orders on the kiosk, so a restarted kiosk
// finds the order it was waiting for.
type OrderStore interface {
	SaveOrder(ctx context.Context, sessionID string, o api.Order) error
	SessionOrders(ctx context.Context, sessionID string) ([]api.Order, error)
}

// CatalogCache keeps the last catalog the server gave, for days without
// a network (and a kiosk restarted on one).
type CatalogCache interface {
	SaveCatalog(ctx context.Context, c api.Catalog) error
	CachedCatalog(ctx context.Context) (api.Catalog, error)
}

// ErrNoPayment: the kiosk takes no payment (no server to open orders with).
var ErrNoPayment = errors.New("this kiosk takes no payment")

// TakesPayment reports whether the kiosk has the Service and Payment steps.
func (svc *Service) TakesPayment() bool { return svc.d.Payments != nil }

// Catalog is the services and their prices: the server's, or the last one
// it gave when it cannot be reached.
func (svc *Service) Catalog(ctx context.Context) (api.Catalog, error) {
	if svc.d.Payments == nil {
		return api.Catalog{}, fmt.Errorf("app: catalog: %w", ErrNoPayment)
	}
	c, err := svc.d.Payments.Catalog(ctx)
	switch {
	case err == nil && len(c.Services) > 0 && svc.d.Catalogs != nil:
		if err := svc.d.Catalogs.SaveCatalog(ctx, c); err != nil {
			log.Printf("app: keep the catalog: %v", err)
		}
	case err != nil && svc.d.Catalogs != nil: // offline: the last one kept
		if kept, kerr := svc.d.Catalogs.CachedCatalog(ctx); kerr == nil && len(kept.Services) > 0 {
			c, err = kept, nil
		}
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	switch {
	case err == nil && len(c.Services) > 0:
		svc.catalog = c
	case len(svc.catalog.Services) == 0:
		return api.Catalog{}, fmt.Errorf("app: catalog: %w", errors.Join(err, errors.New("no catalog yet")))
	}
	return svc.catalog, nil
}

// ChooseServices records the graduate's choice on the Service screen: on
// to Payment, or to the camera when nothing is owed (the school pays, a
// free retake).
func (svc *Service) ChooseServices(ctx context.Context, codes []string) error {
	return svc.do(ctx, "choose services", func(m *Machine) error { return m.ChooseService(codes) })
}

// OpenOrder gives the order to pay at the Payment step: the session's
// last order while it can still be paid, else a new one. Its idempotency
// key is the session and the order's number, so a retry, or a kiosk
// restarted between the server's answer and its own record, gets the same
// order from the server: one charge.
func (svc *Service) OpenOrder(ctx context.Context) (api.Order, error) {
	o, err := svc.openOrder(ctx)
	if err != nil {
		return api.Order{}, fmt.Errorf("app: open order: %w", err)
	}
	return o, nil
}

func (svc *Service) openOrder(ctx context.Context) (api.Order, error) {
	s, err := svc.atPayment()
	if err != nil {
		return api.Order{}, err
	}
	orders, err := svc.d.Orders.SessionOrders(ctx, s.ID)
	if err != nil {
		return api.Order{}, err
	}
	for _, o := range orders { // paid, but the kiosk stopped before the session said so
		if o.Status == api.OrderPaid {
			return o, svc.recordOrder(ctx, s.ID, o)
		}
	}
	if n := len(orders); n > 0 && orders[n-1].Status == api.OrderPending {
		o, err := svc.d.Payments.Order(ctx, orders[n-1].ID)
		if err != nil {
			return api.Order{}, err
		}
		if err := svc.recordOrder(ctx, s.ID, o); err != nil || o.Status == api.OrderPending || o.Status == api.OrderPaid {
			return o, err
		}
	}
	key := fmt.Sprintf("%s/%d", s.ID, len(orders)+1)
	o, err := svc.d.Payments.CreateOrder(ctx, key, api.OrderRequest{SessionID: s.ID, Services: s.Services})
	if err != nil {
		return api.Order{}, err
	}
	return o, svc.recordOrder(ctx, s.ID, o)
}

// CheckOrder polls the session's order. Paid: the fee is settled and the
// session moves on to Capture.
func (svc *Service) CheckOrder(ctx context.Context) (api.Order, error) {
	s, err := svc.atPayment()
	if err == nil && s.OrderRef == "" {
		err = errors.New("no order yet")
	}
	if err != nil {
		return api.Order{}, fmt.Errorf("app: check order: %w", err)
	}
	o, err := svc.d.Payments.Order(ctx, s.OrderRef)
	if err == nil {
		err = svc.recordOrder(ctx, s.ID, o)
	}
	if err != nil {
		return api.Order{}, fmt.Errorf("app: check order: %w", err)
	}
	return o, nil
}

// RenewOrder closes the session's order (its code expired, or the payer
// wants a new one) and opens the next. An order paid meanwhile is kept:
// the fee is settled.
func (svc *Service) RenewOrder(ctx context.Context) (api.Order, error) {
	o, err := svc.closeOrder(ctx)
	if err == nil && o.Status == api.OrderPaid {
		return o, nil
	}
	if err != nil {
		return api.Order{}, fmt.Errorf("app: renew order: %w", err)
	}
	return svc.OpenOrder(ctx)
}

// closeWait bounds closing an order when the session leaves Payment: the
// screen waits for it, and an order not closed expires by itself.
const closeWait = 5 * time.Second

// closeOrder closes the session's open order with the server, and records
// what the server says (paid, if it was paid meanwhile).
func (svc *Service) closeOrder(ctx context.Context) (api.Order, error) {
	s := svc.Session()
	if s.Step != StepPayment || s.OrderRef == "" || svc.d.Payments == nil {
		return api.Order{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, closeWait)
	defer cancel()
	o, err := svc.d.Payments.CloseOrder(ctx, s.OrderRef)
	if err != nil {
		return api.Order{}, err
	}
	return o, svc.recordOrder(ctx, s.ID, o)
}

// atPayment is the session, when it is at the Payment step of a kiosk that
// takes payment.
func (svc *Service) atPayment() (Session, error) {
	if svc.d.Payments == nil {
		return Session{}, ErrNoPayment
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.m.Step() != StepPayment {
		return Session{}, svc.m.illegal("pay")
	}
	return svc.m.Session(), nil
}

// recordOrder keeps what the server said of an order: on the kiosk, and
// in the session while it still waits for it (a paid order settles it).
func (svc *Service) recordOrder(ctx context.Context, sessionID string, o api.Order) error {
	if err := svc.d.Orders.SaveOrder(ctx, sessionID, o); err != nil {
		return err
	}
	return svc.do(ctx, "record order", func(m *Machine) error {
		if m.s.ID != sessionID || m.Step() != StepPayment {
			return nil // the session moved on meanwhile
		}
		if o.Status == api.OrderPaid {
			return m.SettlePayment(PaymentPaid, o.ID)
		}
		m.s.OrderRef = o.ID
		return nil
	})
}

// PaidOrder is the order that settled the session's fee (false when it was
// not settled by an order, or the kiosk no longer holds it).
func (svc *Service) PaidOrder(ctx context.Context) (api.Order, bool) {
	s := svc.Session()
	if s.Payment != PaymentPaid || s.OrderRef == "" || svc.d.Orders == nil {
		return api.Order{}, false
	}
	orders, err := svc.d.Orders.SessionOrders(ctx, s.ID)
	if err != nil {
		return api.Order{}, false
	}
	for _, o := range orders {
		if o.ID == s.OrderRef {
			return o, true
		}
	}
	return api.Order{}, false
}

// Resumer finds a session a kiosk left open at the Payment step.
type Resumer interface {
	ResumableSession(ctx context.Context, since time.Time) (Session, error)
}

// ResumeWithin is how recent a session left at Payment must be for a
// restarted kiosk to take it up again (the graduate may still be there,
// phone in hand); older ones are ended with their personal data.
const ResumeWithin = 3 * time.Minute

// Resume takes up a session left open at the Payment step (the kiosk
// stopped while the graduate was paying), at Welcome only: the Payment
// screen then finds the same order again (OpenOrder), so nobody is
// charged twice. It returns false when the kiosk takes no payment or the
// session is not at Payment.
func (svc *Service) Resume(s Session) bool {
	if svc.d.Payments == nil || s.Step != StepPayment || s.ID == "" {
		return false
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.m.Step() != StepWelcome {
		return false
	}
	svc.m.s = s.clone()
	return true
}

// PayLater settles the Payment step without an order, when none could be
// opened (the kiosk cannot reach the server): the receipt then carries a
// QR code to the server's pay-later page, and the submission enters
// review only once that is paid.
func (svc *Service) PayLater(ctx context.Context) error {
	if _, err := svc.atPayment(); err != nil {
		return fmt.Errorf("app: pay later: %w", err)
	}
	return svc.do(ctx, "pay later", func(m *Machine) error { return m.SettlePayment(PaymentLater, "") })
}
