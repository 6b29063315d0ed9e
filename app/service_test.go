package app_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gradphoto/app"
)

// In-memory parts for the Service: small, real maps.

type memRoster struct {
	mu      sync.Mutex
	entries map[string]app.RosterEntry
	err     error // returned for every look-up when set
}

func (r *memRoster) FindRoster(_ context.Context, number string) (app.RosterEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return app.RosterEntry{}, r.err
	}
	e, ok := r.entries[number]
	if !ok {
		return app.RosterEntry{}, app.ErrNotFound
	}
	return e, nil
}

type memStatuses struct {
	mu      sync.Mutex
	records map[string]app.StatusRecord
}

func (s *memStatuses) FindStatus(_ context.Context, number string) (app.StatusRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[number]
	if !ok {
		return app.StatusRecord{}, app.ErrNotFound
	}
	return rec, nil
}

type ending struct {
	reason string
	at     time.Time
}

type memSessions struct {
	mu      sync.Mutex
	saved   map[string]app.Session
	saves   []app.Step // the step of every save, in order
	ended   map[string]ending
	saveErr error
	endErr  error
}

func (s *memSessions) SaveSession(_ context.Context, sess app.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	s.saved[sess.ID] = sess
	s.saves = append(s.saves, sess.Step)
	return nil
}

func (s *memSessions) EndSession(_ context.Context, id, reason string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.endErr != nil {
		return s.endErr
	}
	if _, dup := s.ended[id]; dup {
		return errors.New("session ended twice")
	}
	s.ended[id] = ending{reason, at}
	return nil
}

func (s *memSessions) get(id string) (app.Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.saved[id]
	return sess, ok
}

func (s *memSessions) ending(id string) (ending, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.ended[id]
	return e, ok
}

func (s *memSessions) saveCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.saves)
}

type auditEntry struct{ actor, action, detail string }

type memAudit struct {
	mu      sync.Mutex
	entries []auditEntry
}

func (a *memAudit) Audit(_ context.Context, actor, action, detail string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, auditEntry{actor, action, detail})
	return nil
}

func (a *memAudit) all() []auditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]auditEntry(nil), a.entries...)
}

// memCaptures keeps documents, shots and submissions in maps.
type memCaptures struct {
	mu          sync.Mutex
	documents   map[string][]byte
	shots       map[string]app.Shot // by standard photo id
	submissions map[string]app.Session
	codes       int   // receipt codes handed out
	err         error // returned by every call when set
}

func (c *memCaptures) SaveDocument(_ context.Context, sessionID string, side app.CardSide, image []byte) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return "", c.err
	}
	id := "doc-" + string(side)
	c.documents[id] = append([]byte(nil), image...)
	return id, nil
}

// DropDocuments forgets every document (the tests run one session at a time).
func (c *memCaptures) DropDocuments(context.Context, string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	clear(c.documents)
	return nil
}

func (c *memCaptures) SaveShot(_ context.Context, sessionID string, shot app.Shot) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return "", "", c.err
	}
	n := len(c.shots) + 1
	std := fmt.Sprintf("std-%d", n)
	c.shots[std] = shot
	return fmt.Sprintf("raw-%d", n), std, nil
}

func (c *memCaptures) NextCode(context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.codes++
	return fmt.Sprintf("CODE%04d", c.codes), nil
}

func (c *memCaptures) Submit(_ context.Context, s app.Session) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.submissions[s.SubmissionID] = s
	return nil
}

type rig struct {
	k        *app.Service
	roster   *memRoster
	statuses *memStatuses
	sessions *memSessions
	captures *memCaptures
	audit    *memAudit
	clock    *fakeClock
}

// Numbers used by the kiosk tests; all valid.
const (
	numOnRoster  = "11010519491231002X" // 张三, on the roster
	numApproved  = "H12345678"          // 陈大文, approved earlier
	numNotListed = "E12345678"          // valid passport, not on the roster
)

