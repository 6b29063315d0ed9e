package ui

import (
	"context"
	"fmt"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/api"
	"gradphoto/app"
)

// pollEvery is how often the payment screen asks whether the order was
// paid; a variable for the tests.
var pollEvery = 2 * time.Second

// payingScreen shows the order's QR code, the amount and the time left,
// and asks the server every pollEvery whether it was paid: paid, the
// kiosk goes on to the camera by itself. An expired code is replaced on a
// tap; "Cancel" asks first, then closes the order and ends the session.
type payingScreen struct {
	k        *shell
	order    api.Order
	opening  bool      // the order is being opened
	failed   bool      // it could not be
	unsteady bool      // the last poll did not reach the server
	polling  bool      // a poll is under way
	lastPoll time.Time // when the last one started
	clock    *clock    // the time left, and the polls

	vouchering bool   // the voucher keypad shows instead of the QR code
	voucher    string // what is typed
	voucherErr string // translation key of why the last voucher was refused
	keys       *keypad
	typed, why *canvas.Text // the voucher page's code and refusal, updated in place

	left         *widget.Label
	renew, retry *widget.Button
	useVoucher   *widget.Button // opens the voucher keypad
	later        *widget.Button // pay later from a phone (no order could be opened)
	cash         *widget.Button // the assistant's "paid in cash"
	pin          *pinDialog     // the last PIN dialog shown
	redeem, scan *widget.Button // the voucher page's "use" and "back to the QR code"
	cancel, back *widget.Button
	cancelDialog *cancelDialog // the last cancel question shown
}

func newPayingScreen(k *shell) *payingScreen { return &payingScreen{k: k} }

func (s *payingScreen) content() fyne.CanvasObject {
	s.back = touchButton(lang.L("button.back"), false, s.k.onBack)
	s.cancel = touchButton(lang.L("paying.cancel"), false, s.onCancel)
	s.renew, s.retry = nil, nil
	top := heading(lang.L("paying.title"))
	buttons := []fyne.CanvasObject{s.back, s.cancel}
	s.cash = nil
	if s.k.svc.HasOperatorPIN(s.k.ctx) { // the assistant takes cash, behind the PIN
		s.cash = touchButton(lang.L("cash.open"), false, s.onCash)
		buttons = append(buttons, s.cash)
	}
	s.useVoucher = touchButton(lang.L("voucher.open"), false, s.onVoucher)
	if s.vouchering {
		return s.voucherContent(buttons)
	}
	switch {
	case s.opening:
		return container.NewBorder(top, buttonRow(buttons), nil, nil, paragraph(lang.L("paying.opening")))
	case s.failed:
		s.retry = touchButton(lang.L("services.retry"), false, s.onRetry)
		right := []fyne.CanvasObject{s.retry, s.useVoucher}
		msg := "paying.failed"
		if s.k.cfg.PayLater != nil { // no order without the server: pay from a phone later
			s.later = touchButton(lang.L("paying.later"), true, s.onLater)
			right, msg = append(right, s.later), "paying.failed_later"
		}
		return container.NewBorder(top, buttonRow(buttons, right...), nil, nil, card(paragraph(lang.L(msg))))
	case s.order.Status == api.OrderExpired || s.order.Status == api.OrderClosed:
		s.renew = touchButton(lang.L("paying.renew"), true, s.onRenew)
		return container.NewBorder(top, buttonRow(buttons, s.renew), nil, nil, card(paragraph(lang.L("paying.expired"))))
	}
	scan := "paying.scan"
	if s.order.Provider == "sandbox" {
		scan = "paying.scan_sandbox"
	}
	s.left = paragraph("")
	s.showLeft()
	info := container.NewVBox(label(lang.L("paying.amount")),
		text(yuan(s.order.AmountFen), 56, colPrimary, true), paragraph(lang.L(scan)), s.left)
	if s.unsteady {
		info.Add(text(lang.L("paying.unsteady"), 20, colWarning, false))
	}
	body := container.NewBorder(nil, nil, nil, container.NewCenter(qrCode(s.order.QR, 360)), info)
	return container.NewBorder(top, buttonRow(buttons, s.useVoucher), nil, nil, card(body))
}

// showLeft writes the time left to pay.
func (s *payingScreen) showLeft() {
	if s.left == nil {
		return
	}
	left := max(0, time.Until(s.order.ExpiresAt).Round(time.Second))
	s.left.SetText(lang.L("paying.left", map[string]any{
		"Time": fmt.Sprintf("%d:%02d", int(left.Minutes()), int(left.Seconds())%60)}))
}

// enter opens the order (the session's own when it has one that can still
// be paid) and starts the clock.
func (s *payingScreen) enter() {
	s.open(s.k.svc.OpenOrder)
	s.clock = countdown(s.onTick)
}

func (s *payingScreen) leave() {
	if s.clock != nil {
		s.clock.Stop()
		s.clock = nil
	}
	s.order, s.opening, s.failed, s.unsteady = api.Order{}, false, false, false
	s.vouchering, s.voucher, s.voucherErr = false, "", ""
}

// open gets an order with call, off the UI goroutine.
func (s *payingScreen) open(call func(context.Context) (api.Order, error)) {
	s.opening, s.failed = true, false
	s.k.show()
	ctx, id := s.k.ctx, s.k.svc.Session().ID
	do := uiDo
	s.k.calls.Add(1)
	go func() {
		defer s.k.calls.Done()
		o, err := call(ctx)
		do(func() { s.onOpened(id, o, err) })
	}()
}

