package ui

import (
	"context"
	"errors"
	"log"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/remote"
)

// config holds the kiosk window's settings.
type config struct {
	Lang        string        // starting language: langZH (default) or langEN
	IdleWarn    time.Duration // inactivity warning (default 75 s)
	IdleTimeout time.Duration // inactivity reset (default 90 s)
	StatusURL   string        // the receipt's QR code: this + the status token; "" no QR (no server)
	// PayLater is the pay-later page of a session's services (the receipt's
	// QR code when the fee is to be paid later); nil: the kiosk has no server.
	PayLater func(sessionID string, services []string) string
}

func (c config) withDefaults() config {
	if c.Lang == "" {
		c.Lang = langZH
	}
	if c.IdleWarn <= 0 {
		c.IdleWarn = app.DefaultIdleWarn
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = app.DefaultIdleTimeout
	}
	return c
}

// screen is one step's page. content builds its widgets in the current
// language from the screen's own state, so a language switch keeps input.
type screen interface {
	content() fyne.CanvasObject
}

// uiDo hands work from another goroutine (camera, timers) to the UI
// goroutine. It is fyne.Do; the UI tests replace it with their own UI loop,
// because the test driver runs fyne.Do's work at once on the calling
// goroutine, where the real driver queues it for the main goroutine.
var uiDo = fyne.Do

// lifecycle is a screen that holds something while it shows (the camera,
// a timer): enter when it appears, leave when another screen replaces it.
type lifecycle interface {
	enter()
	leave()
}

// shell is the kiosk window: a top bar (title, step indicator, language
// toggle), the current step's screen and the inactivity watch.
type shell struct {
	win  fyne.Window
	svc  *app.Service
	cam  capture.Camera // nil: no camera screens (tests of the screens before them)
	shot capture.Shot   // the last capture
	cfg  config
	lang string
	idle *app.IdleTimer
	ctx  context.Context

	body      *fyne.Container
	warning   *widget.PopUp
	warnClock *clock         // the warning's countdown
	idleStay  *widget.Button // the warning's "stay" button (tests tap it)
	current   screen
	sync      *remote.State   // the sync worker's last state; nil: no server
	syncBox   *fyne.Container // the indicator in the top bar
	worker    *remote.Worker  // nil: no server

	ops      operatorStore   // nil: no operator mode
	operator *operatorScreen // operator mode, while open
	opPIN    *pinDialog      // its PIN question (tests answer it)

	calls    sync.WaitGroup // the screens' server calls under way (tests wait for them)
	checking bool           // the start-up self-check runs
	check    *selfCheck     // its outcome; nil until it is done (or never run)

	welcome     *welcomeScreen
	consent     *consentScreen
	identity    *identityScreen
	cards       *cardScreen
	eligibility *eligibilityScreen
	services    *servicesScreen
	paying      *payingScreen
	capture     *captureScreen
	standardise *standardiseScreen
	confirm     *confirmScreen
	submitted   *submittedScreen
	status      *statusScreen

	// afterIdleWarn and afterIdleReset, when set, are called after the
	// inactivity warning and reset (tests wait on them).
	afterIdleWarn, afterIdleReset func()
}

// newShell builds the kiosk UI in win on top of the domain service and the
// camera host (nil when no camera screen will be shown).
func newShell(win fyne.Window, svc *app.Service, cam capture.Camera, cfg config) *shell {
	cfg = cfg.withDefaults()
	k := &shell{win: win, svc: svc, cam: cam, cfg: cfg, lang: cfg.Lang, ctx: context.Background(),
		body: container.NewStack()}
	k.newScreens()
	k.idle = &app.IdleTimer{Warn: cfg.IdleWarn, Timeout: cfg.IdleTimeout,
		OnWarn:   func() { uiDo(k.onIdleWarn) },
		OnExpire: func() { uiDo(k.onIdleExpire) }}
	win.SetContent(k.body)
	win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { k.touch() })
	win.Canvas().AddShortcut(operatorChord, func(fyne.Shortcut) { k.onOperatorRequest() })
	k.show()
	return k
}

// start begins watching for inactivity; stop ends it.
func (k *shell) start(ctx context.Context) {
	k.ctx = ctx
	k.idle.Start(ctx)
}

// stop ends the inactivity watch and the camera.
func (k *shell) stop() {
	k.idle.Stop()
	k.leaveCurrent()
}

