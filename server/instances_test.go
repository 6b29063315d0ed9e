package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gradphoto/server/storage"
)

// second is another instance of the server on the rig's database: its own
// process state, its own connections, nothing shared but the database.
func (r *rig) second() *httptest.Server {
	r.t.Helper()
	db, err := storage.Open(context.Background(), r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	s, err := New(Config{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		r.t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	r.t.Cleanup(func() { hs.Close(); db.Close() })
	return hs
}

// Two instances on one database are one server to its users: a reviewer
// who logged in on one is logged in on the other, and a form one served
// is taken by the other; a kiosk's submission sent to one is reviewed on
// the other; the graduate's phone page answers on both.
func TestTwoInstancesAreOneServer(t *testing.T) {
	r := newRig(t)
	other := r.second()
	tok := r.enrol("")
	m := r.submitted(tok, 1)
	pw := r.addReviewer("alice", "*")
	b := r.browser(t)
	if st, _ := b.login("alice", pw); st != 200 {
		t.Fatalf("log-in on the first: %d", st)
	}
	_, page := b.get("/review/s/" + m.ID)
	csrf := csrfOf(t, page)
	b.base = other.URL
	u, _ := url.Parse(other.URL)
	for _, c := range b.c.Jar.Cookies(&url.URL{Scheme: "http", Host: strings.TrimPrefix(r.srv.URL, "http://")}) {
		b.c.Jar.SetCookies(u, []*http.Cookie{c}) // the same site behind a load balancer
	}
	if st, page := b.get("/review/"); st != 200 || !strings.Contains(page, "待审核照片") {
		t.Fatalf("the second instance does not know the session: %d", st)
	}
	if st, _ := b.post("/review/s/"+m.ID+"/approve", url.Values{"csrf": {csrf}, "version": {"1"}}); st != 200 {
		t.Errorf("approve on the second with the first's form: %d", st)
	}
	for _, base := range []string{r.srv.URL, other.URL} {
		b.base = base
		if st, phone := b.get("/s/" + m.StatusToken); st != 200 || !strings.Contains(phone, "张*明") {
			t.Errorf("status page on %s: %d", base, st)
		}
	}
	sub, err := r.db.Submission(context.Background(), m.ID)
	if err != nil || sub.Status != "approved" || sub.Reviewer != "alice" {
		t.Errorf("after approval on the second: %+v %v", sub, err)
	}
}
