// Package api is the contract between the kiosk and the server: the JSON
// bodies of every call, the photo kinds, the statuses, the error codes and
// the limits. Both sides import it and nothing else of each other. Every
// write is idempotent: the same call with the same body gives the same
// answer, so either side may retry it.
//
//	POST /v1/devices                          EnrolRequest → Enrolment
//	GET  /v1/catalog                          → Catalog
//	GET  /v1/roster?school=&since=            → RosterPage
//	POST /v1/orders (Idempotency-Key)         OrderRequest → Order
//	GET  /v1/orders/{id}                      → Order (asks the provider while pending)
//	POST /v1/orders/{id}/close                → Order (closed, or paid if it was)
//	PUT  /v1/submissions/{id}                 Submission → SubmissionState
//	PUT  /v1/submissions/{id}/photos/{kind}   JPEG bytes, Content-SHA256 → PhotoReceipt
//	POST /v1/submissions/{id}/submit          → SubmissionState
//	GET  /v1/statuses?since=                  → StatusPage
//	GET  /s/{token}                           the status page behind the receipt's QR (HTML)
//	GET  /pay/{id}                            the sandbox provider's pay page (HTML)
package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Paths and headers.
const (
	PathDevices     = "/v1/devices"
	PathCatalog     = "/v1/catalog"
	PathRoster      = "/v1/roster"
	PathSubmissions = "/v1/submissions/"
	PathStatuses    = "/v1/statuses"
	PathStatusPage  = "/s/"
	PathOrders      = "/v1/orders"
	PathPayPage     = "/pay/"               // the sandbox provider's pay page, by order id
	PathPayNotify   = "/v1/payments/notify" // the payment provider's notifications (signed by it)

	// HeaderSHA256 carries the hex SHA-256 of a photo upload's body.
	HeaderSHA256 = "Content-SHA256"
	// HeaderIdempotencyKey names an order request: the same key from the
	// same kiosk gives the same order, never a second one.
	HeaderIdempotencyKey = "Idempotency-Key"
)

// Limits of request bodies, enforced by the server (413 above them).
const (
	MaxJSONBytes  = 64 << 10 // a JSON body
	MaxPhotoBytes = 8 << 20  // one photo
)

// Statuses of a submission, in the order it passes them. The kiosk keeps
// StatusQueued itself until the server has the submission.
const (
	StatusQueued    = "queued"    // 待同步: on the kiosk only
	StatusReceived  = "received"  // at the server, not yet submitted for review
	StatusInReview  = "in_review" // 审核中
	StatusRejected  = "rejected"  // 未通过, with a reason: a free retake
	StatusApproved  = "approved"  // 已通过: locked
	StatusPublished = "published" // 上网中: locked
)

// Photo kinds of a submission.
const (
	KindStandard  = "standard"   // the standardised photo: what is reviewed and published
	KindRaw       = "raw"        // the still as the camera took it
	KindCardFront = "card-front" // the ID card's portrait side, flattened
	KindCardBack  = "card-back"  // the ID card's emblem side
)

// Kinds lists every photo kind, in upload order.
var Kinds = []string{KindStandard, KindRaw, KindCardFront, KindCardBack}

// ValidKind reports whether k is a photo kind.
func ValidKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// EnrolRequest registers a kiosk with a one-time code.
type EnrolRequest struct {
	Code string `json:"code"`
	Name string `json:"name,omitempty"` // the kiosk's name, for the server's records
}

// Enrolment is the server's answer: the kiosk's id and bearer token (shown
// once; the server keeps only its hash) and the school it serves ("" any).
type Enrolment struct {
	DeviceID string `json:"device_id"`
	Token    string `json:"token"`
	School   string `json:"school,omitempty"`
	// CodePrefix starts every receipt code the kiosk makes (see MakeCode);
	// no other kiosk of the server has it.
	CodePrefix string `json:"code_prefix,omitempty"`
}

// Catalog is the services a graduate can choose and their prices.
type Catalog struct {
	Services []Service `json:"services"`
}

// Service is one catalog entry. Money is integer fen.
type Service struct {
	Code     string            `json:"code"`
	Name     map[string]string `json:"name"` // by language: "zh-CN", "en"
	PriceFen int64             `json:"price_fen"`
	Required bool              `json:"required,omitempty"` // always part of the order
}

// RosterEntry is one graduate on a school's roster.
type RosterEntry struct {
	DocType   string `json:"doc_type"`
	Number    string `json:"number"`
	Name      string `json:"name"`
	StudentNo string `json:"student_no,omitempty"`
	School    string `json:"school"`
	College   string `json:"college,omitempty"`
	Major     string `json:"major,omitempty"`
	Degree    string `json:"degree,omitempty"`
	GradYear  int    `json:"grad_year,omitempty"`
	Prepaid   bool   `json:"prepaid,omitempty"`
}

// RosterPage is a roster delta: entries changed after the cursor asked
// for, and the cursor to ask with next ("" when there were none).
type RosterPage struct {
	Entries []RosterEntry `json:"entries"`
	Next    string        `json:"next"`
	More    bool          `json:"more"` // ask again with Next at once
}

