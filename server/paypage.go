package server

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"gradphoto/api"
	"gradphoto/server/payment"
	"gradphoto/server/storage"
)

// payPage is the sandbox pay page's data.
type payPage struct {
	page
	Found                bool
	Items, Amount, Until string
	State                string // "open" (payable), "link" (the provider's), or the order's status
	Action               string
	Link                 template.URL // the provider's own payment link (weixin://…)
}

// handlePayPage is the sandbox provider's pay page behind the kiosk's QR
// code: what is paid for, the amount, and one button. It works without
// JavaScript, on a phone.
func (s *Server) handlePayPage(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(w, r)
	data := payPage{page: s.newPage(r, lang, "pay.title")}
	o, err := s.store.Order(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		s.render(w, r, http.StatusNotFound, lang, "pay.html", data)
		return
	case err != nil:
		s.log.Error("pay page", "err", err)
		s.render(w, r, http.StatusInternalServerError, lang, "pay.html", data)
		return
	}
	data.Found, data.Action = true, api.PathPayPage+o.ID
	data.Amount, data.Until = yuan(o.AmountFen), o.ExpiresAt.Local().Format("15:04")
	data.Items = s.itemNames(o.Services, lang, " · ")
	data.State = o.Status
	if payable(o) {
		data.State = "open"
	} else if o.Status == api.OrderPending {
		data.State = api.OrderExpired
	}
	s.render(w, r, http.StatusOK, lang, "pay.html", data)
}

// handlePay is the pay page's button: the order is paid (once; a second
// tap changes nothing), then the page shows it (post, redirect, get).
func (s *Server) handlePay(w http.ResponseWriter, r *http.Request) {
	o, err := s.store.Order(r.Context(), r.PathValue("id"))
	if errors.Is(err, storage.ErrNotFound) {
		http.Error(w, "no such order", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("pay", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if payable(o) {
		if _, err := s.store.PayOrder(r.Context(), o.ID, "sandbox-"+o.ID, time.Now()); err != nil {
			s.log.Error("pay", "order", o.ID, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		s.log.Info("order paid", "order", o.ID, "provider", o.Provider)
	}
	http.Redirect(w, r, api.PathPayPage+o.ID, http.StatusSeeOther)
}

// payable: pending and not past its time.
func payable(o storage.Order) bool {
	return o.Status == api.OrderPending && time.Now().Before(o.ExpiresAt)
}

// itemNames are the services' names in lang, joined with sep.
func (s *Server) itemNames(codes []string, lang, sep string) string {
	var names []string
	for _, c := range codes {
		if svc, ok := s.service(c); ok {
			names = append(names, svc.Name[lang])
		}
	}
	return strings.Join(names, sep)
}

// yuan writes fen as ¥12.50.
func yuan(fen int64) string { return fmt.Sprintf("¥%d.%02d", fen/100, fen%100) }

// handlePayLater is the page behind a pay-later receipt's QR code: the
// kiosk could not reach the server, so the order is opened now, from the
// graduate's phone, for the kiosk session the signed address names. The
// sandbox goes on to its pay page; another provider's payment link is
// shown. Once paid, the submission (when it has arrived) enters review.
func (s *Server) handlePayLater(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(w, r)
	data := payPage{page: s.newPage(r, lang, "pay.title")}
	device, session, list := r.PathValue("device"), r.PathValue("session"), r.PathValue("services")
	h, err := s.store.DeviceTokenHash(r.Context(), device)
	mac := api.PayLaterMAC(h, device, session, list)
	services := strings.Split(list, ",")
	var amount int64
	if err == nil && hmac.Equal([]byte(mac), []byte(r.PathValue("mac"))) {
		amount, err = s.price(services)
	} else if err == nil {
		err = errors.New("pay-later address not signed by the kiosk")
	}
	if err != nil || len(session) > 100 {
		s.log.Warn("pay-later page refused", "err", err)
		s.render(w, r, http.StatusNotFound, lang, "pay.html", data)
		return
	}
	s.showLaterOrder(w, r, lang, device, session, services, amount)
}

// showLaterOrder opens (or finds) the session's pay-later order and shows
// it: the sandbox's pay page, or the provider's payment link.
func (s *Server) showLaterOrder(w http.ResponseWriter, r *http.Request, lang, device, session string, services []string, amount int64) {
	data := payPage{page: s.newPage(r, lang, "pay.title")}
	o, err := s.laterOrder(r, device, session, services, amount)
	if err != nil {
		s.log.Error("pay-later order", "err", err)
		s.render(w, r, http.StatusBadGateway, lang, "pay.html", data)
		return
	}
	if _, ok := s.pay.(payment.Sandbox); ok {
		http.Redirect(w, r, api.PathPayPage+o.ID, http.StatusSeeOther)
		return
	}
	data.Found, data.Amount, data.Items = true, yuan(o.AmountFen), s.itemNames(o.Services, lang, " · ")
	data.State, data.Link = "link", template.URL(o.QR) // the provider's, from its signed answer
	if o.Status == api.OrderPaid {
		data.State = api.OrderPaid
	}
	s.render(w, r, http.StatusOK, lang, "pay.html", data)
}

// handleStatusPay is the status page's "pay" link, for a submission that
// waits for its payment (a voucher refused at sync; a pay-later receipt
// whose own QR code was lost): the required services, paid from the phone.
func (s *Server) handleStatusPay(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(w, r)
	sub, err := s.store.SubmissionByToken(r.Context(), storage.Hash(r.PathValue("token")))
	if err == nil && !awaitsPayment(sub) {
		err = fmt.Errorf("submission %s does not wait for a payment: %w", sub.ID, storage.ErrNotFound)
	}
	var amount int64
	services := s.requiredServices()
	if err == nil {
		amount, err = s.price(services)
	}
	if err != nil {
		s.log.Warn("status page payment refused", "err", err)
		s.render(w, r, http.StatusNotFound, lang, "pay.html", payPage{page: s.newPage(r, lang, "pay.title")})
		return
	}
	s.showLaterOrder(w, r, lang, sub.DeviceID, sub.SessionID, services, amount)
}

// awaitsPayment: submitted to be paid later, and not paid yet.
func awaitsPayment(sub storage.Submission) bool {
	return sub.Payment == api.PaymentLater && sub.Status == api.StatusReceived && !sub.SubmittedAt.IsZero()
}

// laterOrder is the pay-later order of a kiosk session: its paid or open
// one, else the next (keys later/SESSION/1, /2… as earlier ones expire).
func (s *Server) laterOrder(r *http.Request, device, session string, services []string, amount int64) (storage.Order, error) {
	paid, err := s.store.PaidSessionOrder(r.Context(), device, session)
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return paid, err // paid already (at the kiosk, or on this page before): never twice
	}
	for n := 1; n <= 50; n++ {
		o, _, err := s.store.CreateOrder(r.Context(), storage.Order{ID: newID(), DeviceID: device,
			IdemKey: fmt.Sprintf("later/%s/%d", session, n), SessionID: session, Services: services,
			AmountFen: amount, Provider: s.pay.Name(), ExpiresAt: time.Now().Add(s.cfg.OrderTTL)})
		if err != nil {
			return o, err
		}
		if o, err = s.refreshOrder(r.Context(), o); err != nil {
			return o, err
		}
		switch {
		case o.Status == api.OrderPaid:
			return o, nil
		case o.Status == api.OrderPending && o.QR == "":
			return s.prepay(r, o)
		case o.Status == api.OrderPending:
			return o, nil
		}
	}
	return storage.Order{}, errors.New("too many expired pay-later orders")
}
