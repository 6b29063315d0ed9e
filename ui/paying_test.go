package ui

import (
	"context"
	"errors"
	"image"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/internal/argonhash"
	"gradphoto/remote"
	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/store"
)

// payServer is the real reference server on loopback (sandbox payments)
// and a payment client enrolled with it.
func payServer(t *testing.T, cfg server.Config) (*httptest.Server, *remote.Client, *storage.DB) {
	t.Helper()
	hs, pay, db, _ := payServerEnrolled(t, cfg)
	return hs, pay, db
}

// payServerEnrolled is payServer, with the kiosk's enrolment.
func payServerEnrolled(t *testing.T, cfg server.Config) (*httptest.Server, *remote.Client, *storage.DB, api.Enrolment) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Log = db, slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); db.Close() })
	code, err := server.NewEnrolCode(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	anon, err := remote.New(remote.Config{URL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	en, err := anon.Enrol(ctx, code, "test kiosk")
	if err != nil {
		t.Fatal(err)
	}
	pay, err := remote.New(remote.Config{URL: hs.URL, Token: en.Token, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return hs, pay, db, en
}

// newPayRig is a kiosk that takes payment through pay.
func newPayRig(t *testing.T, pay app.Payments) *rig {
	r := newRig(t, config{})
	r.k = newShell(r.win, newPayingService(r.st, app.Policy{}, pay), nil, config{})
	return r
}

// payLoop is startUILoop for a paying kiosk: at the end of the test the
// payment screens' server calls under way finish before the loop closes.
func payLoop(t *testing.T, r *rig) *uiLoop {
	l := startUILoop(t)
	t.Cleanup(func() {
		l.run(r.k.leaveCurrent)
		r.k.calls.Wait()
	})
	return l
}

// fastPolls makes the payment screen's clock and polls quick.
func fastPolls(t *testing.T) {
	oldTick, oldPoll := countdownTick, pollEvery
	countdownTick, pollEvery = 20*time.Millisecond, 50*time.Millisecond
	t.Cleanup(func() { countdownTick, pollEvery = oldTick, oldPoll })
}

// until polls cond on the UI loop until it holds.
func (l *uiLoop) until(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var ok bool
		l.run(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// walkToServices takes the demo graduate to the Service screen.
func (r *rig) walkToServices(t *testing.T) { t.Helper(); r.walkToServicesAs(t, demoGraduate.Number) }

// walkToServicesAs takes the graduate of number to the Service screen.
func (r *rig) walkToServicesAs(t *testing.T, number string) {
	t.Helper()
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, number)
	test.Tap(r.k.identity.next)
	r.wantStep(t, app.StepEligibility)
	test.Tap(r.k.eligibility.enter)
	r.wantStep(t, app.StepService)
}

// toPayment takes the demo graduate to the Payment screen: the catalog
// shown, "go to payment" tapped.
func (l *uiLoop) toPayment(t *testing.T, r *rig) {
	t.Helper()
	l.run(func() { r.walkToServices(t) })
	l.until(t, "the catalog", 5*time.Second, func() bool { return len(r.k.services.catalog.Services) > 0 })
	l.run(func() { test.Tap(r.k.services.pay) })
}

// toQR is toPayment until the order's QR code shows.
func (l *uiLoop) toQR(t *testing.T, r *rig) {
	t.Helper()
	l.toPayment(t, r)
	l.until(t, "the QR code", 5*time.Second, func() bool { return r.k.paying.order.QR != "" })
}

// decodeQR reads the QR code on the window's rendered picture.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code on screen: %v", err)
	}
	return res.GetText()
}

// The whole way through the real server with the sandbox provider: the
// catalog with its prices, the extra copy chosen, the QR on screen read
// back by a real decoder, paid from an HTTP client in the background, and
// the kiosk goes on to the camera by itself; the step bar says 已缴费.
func TestPayBySandboxQR(t *testing.T) {
	fastPolls(t)
	hs, pay, db := payServer(t, server.Config{})
	r := newPayRig(t, pay)
	l := payLoop(t, r)
	l.run(func() { r.walkToServices(t) })
	l.until(t, "the catalog", 5*time.Second, func() bool { return len(r.k.services.catalog.Services) > 0 })
	l.run(func() {
		shown := r.texts()
		for _, want := range []string{"学位证书照片", "¥15.00", "电子版照片一份", "¥5.00", "合计：¥15.00", "必选"} {
			if !strings.Contains(shown, want) {
				t.Errorf("services screen lacks %q:\n%s", want, shown)
			}
		}
		test.Tap(r.k.services.rows["degree_photo"]) // required: stays
		test.Tap(r.k.services.rows["digital_copy"])
		if !strings.Contains(r.texts(), "合计：¥20.00") {
			t.Errorf("total after choosing the copy:\n%s", r.texts())
		}
		test.Tap(r.k.services.pay)
		r.wantStep(t, app.StepPayment)
	})
	var o api.Order
	l.until(t, "the QR code", 5*time.Second, func() bool { o = r.k.paying.order; return o.QR != "" })
	var qr string
	l.run(func() {
		shown := r.texts()
		if !strings.Contains(shown, "¥20.00") || !strings.Contains(shown, "演示模式") || !strings.Contains(shown, "内完成支付") {
			t.Errorf("payment screen:\n%s", shown)
		}
		qr = decodeQR(t, r.win.Canvas().Capture())
	})
	if qr != o.QR || !strings.HasPrefix(qr, hs.URL+api.PathPayPage) {
		t.Fatalf("QR on screen %q, order's %q", qr, o.QR)
	}
	go func() { // the graduate's phone
		resp, err := http.PostForm(qr, url.Values{})
		if err == nil {
			resp.Body.Close()
		}
	}()
	l.waitStep(t, r, app.StepCapture, 10*time.Second)
	s := r.k.svc.Session()
	if s.Payment != app.PaymentPaid || s.OrderRef != o.ID {
		t.Errorf("session payment %q ref %q, want paid by %s", s.Payment, s.OrderRef, o.ID)
	}
	l.run(func() {
		if !strings.Contains(r.texts(), "已缴费") {
			t.Errorf("the step bar does not say paid:\n%s", r.texts())
		}
		if line := r.k.feeLine(); line != "费用：已扫码支付 ¥20.00" {
			t.Errorf("the receipt's fee line: %q", line)
		}
	})
	got, err := db.Order(context.Background(), o.ID)
	if err != nil || got.Status != api.OrderPaid || got.AmountFen != 2000 {
		t.Errorf("server's order: %+v %v", got, err)
	}
	kept, err := r.st.SessionOrders(context.Background(), s.ID)
	if err != nil || len(kept) != 1 || kept[0].Status != api.OrderPaid {
		t.Errorf("kiosk's orders: %+v %v", kept, err)
	}
}

// A QR code not paid in time: the screen says it expired (nothing was
// charged) and offers a new one, a new order; "Cancel" asks first, then
// closes the order and ends the session.
func TestPaymentExpiresAndCancels(t *testing.T) {
	fastPolls(t)
	_, pay, db := payServer(t, server.Config{OrderTTL: 300 * time.Millisecond})
	r := newPayRig(t, pay)
	l := payLoop(t, r)
	l.run(func() { r.walkToServices(t) })
	l.until(t, "the catalog", 5*time.Second, func() bool { return r.k.services.pay != nil && !r.k.services.loading })
	l.run(func() { test.Tap(r.k.services.pay) })
	l.until(t, "the expiry", 5*time.Second, func() bool { return r.k.paying.renew != nil })
	var first api.Order
	l.run(func() {
		first = r.k.paying.order
		if !strings.Contains(r.texts(), "二维码已过期") {
			t.Errorf("expiry not told:\n%s", r.texts())
		}
		test.Tap(r.k.paying.renew)
	})
	var second api.Order
	l.until(t, "a new QR code", 5*time.Second, func() bool {
		second = r.k.paying.order
		return second.ID != "" && second.ID != first.ID
	})
	l.run(func() {
		test.Tap(r.k.paying.cancel)
		test.Tap(r.k.paying.cancelDialog.stay)
		r.wantStep(t, app.StepPayment)
		test.Tap(r.k.paying.cancel)
		test.Tap(r.k.paying.cancelDialog.leave)
		r.wantStep(t, app.StepWelcome)
	})
	for _, id := range []string{first.ID, second.ID} {
		o, err := db.Order(context.Background(), id)
		if err != nil || (o.Status != api.OrderExpired && o.Status != api.OrderClosed) {
			t.Errorf("order %s after cancel: %+v %v", id, o, err)
		}
	}
}

// A graduate whose school pays (roster "prepaid") sees no catalog and no
// QR code: from the record straight on to the camera, the fee "学校支付".
func TestPrepaidSkipsPayment(t *testing.T) {
	_, pay, _ := payServer(t, server.Config{})
	r := newPayRig(t, pay)
	e := demoGraduate
	e.Number, e.Name, e.Prepaid = demoNumber("11010520030315002"), "赵一", true
	if _, err := r.st.ImportRoster(context.Background(), []app.RosterEntry{e}); err != nil {
		t.Fatal(err)
	}
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, e.Number)
	test.Tap(r.k.identity.next)
	r.wantStep(t, app.StepEligibility)
	test.Tap(r.k.eligibility.enter)
	r.wantStep(t, app.StepCapture)
	s := r.k.svc.Session()
	if s.Payment != app.PaymentSchool || len(s.Services) != 1 {
		t.Errorf("payment %q services %v, want the school's, the degree photo", s.Payment, s.Services)
	}
	if orders, err := r.st.SessionOrders(context.Background(), s.ID); err != nil || len(orders) != 0 {
		t.Errorf("orders %v (%v), want none", orders, err)
	}
	if !strings.Contains(r.texts(), "学校支付") {
		t.Errorf("the step bar does not say the school pays:\n%s", r.texts())
	}
}

// typeVoucher taps a code on the voucher keypad, switching pages as needed.
func typeVoucher(t *testing.T, s *payingScreen, code string) {
	t.Helper()
	test.Tap(s.keys.button(keyClear))
	for _, c := range code {
		digit := c >= '0' && c <= '9'
		if digit == s.keys.abc {
			sw := "123"
			if !s.keys.abc {
				sw = "ABC"
			}
			test.Tap(s.keys.button(sw))
		}
		b := s.keys.button(string(c))
		if b == nil {
			t.Fatalf("no key %q", c)
		}
		test.Tap(b)
	}
}

// Vouchers from the server's book, pulled by the sync worker, checked on
// the keypad with no further call: a mistyped, unknown, expired, other
// school's or too small one is refused in plain words; a good one settles
// the fee (the order closed) and goes on to the camera; once submitted,
// the same voucher is refused to the next graduate.
func TestPayByVoucher(t *testing.T) {
	fastPolls(t)
	ctx := context.Background()
	_, pay, db := payServer(t, server.Config{})
	mk := func(school string, fen int64, until time.Time) string {
		codes, err := server.NewVouchers(ctx, db, school, fen, until, 1)
		if err != nil {
			t.Fatal(err)
		}
		return codes[0]
	}
	later := time.Now().AddDate(0, 1, 0)
	good := mk(demoGraduate.School, 1500, later)
	expired := mk("", 1500, time.Now().Add(-time.Hour))
	other := mk("清华大学", 1500, later)
	small := mk("", 500, later)
	r := newPayRig(t, pay)
	w := &remote.Worker{Store: r.st, Client: pay}
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	l := payLoop(t, r)
	second := demoGraduate
	second.Number, second.Name = demoNumber("11010520030315003"), "钱二"
	if _, err := r.st.ImportRoster(ctx, []app.RosterEntry{second}); err != nil {
		t.Fatal(err)
	}
	toPayment := func(number string) {
		l.run(func() { r.walkToServicesAs(t, number) })
		l.until(t, "the catalog", 5*time.Second, func() bool { return len(r.k.services.catalog.Services) > 0 })
		l.run(func() { test.Tap(r.k.services.pay) })
		l.until(t, "the QR code", 5*time.Second, func() bool { return r.k.paying.order.QR != "" })
	}
	toPayment(demoGraduate.Number)
	order := r.k.paying.order
	l.run(func() {
		s := r.k.paying
		test.Tap(s.useVoucher)
		for _, c := range []struct{ code, want string }{
			{"ABCD", "12 位"},
			{api.NewVoucherCode(), "没有找到这张缴费券"},
			{expired, "已过期"},
			{other, "不能用于您的学校"},
			{small, "金额不够"},
		} {
			typeVoucher(t, s, c.code)
			test.Tap(s.redeem)
			if shown := r.texts(); !strings.Contains(shown, c.want) {
				t.Errorf("voucher %s: want %q:\n%s", c.code, c.want, shown)
			}
		}
		r.wantStep(t, app.StepPayment)
		typeVoucher(t, s, good)
		test.Tap(s.redeem)
		r.wantStep(t, app.StepCapture)
		if !strings.Contains(r.texts(), "缴费券") {
			t.Errorf("the step bar does not say voucher:\n%s", r.texts())
		}
	})
	sess := r.k.svc.Session()
	if sess.Payment != app.PaymentVoucher || sess.OrderRef != api.VoucherHash(good) {
		t.Errorf("payment %q ref %q", sess.Payment, sess.OrderRef)
	}
	if o, err := db.Order(ctx, order.ID); err != nil || o.Status != api.OrderClosed {
		t.Errorf("the QR code's order after the voucher: %+v %v", o, err)
	}
	img := smallJPEG(t)
	if err := r.k.svc.Capture(ctx, app.Shot{Raw: img, Standard: img, Passed: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.k.svc.AcceptStandard(ctx); err != nil {
		t.Fatal(err)
	}
	submission, err := r.k.svc.Confirm(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l.run(func() { r.k.show(); test.Tap(r.k.submitted.done) })

	// Meanwhile another kiosk, offline too, took the same voucher and
	// synced first. This submission is refused the voucher at sync: kept
	// at the server waiting for payment, and the kiosk hears "unpaid" —
	// nothing is left to retry.
	if err := db.UseVoucher(ctx, api.VoucherHash(good), "another-kiosks-submission", time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := w.Round(ctx); err != nil || st.Pending != 0 {
		t.Fatalf("sync after the voucher was used elsewhere: %+v %v", st, err)
	}
	if rec, err := r.st.FindStatus(ctx, demoGraduate.Number); err != nil || rec.Status != app.StatusUnpaid {
		t.Errorf("the kiosk says %+v (%v), want unpaid", rec, err)
	}
	if sub, err := db.Submission(ctx, submission); err != nil || sub.Status != api.StatusReceived || sub.Payment != api.PaymentLater {
		t.Errorf("at the server: %s %s %v, want received, to pay later", sub.Status, sub.Payment, err)
	}

	toPayment(second.Number)
	l.run(func() {
		test.Tap(r.k.paying.useVoucher)
		typeVoucher(t, r.k.paying, good)
		test.Tap(r.k.paying.redeem)
		if !strings.Contains(r.texts(), "已经用过了") {
			t.Errorf("a used voucher again:\n%s", r.texts())
		}
		r.wantStep(t, app.StepPayment)
	})
}

// network is the payment client with the network switched on or off.
type network struct {
	*remote.Client
	mu  sync.Mutex
	off bool
}

func (n *network) set(off bool) { n.mu.Lock(); n.off = off; n.mu.Unlock() }

func (n *network) down() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.off {
		return &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("network is unreachable")}
	}
	return nil
}

func (n *network) Catalog(ctx context.Context) (api.Catalog, error) {
	if err := n.down(); err != nil {
		return api.Catalog{}, err
	}
	return n.Client.Catalog(ctx)
}

func (n *network) CreateOrder(ctx context.Context, key string, req api.OrderRequest) (api.Order, error) {
	if err := n.down(); err != nil {
		return api.Order{}, err
	}
	return n.Client.CreateOrder(ctx, key, req)
}

// A day without a network: no order can be opened, so the graduate goes
// on with "pay later by phone"; the receipt's QR code is the signed
// pay-later address. The submission syncs but waits (待支付) until the
// phone pays on that address, then enters review.
func TestPayLaterOffline(t *testing.T) {
	fastPolls(t)
	ctx := context.Background()
	hs, online, db, en := payServerEnrolled(t, server.Config{})
	link := &network{Client: online}
	r := newPayRig(t, link)
	r.k.cfg.PayLater = payLaterURL(store.ServerConfig{URL: hs.URL, DeviceID: en.DeviceID, Token: en.Token})
	if _, err := r.k.svc.Catalog(ctx); err != nil { // the last sync's catalog
		t.Fatal(err)
	}
	link.set(true)
	// the kiosk restarted on the offline day: the catalog comes from its store
	cfg := r.k.cfg
	r.k = newShell(r.win, newPayingService(r.st, app.Policy{}, link), nil, cfg)
	l := payLoop(t, r)
	l.toPayment(t, r)
	l.until(t, "the offer to pay later", 10*time.Second, func() bool { return r.k.paying.later != nil })
	l.run(func() {
		if !strings.Contains(r.texts(), "回执上会有支付二维码") {
			t.Errorf("offline payment screen:\n%s", r.texts())
		}
		test.Tap(r.k.paying.later)
		r.wantStep(t, app.StepCapture)
	})
	img := smallJPEG(t)
	svc := r.k.svc
	for _, step := range []func() error{
		func() error { return svc.Capture(ctx, app.Shot{Raw: img, Standard: img, Passed: true}) },
		func() error { return svc.AcceptStandard(ctx) },
		func() error { _, err := svc.Confirm(ctx); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	var qr string
	sess := svc.Session()
	l.run(func() {
		r.k.show()
		if !strings.Contains(r.texts(), "扫码支付") || !strings.Contains(r.texts(), "待支付") {
			t.Errorf("receipt:\n%s", r.texts())
		}
		qr = decodeQR(t, r.win.Canvas().Capture())
	})
	if qr != r.k.submitted.payLater || !strings.HasPrefix(qr, hs.URL+api.PathPayLater) {
		t.Fatalf("the receipt's QR %q, want the pay-later address %q", qr, r.k.submitted.payLater)
	}
	w := &remote.Worker{Store: r.st, Client: online}
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	rec, err := r.st.FindStatus(ctx, sess.Identity.Number)
	if err != nil || rec.Status != app.StatusUnpaid {
		t.Fatalf("after sync the kiosk says %+v (%v), want unpaid", rec, err)
	}
	resp, err := http.Get(qr) // the phone: on to the pay page
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = http.PostForm(hs.URL+resp.Request.URL.Path, url.Values{}); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sub, err := db.Submission(ctx, sess.SubmissionID); err != nil || sub.Status != api.StatusInReview {
		t.Fatalf("after paying the server says %s (%v)", sub.Status, err)
	}
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if rec, _ := r.st.FindStatus(ctx, sess.Identity.Number); rec.Status != app.StatusInReview {
		t.Errorf("after paying the kiosk says %s, want in review", rec.Status)
	}
	// the receipt closed by itself meanwhile (fastPolls' quick countdown), or closes at the end
}

// "Paid in cash" is the assistant's, behind the operator PIN: a wrong PIN
// is told, from the third in a row the next try must wait, the right one
// settles the fee as cash (the QR code's order closed) and goes on to the
// camera; the audit log has each wrong PIN and the cash payment.
func TestPaidInCash(t *testing.T) {
	fastPolls(t)
	ctx := context.Background()
	_, pay, db := payServer(t, server.Config{})
	r := newPayRig(t, pay)
	if err := r.st.SetOperatorPIN(ctx, argonhash.Hash("246810")); err != nil {
		t.Fatal(err)
	}
	l := payLoop(t, r)
	l.toQR(t, r)
	order := r.k.paying.order
	typePIN := func(d *pinDialog, pin string) {
		for _, c := range pin {
			test.Tap(d.keys.button(string(c)))
		}
		test.Tap(d.ok)
	}
	l.run(func() {
		if r.k.paying.cash == nil {
			t.Fatal("no cash button with a PIN set")
		}
		test.Tap(r.k.paying.cash)
		d := r.k.paying.pin
		for range 3 {
			typePIN(d, "135790")
			if !strings.Contains(d.why.Text, "密码不对") {
				t.Errorf("a wrong PIN: %q", d.why.Text)
			}
		}
		typePIN(d, "246810")
		if !strings.Contains(d.why.Text, "秒后再试") {
			t.Errorf("after three wrong PINs the fourth try did not wait: %q", d.why.Text)
		}
		r.wantStep(t, app.StepPayment)
	})
	time.Sleep(1100 * time.Millisecond)
	l.run(func() {
		typePIN(r.k.paying.pin, "246810")
		r.wantStep(t, app.StepCapture)
		if !strings.Contains(r.texts(), "现金") {
			t.Errorf("the step bar does not say cash:\n%s", r.texts())
		}
	})
	if s := r.k.svc.Session(); s.Payment != app.PaymentCash {
		t.Errorf("payment %q, want cash", s.Payment)
	}
	if o, err := db.Order(ctx, order.ID); err != nil || o.Status != api.OrderClosed {
		t.Errorf("the QR code's order: %+v %v", o, err)
	}
	log, err := r.st.AuditLog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	wrong, cash := 0, 0
	for _, e := range log {
		switch e.Action {
		case "operator.pin_wrong":
			wrong++
		case "payment.cash":
			cash++
			if !strings.Contains(e.Detail, "amount_fen=1500") {
				t.Errorf("cash audit entry %+v", e)
			}
		}
	}
	if wrong != 3 || cash != 1 {
		t.Errorf("audit: %d wrong PINs, %d cash payments; want 3 and 1", wrong, cash)
	}
}

// A kiosk that has never had a catalog and cannot reach its server still
// lets a graduate on: the degree photo, to be paid later from a phone.
func TestNoCatalogPayLater(t *testing.T) {
	offline, err := remote.New(remote.Config{URL: "http://127.0.0.1:1", Token: "t", Retries: -1, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r := newPayRig(t, offline)
	r.k.cfg.PayLater = payLaterURL(store.ServerConfig{URL: "http://127.0.0.1:1", DeviceID: "d", Token: "t"})
	l := payLoop(t, r)
	l.run(func() { r.walkToServices(t) })
	l.until(t, "the offer to pay later", 10*time.Second, func() bool { return r.k.services.later != nil })
	l.run(func() {
		if !strings.Contains(r.texts(), "连不上收费服务器") {
			t.Errorf("services screen offline:\n%s", r.texts())
		}
		test.Tap(r.k.services.later)
		r.wantStep(t, app.StepCapture)
	})
	if s := r.k.svc.Session(); s.Payment != app.PaymentLater || len(s.Services) != 1 || s.Services[0] != app.ServiceDegreePhoto {
		t.Errorf("payment %q services %v", s.Payment, s.Services)
	}
}

// Paid in the very moment the session ends (the graduate cancels, or walks
// away, just as the phone pays): the money is not lost silently — the
// audit log names the order for a refund.
func TestPaidAsSessionEnds(t *testing.T) {
	oldTick, oldPoll := countdownTick, pollEvery
	countdownTick, pollEvery = 20*time.Millisecond, time.Hour // the screen never hears of the payment
	t.Cleanup(func() { countdownTick, pollEvery = oldTick, oldPoll })
	ctx := context.Background()
	_, pay, _ := payServer(t, server.Config{})
	r := newPayRig(t, pay)
	l := payLoop(t, r)
	l.toQR(t, r)
	o := r.k.paying.order
	resp, err := http.PostForm(o.QR, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	l.run(func() { r.k.onHome() })
	entries, err := r.st.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "order.paid_session_ended" && strings.Contains(e.Detail, o.ID)
	}
	if !found {
		t.Errorf("no audit entry for the order paid as the session ended: %+v", entries)
	}
}

// The kiosk stopped after it kept the paid order but before the session
// said so: restarted, it settles the session with that order — no second
// QR code, no second charge.
func TestResumeFindsPaidOrder(t *testing.T) {
	fastPolls(t)
	ctx := context.Background()
	_, pay, db := payServer(t, server.Config{})
	r := newPayRig(t, pay)
	l := payLoop(t, r)
	l.toQR(t, r)
	var sess app.Session
	var qr string
	l.run(func() { sess, qr = r.k.svc.Session(), r.k.paying.order.QR; r.k.leaveCurrent() }) // the kiosk stops
	resp, err := http.PostForm(qr, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	paid, err := pay.Order(ctx, sess.OrderRef)
	if err != nil || paid.Status != api.OrderPaid {
		t.Fatalf("the order: %+v %v", paid, err)
	}
	if err := r.st.SaveOrder(ctx, sess.ID, paid); err != nil { // the first of the two writes
		t.Fatal(err)
	}
	svc := newPayingService(r.st, app.Policy{}, pay) // restarted
	if !svc.Resume(sess) {
		t.Fatal("not resumed")
	}
	o, err := svc.OpenOrder(ctx)
	if err != nil || o.ID != paid.ID {
		t.Fatalf("after the restart: order %s (%v), want the paid %s", o.ID, err, paid.ID)
	}
	if s := svc.Session(); s.Step != app.StepCapture || s.Payment != app.PaymentPaid {
		t.Errorf("session at %s, payment %q", s.Step, s.Payment)
	}
	if n, _ := db.SessionOrderCount(ctx, sess.ID); n != 1 {
		t.Errorf("%d orders on the server, want 1", n)
	}
}
