package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/server/storage/storagetest"
)

// instance is one server process's worth: its own connections to the
// shared database, its own handler; requests counts what it answered.
type instance struct {
	srv      *httptest.Server
	requests atomic.Int64
}

func newInstance(t *testing.T, source string) *instance {
	t.Helper()
	db, err := storage.Open(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{}
	h := s.Handler()
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { in.srv.Close(); db.Close() })
	return in
}

// Two instances on one database (PostgreSQL under make test-pg), 50 kiosks
// whose requests alternate between them through proxies that drop, cut
// and fail one request in five: every photo of every submission reaches
// the server exactly once, with the kiosk's hash.
func TestTwoInstancesExactlyOnce(t *testing.T) {
	source := storagetest.Source(t)
	a, b := newInstance(t, source), newInstance(t, source)
	db, err := storage.Open(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kiosks, subs := 50, 2
	if testing.Short() {
		kiosks = 10
	}
	res, err := Run(context.Background(), Config{Targets: []string{a.srv.URL, b.srv.URL}, Kiosks: kiosks,
		Submissions: subs, Faults: 0.2, DB: db, Dir: t.TempDir()})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Photos != kiosks*subs*4 || res.Missing+res.Duplicates+res.Mismatched != 0 {
		t.Errorf("result %+v", res)
	}
	if res.FailedRequests == 0 {
		t.Error("no request met a fault")
	}
	if a.requests.Load() < int64(res.Requests)/4 || b.requests.Load() < int64(res.Requests)/4 {
		t.Errorf("requests not shared: %d and %d of %d", a.requests.Load(), b.requests.Load(), res.Requests)
	}
}

// A paced run: graduates confirm at 40 a second over 4 kiosks, each kiosk
// syncing as one does, one request in ten faulted (a failed submission
// waits for the worker's own backoff): every photo arrives once, and the
// run lasts at least as long as its schedule.
func TestPacedRun(t *testing.T) {
	source := storagetest.Source(t)
	in := newInstance(t, source)
	db, err := storage.Open(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const kiosks, subs, rate = 4, 5, 40.0
	res, err := Run(context.Background(), Config{Targets: []string{in.srv.URL}, Kiosks: kiosks,
		Submissions: subs, Faults: 0.1, Rate: rate, DB: db, Dir: t.TempDir()})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Photos != kiosks*subs*4 || res.Missing+res.Duplicates+res.Mismatched != 0 {
		t.Errorf("result %+v", res)
	}
	if min := float64(kiosks*subs-1) / rate; res.Seconds < min {
		t.Errorf("the run took %.2f s: its schedule needs %.2f s", res.Seconds, min)
	}
	if res.Rate != rate || res.P99ms <= 0 {
		t.Errorf("result %+v", res)
	}
}

// The command's last line is the result as JSON; bad usage does nothing.
func TestCommand(t *testing.T) {
	if code := Main([]string{"--kiosks", "2"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("no target: exit %d", code)
	}
	if code := Main([]string{"--target", "http://127.0.0.1:1", "--faults", "1.5", "--data", t.TempDir()}, io.Discard, io.Discard); code != 2 {
		t.Errorf("faults 1.5: exit %d", code)
	}
	if code := Main([]string{"--target", "http://127.0.0.1:1", "--rate", "-1", "--data", t.TempDir()}, io.Discard, io.Discard); code != 2 {
		t.Errorf("rate -1: exit %d", code)
	}
	source := storagetest.Source(t)
	in := newInstance(t, source)
	var out bytes.Buffer
	code := Main([]string{"--db", source, "--target", in.srv.URL, "--kiosks", "2", "--submissions", "2"}, &out, io.Discard)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res Result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, last line %q: %v", code, lines[len(lines)-1], err)
	}
	if res.Submissions != 4 || res.Photos != 16 || res.P99ms <= 0 || res.PerSecond <= 0 || res.Duplicates != 0 {
		t.Errorf("result %+v", res)
	}
}
