package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gradphoto/api"

	"gradphoto/server/storage/storagetest"
)

// `voucher add` prints codes; the book holds their signed hashes (never
// the codes), for the kiosk's school and for any school, and they verify
// with the key it gives; another school's vouchers are not in it.
func TestVoucherBook(t *testing.T) {
	r := newRig(t)
	dbFlag, data := storagetest.Flag(t)
	code, out, stderr := runMain("voucher", "add", dbFlag, data, "--school", "北京理工大学", "--amount", "1500",
		"--until", "2027-06-30", "--count", "3")
	if codes := strings.Fields(out); code != 0 || len(codes) != 3 || len(codes[0]) != 14 {
		t.Fatalf("voucher add: %d %q %q", code, out, stderr)
	}
	if code, _, _ := runMain("voucher", "add", dbFlag, data, "--amount", "1500"); code != exitUsage && code != exitFail {
		t.Errorf("voucher add without --until: %d", code)
	}

	ctx := context.Background()
	mine, err := NewVouchers(ctx, r.db, "北京理工大学", 1500, tomorrow(), 2)
	if err != nil {
		t.Fatal(err)
	}
	anyone, _ := NewVouchers(ctx, r.db, "", 2000, tomorrow(), 1)
	NewVouchers(ctx, r.db, "清华大学", 1500, tomorrow(), 1)
	token := r.enrol("北京理工大学")
	var book api.VoucherBook
	if st := r.call(token, "GET", api.PathVouchers+"?since=", nil, &book); st != 200 || len(book.Vouchers) != 3 {
		t.Fatalf("book: %d %+v", st, book)
	}
	want := map[string]bool{api.VoucherHash(mine[0]): true, api.VoucherHash(mine[1]): true, api.VoucherHash(anyone[0]): true}
	for _, v := range book.Vouchers {
		if !want[v.Hash] || !api.VerifyVoucher(book.Key, v) {
			t.Errorf("book entry %+v: wanted %v, verifies %v", v, want[v.Hash], api.VerifyVoucher(book.Key, v))
		}
	}
	if r.fileHolds(mine[0]) {
		t.Error("a voucher code is stored in clear")
	}
	var again api.VoucherBook
	if r.call(token, "GET", api.PathVouchers+"?since="+book.Next, nil, &again); len(again.Vouchers) != 0 || again.Key != book.Key {
		t.Errorf("after the cursor: %+v", again)
	}
	var e api.Error
	if st := r.call(token, "GET", api.PathVouchers+"?since=x", nil, &e); st != http.StatusBadRequest {
		t.Errorf("a bad cursor: %d %+v", st, e)
	}
}

// A voucher pays for one submission: the same submission may be sent
// again. Another submission with the same voucher, or one with an unknown
// voucher, is refused at sync: it is kept, waits outside review, its
// status page says it waits for payment and pays it, and then it enters
// review. Each refusal is audited.
func TestVoucherUsedOnce(t *testing.T) {
	r := newRig(t)
	codes, err := NewVouchers(context.Background(), r.db, "", 1500, tomorrow(), 1)
	if err != nil {
		t.Fatal(err)
	}
	token := r.enrol("")
	send := func(ref string) (api.Submission, api.SubmissionState) {
		m := meta(newUUID(), newUUID())
		m.Payment, m.OrderRef, m.StatusToken = api.PaymentVoucher, ref, "status-"+newUUID()
		for range 2 { // a retry changes nothing
			if st := r.call(token, "PUT", api.PathSubmissions+m.ID, m, nil); st != 200 {
				t.Fatalf("put: %d", st)
			}
		}
		if st := r.putPhoto(token, m.ID, api.KindStandard, testJPEG(t, 1), "", nil); st != 200 {
			t.Fatalf("photo: %d", st)
		}
		var state api.SubmissionState
		if st := r.call(token, "POST", api.PathSubmissions+m.ID+"/submit", nil, &state); st != 200 {
			t.Fatalf("submit: %d", st)
		}
		return m, state
	}
	if _, state := send(api.VoucherHash(codes[0])); state.Status != api.StatusInReview {
		t.Fatalf("the first use: %s, want in review", state.Status)
	}
	reused, state := send(api.VoucherHash(codes[0]))
	if state.Status != api.StatusReceived {
		t.Errorf("a second use: %s, want received (waiting for payment)", state.Status)
	}
	if _, state := send(api.VoucherHash(api.NewVoucherCode())); state.Status != api.StatusReceived {
		t.Errorf("an unknown voucher: %s, want received", state.Status)
	}
	if n := r.auditCount("voucher.refused"); n != 2 {
		t.Errorf("%d refusals audited, want 2", n)
	}

	page := r.srv.URL + "/s/" + reused.StatusToken
	st, body := r.browse("GET", page, nil)
	if st != 200 || !strings.Contains(body, "待支付") || !strings.Contains(body, `action="/s/`+reused.StatusToken+`/pay"`) {
		t.Fatalf("status page of the refused voucher: %d\n%s", st, body)
	}
	st, body = r.browse("GET", page+"/pay", nil) // on to the sandbox's pay page
	if st != 200 || !strings.Contains(body, "¥15.00") {
		t.Fatalf("pay from the status page: %d\n%s", st, body)
	}
	act := strings.SplitN(strings.SplitN(body, `action="`, 2)[1], `"`, 2)[0]
	if st, _ := r.browse("POST", r.srv.URL+act, url.Values{}); st != 200 {
		t.Fatalf("paying: %d", st)
	}
	sub, err := r.db.Submission(context.Background(), reused.ID)
	if err != nil || sub.Status != api.StatusInReview {
		t.Fatalf("after paying: %s %v, want in review", sub.Status, err)
	}
	if _, body := r.browse("GET", page, nil); strings.Contains(body, "/pay") {
		t.Error("the status page still offers to pay")
	}
	if st, _ := r.browse("GET", page+"/pay", nil); st != http.StatusNotFound {
		t.Errorf("paying a paid submission again: %d, want 404", st)
	}
}

func tomorrow() time.Time { return time.Now().AddDate(0, 0, 1) }