var numRejected = withCheck("44030519990315002") // 李四, rejected earlier

const studentNoRejected = "2023-0417" // 李四's student number (last 4: 0417)

func newRig(t *testing.T, p app.Policy) *rig {
	t.Helper()
	r := &rig{
		roster: &memRoster{entries: map[string]app.RosterEntry{
			numOnRoster: rosterZS,
			numRejected: {Doc: app.DocResidentID, Number: numRejected, Name: "李四", StudentNo: studentNoRejected, School: "北京大学", GradYear: 2027},
			numApproved: {Doc: app.DocHKMOPermit, Number: numApproved, Name: "陈大文", School: "北京大学", GradYear: 2027, Prepaid: true},
		}},
		statuses: &memStatuses{records: map[string]app.StatusRecord{
			numRejected: {SubmissionID: "sub-r", Number: numRejected, Status: app.StatusRejected, Reason: "背景不纯净", Code: "ABCD2345"},
			numApproved: {SubmissionID: "sub-a", Number: numApproved, Status: app.StatusApproved},
		}},
		sessions: &memSessions{saved: map[string]app.Session{}, ended: map[string]ending{}},
		captures: &memCaptures{documents: map[string][]byte{}, shots: map[string]app.Shot{}, submissions: map[string]app.Session{}},
		audit:    &memAudit{},
		clock:    newClock(),
	}
	r.k = app.NewService(app.Deps{
		Roster: r.roster, Statuses: r.statuses, Sessions: r.sessions, Captures: r.captures, Audit: r.audit,
		Policy: p, Now: r.clock.Now, NewID: (&counterIDs{}).Next,
	})
	return r
}

var ctx = context.Background()

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantServiceErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want errors.Is %v", err, target)
	}
	if !strings.HasPrefix(err.Error(), "app: ") {
		t.Errorf("error %q is not prefixed app:", err)
	}
}

func TestServiceHappyPath(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	s := r.k.Session()
	if s.ID != "s-1" || s.Step != app.StepConsent {
		t.Fatalf("after Start: %+v", s)
	}
	if saved, ok := r.sessions.get("s-1"); !ok || saved.Step != app.StepConsent {
		t.Fatalf("Start not saved: %+v %v", saved, ok)
	}

	mustOK(t, r.k.AcceptConsent(ctx))
	saved, _ := r.sessions.get("s-1")
	if saved.Step != app.StepIdentity || saved.Consent == nil || saved.Consent.Version != app.ConsentVersion {
		t.Fatalf("consent not saved: step %s consent %+v", saved.Step, saved.Consent)
	}
	if at := saved.Consent.AcceptedAt; at.IsZero() || at.Location() != time.UTC || !at.After(s.StartedAt) {
		t.Errorf("consent time %v (started %v)", at, s.StartedAt)
	}

	got, err := r.k.SubmitIdentity(ctx, app.DocResidentID, "１１０１０５ 19491231 002x", " 张三 ")
	mustOK(t, err)
	if got != app.EligibilityOK {
		t.Fatalf("eligibility = %v, want OK", got)
	}
	s = r.k.Session()
	if s.Step != app.StepEligibility || s.Roster == nil || !reflect.DeepEqual(*s.Roster, rosterZS) {
		t.Fatalf("after SubmitIdentity: step %s roster %+v", s.Step, s.Roster)
	}
	if *s.Identity != zhangSan {
		t.Errorf("identity = %+v, want the normalised %+v", *s.Identity, zhangSan)
	}
	if saved, _ := r.sessions.get("s-1"); !reflect.DeepEqual(saved, s) {
		t.Errorf("saved session differs from the live one:\n%+v\n%+v", saved, s)
	}

	mustOK(t, r.k.EnterCapture(ctx))
	if saved, _ := r.sessions.get("s-1"); saved.Step != app.StepService {
		t.Errorf("EnterCapture saved step %s", saved.Step)
	}
	if want := []app.Step{app.StepConsent, app.StepIdentity, app.StepEligibility, app.StepService}; !reflect.DeepEqual(r.sessions.saves, want) {
		t.Errorf("saves = %v, want %v", r.sessions.saves, want)
	}
}

