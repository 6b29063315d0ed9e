package remote

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/store"
)

// The child process of TestPaymentSurvivesAKill: a kiosk (its real store
// and domain service, the payment client) that either walks a graduate to
// an open order and waits to be killed ("open"), or, started again,
// resumes the session left at Payment and waits until the order is paid
// ("resume"). It prints "ORDER <id>" and "PAID".
func TestPayCrashChild(t *testing.T) {
	phase := os.Getenv("GRADPHOTO_PAY_CHILD")
	if phase == "" {
		t.Skip("only as the child process of TestPaymentSurvivesAKill")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv("GRADPHOTO_PAY_DB"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := New(Config{URL: os.Getenv("GRADPHOTO_PAY_URL"), Token: os.Getenv("GRADPHOTO_PAY_TOKEN")})
	if err != nil {
		t.Fatal(err)
	}
	svc := app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st,
		Payments: pay, Orders: st})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	switch phase {
	case "open":
		must(svc.Start(ctx))
		must(svc.AcceptConsent(ctx))
		_, err := svc.SubmitIdentity(ctx, app.DocResidentID, os.Getenv("GRADPHOTO_PAY_NUMBER"), "")
		must(err)
		must(svc.ConfirmRecord(ctx))
		must(svc.ChooseServices(ctx, []string{"degree_photo"}))
	case "resume":
		s, err := st.ResumableSession(ctx, time.Now().Add(-app.ResumeWithin))
		must(err)
		if _, err := st.EndAbandoned(ctx, time.Now(), s.ID); err != nil {
			t.Fatal(err)
		}
		if !svc.Resume(s) {
			t.Fatal("the session was not resumed")
		}
	}
	o, err := svc.OpenOrder(ctx)
	must(err)
	fmt.Printf("ORDER %s\n", o.ID)
	if phase == "open" {
		time.Sleep(time.Minute) // killed long before
		t.Fatal("not killed")
	}
	for svc.Session().Step == app.StepPayment {
		time.Sleep(50 * time.Millisecond)
		_, err := svc.CheckOrder(ctx)
		must(err)
	}
	fmt.Println("PAID")
}

// A kiosk killed (SIGKILL) while the graduate pays: started again, it
// resumes the same session with the same order — the QR code the graduate
// already scanned — and the payment made on it moves the session on. The
// server holds one order for the session: one charge.
func TestPaymentSurvivesAKill(t *testing.T) {
	srv := newServer(t, nil)
	_, token := srv.enrol(t, "")
	dbPath := filepath.Join(t.TempDir(), "kiosk.db")
	st, err := store.Open(context.Background(), dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := graduate(1)
	if _, err := st.ImportRoster(context.Background(), []app.RosterEntry{g}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := append(os.Environ(), "GRADPHOTO_PAY_DB="+dbPath, "GRADPHOTO_PAY_URL="+srv.srv.URL,
		"GRADPHOTO_PAY_TOKEN="+token, "GRADPHOTO_PAY_NUMBER="+g.Number)
	child := func(phase string) (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPayCrashChild$", "-test.v")
		cmd.Env = append(env, "GRADPHOTO_PAY_CHILD="+phase)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, bufio.NewScanner(out)
	}
	line := func(sc *bufio.Scanner, prefix string) string {
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				return rest
			}
		}
		t.Fatalf("the child never printed %q", prefix)
		return ""
	}

	first, out := child("open")
	orderID := line(out, "ORDER ")
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	second, out := child("resume")
	defer second.Process.Kill()
	if again := line(out, "ORDER "); again != orderID {
		t.Fatalf("after the restart the order is %s, want the same %s", again, orderID)
	}
	o, err := srv.db.Order(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm(o.QR, url.Values{}) // the graduate pays on the code scanned before the crash
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := line(out, "PAID"); got != "" {
		t.Fatalf("odd line %q", got)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("the resumed kiosk: %v", err)
	}
	n, err := srv.db.SessionOrderCount(context.Background(), o.SessionID)
	if err != nil || n != 1 {
		t.Errorf("%d orders on the server for the session (%v), want 1", n, err)
	}
	if o, _ := srv.db.Order(context.Background(), orderID); o.Status != api.OrderPaid {
		t.Errorf("the order is %s", o.Status)
	}
}
