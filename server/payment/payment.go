// Package payment is the server's side of a fee: the Provider interface
// the order handlers drive (open an order and get the QR code's payload,
// ask whether it was paid, close it) and the sandbox provider, whose QR
// opens a pay page on the reference server itself, for demos and tests.
// The kiosk never talks to a provider: it holds no keys.
package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Order is what a provider is told about an order.
type Order struct {
	ID          string // the server's order id: the provider's out_trade_no
	AmountFen   int64
	Description string    // what is paid for, shown in the payer's app
	ExpiresAt   time.Time // the provider should refuse payment after it
	// PayPage is the reference server's own page for this order (the
	// sandbox's QR payload); providers with their own QR ignore it.
	PayPage string
}

// Result is what a provider says about an order.
type Result struct {
	Paid          bool
	TransactionID string    // the provider's id of the payment, when paid
	PaidAt        time.Time // when paid
	AmountFen     int64     // what was paid, when paid
}

// ErrAmount is a payment of another amount than the order's.
var ErrAmount = errors.New("payment: the amount paid is not the order's")

// Check compares a paid result with the order's amount: a payment of
// another sum is ErrAmount and must not be recorded as paying the order.
func (r Result) Check(amountFen int64) error {
	if r.Paid && r.AmountFen != amountFen {
		return fmt.Errorf("%w: paid %d fen, the order is %d fen", ErrAmount, r.AmountFen, amountFen)
	}
	return nil
}

// Provider opens, queries and closes orders with a payment service.
type Provider interface {
	// Name is the provider's name, stored with each order.
	Name() string
	// Prepay opens the order and returns the QR code's payload.
	Prepay(ctx context.Context, o Order) (qr string, err error)
	// Query asks whether the order was paid.
	Query(ctx context.Context, id string) (Result, error)
	// Close closes an unpaid order, so it can no longer be paid.
	// ErrAlreadyPaid: it was paid meanwhile (Query tells how).
	Close(ctx context.Context, id string) error
}

// Notifier is a provider that also tells the server of payments by
// notifications it posts to the server (WeChat Pay's notify_url).
type Notifier interface {
	// ParseNotify verifies and reads a notification; a forged or
	// malformed one is an error.
	ParseNotify(ctx context.Context, r *http.Request) (Notice, error)
}

// Notice is a verified payment notification: the order it is about and
// what it says.
type Notice struct {
	OrderID string
	Result  Result
}

// ErrAlreadyPaid is Close's answer for an order that was paid meanwhile.
var ErrAlreadyPaid = errors.New("payment: order already paid")

// Sandbox is the demo provider: the QR code opens the reference server's
// pay page, where one tap pays. Payments reach the server through that
// page, so Query has nothing to add and Close nothing to undo.
type Sandbox struct{}

// Name is "sandbox".
func (Sandbox) Name() string { return "sandbox" }

// Prepay returns the order's pay page.
func (Sandbox) Prepay(_ context.Context, o Order) (string, error) {
	if o.PayPage == "" {
		return "", errors.New("payment: sandbox: no pay page address")
	}
	return o.PayPage, nil
}

// Query says unpaid: the pay page records payments itself.
func (Sandbox) Query(context.Context, string) (Result, error) { return Result{}, nil }

// Close has nothing to close.
func (Sandbox) Close(context.Context, string) error { return nil }
