package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/app"
)

func TestPhotos(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sid := newSession(t, s)
	data := bytes.Repeat([]byte("jpeg"), 5000)
	p, err := s.SavePhoto(ctx, Photo{SessionID: sid, Kind: "original", Data: data, Report: []byte(`{"ok":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if p.ID == "" || p.SHA256 != hex.EncodeToString(sum[:]) || !p.CreatedAt.Equal(t0) {
		t.Fatalf("SavePhoto = %+v", p)
	}
	std, err := s.SavePhoto(ctx, Photo{SessionID: sid, Kind: "standard", Data: []byte("small"), CreatedAt: t0.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Photo(ctx, p.ID)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("Photo = %+v, %v; want %+v", got, err, p)
	}
	list, err := s.SessionPhotos(ctx, sid)
	if err != nil || len(list) != 2 || list[0].ID != p.ID || list[1].ID != std.ID || list[0].Data != nil {
		t.Fatalf("SessionPhotos = %+v, %v", list, err)
	}
	if _, err := s.Photo(ctx, "nope"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Photo(nope) = %v, want app.ErrNotFound", err)
	}
	if _, err := s.SavePhoto(ctx, Photo{SessionID: sid, Kind: "original"}); err == nil {
		t.Error("SavePhoto accepted a photo without data")
	}
}

func TestOrders(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	sid := newSession(t, s)
	o := api.Order{ID: "order-1", Status: api.OrderPending, Provider: "wechat", QR: "weixin://wxpay/bizpayurl?pr=abc",
		AmountFen: 1500, ExpiresAt: t0.Add(5 * time.Minute)}
	if err := s.SaveOrder(ctx, sid, o); err != nil {
		t.Fatal(err)
	}
	o.Status = api.OrderPaid
	if err := s.SaveOrder(ctx, sid, o); err != nil {
		t.Fatal(err)
	}
	o2 := api.Order{ID: "order-2", Status: api.OrderPending, Provider: "wechat", AmountFen: 1500}
	if err := s.SaveOrder(ctx, sid, o2); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionOrders(ctx, sid)
	if err != nil || len(got) != 2 || got[0].ID != "order-1" || got[0].Status != api.OrderPaid ||
		!got[0].ExpiresAt.Equal(o.ExpiresAt) || got[0].QR != o.QR || got[1].ID != "order-2" {
		t.Fatalf("SessionOrders = %+v, %v", got, err)
	}
	if err := s.SaveOrder(ctx, "no-such-session", api.Order{ID: "order-3"}); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an order of an unknown session: %v", err)
	}
	if err := s.SaveOrder(ctx, sid, api.Order{ID: "order-4", AmountFen: -1}); err == nil {
		t.Error("SaveOrder accepted a negative amount")
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, ref := range []string{"a", "b", "c"} {
		if err := s.Enqueue(ctx, "submission.put", ref, []byte(`{"ref":"`+ref+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	due, err := s.DueOutbox(ctx, t0, 2)
	if err != nil || len(due) != 2 || due[0].Ref != "a" || due[1].Ref != "b" {
		t.Fatalf("DueOutbox = %+v, %v", due, err)
	}
	if !due[0].NextAt.Equal(t0) || !due[0].CreatedAt.Equal(t0) || string(due[0].Payload) != `{"ref":"a"}` {
		t.Fatalf("item = %+v", due[0])
	}
	// a fails and waits 30 s; b is sent.
	if err := s.OutboxFailed(ctx, due[0].ID, errors.New("connection refused"), t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxDone(ctx, due[1].ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueOutbox(ctx, t0.Add(time.Second), 0); len(due) != 1 || due[0].Ref != "c" {
		t.Fatalf("due before a's retry = %+v", due)
	}
	due, _ = s.DueOutbox(ctx, t0.Add(30*time.Second), 0)
	if len(due) != 2 || due[0].Ref != "a" || due[0].Attempts != 1 || due[0].LastError != "connection refused" {
		t.Fatalf("due at a's retry = %+v", due)
	}
	if n, err := s.OutboxLen(ctx); err != nil || n != 2 {
		t.Fatalf("OutboxLen = %d, %v", n, err)
	}
	if err := s.OutboxDone(ctx, due[1].ID+100); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("OutboxDone(unknown) = %v, want app.ErrNotFound", err)
	}
	if err := s.OutboxFailed(ctx, due[1].ID+100, nil, t0); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("OutboxFailed(unknown) = %v, want app.ErrNotFound", err)
	}
}

// TestTimeOrderIsTextOrder: the stored time text compares like the times,
// also across whole seconds (RFC3339Nano would trim the zeros).
func TestTimeOrderIsTextOrder(t *testing.T) {
	a, b := t0.Truncate(time.Second), t0.Truncate(time.Second).Add(time.Millisecond)
	if !(formatTime(a) < formatTime(b)) {
		t.Fatalf("%s !< %s", formatTime(a), formatTime(b))
	}
	if got, err := parseTime(formatTime(t0)); err != nil || !got.Equal(t0) {
		t.Fatalf("parseTime = %v, %v", got, err)
	}
}

func TestStatuses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := idNumber(time.Date(2003, 5, 17, 0, 0, 0, 0, time.UTC), 42)
	if _, err := s.FindStatus(ctx, n); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("FindStatus before any = %v, want app.ErrNotFound", err)
	}
	old := app.StatusRecord{SubmissionID: "sub-1", Number: n, Status: app.StatusRejected, Reason: "眼镜反光", UpdatedAt: t0}
	newer := app.StatusRecord{SubmissionID: "sub-2", Number: n, Status: app.StatusInReview, UpdatedAt: t0.Add(time.Hour)}
	other := app.StatusRecord{SubmissionID: "sub-3", Number: idNumber(time.Date(2003, 5, 17, 0, 0, 0, 0, time.UTC), 43),
		Status: app.StatusPublished, UpdatedAt: t0.Add(2 * time.Hour)}
	for _, r := range []app.StatusRecord{newer, old, other} {
		if err := s.PutStatus(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.FindStatus(ctx, n); err != nil || got != newer {
		t.Fatalf("FindStatus = %+v, %v; want the latest %+v", got, err, newer)
	}
	// A late, older report about sub-2 must not overwrite the newer one.
	stale := newer
	stale.Status, stale.UpdatedAt = app.StatusQueued, t0.Add(time.Minute)
	if err := s.PutStatus(ctx, stale); err != nil {
		t.Fatal(err)
	}
	approved := newer
	approved.Status, approved.UpdatedAt = app.StatusApproved, t0.Add(3*time.Hour)
	if err := s.PutStatus(ctx, approved); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindStatus(ctx, n); err != nil || got != approved {
		t.Fatalf("FindStatus = %+v, %v; want %+v", got, err, approved)
	}
	if err := s.PutStatus(ctx, app.StatusRecord{SubmissionID: "x"}); !errors.Is(err, ErrEmptyNumber) {
		t.Errorf("PutStatus without number = %v, want ErrEmptyNumber", err)
	}
}

func TestAudit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, a := range []string{"roster.import", "payment.cash", "session.timeout"} {
		if err := s.Audit(ctx, "assistant", a, "detail of "+a); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 2)
	if err != nil || len(log) != 2 || log[0].Action != "session.timeout" || log[1].Action != "payment.cash" {
		t.Fatalf("AuditLog = %+v, %v", log, err)
	}
	if e := log[0]; e.Actor != "assistant" || e.Detail != "detail of session.timeout" || !e.At.Equal(t0) {
		t.Fatalf("entry = %+v", e)
	}
	if all, _ := s.AuditLog(ctx, 0); len(all) != 3 {
		t.Fatalf("AuditLog(0) = %d entries, want 3", len(all))
	}
	if _, err := s.w.ExecContext(ctx, "DELETE FROM audit_log"); err == nil {
		t.Error("the audit log could be deleted")
	}
	if _, err := s.w.ExecContext(ctx, "UPDATE audit_log SET detail = ''"); err == nil {
		t.Error("the audit log could be changed")
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Setting(ctx, "profile"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("Setting(missing) = %v, want app.ErrNotFound", err)
	}
	for _, v := range []string{"chsi", "xinhua"} {
		if err := s.SetSetting(ctx, "profile", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := s.Setting(ctx, "profile"); err != nil || v != "xinhua" {
		t.Fatalf("Setting = %q, %v", v, err)
	}
}
