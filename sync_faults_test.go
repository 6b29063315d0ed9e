package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/internal/faultproxy"
	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/store"
)

// faultRounds is how many times the sync process is killed; GRADPHOTO_FAULT_ROUNDS
// raises it for a soak.
func faultRounds() int {
	if n, err := strconv.Atoi(os.Getenv("GRADPHOTO_FAULT_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 50
}

// The kiosk's `gradphoto sync` runs through a proxy that drops connections
// (before and after the server saw the request), answers 500, cuts answers
// and delays; the server restarts now and then; and the sync process is
// killed with SIGKILL at random points, over and over. When the faults stop,
// one more sync sends what is left: the server holds each submission
// exactly once with the kiosk's hashes, nothing is missing on the kiosk,
// and both databases pass SQLite's integrity check.
func TestSyncSurvivesFaultsAndKills(t *testing.T) {
	bin := buildKiosk(t)
	dir := t.TempDir()
	kdb := filepath.Join(dir, "kiosk.db")
	const submissions = 24
	run(t, bin, "demo", "seed", "--db", kdb, "--submissions", strconv.Itoa(submissions))

	ctx := context.Background()
	sdb, err := storage.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	srv, err := server.New(server.Config{Store: sdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewServer(srv.Handler())
	defer func() { backend.Close() }()
	faults := faultproxy.Faults{DropBefore: 0.08, DropAfter: 0.12, Error: 0.08, Cut: 0.08, Delay: 30 * time.Millisecond}
	proxy, err := faultproxy.New(backend.URL, faultproxy.Faults{}, 7)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(proxy)
	defer front.Close()

	code, err := server.NewEnrolCode(ctx, sdb, "")
	if err != nil {
		t.Fatal(err)
	}
	run(t, bin, "enrol", "--db", kdb, "--server", front.URL, code)
	proxy.SetFaults(faults)

	rnd := rand.New(rand.NewPCG(11, 13))
	rounds := faultRounds()
	for i := range rounds {
		if i%10 == 9 { // the server restarts
			backend.Close()
			backend = httptest.NewServer(srv.Handler())
			proxy.SetTarget(backend.URL)
		}
		cmd := exec.Command(bin, "sync", "--db", kdb)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(40+rnd.IntN(900)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	t.Logf("%d kills; proxy: %d requests, %d dropped before, %d after the server, %d 500s, %d cut",
		rounds, proxy.Counts.Requests.Load(), proxy.Counts.DropBefore.Load(), proxy.Counts.DropAfter.Load(),
		proxy.Counts.Error.Load(), proxy.Counts.Cut.Load())

	proxy.SetFaults(faultproxy.Faults{})
	var out string
	for range 5 {
		var ok bool
		if out, ok = tryRun(bin, "sync", "--db", kdb, "--once"); ok {
			break
		}
	}
	if !strings.Contains(out, "pending 0") {
		t.Fatalf("the last sync did not finish: %s", out)
	}

	kiosk := manifestLines(t, run(t, bin, "manifest", "--db", kdb))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := sdb.Manifest(ctx, func(l api.ManifestLine) error { return enc.Encode(l) }); err != nil {
		t.Fatal(err)
	}
	served := manifestLines(t, buf.String())
	if len(kiosk) != submissions*4 {
		t.Errorf("kiosk manifest has %d photos, want %d", len(kiosk), submissions*4)
	}
	subs := map[string]bool{}
	for key, l := range served {
		subs[l.Submission] = true
		k, ok := kiosk[key]
		if !ok || k.SHA256 != l.SHA256 || l.Version != 1 {
			t.Errorf("server holds %+v; the kiosk has %+v", l, k)
		}
	}
	if len(served) != len(kiosk) || len(subs) != submissions {
		t.Errorf("server: %d photos of %d submissions; kiosk: %d photos of %d", len(served), len(subs), len(kiosk), submissions)
	}
	if err := sdb.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	st, err := store.Open(ctx, kdb, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	if held, purged, err := st.DocumentCounts(ctx); err != nil || held != 0 || purged != 2*submissions {
		t.Errorf("card images: %d held, %d purged (%v); want all %d purged", held, purged, err, 2*submissions)
	}
}

// run runs the binary and fails the test unless it exits 0; its stdout.
func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, ok := tryRun(bin, args...)
	if !ok {
		t.Fatalf("gradphoto %s: %s", strings.Join(args, " "), out)
	}
	return out
}

func tryRun(bin string, args ...string) (string, bool) {
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String() + stderr.String(), err == nil
}

// manifestLines reads JSON lines, keyed by submission, kind and version.
func manifestLines(t *testing.T, text string) map[string]api.ManifestLine {
	t.Helper()
	out := map[string]api.ManifestLine{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line == "" {
			continue
		}
		var l api.ManifestLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("manifest line %q: %v", line, err)
		}
		key := l.Submission + " " + l.Kind + " " + strconv.Itoa(l.Version)
		if _, dup := out[key]; dup {
			t.Errorf("twice in a manifest: %s", key)
		}
		out[key] = l
	}
	return out
}
