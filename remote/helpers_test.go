package remote

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/internal/kioskflow"
	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/server/storage/storagetest"
	"gradphoto/store"
)

// serverRig is the real reference server on loopback.
type serverRig struct {
	db  *storage.DB
	srv *httptest.Server
}

func newServer(t testing.TB, wrap func(http.Handler) http.Handler) *serverRig {
	t.Helper()
	db, err := storage.Open(context.Background(), storagetest.Source(t))
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	r := &serverRig{db: db, srv: httptest.NewServer(h)}
	t.Cleanup(func() { r.srv.Close(); db.Close() })
	return r
}

// enrol makes a code and a client enrolled with it.
func (r *serverRig) enrol(t testing.TB, school string) (*Client, string) {
	t.Helper()
	ctx := context.Background()
	code, err := server.NewEnrolCode(ctx, r.db, school)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{URL: r.srv.URL, RetryWait: 10 * time.Millisecond, RetryMaxWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	en, err := c.Enrol(ctx, code, "test kiosk")
	if err != nil {
		t.Fatal(err)
	}
	c, err = New(Config{URL: r.srv.URL, Token: en.Token, RetryWait: 10 * time.Millisecond, RetryMaxWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c, en.Token
}

// kiosk is a kiosk's real store and domain service.
type kiosk struct {
	st      *store.Store
	svc     *app.Service
	numbers map[string]string // submission id → ID number
}

func newKiosk(t testing.TB) *kiosk {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "kiosk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st,
		Policy: app.Policy{RequireCards: true}})
	return &kiosk{st: st, svc: svc, numbers: map[string]string{}}
}

// graduate is the i-th test graduate.
func graduate(i int) app.RosterEntry {
	d17 := fmt.Sprintf("110105%s%03d", time.Date(2002, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900).Format("20060102"), 100+i%900)
	return app.RosterEntry{Doc: app.DocResidentID, Number: d17 + string(app.CheckChar(d17)), Name: "张晓明",
		StudentNo: fmt.Sprint(2022000 + i), School: "北京理工大学", Major: "英语", Degree: "学士", GradYear: 2026}
}

// testJPEG is a w×h JPEG, different for each seed.
func testJPEG(t testing.TB, seed, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(seed*7 + x), uint8(seed*13 + y), uint8(x ^ y ^ seed), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pictures are one graduate's photos: standardised, raw, card sides.
type pictures struct{ std, raw, front, back []byte }

func picturesFor(t testing.TB, i int, size int) pictures {
	return pictures{std: testJPEG(t, i, 48, 64), raw: testJPEG(t, i+1000, size, size*9/16),
		front: testJPEG(t, i+2000, 86, 54), back: testJPEG(t, i+3000, 86, 54)}
}

// seed puts n graduates on the roster and takes each through the kiosk
// (cards, capture, confirm): n confirmed submissions. It returns their ids.
func (k *kiosk) seed(t testing.TB, from, n, rawSize int) []string {
	t.Helper()
	ctx := context.Background()
	var grads []app.RosterEntry
	for i := from; i < from+n; i++ {
		grads = append(grads, graduate(i))
	}
	if _, err := k.st.ImportRoster(ctx, grads); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, g := range grads {
		p := picturesFor(t, from+i, rawSize)
		id := k.walk(t, g, p)
		k.numbers[id] = g.Number
		ids = append(ids, id)
	}
	return ids
}

// walk takes one graduate through the whole flow.
func (k *kiosk) walk(t testing.TB, g app.RosterEntry, p pictures) string {
	t.Helper()
	if err := kioskflow.Identify(context.Background(), k.svc, g, p.front, p.back); err != nil {
		t.Fatal(err)
	}
	return k.capture(t, p)
}

// capture stores a shot, accepts and confirms it, and finishes.
func (k *kiosk) capture(t testing.TB, p pictures) string {
	t.Helper()
	report := []byte(`{"pass":true,"checks":[{"id":"eye_line","pass":true,"value":250,"min":200,"max":300,"unit":"px"}]}`)
	id, err := kioskflow.Capture(context.Background(), k.svc,
		app.Shot{Raw: p.raw, RawReport: report, Standard: p.std, StandardReport: report, Passed: true})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// manifestOf the kiosk, as the server prints it.
func (k *kiosk) manifest(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := k.st.Manifest(context.Background(), func(e store.ManifestEntry) error {
		out[fmt.Sprintf("%s %s %d %s", e.Submission, e.Kind, e.Version, e.SHA256)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *serverRig) manifest(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := r.db.Manifest(context.Background(), func(l api.ManifestLine) error {
		out[fmt.Sprintf("%s %s %d %s", l.Submission, l.Kind, l.Version, l.SHA256)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reviewer is a reviewer's browser on the server's pages.
type reviewer struct {
	t    testing.TB
	base string
	c    *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newReviewer adds a reviewer for every school and logs in over HTTP.
func (r *serverRig) newReviewer(t testing.TB) *reviewer {
	t.Helper()
	pw := server.NewPassword()
	if err := r.db.AddReviewer(context.Background(), storage.Reviewer{ID: app.NewID(), Name: "alice",
		PasswordHash: server.HashPassword(pw), Schools: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	rv := &reviewer{t: t, base: r.srv.URL, c: &http.Client{Jar: jar}}
	page := rv.get("/review/login")
	rv.post("/review/login", url.Values{"csrf": {rv.csrf(page)}, "name": {"alice"}, "password": {pw}}, 200)
	return rv
}

func (rv *reviewer) get(path string) string {
	rv.t.Helper()
	resp, err := rv.c.Get(rv.base + path)
	if err != nil {
		rv.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (rv *reviewer) post(path string, form url.Values, want int) {
	rv.t.Helper()
	resp, err := rv.c.PostForm(rv.base+path, form)
	if err != nil {
		rv.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		rv.t.Fatalf("POST %s: %d, want %d", path, resp.StatusCode, want)
	}
}

func (rv *reviewer) csrf(page string) string {
	rv.t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		rv.t.Fatalf("no CSRF token in:\n%s", page)
	}
	return m[1]
}

// decide opens a submission's page and approves or rejects it.
func (rv *reviewer) decide(id, action string, version int, reason string) {
	rv.t.Helper()
	page := rv.get("/review/s/" + id)
	form := url.Values{"csrf": {rv.csrf(page)}, "version": {fmt.Sprint(version)}}
	if reason != "" {
		form.Set("reason", reason)
	}
	rv.post("/review/s/"+id+"/"+action, form, 200)
}