func TestServiceToday(t *testing.T) {
	r := newRig(t, app.Policy{})
	if d := r.k.Today(); d.Year() != 2026 || d.Month() != time.November || d.Day() != 26 {
		t.Errorf("Today = %v, want the clock's date", d)
	}
}

func TestServiceNotFound(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	got, err := r.k.SubmitIdentity(ctx, app.DocPassport, numNotListed, "John Smith")
	mustOK(t, err)
	if got != app.EligibilityNotFound {
		t.Fatalf("eligibility = %v, want NotFound", got)
	}
	if s := r.k.Session(); s.Step != app.StepEligibility || s.Roster != nil {
		t.Errorf("step %s roster %+v", s.Step, s.Roster)
	}
	wantServiceErr(t, r.k.EnterCapture(ctx), app.ErrNotEligible)
	if s := r.k.Session(); s.Step != app.StepEligibility {
		t.Errorf("refused EnterCapture moved to %s", s.Step)
	}
}

func TestServiceNameMismatch(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	got, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张山")
	mustOK(t, err)
	if got != app.EligibilityMismatch {
		t.Fatalf("eligibility = %v, want Mismatch", got)
	}
}

func TestServiceValidationErrorStaysAtIdentity(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	before := r.k.Session()
	saves := r.sessions.saveCount()

	_, err := r.k.SubmitIdentity(ctx, app.DocResidentID, "110105194912310021", "张三")
	wantServiceErr(t, err, app.ErrIDChecksum)
	var idErr *app.IDError
	if !errors.As(err, &idErr) || idErr.Doc != app.DocResidentID {
		t.Fatalf("error %v is not an *IDError for the resident ID", err)
	}
	_, err = r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张3")
	wantServiceErr(t, err, app.ErrNameChars)

	if after := r.k.Session(); !reflect.DeepEqual(before, after) {
		t.Errorf("validation errors changed the session:\n%+v\n%+v", before, after)
	}
	if n := r.sessions.saveCount(); n != saves {
		t.Errorf("validation errors saved the session (%d saves, want %d)", n, saves)
	}
	// The graduate corrects the entry and goes on.
	got, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三")
	if err != nil || got != app.EligibilityOK {
		t.Fatalf("corrected entry: %v, %v", got, err)
	}
}

func TestServiceSubmitIdentityOnlyAtIdentity(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.OpenStatus(ctx))
	_, err := r.k.LookupStatus(ctx, app.DocResidentID, numRejected)
	mustOK(t, err)
	before := r.k.Session()
	_, err = r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三")
	wantServiceErr(t, err, app.ErrIllegalTransition)
	if after := r.k.Session(); !reflect.DeepEqual(before, after) {
		t.Errorf("refused SubmitIdentity changed the session:\n%+v\n%+v", before, after)
	}
}

func TestServiceLookupStatusOnlyAtStatus(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	before := r.k.Session()
	_, err := r.k.LookupStatus(ctx, app.DocResidentID, numRejected)
	wantServiceErr(t, err, app.ErrIllegalTransition)
	if after := r.k.Session(); !reflect.DeepEqual(before, after) {
		t.Errorf("refused LookupStatus changed the session:\n%+v\n%+v", before, after)
	}
}

