// Package remote is the kiosk's side of the server API: a client for every
// call (resty: timeouts, retries with exponential backoff and jitter —
// every write is idempotent, so every call may be retried — a custom CA
// for campus servers, typed errors), and the sync worker that sends the
// outbox to the server and brings review results and roster changes back.
package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"gradphoto/api"
)

// Config configures a Client.
type Config struct {
	URL   string // the server's base URL, e.g. https://photo.example.edu.cn
	Token string // the kiosk's bearer token ("" before enrolment)
	CA    string // PEM of a CA to trust besides the system's ("" none)
	// Timeout bounds one attempt of a call (default 30 s); Retries is how
	// many times a call that failed by itself is tried again (default 3),
	// waiting RetryWait, doubling up to RetryMaxWait, with jitter.
	Timeout                 time.Duration
	Retries                 int
	RetryWait, RetryMaxWait time.Duration
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
}

// Client calls the server. It is safe for concurrent use.
type Client struct {
	r *resty.Client
}

// New makes a client for cfg.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("remote: server URL %q: want http(s)://host[:port]", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 300 * time.Millisecond
	}
	if cfg.RetryMaxWait <= 0 {
		cfg.RetryMaxWait = 5 * time.Second
	}
	r := resty.New().
		SetBaseURL(strings.TrimRight(cfg.URL, "/")).
		SetTimeout(cfg.Timeout).
		SetRetryCount(max(0, cfg.Retries)).
		SetRetryWaitTime(cfg.RetryWait).
		SetRetryMaxWaitTime(cfg.RetryMaxWait).
		AddRetryCondition(func(resp *resty.Response, err error) bool {
			return err != nil || resp.StatusCode() >= 500 || resp.StatusCode() == 429
		}).
		SetHeader("User-Agent", "gradphoto-kiosk").
		SetLogger(quietLogger{})
	if cfg.Transport != nil {
		r.SetTransport(cfg.Transport)
	}
	if cfg.CA != "" {
		r.SetRootCertificateFromString(cfg.CA)
	}
	if cfg.Token != "" {
		r.SetAuthToken(cfg.Token)
	}
	return &Client{r: r}, nil
}

// quietLogger drops resty's own log lines (the worker reports failures).
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// do sends a request and decodes a 2xx answer's JSON into out.
func (c *Client) do(ctx context.Context, op, method, path string, body any, header map[string]string, out any) error {
	req := c.r.R().SetContext(ctx).SetHeaders(header)
	if body != nil {
		req.SetBody(body)
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		if ctx.Err() != nil {
			return &Error{Op: op, kind: ErrOffline, cause: ctx.Err()}
		}
		return &Error{Op: op, kind: ErrOffline, cause: err}
	}
	if resp.IsError() || resp.StatusCode() < 200 || resp.StatusCode() > 299 {
		e := &Error{Op: op, Status: resp.StatusCode(), kind: kindOf(resp.StatusCode())}
		var body api.Error
		if json.Unmarshal(resp.Body(), &body) == nil {
			e.Code, e.Message = body.Code, body.Message
		}
		return e
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(resp.Body())))
	if err := dec.Decode(out); err != nil {
		return &Error{Op: op, Status: resp.StatusCode(), kind: ErrServer, Message: "answer is not the API's JSON", cause: err}
	}
	return nil
}

// Enrol registers the kiosk with a one-time code.
func (c *Client) Enrol(ctx context.Context, code, name string) (api.Enrolment, error) {
	var out api.Enrolment
	err := c.do(ctx, "enrol", http.MethodPost, api.PathDevices, api.EnrolRequest{Code: code, Name: name}, nil, &out)
	if err == nil && (out.DeviceID == "" || out.Token == "") {
		err = &Error{Op: "enrol", kind: ErrServer, Message: "no device id or token in the answer"}
	}
	return out, err
}

// Catalog fetches the services and prices.
func (c *Client) Catalog(ctx context.Context) (api.Catalog, error) {
	var out api.Catalog
	return out, c.do(ctx, "catalog", http.MethodGet, api.PathCatalog, nil, nil, &out)
}

