package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// browser is a reviewer's browser: cookies kept, redirects followed.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (r *rig) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: r.srv.URL, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// addReviewer stores a reviewer and returns the password.
func (r *rig) addReviewer(name string, schools ...string) string {
	r.t.Helper()
	pw := NewPassword()
	if err := r.db.AddReviewer(context.Background(), storage.Reviewer{ID: newUUID(), Name: name,
		PasswordHash: HashPassword(pw), Schools: schools}); err != nil {
		r.t.Fatal(err)
	}
	return pw
}

func (b *browser) login(name, pw string) (int, string) {
	b.t.Helper()
	_, page := b.get("/review/login")
	return b.post("/review/login", url.Values{"csrf": {csrfOf(b.t, page)}, "name": {name}, "password": {pw}})
}

func TestReviewerLogIn(t *testing.T) {
	r := newRig(t)
	pw := r.addReviewer("alice", "*")
	b := r.browser(t)
	if _, page := b.get("/review/"); !strings.Contains(page, `action="/review/login"`) {
		t.Fatal("the queue without a session does not send to the log-in page")
	}
	if st, _ := b.post("/review/login", url.Values{"name": {"alice"}, "password": {pw}}); st != 403 {
		t.Errorf("log-in without the CSRF token: %d", st)
	}
	if st, page := b.login("alice", "wrong"); st != 401 || !strings.Contains(page, "用户名或密码不正确") {
		t.Errorf("wrong password: %d", st)
	}
	if st, page := b.login("alice", pw); st != 200 || !strings.Contains(page, "待审核照片") {
		t.Fatalf("log-in: %d\n%s", st, page)
	}
	if _, page := b.get("/review/?lang=en"); !strings.Contains(page, "Photos to review") {
		t.Error("English page")
	}
	_, page := b.get("/review/")
	if st, _ := b.post("/review/logout", url.Values{"csrf": {csrfOf(t, page)}}); st != 200 {
		t.Errorf("log-out: %d", st)
	}
	if _, page := b.get("/review/"); !strings.Contains(page, `action="/review/login"`) {
		t.Error("still logged in after log-out")
	}
}

func TestReviewApproveRejectPublish(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	m1, m2 := r.submitted(tok, 1), r.submitted(tok, 2)
	pw := r.addReviewer("alice", "北京理工大学")
	b := r.browser(t)
	b.login("alice", pw)
	_, queue := b.get("/review/")
	if !strings.Contains(queue, m1.ID) || !strings.Contains(queue, m2.ID) || !strings.Contains(queue, "张*明") {
		t.Fatalf("queue lacks the submissions or shows the name unmasked:\n%s", queue)
	}
	if strings.Contains(queue, "张晓明") || strings.Contains(queue, m1.Number) {
		t.Error("the queue shows the full name or number")
	}
	st, page := b.get("/review/s/" + m1.ID)
	if st != 200 || !strings.Contains(page, "110105********123X") || !strings.Contains(page, "眼睛高度") {
		t.Fatalf("review page %d:\n%s", st, page)
	}
	if st, _ := b.get("/review/s/" + m1.ID + "/photo/standard?v=1"); st != 200 {
		t.Errorf("standardised photo: %d", st)
	}
	csrf := csrfOf(t, page)
	if st, _ := b.post("/review/s/"+m1.ID+"/approve", url.Values{"version": {"1"}}); st != 403 {
		t.Errorf("approve without CSRF: %d", st)
	}
	if st, _ := b.post("/review/s/"+m1.ID+"/approve", url.Values{"csrf": {csrf}, "version": {"1"}}); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	if st, _ := b.post("/review/s/"+m1.ID+"/approve", url.Values{"csrf": {csrf}, "version": {"1"}}); st != 409 {
		t.Errorf("approve twice: %d", st)
	}
	if st, _ := b.post("/review/s/"+m2.ID+"/reject", url.Values{"csrf": {csrf}, "version": {"1"}, "reason": {"bogus"}}); st != 400 {
		t.Errorf("reject with an unknown reason: %d", st)
	}
	if st, _ := b.post("/review/s/"+m2.ID+"/reject", url.Values{"csrf": {csrf}, "version": {"1"},
		"reason": {"background"}, "text": {"左肩旁有灰色"}}); st != 200 {
		t.Fatalf("reject: %d", st)
	}
	if st, _ := b.post("/review/s/"+m1.ID+"/publish", url.Values{"csrf": {csrf}, "version": {"1"}}); st != 200 {
		t.Fatalf("publish: %d", st)
	}
	var page2 api.StatusPage
	r.call(tok, "GET", api.PathStatuses, nil, &page2)
	got := map[string]string{}
	for _, c := range page2.Changes {
		got[c.SubmissionID] = c.Status + "|" + c.Reason
	}
	if got[m1.ID] != "published|" || got[m2.ID] != "rejected|背景不纯净 / Background not plain; 左肩旁有灰色" {
		t.Errorf("statuses the kiosk gets: %v", got)
	}
	// the graduate's phone page
	st, phone := b.get("/s/" + m2.StatusToken)
	if st != 200 || !strings.Contains(phone, "张*明") || !strings.Contains(phone, "未通过") || !strings.Contains(phone, "左肩旁有灰色") {
		t.Errorf("status page %d:\n%s", st, phone)
	}
	if st, _ := b.get("/s/not-a-token"); st != 404 {
		t.Errorf("unknown status token: %d", st)
	}
}

// A reviewer sees only the schools assigned: another school's submission
// is not found, and not in the queue.
func TestReviewerSchools(t *testing.T) {
	r := newRig(t)
	tok := r.enrol("")
	m := r.submitted(tok, 1) // 北京理工大学
	pw := r.addReviewer("bob", "清华大学")
	b := r.browser(t)
	b.login("bob", pw)
	if _, q := b.get("/review/"); strings.Contains(q, m.ID) {
		t.Error("bob's queue shows another school's submission")
	}
	if st, _ := b.get("/review/s/" + m.ID); st != 404 {
		t.Errorf("another school's submission: %d", st)
	}
	if st, _ := b.get("/review/s/" + m.ID + "/photo/standard"); st != 404 {
		t.Errorf("another school's photo: %d", st)
	}
}

func TestPagesCarryStrictHeaders(t *testing.T) {
	r := newRig(t)
	resp, err := http.Get(r.srv.URL + "/review/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("no X-Frame-Options")
	}
}