func TestServiceRequireCards(t *testing.T) {
	r := newRig(t, app.Policy{RequireCards: true})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	// The roster first, with the number alone: no photo before the match.
	got, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "")
	if err != nil || got != app.EligibilityOK {
		t.Fatalf("number alone: %v, %v", got, err)
	}
	wantServiceErr(t, r.k.AddCard(ctx, app.CardFront, []byte("early")), app.ErrIllegalTransition)
	mustOK(t, r.k.ConfirmRecord(ctx))
	if s := r.k.Session(); s.Step != app.StepCards || s.Identity.Name != "张三" {
		t.Fatalf("after the graduate confirmed the record: %s, identity %+v", s.Step, s.Identity)
	}
	wantServiceErr(t, r.k.CardsDone(ctx), app.ErrIdentityIncomplete)
	mustOK(t, r.k.AddCard(ctx, app.CardFront, []byte("front jpeg")))
	mustOK(t, r.k.AddCard(ctx, app.CardBack, []byte("back jpeg")))
	if saved, _ := r.sessions.get("s-1"); saved.Cards[app.CardBack] != "doc-back" {
		t.Errorf("card not saved: %v", saved.Cards)
	}
	mustOK(t, r.k.CardsDone(ctx))
	if s := r.k.Session(); s.Step != app.StepCapture || s.Payment != app.PaymentDeferred {
		t.Fatalf("after the cards: %s, payment %q", s.Step, s.Payment)
	}
	wantServiceErr(t, r.k.AddCard(ctx, app.CardFront, []byte("late")), app.ErrIllegalTransition)
}

func TestServiceSchoolPaid(t *testing.T) {
	r := newRig(t, app.Policy{})
	r.roster.entries[numOnRoster] = func() app.RosterEntry { e := rosterZS; e.Prepaid = true; return e }()
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	_, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三")
	mustOK(t, err)
	mustOK(t, r.k.EnterCapture(ctx))
	if saved, _ := r.sessions.get("s-1"); saved.Payment != app.PaymentSchool {
		t.Errorf("saved payment %q, want school", saved.Payment)
	}
}

func TestServiceDeclineConsent(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	saves := r.sessions.saveCount()
	mustOK(t, r.k.DeclineConsent(ctx))
	e, ok := r.sessions.ending("s-1")
	if !ok || e.reason != app.EndDeclined || e.at.IsZero() || e.at.Location() != time.UTC {
		t.Fatalf("ending = %+v, %v; want declined at a UTC time", e, ok)
	}
	if s := r.k.Session(); !reflect.DeepEqual(s, app.Session{}) {
		t.Errorf("after decline: %+v", s)
	}
	if n := r.sessions.saveCount(); n != saves {
		t.Errorf("decline saved the session again")
	}
	// Declining is only possible at Consent.
	wantServiceErr(t, r.k.DeclineConsent(ctx), app.ErrIllegalTransition)
}

func TestServiceResetTimeout(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	mustOK(t, r.k.Reset(ctx, app.EndTimeout))
	if e, ok := r.sessions.ending("s-1"); !ok || e.reason != app.EndTimeout {
		t.Fatalf("ending = %+v, %v; want timeout", e, ok)
	}
	want := []auditEntry{{"kiosk", "session.timeout", "identity"}}
	if got := r.audit.all(); !reflect.DeepEqual(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
	if s := r.k.Session(); !reflect.DeepEqual(s, app.Session{}) {
		t.Errorf("after timeout: %+v", s)
	}
	// A timeout at an empty Welcome ends nothing and audits nothing.
	mustOK(t, r.k.Reset(ctx, app.EndTimeout))
	if got := r.audit.all(); len(got) != 1 {
		t.Errorf("reset at Welcome audited: %v", got)
	}
	// Another reason ends the session without a timeout audit.
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.Reset(ctx, app.EndCancel))
	if e, ok := r.sessions.ending("s-2"); !ok || e.reason != app.EndCancel {
		t.Errorf("ending = %+v, %v; want cancelled", e, ok)
	}
	if got := r.audit.all(); len(got) != 1 {
		t.Errorf("cancel audited as a timeout: %v", got)
	}
}

