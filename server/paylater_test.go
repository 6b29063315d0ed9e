package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// laterSubmission sends a pay-later submission of session with its photo
// and submits it; its status after submit.
func (r *rig) laterSubmission(token, session string) (api.Submission, api.SubmissionState) {
	r.t.Helper()
	m := meta(newUUID(), session)
	m.Payment = api.PaymentLater
	if st := r.call(token, "PUT", api.PathSubmissions+m.ID, m, nil); st != 200 {
		r.t.Fatalf("put: %d", st)
	}
	if st := r.putPhoto(token, m.ID, api.KindStandard, testJPEG(r.t, 1), "", nil); st != 200 {
		r.t.Fatalf("photo: %d", st)
	}
	var state api.SubmissionState
	if st := r.call(token, "POST", api.PathSubmissions+m.ID+"/submit", nil, &state); st != 200 {
		r.t.Fatalf("submit: %d", st)
	}
	return m, state
}

// A kiosk that could not reach the server gives a pay-later QR code: its
// signed address opens an order from the phone (the sandbox's pay page);
// the submission waits outside review until that is paid, then enters it
// (and the kiosk hears of it). A forged address opens nothing.
func TestPayLater(t *testing.T) {
	r := newRig(t)
	token := r.enrol("")
	d, err := r.db.DeviceByToken(context.Background(), storage.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	session := newUUID()
	m, state := r.laterSubmission(token, session)
	if state.Status != api.StatusReceived {
		t.Fatalf("an unpaid pay-later submission is %s, want received (not in review)", state.Status)
	}
	var page api.StatusPage
	r.call(token, "GET", api.PathStatuses+"?since=0", nil, &page)
	if len(page.Changes) != 0 {
		t.Errorf("status changes before paying: %+v", page.Changes)
	}

	path := api.PayLaterPath(storage.Hash(token), d.ID, session, []string{"degree_photo"})
	forged := api.PayLaterPath(storage.Hash("another token"), d.ID, session, []string{"degree_photo"})
	if st, _ := r.browse("GET", r.srv.URL+forged, nil); st != http.StatusNotFound {
		t.Errorf("a forged address: %d", st)
	}
	st, body := r.browse("GET", r.srv.URL+path, nil) // follows to the pay page
	if st != 200 || !strings.Contains(body, "¥15.00") || !strings.Contains(body, `id="pay"`) {
		t.Fatalf("pay-later page: %d\n%s", st, body)
	}
	again, body2 := r.browse("GET", r.srv.URL+path, nil)
	if again != 200 || body2 != body {
		t.Errorf("the address again gives another page")
	}
	n, _ := r.db.SessionOrderCount(context.Background(), session)
	if n != 1 {
		t.Errorf("%d orders for the session, want 1", n)
	}
	act := strings.SplitN(strings.SplitN(body, `action="`, 2)[1], `"`, 2)[0]
	if st, body := r.browse("POST", r.srv.URL+act, url.Values{}); st != 200 || !strings.Contains(body, "已支付") {
		t.Fatalf("paying: %d\n%s", st, body)
	}
	sub, err := r.db.Submission(context.Background(), m.ID)
	if err != nil || sub.Status != api.StatusInReview {
		t.Fatalf("after paying the submission is %s (%v), want in review", sub.Status, err)
	}
	r.call(token, "GET", api.PathStatuses+"?since=0", nil, &page)
	if len(page.Changes) != 1 || page.Changes[0].Status != api.StatusInReview {
		t.Errorf("status changes after paying: %+v", page.Changes)
	}

	// paid first, submitted later: straight into review
	s2 := newUUID()
	_, body = r.browse("GET", r.srv.URL+api.PayLaterPath(storage.Hash(token), d.ID, s2, []string{"degree_photo"}), nil)
	act = strings.SplitN(strings.SplitN(body, `action="`, 2)[1], `"`, 2)[0]
	r.browse("POST", r.srv.URL+act, url.Values{})
	if _, state := r.laterSubmission(token, s2); state.Status != api.StatusInReview {
		t.Errorf("paid before it arrived: %s, want in review", state.Status)
	}
}

// A session whose order was already paid (at the kiosk) gets no second
// order from its pay-later address: the page says paid.
func TestPayLaterAfterPaid(t *testing.T) {
	r := newRig(t)
	token := r.enrol("")
	d, err := r.db.DeviceByToken(context.Background(), storage.Hash(token))
	if err != nil {
		t.Fatal(err)
	}
	session := newUUID()
	_, o, _ := r.order(token, session+"/1", api.OrderRequest{SessionID: session, Services: []string{"degree_photo"}})
	r.browse("POST", o.QR, url.Values{})
	st, body := r.browse("GET", r.srv.URL+api.PayLaterPath(storage.Hash(token), d.ID, session, []string{"degree_photo"}), nil)
	if st != 200 || !strings.Contains(body, "已支付") {
		t.Errorf("pay-later page of a paid session: %d\n%s", st, body)
	}
	if n, _ := r.db.SessionOrderCount(context.Background(), session); n != 1 {
		t.Errorf("%d orders for the session, want 1", n)
	}
}
