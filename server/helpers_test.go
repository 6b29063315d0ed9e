package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"gradphoto/api"
	"gradphoto/server/storage"
	"gradphoto/server/storage/storagetest"
)

// rig is a real server on loopback with its database (SQLite, or
// PostgreSQL when the tests run on it: storagetest).
type rig struct {
	t    testing.TB
	path string
	db   *storage.DB
	srv  *httptest.Server
}

func newRig(t testing.TB) *rig { return newRigWith(t, Config{}) }

// newRigWith is newRig with cfg (its Store and Log are the rig's).
func newRigWith(t testing.TB, cfg Config) *rig {
	return newRigAt(t, func(string) Config { return cfg })
}

// newRigAt is newRig with the configuration made for the server's address.
func newRigAt(t testing.TB, config func(url string) Config) *rig {
	t.Helper()
	path := storagetest.Source(t)
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config("http://" + ln.Addr().String())
	cfg.Store, cfg.Log = db, slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.Handler()}}
	hs.Start()
	r := &rig{t: t, path: path, db: db, srv: hs}
	t.Cleanup(func() { r.srv.Close(); db.Close() })
	return r
}

// enrol makes a code for school and enrols a kiosk with it: its token.
func (r *rig) enrol(school string) string {
	r.t.Helper()
	code, err := NewEnrolCode(context.Background(), r.db, school)
	if err != nil {
		r.t.Fatal(err)
	}
	var en api.Enrolment
	if st := r.call("", "POST", api.PathDevices, api.EnrolRequest{Code: code}, &en); st != http.StatusCreated {
		r.t.Fatalf("enrol: HTTP %d", st)
	}
	return en.Token
}

// call sends a JSON call (body: a value, []byte as it is, or nil) and
// decodes the answer into out (an api.Error on failure when out is one).
func (r *rig) call(token, method, path string, body, out any) int {
	r.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			r.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	return r.do(token, method, path, rd, nil, out)
}

func (r *rig) do(token, method, path string, body io.Reader, header map[string]string, out any) int {
	r.t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := r.srv.Client().Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			r.t.Fatalf("%s %s: answer %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// putPhoto uploads data as kind with its true hash (or want, if given).
func (r *rig) putPhoto(token, id, kind string, data []byte, want string, out any) int {
	r.t.Helper()
	if want == "" {
		want = sha(data)
	}
	return r.do(token, "PUT", api.PathSubmissions+id+"/photos/"+kind, bytes.NewReader(data),
		map[string]string{api.HeaderSHA256: want}, out)
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// testJPEG is a small real JPEG, different for each seed.
func testJPEG(t testing.TB, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 64))
	for y := range 64 {
		for x := range 48 {
			img.Set(x, y, color.RGBA{uint8(100 + seed), uint8(197 - x), uint8(255 - y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// meta is a valid submission's metadata.
func meta(id, session string) api.Submission {
	return api.Submission{ID: id, SessionID: session, School: "北京理工大学", DocType: "resident_id",
		Number: "11010520010312123X", Name: "张晓明", Payment: "deferred", StatusToken: "tok-" + session,
		ConfirmedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
		Reports:     map[string]api.RawJSON{api.KindStandard: api.RawJSON(`{"pass":true,"checks":[{"id":"eye_line","pass":true,"value":270,"min":200,"max":300,"unit":"px"}]}`)}}
}

func newUUID() string { return uuid.Must(uuid.NewV7()).String() }

// submitted makes a submission with its standardised photo and submits it.
func (r *rig) submitted(token string, seed int) api.Submission {
	r.t.Helper()
	m := meta(newUUID(), newUUID())
	m.StatusToken = fmt.Sprintf("status-token-%d-%s", seed, m.ID)
	if st := r.call(token, "PUT", api.PathSubmissions+m.ID, m, nil); st != 200 {
		r.t.Fatalf("put submission: %d", st)
	}
	if st := r.putPhoto(token, m.ID, api.KindStandard, testJPEG(r.t, seed), "", nil); st != 200 {
		r.t.Fatalf("put photo: %d", st)
	}
	if st := r.call(token, "POST", api.PathSubmissions+m.ID+"/submit", nil, nil); st != 200 {
		r.t.Fatalf("submit: %d", st)
	}
	return m
}

func itoa(n int64) string { return fmt.Sprint(n) }

func hashOf(s string) []byte { return storage.Hash(s) }

// fileHolds reports whether the database holds s anywhere: its files
// (SQLite), or any row of any table as text, bytea as hex (PostgreSQL).
func (r *rig) fileHolds(s string) bool {
	r.t.Helper()
	if storagetest.Postgres() {
		return r.rowsHold(s)
	}
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(r.path + suffix)
		if err == nil && bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	return false
}

func (r *rig) rowsHold(s string) bool {
	r.t.Helper()
	db, err := sql.Open("pgx", r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
	if err != nil {
		r.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			r.t.Fatal(err)
		}
		tables = append(tables, t)
	}
	if err := rows.Close(); err != nil {
		r.t.Fatal(err)
	}
	for _, t := range tables {
		var n int
		q := "SELECT COUNT(*) FROM " + t + " AS x WHERE strpos(x::text, $1) > 0 OR strpos(x::text, $2) > 0"
		if err := db.QueryRowContext(ctx, q, s, hex.EncodeToString([]byte(s))).Scan(&n); err != nil {
			r.t.Fatal(err)
		}
		if n > 0 {
			return true
		}
	}
	return false
}

// manifest is the server's manifest.
func manifest(t testing.TB, r *rig) []api.ManifestLine {
	t.Helper()
	var out []api.ManifestLine
	if err := r.db.Manifest(context.Background(), func(l api.ManifestLine) error { out = append(out, l); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }

// auditCount is how many entries of action the audit log holds.
func (r *rig) auditCount(action string) int {
	r.t.Helper()
	n, err := r.db.AuditCount(context.Background(), action)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// openData opens the database a command was given (flag and value, as
// storagetest.Flag makes them).
func openData(t testing.TB, flag, value string) *storage.DB {
	t.Helper()
	source := value
	if flag == "--data" {
		source = filepath.Join(value, "server.db")
	}
	db, err := storage.Open(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