func TestServiceBack(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	mustOK(t, r.k.Back(ctx))
	saved, _ := r.sessions.get("s-1")
	if saved.Step != app.StepConsent || saved.Consent != nil {
		t.Errorf("back to consent saved %s, consent %+v", saved.Step, saved.Consent)
	}
	mustOK(t, r.k.Back(ctx))
	if e, ok := r.sessions.ending("s-1"); !ok || e.reason != app.EndCancel {
		t.Errorf("back to Welcome: ending %+v, %v; want cancelled", e, ok)
	}
	if s := r.k.Session(); !reflect.DeepEqual(s, app.Session{}) {
		t.Errorf("after back to Welcome: %+v", s)
	}
	wantServiceErr(t, r.k.Back(ctx), app.ErrIllegalTransition)
}

func TestServiceLookupStatusRejectedRetake(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.OpenStatus(ctx))
	rec, err := r.k.LookupStatus(ctx, app.DocResidentID, numRejected[:6]+" "+strings.ToLower(numRejected[6:]))
	mustOK(t, err)
	if rec == nil || rec.Status != app.StatusRejected || rec.Reason != "背景不纯净" {
		t.Fatalf("record = %+v", rec)
	}
	s := r.k.Session()
	if s.Step != app.StepStatus || s.Identity == nil || s.Identity.Number != numRejected || s.Prior == nil {
		t.Fatalf("after look-up: %+v", s)
	}
	wantServiceErr(t, r.k.RetakeRejected(ctx), app.ErrNotVerified)
	wantServiceErr(t, r.k.VerifyStatus(ctx, "0000"), app.ErrNotVerified)
	wantServiceErr(t, r.k.VerifyStatus(ctx, ""), app.ErrNotVerified)
	if got := r.k.Session().WrongAnswers; got != 2 {
		t.Errorf("wrong answers counted %d, want 2", got)
	}
	mustOK(t, r.k.VerifyStatus(ctx, studentNoRejected[len(studentNoRejected)-4:]))
	mustOK(t, r.k.RetakeRejected(ctx))
	saved, _ := r.sessions.get(s.ID)
	if saved.Step != app.StepCapture || saved.Payment != app.PaymentRetake || !saved.Retake {
		t.Errorf("saved after retake: step %s payment %q retake %v", saved.Step, saved.Payment, saved.Retake)
	}
}

func TestServiceLookupStatusOthers(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.OpenStatus(ctx))
	// Invalid number: refused before any look-up.
	_, err := r.k.LookupStatus(ctx, app.DocHKMOPermit, "X12345678")
	wantServiceErr(t, err, app.ErrIDFormat)
	// No submission: nil, nil, nothing to retake.
	rec, err := r.k.LookupStatus(ctx, app.DocResidentID, numOnRoster)
	if err != nil || rec != nil {
		t.Fatalf("no submission: %+v, %v", rec, err)
	}
	wantServiceErr(t, r.k.RetakeRejected(ctx), app.ErrIllegalTransition)
	// Approved: locked.
	rec, err = r.k.LookupStatus(ctx, app.DocHKMOPermit, "h1234 5678")
	if err != nil || rec == nil || rec.Status != app.StatusApproved {
		t.Fatalf("approved: %+v, %v", rec, err)
	}
	wantServiceErr(t, r.k.RetakeRejected(ctx), app.ErrLocked)
	if s := r.k.Session(); s.Step != app.StepStatus {
		t.Errorf("locked retake moved to %s", s.Step)
	}
}

func TestServiceEligibilityWithPriorStatus(t *testing.T) {
	cases := []struct {
		doc    app.DocType
		number string
		name   string
		want   app.Eligibility
		enter  error
	}{
		{app.DocResidentID, numRejected, "李四", app.EligibilityOK, nil},
		{app.DocHKMOPermit, numApproved, "陈大文", app.EligibilityLocked, app.ErrLocked},
	}
	for _, c := range cases {
		r := newRig(t, app.Policy{})
		mustOK(t, r.k.Start(ctx))
		mustOK(t, r.k.AcceptConsent(ctx))
		got, err := r.k.SubmitIdentity(ctx, c.doc, c.number, c.name)
		if err != nil || got != c.want {
			t.Fatalf("%s: eligibility %v, %v; want %v", c.number, got, err, c.want)
		}
		err = r.k.EnterCapture(ctx)
		if c.enter != nil {
			wantServiceErr(t, err, c.enter)
			continue
		}
		mustOK(t, err)
		if s := r.k.Session(); s.Payment != app.PaymentRetake || !s.Retake {
			t.Errorf("%s: payment %q retake %v, want a free retake", c.number, s.Payment, s.Retake)
		}
	}
}

