package remote

import (
	"context"
	"errors"
	"testing"
	"time"

	"gradphoto/app"
	"gradphoto/store"
)

// Retention: 30 days after approval the raw still of an approved
// submission is emptied (the standardised photo stays); 180 days after
// the last confirmation everything of the graduate is gone from the
// kiosk — but only of submissions the server has: one never synced is
// kept whatever its age. The sync worker applies it after a round.
func TestRetentionPurge(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t, nil)
	c, _ := srv.enrol(t, "")
	k := newKiosk(t)
	ids := k.seed(t, 0, 3, 320)
	w := &Worker{Store: k.st, Client: c}
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	srv.newReviewer(t).decide(ids[0], "approve", 1, "")
	if _, err := w.Round(ctx); err != nil {
		t.Fatal(err)
	}
	unsynced := k.seed(t, 3, 1, 320)[0] // confirmed after the last round: not at the server
	rawOf := func(id string) error {
		a, err := k.st.Attempt(ctx, k.sessionOf(t, id))
		if err != nil {
			return err
		}
		if _, ok := a.Photos[store.KindRaw]; !ok {
			return store.ErrPurged
		}
		return nil
	}
	held := func() []string {
		var ids []string
		if err := k.st.Export(ctx, store.ExportFilter{}, func(r store.ExportRow) error {
			ids = append(ids, r.SubmissionID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ids
	}

	now := time.Now()
	if st, err := k.st.Purge(ctx, now.Add(29*24*time.Hour), store.DefaultRetention); err != nil || st != (store.PurgeStats{}) {
		t.Fatalf("day 29: %+v %v, want nothing purged", st, err)
	}
	st, err := k.st.Purge(ctx, now.Add(31*24*time.Hour), store.DefaultRetention)
	if err != nil || st.RawPhotos != 1 || st.Submissions != 0 {
		t.Fatalf("day 31: %+v %v, want the approved one's raw still", st, err)
	}
	if err := rawOf(ids[0]); !errors.Is(err, store.ErrPurged) {
		t.Errorf("the approved submission's raw still: %v, want purged", err)
	}
	if err := rawOf(ids[1]); err != nil {
		t.Errorf("an unapproved submission's raw still: %v", err)
	}
	if rec := k.status(t, ids[0]); rec.Status != app.StatusApproved {
		t.Errorf("after the raw purge: %+v", rec)
	}

	st, err = k.st.Purge(ctx, now.Add(181*24*time.Hour), store.DefaultRetention)
	if err != nil || st.Submissions != 3 {
		t.Fatalf("day 181: %+v %v, want the 3 synced submissions forgotten", st, err)
	}
	for _, id := range ids {
		if _, err := k.st.FindStatus(ctx, k.numbers[id]); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("%s after 180 days: the status look-up still finds it (%v)", id, err)
		}
	}
	if left := held(); len(left) != 1 || left[0] != unsynced {
		t.Errorf("after 180 days the kiosk holds %v, want only %s (never synced)", left, unsynced)
	}
	// the worker: a round sends it, then applies the retention
	w.Retention, w.Now = store.DefaultRetention, func() time.Time { return now.Add(182 * 24 * time.Hour) }
	if st, err := w.Round(ctx); err != nil || st.Pending != 0 {
		t.Fatalf("round: %+v %v", st, err)
	}
	if left := held(); len(left) != 0 {
		t.Errorf("after the round the kiosk holds %v", left)
	}
	if _, err := srv.db.Submission(ctx, unsynced); err != nil {
		t.Errorf("the last one is not at the server: %v", err)
	}
	if n, _, err := k.st.DocumentCounts(ctx); err != nil || n != 0 {
		t.Errorf("%d card images held (%v)", n, err)
	}
	log, err := k.st.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	purges := 0
	for _, e := range log {
		if e.Action == "retention.purge" {
			purges++
		}
	}
	if purges < 2 {
		t.Errorf("%d purges audited", purges)
	}
}

// sessionOf is the latest confirmed session of a submission.
func (k *kiosk) sessionOf(t testing.TB, submissionID string) string {
	t.Helper()
	ids, err := k.st.ConfirmedSessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	last := ""
	for _, id := range ids {
		a, err := k.st.Attempt(context.Background(), id)
		if err == nil && a.Session.SubmissionID == submissionID {
			last = id
		}
	}
	if last == "" {
		t.Fatalf("no session of %s", submissionID)
	}
	return last
}
