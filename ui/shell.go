package ui

import (
	"context"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
)

// Config holds the kiosk UI's settings.
type Config struct {
	Lang        string        // starting language: langZH (default) or langEN
	IdleWarn    time.Duration // inactivity warning (default 75 s)
	IdleTimeout time.Duration // inactivity reset (default 90 s)
}

func (c Config) withDefaults() Config {
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

// Kiosk is the kiosk window: a top bar (title, step indicator, language
// toggle), the current step's screen and the inactivity watch.
type Kiosk struct {
	win  fyne.Window
	svc  *app.Kiosk
	cfg  Config
	lang string
	idle *app.IdleTimer
	ctx  context.Context

	body    *fyne.Container
	warning *widget.PopUp
	current screen

	welcome     *welcomeScreen
	consent     *consentScreen
	identity    *identityScreen
	eligibility *eligibilityScreen
	status      *statusScreen
	pending     *pendingScreen

	// afterIdleWarn and afterIdleReset, when set, are called after the
	// inactivity warning and reset (tests wait on them).
	afterIdleWarn, afterIdleReset func()
}

// NewKiosk builds the kiosk UI in win on top of the domain service.
func NewKiosk(win fyne.Window, svc *app.Kiosk, cfg Config) *Kiosk {
	cfg = cfg.withDefaults()
	k := &Kiosk{win: win, svc: svc, cfg: cfg, lang: cfg.Lang, ctx: context.Background(),
		body: container.NewStack()}
	k.newScreens()
	k.idle = &app.IdleTimer{Warn: cfg.IdleWarn, Timeout: cfg.IdleTimeout,
		OnWarn:   func() { fyne.Do(k.onIdleWarn) },
		OnExpire: func() { fyne.Do(k.onIdleExpire) }}
	win.SetContent(k.body)
	win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { k.touch() })
	k.show()
	return k
}

// Start begins watching for inactivity; Stop ends it.
func (k *Kiosk) Start(ctx context.Context) {
	k.ctx = ctx
	k.idle.Start(ctx)
}

// Stop ends the inactivity watch.
func (k *Kiosk) Stop() { k.idle.Stop() }

// newScreens makes every screen afresh: nothing of a previous graduate survives.
func (k *Kiosk) newScreens() {
	k.welcome = &welcomeScreen{k: k}
	k.consent = &consentScreen{k: k}
	k.identity = newIdentityScreen(k)
	k.eligibility = &eligibilityScreen{k: k}
	k.status = newStatusScreen(k)
	k.pending = &pendingScreen{k: k}
}

// screenFor picks the screen of a flow step. Steps whose screens are not
// built yet (service, payment, capture…) show the honest pending screen.
func (k *Kiosk) screenFor(s app.Step) screen {
	switch s {
	case app.StepWelcome:
		return k.welcome
	case app.StepConsent:
		return k.consent
	case app.StepIdentity:
		return k.identity
	case app.StepEligibility:
		return k.eligibility
	case app.StepStatus:
		return k.status
	}
	return k.pending
}

// show renders the current step's screen under the top bar.
func (k *Kiosk) show() {
	step := k.svc.Session().Step
	k.current = k.screenFor(step)
	top := k.topBar(step)
	k.body.Objects = []fyne.CanvasObject{
		container.NewBorder(top, nil, nil, nil, container.NewPadded(k.current.content())),
	}
	k.body.Refresh()
}

func (k *Kiosk) topBar(step app.Step) fyne.CanvasObject {
	title := text(lang.L("app.short_title"), 22, colPrimary, true)
	toggle := widget.NewButton(lang.L("lang.toggle"), k.onToggleLanguage)
	var middle fyne.CanvasObject = widget.NewLabel("")
	if i := indicatorIndex(step); i >= 0 {
		middle = container.NewCenter(stepIndicator(i))
	}
	bar := container.NewBorder(nil, nil, container.NewCenter(title), sized(toggle), middle)
	return container.NewVBox(container.NewPadded(bar), widget.NewSeparator())
}

// touch records activity and hides the inactivity warning.
func (k *Kiosk) touch() {
	k.idle.Touch()
	if k.warning != nil {
		k.warning.Hide()
		k.warning = nil
	}
}

func (k *Kiosk) onToggleLanguage() {
	k.touch()
	next := langEN
	if k.lang == langEN {
		next = langZH
	}
	k.setLang(next)
}

func (k *Kiosk) setLang(code string) {
	if err := setLanguage(code); err != nil {
		log.Print(err)
		return
	}
	k.lang = code
	k.show()
}

// act runs a domain call from a handler and shows the resulting step; a
// failure that is not the graduate's doing goes to the error dialog.
func (k *Kiosk) act(call func(ctx context.Context) error) bool {
	k.touch()
	if err := call(k.ctx); err != nil {
		k.fail(err)
		return false
	}
	k.show()
	return true
}

// fail tells the graduate something went wrong on our side and logs it.
func (k *Kiosk) fail(err error) {
	log.Print(err)
	msg := widget.NewLabel(lang.L("error.system"))
	msg.Wrapping = fyne.TextWrapWord
	var pop *widget.PopUp
	ok := touchButton(lang.L("button.ok"), true, func() { pop.Hide() })
	pop = widget.NewModalPopUp(card(container.NewVBox(
		heading(lang.L("error.title")), atLeast(msg, 520, 0), sized(ok))), k.win.Canvas())
	pop.Show()
}

func (k *Kiosk) onIdleWarn() {
	if k.svc.Session().Step == app.StepWelcome || k.warning != nil {
		return
	}
	secs := int((k.cfg.IdleTimeout - k.cfg.IdleWarn).Round(time.Second) / time.Second)
	msg := paragraph(lang.L("idle.message", map[string]any{"Seconds": secs}))
	stay := touchButton(lang.L("idle.stay"), true, k.touch)
	k.warning = widget.NewModalPopUp(card(container.NewVBox(
		heading(lang.L("idle.title")), atLeast(msg, 560, 0), sized(stay))), k.win.Canvas())
	k.warning.Show()
	if k.afterIdleWarn != nil {
		k.afterIdleWarn()
	}
}

// onIdleExpire ends the session and clears every screen; the next person
// starts in the default language.
func (k *Kiosk) onIdleExpire() {
	if k.warning != nil {
		k.warning.Hide()
		k.warning = nil
	}
	if err := k.svc.Reset(k.ctx, app.EndTimeout); err != nil {
		log.Print(err)
	}
	k.clear(k.cfg.Lang)
	if k.afterIdleReset != nil {
		k.afterIdleReset()
	}
}

// clear forgets every screen's input and shows the current step (Welcome
// after a reset) in language code.
func (k *Kiosk) clear(code string) {
	k.newScreens()
	if k.lang != code {
		if err := setLanguage(code); err != nil {
			log.Print(err)
		} else {
			k.lang = code
		}
	}
	k.show()
}

// onHome ends the session from any screen that offers "back to start".
func (k *Kiosk) onHome() {
	k.touch()
	if err := k.svc.Reset(k.ctx, app.EndCancel); err != nil {
		log.Print(err)
	}
	k.clear(k.lang)
}

// onBack goes one step back.
func (k *Kiosk) onBack() {
	k.act(k.svc.Back)
	if k.svc.Session().Step == app.StepWelcome {
		k.clear(k.lang)
	}
}
