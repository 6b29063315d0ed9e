package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"gradphoto/api"
)

func TestEnrolment(t *testing.T) {
	r := newRig(t)
	code, err := NewEnrolCode(context.Background(), r.db, "北京理工大学")
	if err != nil {
		t.Fatal(err)
	}
	var en api.Enrolment
	// typed lower case and without dashes: the same code
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	if st := r.call("", "POST", api.PathDevices, api.EnrolRequest{Code: typed, Name: "kiosk 1"}, &en); st != http.StatusCreated {
		t.Fatalf("enrol: %d", st)
	}
	if en.DeviceID == "" || len(en.Token) < 40 || en.School != "北京理工大学" {
		t.Fatalf("enrolment %+v", en)
	}
	var e api.Error
	if st := r.call("", "POST", api.PathDevices, api.EnrolRequest{Code: code}, &e); st != http.StatusForbidden || e.Code != api.CodeForbidden {
		t.Errorf("code used twice: %d %+v", st, e)
	}
	if st := r.call("", "POST", api.PathDevices, api.EnrolRequest{Code: "AAAA-BBBB-CCCC"}, &e); st != http.StatusForbidden {
		t.Errorf("unknown code: %d", st)
	}
	// the token works; nothing about it is stored in clear
	if st := r.call(en.Token, "GET", api.PathCatalog, nil, nil); st != 200 {
		t.Errorf("catalog with the token: %d", st)
	}
	if r.fileHolds(en.Token) || r.fileHolds(normCode(code)) {
		t.Error("the token or the code is stored in clear")
	}
	if !r.fileHolds(en.DeviceID) { // the look finds what is there
		t.Error("the device id is not found in the database")
	}
	// a second kiosk gets its own receipt-code prefix
	code2, err := NewEnrolCode(context.Background(), r.db, "")
	if err != nil {
		t.Fatal(err)
	}
	var en2 api.Enrolment
	if st := r.call("", "POST", api.PathDevices, api.EnrolRequest{Code: code2}, &en2); st != http.StatusCreated {
		t.Fatalf("second enrol: %d", st)
	}
	if len(en.CodePrefix) != api.CodePrefixLen || len(en2.CodePrefix) != api.CodePrefixLen || en.CodePrefix == en2.CodePrefix {
		t.Errorf("code prefixes %q and %q, want two different ones", en.CodePrefix, en2.CodePrefix)
	}
}

func TestBadBodiesAreRefusedWithTypedErrors(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"malformed", `{"code":`, 400, api.CodeBadRequest},
		{"unknown field", `{"code":"x","admin":true}`, 400, api.CodeBadRequest},
		{"wrong type", `{"code":12}`, 400, api.CodeBadRequest},
		{"trailing data", `{"code":"x"} {}`, 400, api.CodeBadRequest},
		{"no code", `{}`, 400, api.CodeBadRequest},
		{"too large", `{"code":"` + strings.Repeat("A", api.MaxJSONBytes) + `"}`, 413, api.CodeTooLarge},
	} {
		var e api.Error
		if st := r.call("", "POST", api.PathDevices, []byte(tc.body), &e); st != tc.status || e.Code != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.name, st, e, tc.status, tc.code)
		}
	}
	var e api.Error
	if st := r.call("", "GET", "/v1/nothing", nil, &e); st != 404 || e.Code != api.CodeNotFound {
		t.Errorf("unknown call: %d %+v", st, e)
	}
}

func TestAuthorisation(t *testing.T) {
	r := newRig(t)
	token := r.enrol("")
	for _, tok := range []string{"", "not-a-token", token + "x"} {
		var e api.Error
		if st := r.call(tok, "GET", api.PathStatuses, nil, &e); st != 401 || e.Code != api.CodeUnauthorized {
			t.Errorf("token %q: %d %+v", tok, st, e)
		}
	}
	d, err := r.db.DeviceByToken(context.Background(), hashOf(token))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.RevokeDevice(context.Background(), d.ID); err != nil {
		t.Fatal(err)
	}
	if st := r.call(token, "GET", api.PathStatuses, nil, nil); st != 401 {
		t.Errorf("revoked token: %d", st)
	}
}

// A kiosk sees only its own submissions.
func TestAnotherKiosksSubmission(t *testing.T) {
	r := newRig(t)
	a, b := r.enrol(""), r.enrol("")
	m := r.submitted(a, 1)
	var e api.Error
	if st := r.call(b, "PUT", api.PathSubmissions+m.ID, m, &e); st != 403 || e.Code != api.CodeForbidden {
		t.Errorf("PUT of another kiosk's id: %d %+v", st, e)
	}
	if st := r.putPhoto(b, m.ID, api.KindRaw, testJPEG(t, 9), "", &e); st != 403 {
		t.Errorf("photo for another kiosk's id: %d", st)
	}
	if st := r.call(b, "POST", api.PathSubmissions+m.ID+"/submit", nil, &e); st != 403 {
		t.Errorf("submit of another kiosk's id: %d", st)
	}
	var page api.StatusPage
	r.call(b, "GET", api.PathStatuses, nil, &page)
	if len(page.Changes) != 0 {
		t.Errorf("kiosk b sees %d status changes of kiosk a", len(page.Changes))
	}
}

