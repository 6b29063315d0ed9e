// Package server is GradPhoto's reference server: the JSON API the kiosks
// sync with (enrolment, catalog, roster deltas, submissions and their
// photos, review statuses), the reviewers' web pages (log-in, queue,
// approve, reject, publish) and the graduates' status page behind the
// receipt's QR code. It knows nothing of the kiosk's packages but the API
// types they share (package api); its data is in package server/storage.
package server

import (
	"context"
	"crypto/ed25519"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"gradphoto/api"
	"gradphoto/server/payment"
	"gradphoto/server/storage"
)

// Store is what the server keeps its data in (server/storage's DB).
type Store interface {
	AddEnrolCode(ctx context.Context, codeHash []byte, school string, expires time.Time) error
	Enrol(ctx context.Context, codeHash []byte, d storage.Device, tokenHash []byte) (storage.Device, error)
	DeviceByToken(ctx context.Context, tokenHash []byte) (storage.Device, error)
	Device(ctx context.Context, id string) (storage.Device, error)
	ImportDevice(ctx context.Context, d storage.Device) (storage.Device, error)

	PutSubmission(ctx context.Context, deviceID string, m api.Submission, meta, metaHash []byte) (storage.Submission, error)
	PutPhoto(ctx context.Context, deviceID, id, kind, sha string, data []byte) (storage.Photo, error)
	Submit(ctx context.Context, deviceID, id string) (storage.Submission, error)
	StatusChanges(ctx context.Context, deviceID string, since int64, limit int) (api.StatusPage, error)
	RosterSince(ctx context.Context, school, since string, limit int) (api.RosterPage, error)

	CreateOrder(ctx context.Context, o storage.Order) (storage.Order, bool, error)
	Order(ctx context.Context, id string) (storage.Order, error)
	SetOrderQR(ctx context.Context, id, qr string) (storage.Order, error)
	PayOrder(ctx context.Context, id, transaction string, at time.Time) (storage.Order, error)
	EndOrder(ctx context.Context, id, status string) (storage.Order, error)

	SigningKey(ctx context.Context, name string) (ed25519.PrivateKey, error)
	VoucherBook(ctx context.Context, school, since string, limit int) ([]api.Voucher, string, bool, error)
	UseVoucher(ctx context.Context, hash, submission string, at time.Time) error
	DeviceTokenHash(ctx context.Context, id string) ([]byte, error)
	PaidSessionOrder(ctx context.Context, deviceID, sessionID string) (storage.Order, error)

	Submission(ctx context.Context, id string) (storage.Submission, error)
	SubmissionByToken(ctx context.Context, tokenHash []byte) (storage.Submission, error)
	VersionMeta(ctx context.Context, id string, version int) ([]byte, error)
	PhotoData(ctx context.Context, id string, version int, kind string) ([]byte, error)
	Queue(ctx context.Context, f storage.QueueFilter) ([]storage.Submission, int, error)
	Schools(ctx context.Context) ([]string, error)
	Decide(ctx context.Context, id string, version int, action, reason, reviewer string) (storage.Submission, error)

	ReviewerByName(ctx context.Context, name string) (storage.Reviewer, error)
	ReviewerByID(ctx context.Context, id string) (storage.Reviewer, error)
	AddWebSession(ctx context.Context, tokenHash []byte, s storage.WebSession) error
	WebSession(ctx context.Context, tokenHash []byte) (storage.WebSession, error)
	DeleteWebSession(ctx context.Context, tokenHash []byte) error
	Audit(ctx context.Context, actor, action, detail string) error
}

// Config configures a Server.
type Config struct {
	Store   Store
	Catalog api.Catalog // zero: DefaultCatalog
	// Payment opens the orders; nil: payment.Sandbox, whose pay page this
	// server serves.
	Payment payment.Provider
	// OrderTTL is how long an order can be paid; zero: DefaultOrderTTL.
	OrderTTL time.Duration
	// PublicURL is where phones reach this server (the sandbox's pay
	// page); "": the address the kiosk used.
	PublicURL string
	Log       *slog.Logger
	// Secure marks the session cookies Secure (the server is behind TLS).
	Secure bool
}

