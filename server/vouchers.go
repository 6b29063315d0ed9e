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

// voucherPays checks a submission paid by voucher: the voucher must be
// one of ours and pay for this submission only (a second use is refused
// here, at sync). It answers the refusal itself and returns false.
func (s *Server) voucherPays(w http.ResponseWriter, r *http.Request, m api.Submission) bool {
	if m.Payment != api.PaymentVoucher {
		return true
	}
	err := s.store.UseVoucher(r.Context(), m.OrderRef, m.ID, time.Now())
	switch {
	case err == nil:
		return true
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusPaymentRequired, api.CodePayment, "unknown voucher")
	case errors.Is(err, storage.ErrConflict):
		writeError(w, http.StatusPaymentRequired, api.CodePayment, "the voucher already paid for another submission")
	default:
		s.fail(w, r, err)
	}
	return false
}
