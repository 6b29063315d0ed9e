package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"gradphoto/api"
	"gradphoto/server/payment"
	"gradphoto/server/storage"
)

// DefaultOrderTTL is how long a payment order can be paid.
const DefaultOrderTTL = 5 * time.Minute

// errProvider marks a failure of the payment provider (answered 502).
var errProvider = errors.New("payment provider")

// providerErr marks err as the provider's.
func providerErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errProvider, err)
}

// handleCreateOrder opens a payment order for a kiosk session: the
// services are priced from the catalog here, never by the kiosk. The same
// Idempotency-Key gives the same order (a retry, a kiosk restarted while
// the graduate was paying), so nobody pays twice.
func (s *Server) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if key == "" || len(key) > api.MaxIdempotencyKey {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest,
			fmt.Sprintf("an %s header of at most %d bytes is needed", api.HeaderIdempotencyKey, api.MaxIdempotencyKey))
		return
	}
	var req api.OrderRequest
	if !readJSON(w, r, &req) {
		return
	}
	amount, err := s.price(req.Services)
	if err == nil && (req.SessionID == "" || len(req.SessionID) > 100) {
		err = errors.New("a session_id of at most 100 bytes is needed")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, err.Error())
		return
	}
	o, created, err := s.store.CreateOrder(r.Context(), storage.Order{ID: newID(), DeviceID: deviceOf(r).ID,
		IdemKey: key, SessionID: req.SessionID, Services: req.Services, AmountFen: amount,
		Provider: s.pay.Name(), ExpiresAt: time.Now().Add(s.cfg.OrderTTL)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if o.QR == "" && o.Status == api.OrderPending { // new, or its prepay failed before
		if o, err = s.prepay(r, o); err != nil {
			s.providerFailed(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, o.API())
}

// price sums the prices of the chosen services: each known, none twice,
// every required one included.
func (s *Server) price(codes []string) (int64, error) {
	var sum int64
	for i, c := range codes {
		svc, ok := s.service(c)
		switch {
		case !ok:
			return 0, fmt.Errorf("unknown service %q", c)
		case slices.Contains(codes[:i], c):
			return 0, fmt.Errorf("service %q chosen twice", c)
		}
		sum += svc.PriceFen
	}
	for _, svc := range s.cfg.Catalog.Services {
		if svc.Required && !slices.Contains(codes, svc.Code) {
			return 0, fmt.Errorf("service %q is required", svc.Code)
		}
	}
	if len(codes) == 0 {
		return 0, errors.New("no service chosen")
	}
	return sum, nil
}

// requiredServices are the codes of the catalog's required services.
func (s *Server) requiredServices() []string {
	var codes []string
	for _, svc := range s.cfg.Catalog.Services {
		if svc.Required {
			codes = append(codes, svc.Code)
		}
	}
	return codes
}

func (s *Server) service(code string) (api.Service, bool) {
	for _, svc := range s.cfg.Catalog.Services {
		if svc.Code == code {
			return svc, true
		}
	}
	return api.Service{}, false
}

// prepay opens the order with the provider and records its QR payload.
func (s *Server) prepay(r *http.Request, o storage.Order) (storage.Order, error) {
	qr, err := s.pay.Prepay(r.Context(), payment.Order{ID: o.ID, AmountFen: o.AmountFen,
		Description: s.describe(o.Services), ExpiresAt: o.ExpiresAt, PayPage: s.publicURL(r) + api.PathPayPage + o.ID})
	if err != nil {
		return o, providerErr(err)
	}
	return s.store.SetOrderQR(r.Context(), o.ID, qr)
}

// describe names what is paid for, in Chinese (the payer's app shows it).
func (s *Server) describe(codes []string) string { return s.itemNames(codes, langZH, "、") }

// publicURL is the address phones reach the server at: the configured
// one, else the one the kiosk used.
func (s *Server) publicURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// handleGetOrder is the kiosk's poll: a pending order is checked with the
// provider (a payment whose notification was lost) and expired when its
// time is up.
func (s *Server) handleGetOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.deviceOrder(w, r)
	if !ok {
		return
	}
	o, err := s.refreshOrder(r.Context(), o)
	if err != nil {
		s.providerFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o.API())
}

// handleCloseOrder gives an order up (the graduate cancelled, or asked for
// a new code): closed with the provider first, so it cannot be paid after.
// An order that was paid meanwhile comes back paid.
func (s *Server) handleCloseOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.deviceOrder(w, r)
	if !ok {
		return
	}
	o, err := s.endOrder(r.Context(), o, api.OrderClosed)
	if err != nil {
		s.providerFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o.API())
}

// deviceOrder reads the order of the request's path; another kiosk's order
// is not found.
func (s *Server) deviceOrder(w http.ResponseWriter, r *http.Request) (storage.Order, bool) {
	o, err := s.store.Order(r.Context(), r.PathValue("id"))
	if err == nil && o.DeviceID != deviceOf(r).ID {
		err = fmt.Errorf("order %s: %w", r.PathValue("id"), storage.ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err)
		return storage.Order{}, false
	}
	return o, true
}

// refreshOrder brings a pending order up to date: paid if the provider
// says so, expired (and closed with the provider) once its time is up.
func (s *Server) refreshOrder(ctx context.Context, o storage.Order) (storage.Order, error) {
	if o.Status != api.OrderPending {
		return o, nil
	}
	res, err := s.pay.Query(ctx, o.ID)
	switch {
	case err != nil && time.Now().Before(o.ExpiresAt):
		s.log.Warn("payment query failed", "order", o.ID, "err", err)
		return o, nil // still pending as far as anyone knows
	case err != nil:
		return o, providerErr(err)
	case res.Paid:
		return s.recordPaid(ctx, o, res)
	case time.Now().Before(o.ExpiresAt):
		return o, nil
	}
	return s.endOrder(ctx, o, api.OrderExpired)
}

// endOrder closes a pending order with the provider and records status;
// an order the provider says was paid is recorded paid instead.
func (s *Server) endOrder(ctx context.Context, o storage.Order, status string) (storage.Order, error) {
	if o.Status != api.OrderPending {
		return o, nil
	}
	err := s.pay.Close(ctx, o.ID)
	if errors.Is(err, payment.ErrAlreadyPaid) {
		res, qerr := s.pay.Query(ctx, o.ID)
		if qerr != nil {
			return o, providerErr(qerr)
		}
		if res.Paid {
			return s.recordPaid(ctx, o, res)
		}
	}
	if err != nil {
		return o, providerErr(err)
	}
	return s.store.EndOrder(ctx, o.ID, status)
}

// recordPaid records the provider's payment of an order — only of its
// whole amount: another sum is logged and leaves the order as it was.
func (s *Server) recordPaid(ctx context.Context, o storage.Order, res payment.Result) (storage.Order, error) {
	if err := res.Check(o.AmountFen); err != nil {
		s.log.Error("payment not recorded", "order", o.ID, "transaction", res.TransactionID, "err", err)
		return o, providerErr(err)
	}
	return s.store.PayOrder(ctx, o.ID, res.TransactionID, res.PaidAt)
}

// providerFailed answers a failure of the payment provider (502) or of
// the server's own storage.
func (s *Server) providerFailed(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, errProvider) {
		s.fail(w, r, err)
		return
	}
	s.log.Error("payment provider failed", "pattern", r.Pattern, "err", err)
	writeError(w, http.StatusBadGateway, api.CodeProvider, "the payment service did not answer; try again")
}

