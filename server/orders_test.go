package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/server/payment"
)

// order asks for an order with key; the HTTP status and the answer, as an
// order or as an error.
func (r *rig) order(token, key string, req api.OrderRequest) (int, api.Order, api.Error) {
	r.t.Helper()
	data, err := json.Marshal(req)
	if err != nil {
		r.t.Fatal(err)
	}
	var raw json.RawMessage
	st := r.do(token, "POST", api.PathOrders, bytes.NewReader(data),
		map[string]string{api.HeaderIdempotencyKey: key}, &raw)
	var o api.Order
	var e api.Error
	if st < 300 {
		err = json.Unmarshal(raw, &o)
	} else {
		err = json.Unmarshal(raw, &e)
	}
	if err != nil {
		r.t.Fatalf("answer %s: %v", raw, err)
	}
	return st, o, e
}

// browse fetches a page like a phone's browser: the status and the body.
func (r *rig) browse(method, addr string, form url.Values) (int, string) {
	r.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, addr, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := r.srv.Client().Do(req) // follows the redirect after a POST
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var photoOnly = api.OrderRequest{SessionID: "session-1", Services: []string{"degree_photo"}}

// The sandbox: an order priced by the server, its QR the pay page; the
// page pays it with one tap (a second tap changes nothing); the kiosk's
// poll sees it paid; the same key gives the same order, never a second.
func TestOrderPaidOnTheSandboxPage(t *testing.T) {
	r := newRig(t)
	token := r.enrol("")
	st, o, _ := r.order(token, "session-1/1", api.OrderRequest{SessionID: "session-1",
		Services: []string{"degree_photo", "digital_copy"}})
	if st != http.StatusCreated || o.Status != api.OrderPending || o.AmountFen != 2000 || o.Provider != "sandbox" {
		t.Fatalf("create: %d %+v", st, o)
	}
	if o.QR != r.srv.URL+api.PathPayPage+o.ID || time.Until(o.ExpiresAt) < 4*time.Minute {
		t.Errorf("QR %q expires %v", o.QR, o.ExpiresAt)
	}
	st, again, _ := r.order(token, "session-1/1", api.OrderRequest{SessionID: "session-1",
		Services: []string{"degree_photo", "digital_copy"}})
	if st != http.StatusOK || again.ID != o.ID || again.QR != o.QR {
		t.Errorf("the same key again: %d %+v, want order %s", st, again, o.ID)
	}
	if st, _, e := r.order(token, "session-1/1", photoOnly); st != http.StatusConflict || e.Code != api.CodeConflict {
		t.Errorf("the same key for other services: %d %+v", st, e)
	}

	st, page := r.browse("GET", o.QR, nil)
	if st != 200 || !strings.Contains(page, "¥20.00") || !strings.Contains(page, "学位证书照片") || !strings.Contains(page, `id="pay"`) {
		t.Fatalf("pay page: %d\n%s", st, page)
	}
	var polled api.Order
	if st := r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); st != 200 || polled.Status != api.OrderPending {
		t.Fatalf("poll before paying: %d %+v", st, polled)
	}
	for range 2 { // a second tap (or a reload that posts again) pays nothing more
		st, page = r.browse("POST", o.QR, url.Values{})
		if st != 200 || !strings.Contains(page, "已支付") {
			t.Fatalf("after paying: %d\n%s", st, page)
		}
	}
	if st := r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); st != 200 || polled.Status != api.OrderPaid || polled.PaidAt.IsZero() {
		t.Fatalf("poll after paying: %d %+v", st, polled)
	}
	// closing a paid order leaves it paid
	if st := r.call(token, "POST", api.PathOrders+"/"+o.ID+"/close", nil, &polled); st != 200 || polled.Status != api.OrderPaid {
		t.Errorf("close after paying: %d %+v", st, polled)
	}
	// another kiosk sees nothing of it
	var e api.Error
	if st := r.call(r.enrol(""), "GET", api.PathOrders+"/"+o.ID, nil, &e); st != http.StatusNotFound {
		t.Errorf("another kiosk's poll: %d %+v", st, e)
	}
	if st, page := r.browse("GET", r.srv.URL+api.PathPayPage+newUUID(), nil); st != 404 || !strings.Contains(page, "没有找到这个订单") {
		t.Errorf("unknown order's page: %d", st)
	}
}

// Requests the server refuses, each with a typed error and no order.
func TestOrderRequestsRefused(t *testing.T) {
	r := newRig(t)
	token := r.enrol("")
	for _, tc := range []struct {
		name, key string
		req       api.OrderRequest
	}{
		{"no key", "", photoOnly},
		{"key too long", strings.Repeat("k", api.MaxIdempotencyKey+1), photoOnly},
		{"unknown service", "k1", api.OrderRequest{SessionID: "s", Services: []string{"degree_photo", "gold_frame"}}},
		{"twice", "k2", api.OrderRequest{SessionID: "s", Services: []string{"degree_photo", "degree_photo"}}},
		{"required missing", "k3", api.OrderRequest{SessionID: "s", Services: []string{"digital_copy"}}},
		{"nothing", "k4", api.OrderRequest{SessionID: "s"}},
		{"no session", "k5", api.OrderRequest{Services: []string{"degree_photo"}}},
	} {
		st, o, e := r.order(token, tc.key, tc.req)
		if st != http.StatusBadRequest || e.Code != api.CodeBadRequest || o.ID != "" {
			t.Errorf("%s: %d %+v %+v", tc.name, st, e, o)
		}
	}
	if st, _, e := r.order("", "k6", photoOnly); st != http.StatusUnauthorized {
		t.Errorf("no token: %d %+v", st, e)
	}
	if st := r.call(token, "GET", api.PathOrders+"/nope", nil, nil); st != http.StatusNotFound {
		t.Errorf("unknown order: %d", st)
	}
}