// Every write is idempotent: the same call again gives the same answer and
// stores nothing twice; other content after submit is a conflict.
func TestSubmissionIdempotency(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	m := meta(newUUID(), newUUID())
	var s1, s2 api.SubmissionState
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, m, &s1); st != 200 || s1.Version != 1 || s1.Status != api.StatusReceived {
		t.Fatalf("first PUT: %d %+v", st, s1)
	}
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, m, &s2); st != 200 || s2.Version != 1 {
		t.Fatalf("same PUT again: %d %+v", st, s2)
	}
	photo := testJPEG(t, 3)
	var rc api.PhotoReceipt
	for range 2 {
		if st := r.putPhoto(tok, m.ID, api.KindStandard, photo, "", &rc); st != 200 || rc.SHA256 != sha(photo) || rc.Version != 1 {
			t.Fatalf("photo: %d %+v", st, rc)
		}
	}
	var e api.Error
	if st := r.call(tok, "POST", api.PathSubmissions+"00000000-0000-7000-8000-000000000000/submit", nil, &e); st != 404 {
		t.Errorf("submit of an unknown id: %d", st)
	}
	var sub api.SubmissionState
	for range 2 {
		if st := r.call(tok, "POST", api.PathSubmissions+m.ID+"/submit", nil, &sub); st != 200 || sub.Status != api.StatusInReview {
			t.Fatalf("submit: %d %+v", st, sub)
		}
	}
	if st := r.putPhoto(tok, m.ID, api.KindStandard, photo, "", nil); st != 200 {
		t.Errorf("same photo after submit: %d, want 200 (no-op)", st)
	}
	if st := r.putPhoto(tok, m.ID, api.KindStandard, testJPEG(t, 4), "", &e); st != 409 || e.Code != api.CodeConflict {
		t.Errorf("other photo after submit: %d %+v", st, e)
	}
	if st := r.putPhoto(tok, m.ID, api.KindRaw, testJPEG(t, 5), "", &e); st != 409 {
		t.Errorf("new photo kind after submit: %d", st)
	}
	m2 := m
	m2.Name = "李四"
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, m2, &e); st != 409 {
		t.Errorf("other metadata after submit: %d", st)
	}
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, m, nil); st != 200 {
		t.Errorf("same metadata after submit: %d", st)
	}
	var page api.StatusPage
	r.call(tok, "GET", api.PathStatuses, nil, &page)
	if len(page.Changes) != 1 || page.Changes[0].Status != api.StatusInReview {
		t.Errorf("status changes %+v, want one in_review", page.Changes)
	}
	lines := manifest(t, r)
	if len(lines) != 1 || lines[0].SHA256 != sha(photo) {
		t.Errorf("manifest %+v, want the one photo once", lines)
	}
}

func TestPhotoUploadsChecked(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	m := meta(newUUID(), newUUID())
	r.call(tok, "PUT", api.PathSubmissions+m.ID, m, nil)
	photo := testJPEG(t, 1)
	var e api.Error
	for _, tc := range []struct {
		name   string
		kind   string
		data   []byte
		want   string
		status int
		code   string
	}{
		{"wrong hash", api.KindStandard, photo, sha([]byte("other")), 422, api.CodeHashMismatch},
		{"truncated", api.KindStandard, photo[:len(photo)/2], sha(photo), 422, api.CodeHashMismatch},
		{"no hash", api.KindStandard, photo, "-", 400, api.CodeBadRequest},
		{"unknown kind", "selfie", photo, "", 400, api.CodeBadRequest},
		{"not a JPEG", api.KindStandard, []byte("GIF89a....."), "", 400, api.CodeBadRequest},
		{"too large", api.KindRaw, append([]byte{0xFF, 0xD8, 0xFF}, bytes.Repeat([]byte{1}, api.MaxPhotoBytes)...), "", 413, api.CodeTooLarge},
	} {
		want := tc.want
		if want == "-" {
			want = "zz"
		}
		e = api.Error{}
		if st := r.putPhoto(tok, m.ID, tc.kind, tc.data, want, &e); st != tc.status || e.Code != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.name, st, e, tc.status, tc.code)
		}
	}
	if st := r.call(tok, "POST", api.PathSubmissions+m.ID+"/submit", nil, &e); st != 409 || e.Code != api.CodeNotReady {
		t.Errorf("submit without a stored photo: %d %+v", st, e)
	}
	if lines := manifest(t, r); len(lines) != 0 {
		t.Errorf("refused uploads stored: %+v", lines)
	}
}