// Roster fetches the roster changes of school after cursor since.
func (c *Client) Roster(ctx context.Context, school, since string) (api.RosterPage, error) {
	var out api.RosterPage
	q := url.Values{"since": {since}}
	if school != "" {
		q.Set("school", school)
	}
	return out, c.do(ctx, "roster", http.MethodGet, api.PathRoster+"?"+q.Encode(), nil, nil, &out)
}

// PutSubmission sends a submission's metadata.
func (c *Client) PutSubmission(ctx context.Context, m api.Submission) (api.SubmissionState, error) {
	var out api.SubmissionState
	err := c.do(ctx, "put submission", http.MethodPut, api.PathSubmissions+url.PathEscape(m.ID), m, nil, &out)
	if err == nil && out.ID != m.ID {
		err = &Error{Op: "put submission", kind: ErrServer, Message: "the answer is about another submission"}
	}
	return out, err
}

// PutPhoto sends a photo's bytes with their SHA-256; the receipt's hash is
// checked against them.
func (c *Client) PutPhoto(ctx context.Context, id, kind string, data []byte) (api.PhotoReceipt, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	var out api.PhotoReceipt
	err := c.do(ctx, "put photo", http.MethodPut, api.PathSubmissions+url.PathEscape(id)+"/photos/"+url.PathEscape(kind),
		data, map[string]string{api.HeaderSHA256: h, "Content-Type": "image/jpeg"}, &out)
	if err == nil && out.SHA256 != h {
		err = &Error{Op: "put photo", kind: ErrServer, Message: "the server holds other bytes than were sent"}
	}
	return out, err
}

// Submit puts the submission's current version into review.
func (c *Client) Submit(ctx context.Context, id string) (api.SubmissionState, error) {
	var out api.SubmissionState
	return out, c.do(ctx, "submit", http.MethodPost, api.PathSubmissions+url.PathEscape(id)+"/submit", nil, nil, &out)
}

// Statuses fetches the review results after cursor since.
func (c *Client) Statuses(ctx context.Context, since int64) (api.StatusPage, error) {
	var out api.StatusPage
	return out, c.do(ctx, "statuses", http.MethodGet, api.PathStatuses+"?since="+strconv.FormatInt(since, 10), nil, nil, &out)
}

// Vouchers fetches the voucher book after cursor since.
func (c *Client) Vouchers(ctx context.Context, since string) (api.VoucherBook, error) {
	var out api.VoucherBook
	return out, c.do(ctx, "vouchers", http.MethodGet, api.PathVouchers+"?since="+url.QueryEscape(since), nil, nil, &out)
}

// CreateOrder asks the server for a payment order. key names the attempt
// (the session and how many orders it asked for): the same key gives the
// same order, so a retry or a kiosk restarted mid-payment never makes a
// second one.
func (c *Client) CreateOrder(ctx context.Context, key string, req api.OrderRequest) (api.Order, error) {
	var out api.Order
	err := c.do(ctx, "create order", http.MethodPost, api.PathOrders, req,
		map[string]string{api.HeaderIdempotencyKey: key}, &out)
	if err == nil && (out.ID == "" || out.QR == "") {
		err = &Error{Op: "create order", kind: ErrServer, Message: "no order id or QR code in the answer"}
	}
	return out, err
}

// Order polls an order (the server asks the provider while it is pending).
func (c *Client) Order(ctx context.Context, id string) (api.Order, error) {
	var out api.Order
	return out, c.do(ctx, "order", http.MethodGet, api.PathOrders+"/"+url.PathEscape(id), nil, nil, &out)
}

// CloseOrder gives an order up; the answer says paid if it was paid meanwhile.
func (c *Client) CloseOrder(ctx context.Context, id string) (api.Order, error) {
	var out api.Order
	return out, c.do(ctx, "close order", http.MethodPost, api.PathOrders+"/"+url.PathEscape(id)+"/close", nil, nil, &out)
}