// newScreens makes every screen afresh: nothing of a previous graduate
// survives (the screen showing is left first, so its camera stops).
func (k *shell) newScreens() {
	k.leaveCurrent()
	k.welcome = &welcomeScreen{k: k}
	k.consent = &consentScreen{k: k}
	k.identity = newIdentityScreen(k)
	k.cards = newCardScreen(k)
	k.eligibility = &eligibilityScreen{k: k}
	k.services = newServicesScreen(k)
	k.paying = newPayingScreen(k)
	k.capture = newCaptureScreen(k)
	k.standardise = &standardiseScreen{k: k}
	k.confirm = &confirmScreen{k: k}
	k.submitted = &submittedScreen{k: k}
	k.status = newStatusScreen(k)
	k.shot = capture.Shot{}
}

// leaveCurrent lets the showing screen release what it holds.
func (k *shell) leaveCurrent() {
	if lc, ok := k.current.(lifecycle); ok {
		lc.leave()
	}
	k.current = nil
}

// screenFor picks the screen of a flow step. A kiosk that takes no payment
// never shows Service and Payment: the Eligibility screen's "进入采集"
// passes them in one move (the fee is recorded as deferred).
func (k *shell) screenFor(s app.Step) screen {
	switch s {
	case app.StepWelcome:
		return k.welcome
	case app.StepConsent:
		return k.consent
	case app.StepIdentity:
		return k.identity
	case app.StepEligibility:
		return k.eligibility
	case app.StepCards:
		return k.cards
	case app.StepService:
		return k.services
	case app.StepPayment:
		return k.paying
	case app.StepStatus:
		return k.status
	case app.StepCapture:
		return k.capture
	case app.StepStandardise:
		return k.standardise
	case app.StepConfirm:
		return k.confirm
	case app.StepSubmitted:
		return k.submitted
	}
	return k.welcome
}

// show renders the current step's screen under the top bar; a screen
// that replaces another is entered after the old one has left.
func (k *shell) show() {
	if k.operator != nil {
		k.body.Objects = []fyne.CanvasObject{container.NewPadded(k.operator.content())}
		k.body.Refresh()
		return
	}
	step := k.svc.Session().Step
	next := k.screenFor(step)
	changed := next != k.current
	if changed {
		k.leaveCurrent()
	}
	k.current = next
	top := k.topBar(step)
	k.body.Objects = []fyne.CanvasObject{
		container.NewBorder(top, nil, nil, nil, container.NewPadded(next.content())),
	}
	k.body.Refresh()
	if lc, ok := next.(lifecycle); ok && changed {
		lc.enter()
	}
}

func (k *shell) topBar(step app.Step) fyne.CanvasObject {
	title := text(lang.L("app.short_title"), 22, colPrimary, true)
	var head fyne.CanvasObject = title
	if step == app.StepWelcome && k.ops != nil { // held down: operator mode
		head = newLongPress(title, k.onOperatorRequest)
	}
	toggle := widget.NewButton(lang.L("lang.toggle"), k.onToggleLanguage)
	var middle fyne.CanvasObject = widget.NewLabel("")
	right := sized(toggle)
	if k.sync != nil {
		k.syncBox = container.NewCenter(k.syncLabel())
		right = container.NewHBox(k.syncBox, right)
	}
	stages := indicatorStages(k.svc.CardSteps())
	if i := indicatorIndex(stages, step); i >= 0 {
		pay := k.svc.Session().Payment
		bar := stepIndicator(stages, i, pay, false)
		room := k.win.Canvas().Size().Width - title.MinSize().Width - right.MinSize().Width - 4*theme.Padding()
		if bar.MinSize().Width > room {
			bar = stepIndicator(stages, i, pay, true)
		}
		middle = container.NewCenter(bar)
	}
	bar := container.NewBorder(nil, nil, container.NewCenter(head), right, middle)
	return container.NewVBox(container.NewPadded(bar), widget.NewSeparator())
}

// touch records activity and hides the inactivity warning.
func (k *shell) touch() {
	k.idle.Touch()
	k.hideWarning()
}

func (k *shell) onToggleLanguage() {
	k.touch()
	next := langEN
	if k.lang == langEN {
		next = langZH
	}
	k.setLang(next)
}

func (k *shell) setLang(code string) {
	if err := setLanguage(code); err != nil {
		log.Print(err)
		return
	}
	k.lang = code
	k.show()
}

// act runs a domain call from a handler and shows the resulting step; a
// failure that is not the graduate's doing goes to the error dialog.
func (k *shell) act(call func(ctx context.Context) error) bool {
	k.touch()
	if err := call(k.ctx); err != nil {
		k.fail(err)
		return false
	}
	k.show()
	return true
}

// fail tells the graduate something went wrong on our side and logs it.
func (k *shell) fail(err error) {
	log.Print(err)
	if errors.Is(err, app.ErrStorageFull) { // the assistant can free space; nothing was half kept
		k.message(lang.L("error.title"), lang.L("error.storage_full"))
		return
	}
	k.message(lang.L("error.title"), lang.L("error.system"))
}

