package server

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// voucherKeyName names the key that signs vouchers.
const voucherKeyName = "voucher"

// voucherPageSize is the most entries one voucher book page holds.
const voucherPageSize = 1000

// NewVouchers makes n vouchers of amount fen for school ("" any), valid
// until the end of the day until (China time), signs and stores them, and
// returns their codes (only their hashes are kept).
func NewVouchers(ctx context.Context, db *storage.DB, school string, amountFen int64, until time.Time, n int) ([]string, error) {
	if amountFen <= 0 || n <= 0 || n > 10000 {
		return nil, fmt.Errorf("vouchers: an amount above 0 and 1 to 10000 vouchers, not %d fen × %d", amountFen, n)
	}
	key, err := db.SigningKey(ctx, voucherKeyName)
	if err != nil {
		return nil, err
	}
	codes := make([]string, n)
	vs := make([]api.Voucher, n)
	for i := range codes {
		codes[i] = api.NewVoucherCode()
		vs[i] = api.SignVoucher(key, api.Voucher{Hash: api.VoucherHash(codes[i]), School: school,
			AmountFen: amountFen, Expires: until})
	}
	return codes, db.AddVouchers(ctx, vs)
}

// handleVouchers is the voucher book for the kiosk's school, and the
// public key that signs it.
func (s *Server) handleVouchers(w http.ResponseWriter, r *http.Request) {
	key, err := s.store.SigningKey(r.Context(), voucherKeyName)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, next, more, err := s.store.VoucherBook(r.Context(), deviceOf(r).School, r.URL.Query().Get("since"), voucherPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.VoucherBook{Key: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		Vouchers: append([]api.Voucher{}, vs...), Next: next, More: more})
}

// checkVoucher checks a submission paid by voucher: the voucher must be
// one of ours and pay for this submission only. A refused one (unknown,
// or paid for another submission already) is found here, at sync: the
// submission is then kept as one to pay later — it waits, unreviewed,
// until paid from the status page — and the refusal is audited.
func (s *Server) checkVoucher(ctx context.Context, deviceID string, m *api.Submission) error {
	if m.Payment != api.PaymentVoucher {
		return nil
	}
	err := s.store.UseVoucher(ctx, m.OrderRef, m.ID, time.Now())
	var why string
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound):
		why = "unknown"
	case errors.Is(err, storage.ErrConflict):
		why = "used by another submission"
	default:
		return err
	}
	m.Payment = api.PaymentLater
	if cur, err := s.store.Submission(ctx, m.ID); err == nil && cur.Payment == api.PaymentLater {
		return nil // refused before: this is the kiosk's retry
	}
	s.log.Warn("voucher refused: the submission waits for payment", "submission", m.ID, "why", why)
	return s.store.Audit(ctx, "device:"+deviceID, "voucher.refused", m.ID+": "+why)
}