// handlePayNotify takes a payment provider's notification (WeChat Pay's
// notify_url): verified by the provider's signature, not by a kiosk
// token. A paid order is recorded once; the same notification again
// changes nothing. Answered 204, or 4xx with {"code": "FAIL"} so the
// provider sends it again later.
func (s *Server) handlePayNotify(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, api.MaxJSONBytes)
	n, err := s.pay.(payment.Notifier).ParseNotify(r.Context(), r)
	if err != nil {
		s.log.Warn("payment notification refused", "err", err)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"code": "FAIL", "message": "not verified"})
		return
	}
	if !n.Result.Paid {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	o, err := s.store.Order(r.Context(), n.OrderID)
	if err == nil {
		o, err = s.recordPaid(r.Context(), o, n.Result)
	}
	if errors.Is(err, payment.ErrAmount) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": "FAIL", "message": "amount differs from the order"})
		return
	}
	if errors.Is(err, storage.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, map[string]string{"code": "FAIL", "message": "no such order"})
		return
	}
	if err != nil {
		s.log.Error("payment notification", "order", n.OrderID, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"code": "FAIL", "message": "try again"})
		return
	}
	s.log.Info("order paid", "order", o.ID, "provider", o.Provider)
	w.WriteHeader(http.StatusNoContent)
}