// Submission is a confirmed submission as the kiosk made it. Its id is the
// kiosk's (UUIDv7); SessionID names the attempt: a free retake after a
// rejection sends the same id with a new session and new photos, which
// becomes the submission's next version.
type Submission struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	School    string `json:"school"`
	DocType   string `json:"doc_type"`
	Number    string `json:"number"`
	Name      string `json:"name"`
	StudentNo string `json:"student_no,omitempty"`
	College   string `json:"college,omitempty"`
	Major     string `json:"major,omitempty"`
	Degree    string `json:"degree,omitempty"`
	GradYear  int    `json:"grad_year,omitempty"`
	Payment   string `json:"payment"`
	OrderRef  string `json:"order_ref,omitempty"`
	Code      string `json:"code,omitempty"` // the short code on the receipt
	// CardCheck: how the ID card read at the kiosk compared with the typed
	// number and the roster's name ("number:match name:differs"; "" not read).
	CardCheck   string    `json:"card_check,omitempty"`
	StatusToken string    `json:"status_token"` // opens /s/{token}; the server keeps its hash
	ConfirmedAt time.Time `json:"confirmed_at"`
	// Reports are the check reports of the photos (JSON), by kind.
	Reports map[string]RawJSON `json:"reports,omitempty"`
}

// RawJSON is a JSON value passed through as it is.
type RawJSON []byte

// MarshalJSON writes the value as it is (null when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the value.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}

// SubmissionState is where a submission stands at the server: its current
// version, status, and the photos it holds for that version (kind → hex
// SHA-256), so the kiosk skips what is already there.
type SubmissionState struct {
	ID      string            `json:"id"`
	Version int               `json:"version"`
	Status  string            `json:"status"`
	Reason  string            `json:"reason,omitempty"`
	Photos  map[string]string `json:"photos"`
}

// PhotoReceipt confirms that the server holds a photo: the kiosk compares
// SHA256 with its own before it deletes anything.
type PhotoReceipt struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
	Size    int    `json:"size"`
}

// StatusPage is the review results of the kiosk's submissions changed
// after the cursor asked for, oldest first, and the cursor to ask with next.
type StatusPage struct {
	Changes []StatusChange `json:"changes"`
	Next    int64          `json:"next"`
	More    bool           `json:"more"`
}

// StatusChange is one submission's status after a reviewer's decision.
type StatusChange struct {
	SubmissionID string    `json:"submission_id"`
	Version      int       `json:"version"`
	Status       string    `json:"status"`
	Reason       string    `json:"reason,omitempty"`
	At           time.Time `json:"at"`
}

// ManifestLine is one photo as held by either side, for comparing them:
// `gradphoto manifest` and `gradphoto-server manifest` print these as JSON
// lines.
type ManifestLine struct {
	Submission string `json:"submission"`
	Kind       string `json:"kind"`
	Version    int    `json:"version"`
	SHA256     string `json:"sha256"`
	Status     string `json:"status"`
}

// Order states. Pending is the only one that changes: to paid (the payer
// paid), expired (its time ran out; the provider's order is closed) or
// closed (the kiosk gave it up).
const (
	OrderPending = "pending"
	OrderPaid    = "paid"
	OrderExpired = "expired"
	OrderClosed  = "closed"
)

// MaxIdempotencyKey is the longest Idempotency-Key the server takes.
const MaxIdempotencyKey = 100

// OrderRequest asks for a payment order: the services chosen (the
// catalog's codes; the server prices them) for a kiosk session.
type OrderRequest struct {
	SessionID string   `json:"session_id"`
	Services  []string `json:"services"`
}

// Order is a payment order as the server holds it. QR is what the
// graduate's phone scans (the provider's code URL); AmountFen is the sum of
// the services' prices.
type Order struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Provider  string    `json:"provider"`
	AmountFen int64     `json:"amount_fen"`
	Services  []string  `json:"services"`
	QR        string    `json:"qr"`
	ExpiresAt time.Time `json:"expires_at"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
}

// Paying later: on a day the kiosk cannot reach the server it cannot open
// an order, so the receipt carries a QR code to the server's pay-later
// page instead; the submission enters review only once that is paid. The
// address is signed with the kiosk's token (the server keeps its hash),
// so nobody can make one for another kiosk's session.
const (
	PaymentLater = "later"       // Submission.Payment: to be paid on the pay-later page
	PathPayLater = "/pay/later/" // + device/session/services/mac
)

// PayLaterPath is the pay-later page of a kiosk session for the services
// chosen; tokenHash is the SHA-256 of the kiosk's bearer token.
func PayLaterPath(tokenHash []byte, device, session string, services []string) string {
	list := strings.Join(services, ",")
	return PathPayLater + device + "/" + session + "/" + list + "/" + PayLaterMAC(tokenHash, device, session, list)
}

// PayLaterMAC signs a pay-later address: HMAC-SHA256 keyed with the
// token's hash, 128 bits in hex.
func PayLaterMAC(tokenHash []byte, device, session, services string) string {
	m := hmac.New(sha256.New, tokenHash)
	fmt.Fprintf(m, "gradphoto-pay-later\n%s\n%s\n%s\n", device, session, services)
	return hex.EncodeToString(m.Sum(nil)[:16])
}
