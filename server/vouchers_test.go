package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"gradphoto/api"
)

// `voucher add` prints codes; the book holds their signed hashes (never
// the codes), for the kiosk's school and for any school, and they verify
// with the key it gives; another school's vouchers are not in it.
func TestVoucherBook(t *testing.T) {
	r := newRig(t)
	data := t.TempDir()
	code, out, stderr := runMain("voucher", "add", "--data", data, "--school", "北京理工大学", "--amount", "1500",
		"--until", "2027-06-30", "--count", "3")
	if codes := strings.Fields(out); code != 0 || len(codes) != 3 || len(codes[0]) != 14 {
		t.Fatalf("voucher add: %d %q %q", code, out, stderr)
	}
	if code, _, _ := runMain("voucher", "add", "--data", data, "--amount", "1500"); code != exitUsage && code != exitFail {
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
// again, another one with the same voucher is refused at sync (402), and
// so is an unknown voucher.
func TestVoucherUsedOnce(t *testing.T) {
	r := newRig(t)
	codes, err := NewVouchers(context.Background(), r.db, "", 1500, tomorrow(), 1)
	if err != nil {
		t.Fatal(err)
	}
	token := r.enrol("")
	paid := func(ref string) api.Submission {
		m := meta(newUUID(), newUUID())
		m.Payment, m.OrderRef = api.PaymentVoucher, ref
		return m
	}
	first := paid(api.VoucherHash(codes[0]))
	for range 2 {
		if st := r.call(token, "PUT", api.PathSubmissions+first.ID, first, nil); st != 200 {
			t.Fatalf("the first use: %d", st)
		}
	}
	second := paid(api.VoucherHash(codes[0]))
	var e api.Error
	if st := r.call(token, "PUT", api.PathSubmissions+second.ID, second, &e); st != http.StatusPaymentRequired || e.Code != api.CodePayment {
		t.Errorf("a second use: %d %+v", st, e)
	}
	forged := paid(api.VoucherHash(api.NewVoucherCode()))
	if st := r.call(token, "PUT", api.PathSubmissions+forged.ID, forged, &e); st != http.StatusPaymentRequired {
		t.Errorf("an unknown voucher: %d %+v", st, e)
	}
	if _, err := r.db.Submission(context.Background(), second.ID); err == nil {
		t.Error("the refused submission was stored")
	}
}

func tomorrow() time.Time { return time.Now().AddDate(0, 0, 1) }