func TestSubmissionValidation(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	good := meta(newUUID(), newUUID())
	for _, tc := range []struct {
		name string
		edit func(m *api.Submission)
		path string
	}{
		{"id differs from path", func(m *api.Submission) {}, newUUID()},
		{"id not a UUID", func(m *api.Submission) { m.ID = "1" }, "1"},
		{"no number", func(m *api.Submission) { m.Number = "" }, ""},
		{"short status token", func(m *api.Submission) { m.StatusToken = "x" }, ""},
		{"long field", func(m *api.Submission) { m.Name = strings.Repeat("张", 100) }, ""},
		{"report of unknown kind", func(m *api.Submission) { m.Reports["selfie"] = api.RawJSON(`{}`) }, ""},
		{"no time", func(m *api.Submission) { m.ConfirmedAt = time.Time{} }, ""},
	} {
		m := good
		m.Reports = map[string]api.RawJSON{}
		tc.edit(&m)
		path := tc.path
		if path == "" {
			path = m.ID
		}
		var e api.Error
		if st := r.call(tok, "PUT", api.PathSubmissions+path, m, &e); st != 400 || e.Code != api.CodeBadRequest {
			t.Errorf("%s: %d %+v", tc.name, st, e)
		}
	}
}

// A rejected submission's retake (same id, a new session) is its next
// version; anything but a rejection keeps the version.
func TestRetakeIsNextVersion(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	m := r.submitted(tok, 1)
	retake := m
	retake.SessionID = newUUID()
	var e api.Error
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, retake, &e); st != 409 {
		t.Fatalf("new session while in review: %d", st)
	}
	if _, err := r.db.Decide(context.Background(), m.ID, 1, "reject", "背景不纯净", "alice"); err != nil {
		t.Fatal(err)
	}
	var st2 api.SubmissionState
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, retake, &st2); st != 200 || st2.Version != 2 || st2.Status != api.StatusReceived || len(st2.Photos) != 0 {
		t.Fatalf("retake: %d %+v", st, st2)
	}
	if st := r.call(tok, "PUT", api.PathSubmissions+m.ID, m, &e); st != 409 {
		t.Errorf("the old session again after the retake: %d", st)
	}
	r.putPhoto(tok, m.ID, api.KindStandard, testJPEG(t, 2), "", nil)
	r.call(tok, "POST", api.PathSubmissions+m.ID+"/submit", nil, &st2)
	if st2.Status != api.StatusInReview || st2.Version != 2 {
		t.Fatalf("retake submitted: %+v", st2)
	}
	var page api.StatusPage
	r.call(tok, "GET", api.PathStatuses+"?since=0", nil, &page)
	var got []string
	for _, c := range page.Changes {
		got = append(got, c.Status)
	}
	if strings.Join(got, ",") != "in_review,rejected,in_review" || page.Changes[2].Version != 2 {
		t.Errorf("changes %v", page.Changes)
	}
	var later api.StatusPage
	r.call(tok, "GET", api.PathStatuses+"?since="+itoa(page.Next), nil, &later)
	if len(later.Changes) != 0 || later.Next != page.Next {
		t.Errorf("after the cursor: %+v", later)
	}
	if st := r.call(tok, "GET", api.PathStatuses+"?since=-1", nil, &e); st != 400 {
		t.Errorf("bad cursor: %d", st)
	}
	if lines := manifest(t, r); len(lines) != 2 || lines[0].Version != 1 || lines[1].Version != 2 {
		t.Errorf("manifest %+v, want both versions", lines)
	}
}

func TestRosterDelta(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("北京理工大学")
	other := r.enrol("")
	ctx := context.Background()
	entries := []api.RosterEntry{}
	for i := range 1500 {
		entries = append(entries, api.RosterEntry{DocType: "resident_id", Number: "N" + itoa(int64(10000+i)), Name: "学生", School: "北京理工大学"})
	}
	if err := r.db.ImportRoster(ctx, entries); err != nil {
		t.Fatal(err)
	}
	var all []api.RosterEntry
	since := ""
	for range 5 {
		var page api.RosterPage
		if st := r.call(tok, "GET", api.PathRoster+"?since="+since, nil, &page); st != 200 {
			t.Fatalf("roster: %d", st)
		}
		all = append(all, page.Entries...)
		since = page.Next
		if !page.More {
			break
		}
	}
	if len(all) != 1500 {
		t.Fatalf("%d entries, want 1500", len(all))
	}
	if err := r.db.ImportRoster(ctx, entries[:2]); err != nil {
		t.Fatal(err)
	}
	var page api.RosterPage
	r.call(tok, "GET", api.PathRoster+"?since="+since, nil, &page)
	if len(page.Entries) != 2 {
		t.Errorf("delta after an update: %d entries, want 2", len(page.Entries))
	}
	var e api.Error
	if st := r.call(tok, "GET", api.PathRoster+"?school=清华大学", nil, &e); st != 403 {
		t.Errorf("another school's roster: %d", st)
	}
	if st := r.call(other, "GET", api.PathRoster+"?school=北京理工大学&since=zz", nil, &e); st != 400 {
		t.Errorf("bad cursor: %d", st)
	}
}