func (s *payingScreen) onOpened(id string, o api.Order, err error) {
	if s.k.current != s || s.k.svc.Session().ID != id {
		return
	}
	s.opening = false
	if err != nil {
		log.Print(err)
		s.failed = true
	}
	s.onOrder(o)
}

// onTick moves the clock each second and polls every pollEvery.
func (s *payingScreen) onTick(c *clock) {
	if s.clock != c || s.opening || s.failed || s.order.Status != api.OrderPending {
		return
	}
	if time.Now().Before(s.order.ExpiresAt) {
		s.k.idle.Touch() // the graduate is paying on a phone, not touching the screen
	}
	s.showLeft()
	if s.polling || time.Since(s.lastPoll) < pollEvery {
		return
	}
	s.poll()
}

// poll asks the server about the order, off the UI goroutine.
func (s *payingScreen) poll() {
	s.polling, s.lastPoll = true, time.Now()
	ctx, id := s.k.ctx, s.k.svc.Session().ID
	do := uiDo
	s.k.calls.Add(1)
	go func() {
		defer s.k.calls.Done()
		o, err := s.k.svc.CheckOrder(ctx)
		do(func() {
			s.polling = false
			if s.k.current != s || s.k.svc.Session().ID != id {
				return
			}
			if err != nil {
				log.Print(err)
				if !s.unsteady {
					s.unsteady = true
					s.k.show()
				}
				return
			}
			if !s.unsteady && o.ID == s.order.ID && o.Status == s.order.Status {
				s.order = o // nothing to show anew
				return
			}
			s.unsteady = false
			s.onOrder(o)
		})
	}()
}

// onOrder shows where the order stands; paid, the session has moved on.
func (s *payingScreen) onOrder(o api.Order) {
	if o.ID != "" {
		s.order = o
	}
	if s.k.svc.Session().Step != app.StepPayment {
		s.k.touch() // paid: someone is here
	}
	s.k.show()
}

// onLater goes on without paying now: the receipt carries the pay-later
// QR code.
func (s *payingScreen) onLater() { s.k.act(s.k.svc.PayLater) }

func (s *payingScreen) onRenew() {
	s.k.touch()
	s.open(s.k.svc.RenewOrder)
}

func (s *payingScreen) onRetry() {
	s.k.touch()
	s.open(s.k.svc.OpenOrder)
}

// onCancel asks first: someone who has just paid must not cancel by mistake.
func (s *payingScreen) onCancel() {
	s.k.touch()
	s.cancelDialog = s.k.askCancel("paying", nil)
}

// voucherContent is the voucher page: the typed code, why it was refused,
// the letter keypad, "use" and "back to the QR code".
func (s *payingScreen) voucherContent(buttons []fyne.CanvasObject) fyne.CanvasObject {
	s.redeem = touchButton(lang.L("voucher.use"), true, s.onRedeem)
	s.scan = touchButton(lang.L("voucher.back"), false, s.onScanAgain)
	s.typed, s.why = text("", 44, colForeground, true), text("", 20, colError, false)
	s.showVoucher()
	s.keys = newKeypad(s.onVoucherKey)
	s.keys.setLetters(true)
	s.keys.abc = true // codes are mostly letters
	s.keys.rebuild()
	left := container.NewVBox(label(lang.L("voucher.code")), card(atLeast(container.NewCenter(s.typed), 440, 64)), s.why,
		paragraph(lang.L("voucher.hint")))
	body := container.NewBorder(nil, nil, nil, container.NewVBox(s.keys), left)
	return container.NewBorder(heading(lang.L("voucher.title")), buttonRow(append(buttons, s.scan), s.redeem), nil, nil,
		newTouchScroll(container.NewPadded(body)))
}

// showVoucher writes the typed code (or what to type) and why the last
// one was refused, in place: the keypad keeps its page.
func (s *payingScreen) showVoucher() {
	s.typed.Text, s.typed.Color, s.typed.TextSize = api.FormatVoucher(s.voucher), colForeground, 44
	if s.voucher == "" {
		s.typed.Text, s.typed.Color, s.typed.TextSize = lang.L("voucher.placeholder"), colMuted, 30
	}
	s.why.Text = ""
	if s.voucherErr != "" {
		s.why.Text = lang.L(s.voucherErr)
	}
	s.typed.Refresh()
	s.why.Refresh()
}

func (s *payingScreen) onVoucher() {
	s.k.touch()
	s.vouchering, s.voucherErr = true, ""
	s.k.show()
}

func (s *payingScreen) onScanAgain() {
	s.k.touch()
	s.vouchering = false
	s.k.show()
}

func (s *payingScreen) onVoucherKey(key string) {
	s.k.touch()
	s.voucherErr = ""
	s.voucher = typeKey(s.voucher, key, api.VoucherLen, nil)
	s.showVoucher()
}

// onRedeem checks the voucher (offline, against the voucher book) and
// goes on to the camera, or says why not.
func (s *payingScreen) onRedeem() {
	s.k.touch()
	err := s.k.svc.RedeemVoucher(s.k.ctx, s.voucher)
	if err != nil {
		log.Print(err)
		s.voucherErr = voucherProblem(err)
		s.showVoucher()
		return
	}
	s.k.show() // on to the camera
}

// voucherProblem is the translation key of why a voucher was refused.
func voucherProblem(err error) string {
	return keyOf(err, []errKey{
		{api.ErrVoucherFormat, "voucher.format"},
		{app.ErrVoucherUnknown, "voucher.unknown"},
		{app.ErrVoucherExpired, "voucher.expired"},
		{app.ErrVoucherUsed, "voucher.used"},
		{app.ErrVoucherSchool, "voucher.school"},
		{app.ErrVoucherAmount, "voucher.amount"},
	}, "voucher.failed")
}
