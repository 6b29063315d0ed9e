package app

import (
	"context"
	"errors"
	"fmt"

	"gradphoto/api"
)

// VoucherBook is the kiosk's copy of the server's signed voucher book.
type VoucherBook interface {
	// Voucher is the entry of a voucher hash, the key the book is signed
	// with, and whether this kiosk has used it; ErrNotFound when absent.
	Voucher(ctx context.Context, hash string) (v api.Voucher, key string, used bool, err error)
}

// Why a voucher is refused; test with errors.Is.
var (
	ErrVoucherUnknown = errors.New("voucher not known (or not signed by the server)")
	ErrVoucherExpired = errors.New("voucher expired")
	ErrVoucherUsed    = errors.New("voucher already used")
	ErrVoucherSchool  = errors.New("voucher is for another school")
	ErrVoucherAmount  = errors.New("voucher does not cover the amount")
)

// RedeemVoucher settles the fee at the Payment step with a voucher code
// typed on the keypad, checked offline against the voucher book: the
// server's signature, the expiry, the school, the amount, and that this
// kiosk has not used it. The session's open order is closed first (paid
// meanwhile, the order settles the fee instead). The server refuses a
// voucher used at another kiosk when the submission syncs.
func (svc *Service) RedeemVoucher(ctx context.Context, code string) error {
	if err := svc.redeemVoucher(ctx, code); err != nil {
		return fmt.Errorf("app: redeem voucher: %w", err)
	}
	return nil
}

func (svc *Service) redeemVoucher(ctx context.Context, code string) error {
	s, err := svc.atPayment()
	if err != nil {
		return err
	}
	if svc.d.Vouchers == nil {
		return ErrVoucherUnknown
	}
	n, err := api.NormalizeVoucher(code)
	if err != nil {
		return err
	}
	v, key, used, err := svc.d.Vouchers.Voucher(ctx, api.VoucherHash(n))
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrVoucherUnknown
	case err != nil:
		return err
	case !api.VerifyVoucher(key, v):
		return ErrVoucherUnknown
	case !svc.d.Now().Before(v.Expires):
		return ErrVoucherExpired
	case used:
		return ErrVoucherUsed
	case v.School != "" && s.Roster != nil && v.School != s.Roster.School:
		return ErrVoucherSchool
	}
	due, err := svc.amountDue(ctx, s.Services)
	if err != nil {
		return err
	}
	if v.AmountFen < due {
		return ErrVoucherAmount
	}
	if o, err := svc.closeOrder(ctx); err != nil || o.Status == api.OrderPaid {
		return err
	}
	return svc.do(ctx, "redeem voucher", func(m *Machine) error { return m.SettlePayment(PaymentVoucher, v.Hash) })
}

// ErrAmountUnknown: the price of the chosen services is not known here
// (no catalog kept, a service it does not list).
var ErrAmountUnknown = errors.New("the amount due is not known")

// amountDue is the price of the chosen services: from the catalog of this
// run, else the one kept for offline days (a resumed session never showed
// the Service screen).
func (svc *Service) amountDue(ctx context.Context, codes []string) (int64, error) {
	svc.mu.Lock()
	c := svc.catalog
	svc.mu.Unlock()
	if len(c.Services) == 0 && svc.d.Catalogs != nil {
		c, _ = svc.d.Catalogs.CachedCatalog(ctx)
	}
	var sum int64
	for _, chosen := range codes {
		found := false
		for _, svc := range c.Services {
			if svc.Code == chosen {
				sum, found = sum+svc.PriceFen, true
			}
		}
		if !found {
			return 0, fmt.Errorf("%w: %q", ErrAmountUnknown, chosen)
		}
	}
	if len(codes) == 0 {
		return 0, ErrAmountUnknown
	}
	return sum, nil
}