func TestServiceStoreErrors(t *testing.T) {
	errDisk := errors.New("disk full")

	r := newRig(t, app.Policy{})
	r.sessions.saveErr = errDisk
	wantServiceErr(t, r.k.Start(ctx), errDisk)

	r = newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	r.sessions.saveErr = errDisk
	before := r.k.Session()
	_, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三")
	wantServiceErr(t, err, errDisk)
	if got := r.k.Session(); !reflect.DeepEqual(got, before) {
		t.Errorf("failed save left the session changed:\n got %+v\nwant %+v", got, before)
	}
	wantServiceErr(t, r.k.Back(ctx), errDisk)
	if got := r.k.Session(); got.Step != app.StepIdentity || got.Consent == nil {
		t.Errorf("failed save on back: step %s consent %v, want identity with consent kept", got.Step, got.Consent)
	}

	r = newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	r.sessions.endErr = errDisk
	wantServiceErr(t, r.k.DeclineConsent(ctx), errDisk)

	r = newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	r.sessions.endErr = errDisk
	wantServiceErr(t, r.k.Reset(ctx, app.EndTimeout), errDisk)
}

func TestServiceRosterError(t *testing.T) {
	errDB := errors.New("database is locked")
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	before := r.k.Session()
	r.roster.err = errDB
	_, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三")
	wantServiceErr(t, err, errDB)
	if after := r.k.Session(); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed roster look-up changed the session")
	}
	// The roster is back: the same entry goes through.
	r.roster.err = nil
	if got, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三"); err != nil || got != app.EligibilityOK {
		t.Errorf("after the roster recovered: %v, %v", got, err)
	}
}

func TestServiceConcurrentUse(t *testing.T) {
	// The UI reads the session from its goroutine while the idle timer
	// resets it from another: run under -race.
	r := newRig(t, app.Policy{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				switch g {
				case 0:
					_ = r.k.Start(ctx)
					_ = r.k.AcceptConsent(ctx)
				case 1:
					_ = r.k.Reset(ctx, app.EndTimeout)
				default:
					s := r.k.Session()
					if s.Step != app.StepWelcome && s.ID == "" {
						t.Errorf("session at %s without an ID", s.Step)
					}
				}
			}
		}(g)
	}
	wg.Wait()
}

// The camera steps: deferred payment recorded, a failing photo cannot be
// accepted, a retake, then confirm stores the submission and finish ends it.
func TestServiceCaptureToSubmitted(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	if _, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三"); err != nil {
		t.Fatal(err)
	}
	wantServiceErr(t, r.k.Capture(ctx, app.Shot{Raw: []byte("r"), Standard: []byte("s")}), app.ErrIllegalTransition)
	mustOK(t, r.k.ConfirmRecord(ctx))
	s := r.k.Session()
	if s.Step != app.StepCapture || s.Payment != app.PaymentDeferred || s.OrderRef != app.PaymentNotOnKiosk ||
		len(s.Services) != 1 || s.Services[0] != app.ServiceDegreePhoto {
		t.Fatalf("after entering capture: %+v", s)
	}
	mustOK(t, r.k.Capture(ctx, app.Shot{Raw: []byte("raw1"), Standard: []byte("std1"), Passed: false}))
	wantServiceErr(t, r.k.AcceptStandard(ctx), app.ErrStandardFails)
	mustOK(t, r.k.Retake(ctx))
	mustOK(t, r.k.Capture(ctx, app.Shot{Raw: []byte("raw2"), Standard: []byte("std2"), Passed: true}))
	if s := r.k.Session(); s.Step != app.StepStandardise || s.PhotoID != "raw-2" || s.StandardID != "std-2" {
		t.Fatalf("after the second capture: %+v", s)
	}
	mustOK(t, r.k.AcceptStandard(ctx))
	id, err := r.k.Confirm(ctx)
	mustOK(t, err)
	sub, ok := r.captures.submissions[id]
	if !ok || sub.Step != app.StepSubmitted || sub.StandardID != "std-2" || sub.Payment != app.PaymentDeferred {
		t.Fatalf("submission %q stored as %+v (%v)", id, sub, ok)
	}
	mustOK(t, r.k.Finish(ctx))
	if s := r.k.Session(); s.Step != app.StepWelcome || s.ID != "" {
		t.Errorf("after finish: %+v", s)
	}
	if e := r.sessions.ended[sub.ID]; e.reason != app.EndFinished {
		t.Errorf("ended with %q, want finished", e.reason)
	}
}

