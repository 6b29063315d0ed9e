package ui

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	_ "github.com/mattn/go-sqlite3"

	"gradphoto/app"
	"gradphoto/capture"
	"gradphoto/store"
)

// rig is a kiosk UI on the Fyne test driver over a real SQLite store.
type rig struct {
	k   *shell
	st  *store.Store
	win fyne.Window
	db  string // the database file
}

func newRig(t *testing.T, cfg config) *rig {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kioskTheme{})
	if err := setLanguage(langZH); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "kiosk.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := seedDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	w.Resize(windowSize)
	t.Cleanup(w.Close)
	return &rig{k: newShell(w, newService(st, app.Policy{}), nil, cfg), st: st, win: w, db: db}
}

func (r *rig) step() app.Step { return r.k.svc.Session().Step }

func (r *rig) wantStep(t *testing.T, want app.Step) {
	t.Helper()
	if got := r.step(); got != want {
		t.Fatalf("step = %s, want %s", got, want)
	}
}

// texts returns every text drawn on the window, popups included.
func (r *rig) texts() string {
	c := r.win.Canvas()
	objs := test.LaidOutObjects(c.Content())
	for _, o := range c.Overlays().List() {
		objs = append(objs, test.LaidOutObjects(o)...)
	}
	var b strings.Builder
	for _, o := range objs {
		if t, ok := o.(*canvas.Text); ok && o.Visible() {
			b.WriteString(t.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// walkToIdentity taps Welcome → Consent (tick, accept) → Identity.
func (r *rig) walkToIdentity(t *testing.T) {
	t.Helper()
	test.Tap(r.k.welcome.start)
	r.wantStep(t, app.StepConsent)
	test.Tap(r.k.consent.accept) // disabled until ticked
	r.wantStep(t, app.StepConsent)
	test.Tap(r.k.consent.check)
	test.Tap(r.k.consent.accept)
	r.wantStep(t, app.StepIdentity)
}

// walkToNotFound types a valid number that is not on the roster.
func (r *rig) walkToNotFound(t *testing.T) {
	t.Helper()
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, demoNumber("44030519990101003"))
	test.Tap(r.k.identity.next)
	r.wantStep(t, app.StepEligibility)
}

// typeNumber taps the number on the on-screen keypad.
func (r *rig) typeNumber(t *testing.T, in *numberInput, number string) {
	t.Helper()
	for _, c := range number {
		b := in.keypad.button(string(c))
		if b == nil {
			t.Fatalf("keypad has no key %q", c)
		}
		test.Tap(b)
	}
}

func TestFlowWelcomeToEligibility(t *testing.T) {
	r := newRig(t, config{})
	r.walkToIdentity(t)

	id := r.k.identity
	r.typeNumber(t, id.input, "99") // typed by mistake, then cleared
	test.Tap(id.input.keypad.button(keyClear))
	r.typeNumber(t, id.input, demoGraduate.Number[:17]+"7")
	test.Tap(id.input.keypad.button(keyBackspace))
	r.typeNumber(t, id.input, demoGraduate.Number[17:]+"9") // the 19th character is refused
	if id.input.number != demoGraduate.Number {
		t.Fatalf("keypad typed %q, want %q", id.input.number, demoGraduate.Number)
	}
	test.Tap(id.next)
	r.wantStep(t, app.StepEligibility)

	rec := r.k.eligibility.record
	if rec["eligibility.name"] != "李*明" || rec["eligibility.id_number"] != "110105********0014" {
		t.Fatalf("record shows name %q number %q, want 李*明 110105********0014",
			rec["eligibility.name"], rec["eligibility.id_number"])
	}
	shown := r.texts()
	for _, want := range []string{"是您本人吗？", "李*明", "110105********0014", "华东示范大学", "计算机科学与技术", "是我本人，继续", "不是我"} {
		if !strings.Contains(shown, want) {
			t.Errorf("eligibility screen does not show %q", want)
		}
	}
	for _, secret := range []string{demoGraduate.Number, demoGraduate.Name} {
		if strings.Contains(shown, secret) {
			t.Errorf("eligibility screen shows %q unmasked", secret)
		}
	}

	// on to the camera: see capture_test.go
}

func TestIdentityRejectsBadCheckCharacter(t *testing.T) {
	r := newRig(t, config{})
	r.walkToIdentity(t)
	id := r.k.identity
	r.typeNumber(t, id.input, demoGraduate.Number[:17]+"5")
	test.Tap(id.next)
	r.wantStep(t, app.StepIdentity)
	if !strings.Contains(r.texts(), "校验码不对") {
		t.Errorf("no check-character message on screen:\n%s", r.texts())
	}
	test.Tap(id.input.keypad.button(keyBackspace)) // typing clears the message
	if strings.Contains(r.texts(), "校验码不对") {
		t.Error("message stays after the number changed")
	}
}

// No name is typed at the kiosk (a touch screen has no input method): the
// Identity screen has no name field, and the roster's name is confirmed.
func TestIdentityAsksOnlyTheNumber(t *testing.T) {
	r := newRig(t, config{})
	r.walkToIdentity(t)
	for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
		if _, ok := o.(*widget.Entry); ok {
			t.Fatal("the Identity screen has a text field: a touch screen cannot type in it")
		}
	}
	r.typeNumber(t, r.k.identity.input, demoGraduate.Number)
	test.Tap(r.k.identity.next)
	r.wantStep(t, app.StepEligibility)
	test.Tap(r.k.eligibility.enter)
	if s := r.k.svc.Session(); s.Identity == nil || s.Identity.Name != demoGraduate.Name {
		t.Errorf("after \"是我本人\" the identity is %+v, want the roster's name", s.Identity)
	}
}

func TestNotOnRosterExplains(t *testing.T) {
	r := newRig(t, config{})
	r.walkToNotFound(t)
	shown := r.texts()
	if !strings.Contains(shown, "未在毕业生名单中找到您") || r.k.eligibility.enter != nil {
		t.Errorf("not-found screen wrong (enter button %v):\n%s", r.k.eligibility.enter, shown)
	}
}

func TestLanguageToggleKeepsInput(t *testing.T) {
	r := newRig(t, config{})
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, "110105")
	r.k.onToggleLanguage()
	t.Cleanup(func() { setLanguage(langZH) })
	shown := r.texts()
	if !strings.Contains(shown, "Your identity") || !strings.Contains(shown, "110105") {
		t.Errorf("after toggle want English with the typed number kept:\n%s", shown)
	}
	r.k.onToggleLanguage()
	if !strings.Contains(r.texts(), "核验身份") {
		t.Error("toggle back did not return to Chinese")
	}
}

func TestDeclineConsentReturnsToWelcome(t *testing.T) {
	r := newRig(t, config{})
	test.Tap(r.k.welcome.start)
	test.Tap(r.k.consent.decline)
	r.wantStep(t, app.StepWelcome)
	if got := r.k.svc.Session(); got.ID != "" || got.Consent != nil {
		t.Errorf("declined session still held: %+v", got)
	}
	if !strings.Contains(r.texts(), "开始采集") {
		t.Error("Welcome not shown after decline")
	}
}

func TestStatusLookupRejectedOffersRetake(t *testing.T) {
	r := newRig(t, config{})
	test.Tap(r.k.welcome.lookup)
	r.wantStep(t, app.StepStatus)
	r.typeNumber(t, r.k.status.input, demoRejected.Number)
	test.Tap(r.k.status.search)
	shown := r.texts()
	// The status only, the number masked: the reason and the retake wait
	// for the second question.
	if !strings.Contains(shown, "未通过") || !strings.Contains(shown, app.MaskID(demoRejected.Number)) {
		t.Fatalf("status or masked number missing:\n%s", shown)
	}
	if strings.Contains(shown, demoRejected.Number) || strings.Contains(shown, "背景不是纯色") || r.k.status.retake != nil {
		t.Fatalf("more than the status shown before the second question:\n%s", shown)
	}
	r.typeNumber(t, r.k.status.answer, "9999")
	test.Tap(r.k.status.verify)
	if !strings.Contains(r.texts(), "不对，请再试一次") || r.k.status.retake != nil {
		t.Fatalf("a wrong answer is not told, or lets the retake through:\n%s", r.texts())
	}
	r.typeNumber(t, r.k.status.answer, demoRejected.StudentNo[len(demoRejected.StudentNo)-4:])
	test.Tap(r.k.status.verify)
	shown = r.texts()
	if !strings.Contains(shown, "背景不是纯色") || r.k.status.retake == nil || strings.Contains(shown, demoRejected.Number) {
		t.Fatalf("after the right answer: reason and retake, number still masked:\n%s", shown)
	}
	test.Tap(r.k.status.retake)
	r.wantStep(t, app.StepCapture)
	if s := r.k.svc.Session(); s.Payment != app.PaymentRetake {
		t.Errorf("retake payment = %q, want free retake", s.Payment)
	}
}

// A status other than a rejection has nothing more to show: it comes with
// its explanation and no second question.
func TestStatusLookupQueuedAsksNothing(t *testing.T) {
	r := newRig(t, config{})
	r.toReceipt(t)
	test.Tap(r.k.submitted.done)
	test.Tap(r.k.welcome.lookup)
	r.typeNumber(t, r.k.status.input, demoGraduate.Number)
	test.Tap(r.k.status.search)
	shown := r.texts()
	if !strings.Contains(shown, "待同步") || !strings.Contains(shown, "联网后会自动上传") {
		t.Errorf("the queued status is not explained:\n%s", shown)
	}
	if r.k.status.verify != nil || strings.Contains(shown, "提交码") || r.k.status.retake != nil {
		t.Errorf("a second question (or a retake) for a photo that was not rejected:\n%s", shown)
	}
}

func TestStatusLookupNone(t *testing.T) {
	r := newRig(t, config{})
	test.Tap(r.k.welcome.lookup)
	r.typeNumber(t, r.k.status.input, demoGraduate.Number)
	test.Tap(r.k.status.search)
	if !strings.Contains(r.texts(), "没有找到您的提交记录") || r.k.status.retake != nil {
		t.Error("no-submission message missing")
	}
	if strings.Contains(r.texts(), demoGraduate.Number) {
		t.Error("the number stays on screen unmasked after the look-up")
	}
}

// The inactivity reset ends the session and clears every screen.
func TestInactivityResetClearsEverything(t *testing.T) {
	r := newRig(t, config{IdleWarn: 60 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})
	r.walkToIdentity(t)
	r.typeNumber(t, r.k.identity.input, demoGraduate.Number)
	test.Tap(r.k.identity.next)
	r.wantStep(t, app.StepEligibility)
	sessionID := r.k.svc.Session().ID

	warned, reset := make(chan struct{}), make(chan struct{})
	var bodyShown bool
	r.k.afterIdleWarn = func() { bodyShown = r.k.body.Visible(); close(warned) }
	r.k.afterIdleReset = func() { close(reset) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.k.start(ctx) // the timer starts only now: no tap races its goroutine
	defer r.k.stop()
	for _, ch := range []chan struct{}{warned, reset} {
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("inactivity warning or reset did not come")
		}
		if ch == warned && bodyShown {
			t.Error("the previous graduate's screen stays visible behind the warning")
		}
	}

	r.wantStep(t, app.StepWelcome)
	shown := r.texts()
	for _, gone := range []string{"李*明", "0014", demoGraduate.Number} {
		if strings.Contains(shown, gone) {
			t.Errorf("after reset the window still shows %q", gone)
		}
	}
	if r.k.identity.input.number != "" || r.k.eligibility.record != nil {
		t.Error("screens keep the previous graduate's input")
	}
	if r.k.warning != nil {
		t.Error("warning still up after reset")
	}
	entries, err := r.st.AuditLog(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "session.timeout" {
		t.Errorf("audit log %+v, want session.timeout first", entries)
	}
	if _, err := r.st.GetSession(context.Background(), sessionID); err != nil {
		t.Errorf("ended session not kept: %v", err)
	}
	r.wantNoPII(t, sessionID)
}

// wantNoPII reads the database file as anyone could and fails when the
// session still holds a number, a name, a card image or a photo.
func (r *rig) wantNoPII(t *testing.T, sessionID string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+r.db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var held int
	err = db.QueryRow(`SELECT
		(SELECT COUNT(*) FROM sessions WHERE id = ?1 AND (number_enc IS NOT NULL OR name_enc IS NOT NULL OR number_hash IS NOT NULL)) +
		(SELECT COUNT(*) FROM documents WHERE session_id = ?1 AND image_enc IS NOT NULL) +
		(SELECT COUNT(*) FROM photos WHERE session_id = ?1)`, sessionID).Scan(&held)
	if err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Errorf("the ended session %s still holds %d items of personal data", sessionID, held)
	}
}

// A graduate who is not on the roster and leaves: nothing of them is kept,
// and no photo was asked for.
func TestNotEligibleLeavesNoPII(t *testing.T) {
	r := newRig(t, config{})
	r.walkToNotFound(t)
	id := r.k.svc.Session().ID
	r.k.onHome()
	r.wantStep(t, app.StepWelcome)
	r.wantNoPII(t, id)
}

// submitPassport types the demo passport's number on the letter keypad
// (the passport already chosen) and goes on to the roster match.
func (r *rig) submitPassport(t *testing.T) {
	t.Helper()
	id := r.k.identity
	test.Tap(id.input.keypad.button("ABC"))
	test.Tap(id.input.keypad.button("E"))
	test.Tap(id.input.keypad.button("123"))
	r.typeNumber(t, id.input, demoPassport.Number[1:])
	test.Tap(id.next)
	r.wantStep(t, app.StepEligibility)
}

// An ID card read, then the graduate chooses a passport: the reading and
// its note are forgotten, and the card image is deleted with its row.
func TestPassportAfterCardRead(t *testing.T) {
	r := newRig(t, config{})
	r.k = newShell(r.win, newService(r.st, app.Policy{RequireCards: true}), nil, config{})
	r.walkToIdentity(t)
	id := r.k.identity
	if err := r.k.svc.AddCard(context.Background(), app.CardFront, []byte("front jpeg")); err != nil {
		t.Fatal(err)
	}
	id.reading = true
	id.onRead(capture.CardText{Number: demoGraduate.Number, Name: demoGraduate.Name}, nil)
	if !strings.Contains(r.texts(), "已从身份证读取号码") {
		t.Fatalf("no note about the reading:\n%s", r.texts())
	}
	test.Tap(id.input.keypad.button(keyClear))
	if strings.Contains(r.texts(), "已从身份证读取号码") {
		t.Errorf("the note stays after the number was cleared:\n%s", r.texts())
	}
	test.Tap(id.input.docButtons[app.DocPassport])
	if id.read != nil || id.note != "" {
		t.Errorf("the card read stays for a passport: %+v %q", id.read, id.note)
	}
	r.submitPassport(t)
	if s := r.k.svc.Session(); len(s.Cards) != 0 {
		t.Errorf("passport session keeps cards %v", s.Cards)
	}
	got, err := r.st.GetSession(context.Background(), r.k.svc.Session().ID)
	if err != nil || len(got.Cards) != 0 {
		t.Errorf("stored passport session: cards %v, %v", got.Cards, err)
	}
	held, purged, err := r.st.DocumentCounts(context.Background())
	if err != nil || held+purged != 0 {
		t.Errorf("documents left for a passport: %d held, %d purged, %v", held, purged, err)
	}
}

// A passport: the Latin keypad, no ID-card screen, no card stored; the
// roster's name confirmed, then straight on towards the camera.
func TestPassportPathWithoutCardScreens(t *testing.T) {
	r := newRig(t, config{})
	r.k = newShell(r.win, newService(r.st, app.Policy{RequireCards: true}), nil, config{})
	r.walkToIdentity(t)
	id := r.k.identity
	test.Tap(id.input.docButtons[app.DocPassport])
	r.submitPassport(t)
	if !strings.Contains(r.texts(), app.MaskName(demoPassport.Name)) {
		t.Errorf("the roster's name is not shown masked:\n%s", r.texts())
	}
	test.Tap(r.k.eligibility.enter)
	r.wantStep(t, app.StepCapture)
	s := r.k.svc.Session()
	if len(s.Cards) != 0 || s.Identity.Name != demoPassport.Name {
		t.Errorf("passport session: cards %v, identity %+v", s.Cards, s.Identity)
	}
	held, _, err := r.st.DocumentCounts(context.Background())
	if err != nil || held != 0 {
		t.Errorf("card images stored for a passport: %d, %v", held, err)
	}
	for _, st := range indicatorStages(r.k.svc.CardSteps()) {
		if st.key == "steps.cards" {
			t.Error("the step bar shows a document step for a passport")
		}
	}
}

// The inactivity warning counts down the seconds left; "stay" brings the
// screen back as it was.
func TestIdleWarningCountsDown(t *testing.T) {
	l := startUILoop(t)
	old := countdownTick
	countdownTick = 10 * time.Millisecond
	t.Cleanup(func() { countdownTick = old })
	r := newRig(t, config{IdleWarn: time.Hour, IdleTimeout: time.Hour + 15*time.Second})
	l.run(func() {
		r.walkToIdentity(t)
		r.typeNumber(t, r.k.identity.input, "110105")
		r.k.onIdleWarn()
		if !strings.Contains(r.texts(), "15秒内没有操作") || r.k.body.Visible() {
			t.Fatalf("warning: body visible %v\n%s", r.k.body.Visible(), r.texts())
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		var shown string
		l.run(func() { shown = r.texts() })
		if strings.Contains(shown, "秒内没有操作") && !strings.Contains(shown, "15秒") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the warning does not count down:\n%s", shown)
		}
		time.Sleep(5 * time.Millisecond)
	}
	l.run(func() {
		test.Tap(r.k.idleStay)
		if r.k.warning != nil || !r.k.body.Visible() || r.k.identity.input.number != "110105" {
			t.Errorf("after stay: warning %v, body visible %v, number %q", r.k.warning, r.k.body.Visible(), r.k.identity.input.number)
		}
	})
}

// Each graduate starts in the default language, however the last one left.
func TestLanguageResetsForNextGraduate(t *testing.T) {
	t.Cleanup(func() { setLanguage(langZH) })
	for _, leave := range []struct {
		name string
		do   func(r *rig)
	}{
		{"home", func(r *rig) { r.k.onHome() }},
		{"back", func(r *rig) { r.k.onBack(); r.k.onBack() }},
		{"decline", func(r *rig) { test.Tap(r.k.consent.decline) }},
	} {
		r := newRig(t, config{})
		test.Tap(r.k.welcome.start)
		r.k.onToggleLanguage()
		if leave.name == "back" {
			test.Tap(r.k.consent.check)
			test.Tap(r.k.consent.accept)
		}
		leave.do(r)
		r.wantStep(t, app.StepWelcome)
		if r.k.lang != langZH || !strings.Contains(r.texts(), "开始采集") {
			t.Errorf("%s: the next graduate gets %s:\n%s", leave.name, r.k.lang, r.texts())
		}
	}
}