// DefaultCatalog is the catalog a server offers unless configured: the
// degree photo, and an extra digital copy.
var DefaultCatalog = api.Catalog{Services: []api.Service{
	{Code: "degree_photo", Name: map[string]string{"zh-CN": "学位证书照片", "en": "Degree certificate photo"}, PriceFen: 1500, Required: true},
	{Code: "digital_copy", Name: map[string]string{"zh-CN": "电子版照片一份", "en": "Extra digital copy"}, PriceFen: 500},
}}

//go:embed web/templates/*.html web/static/* web/i18n/*.json
var webFS embed.FS

// Server serves the API, the review pages and the status page.
type Server struct {
	cfg   Config
	store Store
	pay   payment.Provider
	log   *slog.Logger
	pages pages
	mux   *http.ServeMux
}

// New makes a server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("server: no store")
	}
	if len(cfg.Catalog.Services) == 0 {
		cfg.Catalog = DefaultCatalog
	}
	if cfg.Payment == nil {
		cfg.Payment = payment.Sandbox{}
	}
	if cfg.OrderTTL <= 0 {
		cfg.OrderTTL = DefaultOrderTTL
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("server: templates: %w", err)
	}
	s := &Server{cfg: cfg, store: cfg.Store, pay: cfg.Payment, log: cfg.Log, pages: pages, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, with its middleware.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.logRequests(securityHeaders(s.mux)))
}

func (s *Server) routes() {
	m := s.mux
	// the kiosks' API
	m.HandleFunc("POST /v1/devices", s.handleEnrol)
	m.HandleFunc("GET /v1/catalog", s.device(s.handleCatalog))
	m.HandleFunc("GET /v1/roster", s.device(s.handleRoster))
	m.HandleFunc("PUT /v1/submissions/{id}", s.device(s.handlePutSubmission))
	m.HandleFunc("PUT /v1/submissions/{id}/photos/{kind}", s.device(s.handlePutPhoto))
	m.HandleFunc("POST /v1/submissions/{id}/submit", s.device(s.handleSubmit))
	m.HandleFunc("GET /v1/statuses", s.device(s.handleStatuses))
	m.HandleFunc("GET /v1/vouchers", s.device(s.handleVouchers))
	m.HandleFunc("POST /v1/orders", s.device(s.handleCreateOrder))
	m.HandleFunc("GET /v1/orders/{id}", s.device(s.handleGetOrder))
	m.HandleFunc("POST /v1/orders/{id}/close", s.device(s.handleCloseOrder))
	m.HandleFunc("/v1/", s.handleAPINotFound)
	// the graduates' status page
	m.HandleFunc("GET /s/{token}", s.handleStatusPage)
	m.HandleFunc("GET /s/{token}/pay", s.handleStatusPay)
	if _, ok := s.pay.(payment.Notifier); ok { // the provider's payment notifications
		m.HandleFunc("POST "+api.PathPayNotify, s.handlePayNotify)
	}
	m.HandleFunc("GET /pay/later/{device}/{session}/{services}/{mac}", s.handlePayLater)
	if _, ok := s.pay.(payment.Sandbox); ok { // the sandbox's pay page
		m.HandleFunc("GET /pay/{id}", s.handlePayPage)
		m.HandleFunc("POST /pay/{id}", s.handlePay)
	}
	// the reviewers' pages
	m.HandleFunc("GET /review/login", s.handleLoginPage)
	m.HandleFunc("POST /review/login", s.handleLogin)
	m.HandleFunc("POST /review/logout", s.reviewer(s.handleLogout))
	m.HandleFunc("GET /review/{$}", s.reviewer(s.handleQueue))
	m.HandleFunc("GET /review/s/{id}", s.reviewer(s.handleReview))
	m.HandleFunc("GET /review/s/{id}/photo/{kind}", s.reviewer(s.handleReviewPhoto))
	m.HandleFunc("POST /review/s/{id}/{action}", s.reviewer(s.handleDecide))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/review/", http.StatusSeeOther)
	})
	static, _ := fs.Sub(webFS, "web/static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
}