// A school-paid graduate goes straight to the camera, with no deferral.
func TestServiceCaptureSchoolPaid(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	r.roster.entries[numOnRoster] = func() app.RosterEntry { e := rosterZS; e.Prepaid = true; return e }()
	if _, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三"); err != nil {
		t.Fatal(err)
	}
	mustOK(t, r.k.ConfirmRecord(ctx))
	if s := r.k.Session(); s.Step != app.StepCapture || s.Payment != app.PaymentSchool || s.OrderRef != "" {
		t.Fatalf("school-paid: %+v", s)
	}
}

// When the store fails, confirm leaves the session where it was.
func TestServiceConfirmStoreError(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.Start(ctx))
	mustOK(t, r.k.AcceptConsent(ctx))
	if _, err := r.k.SubmitIdentity(ctx, app.DocResidentID, numOnRoster, "张三"); err != nil {
		t.Fatal(err)
	}
	mustOK(t, r.k.ConfirmRecord(ctx))
	mustOK(t, r.k.Capture(ctx, app.Shot{Raw: []byte("raw"), Standard: []byte("std"), Passed: true}))
	mustOK(t, r.k.AcceptStandard(ctx))
	r.captures.err = errors.New("disk full")
	_, err := r.k.Confirm(ctx)
	wantServiceErr(t, err, r.captures.err)
	if s := r.k.Session(); s.Step != app.StepConfirm || s.SubmissionID != "" {
		t.Errorf("failed confirm moved the session: %+v", s)
	}
}

// The receipt code answers the second question too, typed loosely; the
// last allowed wrong answer ends the look-up and is audited.
func TestServiceVerifyStatusByCode(t *testing.T) {
	r := newRig(t, app.Policy{})
	mustOK(t, r.k.OpenStatus(ctx))
	_, err := r.k.LookupStatus(ctx, app.DocResidentID, numRejected)
	mustOK(t, err)
	mustOK(t, r.k.VerifyStatus(ctx, "abcd-2345"))
	if !r.k.Session().Verified {
		t.Fatal("not verified by the receipt code")
	}

	r = newRig(t, app.Policy{})
	mustOK(t, r.k.OpenStatus(ctx))
	_, err = r.k.LookupStatus(ctx, app.DocResidentID, numRejected)
	mustOK(t, err)
	for i := 1; i < app.MaxWrongAnswers; i++ {
		wantServiceErr(t, r.k.VerifyStatus(ctx, "ZZZZ9999"), app.ErrNotVerified)
	}
	wantServiceErr(t, r.k.VerifyStatus(ctx, "ZZZZ9999"), app.ErrTooManyTries)
	wantServiceErr(t, r.k.VerifyStatus(ctx, "ABCD2345"), app.ErrTooManyTries)
	if got := r.audit.all(); len(got) == 0 || got[len(got)-1].action != "status.too_many_tries" {
		t.Errorf("too many tries not audited: %+v", got)
	}
}
