package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gradphoto/app"
)

// killPer is how many roster entries each kill round may use.
const killPer = 80

// The child process of TestKilledWhileSaving: a kiosk (the real store and
// domain service) walking graduates through capture and confirm as fast
// as it can, printing "COMMITTED <session>" once Confirm returned, until
// it is killed.
func TestKillChild(t *testing.T) {
	db := os.Getenv("GRADPHOTO_KILL_DB")
	if db == "" {
		t.Skip("only as the child process of TestKilledWhileSaving")
	}
	ctx := context.Background()
	st, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.EndAbandoned(ctx, time.Now(), ""); err != nil { // as the kiosk does when it starts
		t.Fatal(err)
	}
	svc := app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st})
	from, _ := strconv.Atoi(os.Getenv("GRADPHOTO_KILL_FROM"))
	es := rosterEntries(from + killPer)[from:]
	fmt.Println("READY")
	for i, e := range es {
		raw := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF, byte(i), byte(from)}, 40_000) // 200 KB
		std := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, raw[:30_000]...)
		steps := []func() error{
			func() error { return svc.Start(ctx) },
			func() error { return svc.AcceptConsent(ctx) },
			func() error { _, err := svc.SubmitIdentity(ctx, e.Doc, e.Number, ""); return err },
			func() error { return svc.ConfirmRecord(ctx) },
			func() error { return svc.Capture(ctx, app.Shot{Raw: raw, Standard: std, Passed: true}) },
			func() error { return svc.AcceptStandard(ctx) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		s := svc.Session()
		if _, err := svc.Confirm(ctx); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("COMMITTED %s\n", s.ID)
		if err := svc.Finish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Minute) // killed long before
}

// killRounds is how many times TestKilledWhileSaving kills its child:
// 100, or GRADPHOTO_KILL_ROUNDS.
func killRounds() int {
	if n, err := strconv.Atoi(os.Getenv("GRADPHOTO_KILL_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 100
}

// A kiosk killed (SIGKILL) at a random moment while it saves sessions and
// photos, again and again: after every kill the database passes
// integrity_check, every session it said was committed is there whole
// (identity, both photos with the bytes their SHA-256 names, its outbox
// item), and no confirmed session is half-written.
func TestKilledWhileSaving(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "gradphoto.db")
	rounds := killRounds()
	st, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportRoster(ctx, rosterEntries(rounds*killPer)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	committed, verified := map[string]bool{}, map[string]bool{}
	for round := range rounds {
		lines := killOnce(t, db, round)
		for _, id := range lines {
			committed[id] = true
		}
		checkAfterKill(t, db, committed, verified, round)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d kills, %d sessions committed", rounds, len(committed))
	if len(committed) < rounds/2 {
		t.Errorf("only %d sessions committed in %d rounds: the kills came too early to test much", len(committed), rounds)
	}
}

// killOnce runs the child and kills it after a random 20–250 ms of work;
// it returns the sessions the child said were committed.
func killOnce(t *testing.T, db string, round int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
	cmd.Env = append(os.Environ(), "GRADPHOTO_KILL_DB="+db, "GRADPHOTO_KILL_FROM="+strconv.Itoa(round*killPer))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "READY" {
	}
	time.Sleep(time.Duration(20+rand.IntN(230)) * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	var ids []string
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "COMMITTED "); ok {
			ids = append(ids, id)
		}
	}
	cmd.Wait()
	return ids
}

// checkAfterKill opens the database as the next start would and checks
// it: every confirmed session is there, each new one (not verified in an
// earlier round) read whole.
func checkAfterKill(t *testing.T, db string, committed, verified map[string]bool, round int) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatalf("round %d: open after the kill: %v", round, err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	confirmed, err := st.ConfirmedSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range confirmed {
		seen[id] = true
		if verified[id] {
			continue
		}
		verified[id] = true
		a, err := st.Attempt(ctx, id)
		if err != nil {
			t.Fatalf("round %d: confirmed session %s: %v", round, id, err)
		}
		if a.Session.Identity == nil || a.Session.Identity.Number == "" || len(a.Photos) != 2 {
			t.Fatalf("round %d: session %s half-written: identity %v, %d photos", round, id, a.Session.Identity, len(a.Photos))
		}
		for kind, p := range a.Photos {
			sum := sha256.Sum256(p.Data)
			if hex.EncodeToString(sum[:]) != p.SHA256 {
				t.Fatalf("round %d: session %s: %s photo's bytes do not match its SHA-256", round, id, kind)
			}
		}
	}
	for id := range verified {
		if !seen[id] {
			t.Fatalf("round %d: confirmed session %s is gone", round, id)
		}
	}
	for id := range committed {
		if !seen[id] {
			t.Fatalf("round %d: committed session %s is missing", round, id)
		}
	}
	if n, err := st.OutboxLen(ctx); err != nil || n != len(confirmed) {
		t.Fatalf("round %d: %d outbox items for %d confirmed sessions (%v)", round, n, len(confirmed), err)
	}
}