// tell shows the graduate a notice they close with "OK".
func (k *shell) tell(msg string) { k.message(lang.L("notice.title"), msg) }

func (k *shell) message(title, msg string) {
	var pop *widget.PopUp
	ok := touchButton(lang.L("button.ok"), true, func() { pop.Hide() })
	pop = widget.NewModalPopUp(card(container.NewVBox(
		heading(title), atLeast(paragraph(msg), 520, 0), sized(ok))), k.win.Canvas())
	pop.Show()
}

// onIdleWarn asks whether the graduate is still there, counting down the
// seconds left; the screen behind it is hidden, so whoever walks up does
// not see the previous graduate's input.
func (k *shell) onIdleWarn() {
	if k.svc.Session().Step == app.StepWelcome || k.warning != nil {
		return
	}
	left := int((k.cfg.IdleTimeout - k.cfg.IdleWarn).Round(time.Second) / time.Second)
	msg := paragraph(lang.L("idle.message", map[string]any{"Seconds": left}))
	stay := touchButton(lang.L("idle.stay"), true, k.touch)
	k.idleStay = stay
	k.warning = widget.NewModalPopUp(card(container.NewVBox(
		heading(lang.L("idle.title")), atLeast(msg, 560, 0), sized(stay))), k.win.Canvas())
	k.body.Hide()
	k.warning.Show()
	k.warnClock = countdown(func(c *clock) {
		if k.warnClock != c || left <= 1 {
			return
		}
		left--
		msg.SetText(phraseBreaks(lang.L("idle.message", map[string]any{"Seconds": left})))
	})
	if k.afterIdleWarn != nil {
		k.afterIdleWarn()
	}
}

// hideWarning takes the inactivity warning down and shows the screen again.
func (k *shell) hideWarning() {
	if k.warning == nil {
		return
	}
	k.warning.Hide()
	k.warning = nil
	k.warnClock.Stop()
	k.warnClock = nil
	k.body.Show()
}

// onIdleExpire ends the session and clears every screen; the next person
// starts in the default language.
func (k *shell) onIdleExpire() {
	k.hideWarning()
	if k.operator != nil { // an assistant who walked away: back to Welcome
		k.closeOperator()
		return
	}
	if err := k.svc.Reset(k.ctx, app.EndTimeout); err != nil {
		log.Print(err)
	}
	k.clear()
	if k.afterIdleReset != nil {
		k.afterIdleReset()
	}
}

// clear forgets every screen's input and shows the current step (Welcome
// after a reset) in the default language: each graduate starts afresh.
func (k *shell) clear() {
	k.newScreens()
	if code := k.cfg.Lang; k.lang != code {
		if err := setLanguage(code); err != nil {
			log.Print(err)
		} else {
			k.lang = code
		}
	}
	k.show()
}

// onHome ends the session from any screen that offers "back to start".
func (k *shell) onHome() {
	k.touch()
	if err := k.svc.Reset(k.ctx, app.EndCancel); err != nil {
		log.Print(err)
	}
	k.clear()
}

// onBack goes one step back.
func (k *shell) onBack() {
	k.act(k.svc.Back)
	if k.svc.Session().Step == app.StepWelcome {
		k.clear()
	}
}

// syncLabel is the small sync indicator: offline, how many submissions
// wait, when the kiosk last reached the server. It never blocks anything.
func (k *shell) syncLabel() fyne.CanvasObject {
	st := *k.sync
	parts := []string{}
	col := colMuted
	switch {
	case st.Problem != "":
		parts, col = append(parts, lang.L("sync.problem")), colError
	case st.Offline:
		parts, col = append(parts, lang.L("sync.offline")), colWarning
	case st.LastSuccess.IsZero():
		parts = append(parts, lang.L("sync.never"))
	default:
		parts = append(parts, lang.L("sync.synced", map[string]any{"Time": st.LastSuccess.Local().Format("15:04")}))
	}
	if st.Pending > 0 {
		parts = append(parts, lang.L("sync.pending", map[string]any{"N": st.Pending}))
	}
	return text(strings.Join(parts, " · "), 18, col, false)
}

// onSync shows a new sync state (the worker's OnState, through uiDo): in
// place, so nothing the graduate is doing is disturbed.
func (k *shell) onSync(st remote.State) {
	first := k.sync == nil
	k.sync = &st
	if first || k.syncBox == nil {
		k.show()
		return
	}
	k.syncBox.Objects = []fyne.CanvasObject{k.syncLabel()}
	k.syncBox.Refresh()
}