// An order not paid in time expires (its page says so and no longer
// pays); a closed one cannot be paid either.
func TestOrderExpiresAndCloses(t *testing.T) {
	r := newRigWith(t, Config{OrderTTL: 300 * time.Millisecond})
	token := r.enrol("")
	_, o, _ := r.order(token, "a", photoOnly)
	time.Sleep(400 * time.Millisecond)
	if st, page := r.browse("POST", o.QR, url.Values{}); st != 200 || !strings.Contains(page, "订单已过期") {
		t.Errorf("paying an expired order: %d\n%s", st, page)
	}
	var polled api.Order
	if r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status != api.OrderExpired {
		t.Errorf("poll after the time: %+v, want expired", polled)
	}
	_, o2, _ := r.order(token, "b", photoOnly)
	if st := r.call(token, "POST", api.PathOrders+"/"+o2.ID+"/close", nil, &polled); st != 200 || polled.Status != api.OrderClosed {
		t.Fatalf("close: %d %+v", st, polled)
	}
	if _, page := r.browse("POST", o2.QR, url.Values{}); !strings.Contains(page, "订单已取消") {
		t.Errorf("paying a closed order:\n%s", page)
	}
	if r.call(token, "GET", api.PathOrders+"/"+o2.ID, nil, &polled); polled.Status != api.OrderClosed {
		t.Errorf("closed order after a pay attempt: %+v", polled)
	}
}

// flaky is a provider whose answers the test sets: it stands for a
// provider that is down, or that was paid while its notification was lost.
type flaky struct {
	mu       sync.Mutex
	down     bool
	paid     map[string]string // order id → transaction
	amounts  map[string]int64  // order id → fen
	prepays  int
	closeErr error
}

func (f *flaky) Name() string { return "flaky" }

func (f *flaky) Prepay(_ context.Context, o payment.Order) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return "", errors.New("connection refused")
	}
	f.prepays++
	if f.amounts == nil {
		f.amounts = map[string]int64{}
	}
	f.amounts[o.ID] = o.AmountFen
	return "weixin://wxpay/bizpayurl?pr=" + o.ID[:8], nil
}

func (f *flaky) Query(_ context.Context, id string) (payment.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return payment.Result{}, errors.New("connection refused")
	}
	if tx, ok := f.paid[id]; ok {
		return payment.Result{Paid: true, TransactionID: tx, PaidAt: time.Now(), AmountFen: f.amounts[id]}, nil
	}
	return payment.Result{}, nil
}

func (f *flaky) Close(context.Context, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closeErr
}

func (f *flaky) set(fn func(f *flaky)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// A provider that is down: 502 with a typed error, and the same key later
// opens the order with the provider then (one order). A payment found by
// the kiosk's poll is recorded once; a close that finds the order paid
// records it paid. The sandbox pay page does not exist for it.
func TestOrderProviderDownAndLostNotification(t *testing.T) {
	f := &flaky{down: true, paid: map[string]string{}}
	r := newRigWith(t, Config{Payment: f})
	token := r.enrol("")
	st, _, e := r.order(token, "k", photoOnly)
	if st != http.StatusBadGateway || e.Code != api.CodeProvider {
		t.Fatalf("provider down: %d %+v", st, e)
	}
	f.set(func(f *flaky) { f.down = false })
	st, o, _ := r.order(token, "k", photoOnly)
	if st != http.StatusOK || !strings.HasPrefix(o.QR, "weixin://") || o.Status != api.OrderPending {
		t.Fatalf("the same key once the provider is back: %d %+v", st, o)
	}
	f.set(func(f *flaky) { f.paid[o.ID] = "4200001" })
	var polled api.Order
	for range 2 {
		if r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status != api.OrderPaid {
			t.Fatalf("poll after a payment the server was not told of: %+v", polled)
		}
	}
	got, err := r.db.Order(context.Background(), o.ID)
	if err != nil || got.TransactionID != "4200001" {
		t.Errorf("stored: %+v %v", got, err)
	}

	_, o2, _ := r.order(token, "k2", photoOnly)
	f.set(func(f *flaky) { f.paid[o2.ID] = "4200002"; f.closeErr = payment.ErrAlreadyPaid })
	if r.call(token, "POST", api.PathOrders+"/"+o2.ID+"/close", nil, &polled); polled.Status != api.OrderPaid {
		t.Errorf("closing an order paid meanwhile: %+v, want paid", polled)
	}
	if st, _ := r.browse("GET", r.srv.URL+api.PathPayPage+o.ID, nil); st != http.StatusNotFound {
		t.Errorf("a sandbox pay page with another provider: %d", st)
	}
}
