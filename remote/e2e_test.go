package remote

import (
	"context"
	"errors"
	"maps"
	"testing"

	"gradphoto/app"
)

// The whole round trip on loopback: seed, sync, review on the web pages,
// results back, a free retake after the rejection (a new version, the same
// id), the approved one locked, and the ID-card images gone from the kiosk
// once the server holds them.
func TestSyncReviewRetakeEndToEnd(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t, nil)
	c, _ := srv.enrol(t, "")
	k := newKiosk(t)
	ids := k.seed(t, 0, 3, 320)
	w := &Worker{Store: k.st, Client: c, Parallel: 2}

	st, err := w.Round(ctx)
	if err != nil || st.Pending != 0 || st.Offline || st.LastSuccess.IsZero() {
		t.Fatalf("first round: %+v, %v", st, err)
	}
	if km, sm := k.manifest(t), srv.manifest(t); !maps.Equal(km, sm) || len(km) != 12 {
		t.Fatalf("after sync: kiosk %d lines, server %d; equal %v", len(km), len(sm), maps.Equal(km, sm))
	}
	for _, id := range ids {
		rec := k.status(t, id)
		if rec.Status != app.StatusInReview {
			t.Errorf("%s: local status %s, want in_review", id, rec.Status)
		}
	}
	k.wantCardsPurged(t, true)

	rv := srv.newReviewer(t)
	rv.decide(ids[0], "approve", 1, "")
	rv.decide(ids[1], "reject", 1, "background")
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if rec := k.status(t, ids[0]); rec.Status != app.StatusApproved || !rec.Status.Locked() {
		t.Errorf("approved submission locally: %+v", rec)
	}
	rej := k.status(t, ids[1])
	if rej.Status != app.StatusRejected || rej.Reason == "" {
		t.Fatalf("rejected submission locally: %+v", rej)
	}

	// the graduate comes back: status look-up, free retake, confirm
	if err := k.svc.OpenStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.LookupStatus(ctx, app.DocResidentID, rej.Number); err != nil {
		t.Fatal(err)
	}
	// the receipt code, kept through the server's status updates
	if err := k.svc.VerifyStatus(ctx, rej.Code); err != nil {
		t.Fatalf("the receipt code %q: %v", rej.Code, err)
	}
	if err := k.svc.RetakeRejected(ctx); err != nil {
		t.Fatal(err)
	}
	if got := k.capture(t, picturesFor(t, 99, 320)); got != ids[1] {
		t.Fatalf("the retake got submission id %s, want %s", got, ids[1])
	}
	if rec := k.status(t, ids[1]); rec.Status != app.StatusQueued {
		t.Errorf("retake queued locally: %+v", rec)
	}
	if st, err := w.Round(ctx); err != nil || st.Pending != 0 {
		t.Fatalf("retake round: %+v, %v", st, err)
	}
	sub, err := srv.db.Submission(ctx, ids[1])
	if err != nil || sub.Version != 2 || sub.Status != "in_review" {
		t.Fatalf("server after the retake: %+v, %v", sub, err)
	}
	if km, sm := k.manifest(t), srv.manifest(t); !maps.Equal(km, sm) || len(km) != 14 {
		t.Fatalf("after the retake: kiosk %d lines, server %d; equal %v", len(km), len(sm), maps.Equal(km, sm))
	}
	// an approved submission cannot be retaken
	if err := k.svc.OpenStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.LookupStatus(ctx, app.DocResidentID, k.status(t, ids[0]).Number); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.RetakeRejected(ctx); !errors.Is(err, app.ErrLocked) {
		t.Errorf("retake of an approved submission: %v, want ErrLocked", err)
	}
	// nothing more to do: a round changes nothing
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.manifest(t)); n != 14 {
		t.Errorf("an idle round changed the server: %d lines", n)
	}
}

// status is the kiosk's status record of a submission.
func (k *kiosk) status(t testing.TB, submissionID string) app.StatusRecord {
	t.Helper()
	rec, err := k.st.FindStatus(context.Background(), k.numbers[submissionID])
	if err != nil || rec.SubmissionID != submissionID {
		t.Fatalf("status of %s: %+v, %v", submissionID, rec, err)
	}
	return rec
}

// wantCardsPurged checks that every card image is gone (or every one kept).
func (k *kiosk) wantCardsPurged(t testing.TB, purged bool) {
	t.Helper()
	held, gone, err := k.st.DocumentCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if purged && held != 0 || !purged && gone != 0 || held+gone == 0 {
		t.Errorf("%d card images held, %d purged; want purged=%v", held, gone, purged)
	}
}
