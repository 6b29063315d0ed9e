package storage_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"gradphoto/api"
	"gradphoto/server/storage"
	"gradphoto/server/storage/storagetest"
)

// Several writers per kiosk on two handles of one database (two server
// instances on PostgreSQL): submits, reviewers' decisions and payments
// that release pay-later submissions, side by side, while each kiosk reads
// its status changes with its cursor. Every kiosk must see each of its
// changes exactly once (a cursor never passes a change still to commit),
// and no pay-later submission whose session was paid is left waiting.
func TestStatusCursorsUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	src := storagetest.Source(t)
	a := open(t, ctx, src)
	b := open(t, ctx, src)
	const devices, writers, each = 4, 4, 6
	var wg sync.WaitGroup
	errs := make(chan error, devices*(writers+1))
	seen := make([]map[string]int, devices)
	done := make(chan struct{})
	var readers sync.WaitGroup
	for d := range devices {
		dev, err := a.ImportDevice(ctx, storage.Device{ID: fmt.Sprintf("dev-%d", d), School: "S", Name: "k"})
		if err != nil {
			t.Fatal(err)
		}
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("sub-%d-%d-%d", d, w, i)
					if err := walk(ctx, a, b, dev.ID, id, i%2 == 1); err != nil {
						errs <- fmt.Errorf("%s: %w", id, err)
						return
					}
				}
			}()
		}
		seen[d] = map[string]int{}
		readers.Add(1)
		go func() {
			defer readers.Done()
			if err := follow(ctx, []*storage.DB{a, b}, dev.ID, seen[d], done); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for d := range devices {
		if got, want := len(seen[d]), writers*each*2; got != want {
			t.Errorf("kiosk %d saw %d distinct changes, want %d", d, got, want)
		}
		for k, n := range seen[d] {
			if n != 1 {
				t.Errorf("kiosk %d saw %s %d times", d, k, n)
			}
		}
	}
}

func open(t *testing.T, ctx context.Context, src string) *storage.DB {
	t.Helper()
	db, err := storage.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// walk syncs one submission on instance a and approves it on b; a
// pay-later one is submitted while another writer pays its session.
func walk(ctx context.Context, a, b *storage.DB, device, id string, later bool) error {
	m := api.Submission{ID: id, SessionID: "s-" + id, School: "S", DocType: "resident_id",
		Number: id, Name: "n", Payment: "prepaid", StatusToken: "t-" + id}
	if later {
		m.Payment = api.PaymentLater
	}
	if _, err := a.PutSubmission(ctx, device, m, []byte(id), storage.Hash(id)); err != nil {
		return err
	}
	data := "photo " + id
	if _, err := b.PutPhoto(ctx, device, id, api.KindStandard, hex.EncodeToString(storage.Hash(data)), []byte(data)); err != nil {
		return err
	}
	if later {
		if err := submitWhilePaying(ctx, a, b, device, m); err != nil {
			return err
		}
	} else if _, err := a.Submit(ctx, device, id); err != nil {
		return err
	}
	s, err := b.Submission(ctx, id)
	if err != nil {
		return err
	}
	if s.Status != api.StatusInReview {
		return fmt.Errorf("status %s after submit (and payment), want %s", s.Status, api.StatusInReview)
	}
	_, err = b.Decide(ctx, id, s.Version, "approve", "", "r")
	return err
}

func submitWhilePaying(ctx context.Context, a, b *storage.DB, device string, m api.Submission) error {
	o, _, err := a.CreateOrder(ctx, storage.Order{ID: "o-" + m.ID, DeviceID: device, IdemKey: "k-" + m.ID,
		SessionID: m.SessionID, Services: []string{"photo"}, AmountFen: 100, Provider: "sandbox",
		ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		return err
	}
	paid := make(chan error, 1)
	go func() {
		_, err := b.PayOrder(ctx, o.ID, "tx-"+m.ID, time.Now())
		paid <- err
	}()
	_, err = a.Submit(ctx, device, m.ID)
	if perr := <-paid; err == nil {
		err = perr
	}
	return err
}

// follow reads the kiosk's status changes with its cursor, a few at a
// time from either instance, until done and nothing more is there.
func follow(ctx context.Context, dbs []*storage.DB, device string, seen map[string]int, done <-chan struct{}) error {
	var cursor int64
	for n := 0; ; n++ {
		finished := false
		select {
		case <-done:
			finished = true
		default:
		}
		page, err := dbs[n%len(dbs)].StatusChanges(ctx, device, cursor, 3)
		if err != nil {
			return err
		}
		for _, c := range page.Changes {
			seen[c.SubmissionID+" "+c.Status]++
		}
		cursor = page.Next
		if finished && !page.More {
			return nil
		}
		if !page.More {
			time.Sleep(time.Millisecond)
		}
	}
}
