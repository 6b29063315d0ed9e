package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// payPage is the sandbox pay page's data.
type payPage struct {
	page
	Found                bool
	Items, Amount, Until string
	State                string // "open" (payable), or the order's status
	Action               string
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
	data.Items = s.itemNames(o.Services, lang)
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

// itemNames are the services' names in lang, joined.
func (s *Server) itemNames(codes []string, lang string) string {
	var names []string
	for _, c := range codes {
		if svc, ok := s.service(c); ok {
			names = append(names, svc.Name[lang])
		}
	}
	return strings.Join(names, " · ")
}

// yuan writes fen as ¥12.50.
func yuan(fen int64) string { return fmt.Sprintf("¥%d.%02d", fen/100, fen%100) }
