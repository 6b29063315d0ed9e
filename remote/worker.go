package remote

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/store"
)

// Store is what the worker needs of the kiosk's database (store.Store).
type Store interface {
	SubmitItems(ctx context.Context, now time.Time, limit int) ([]store.OutboxItem, []store.SubmitPayload, error)
	Attempt(ctx context.Context, sessionID string) (store.Attempt, error)
	Synced(ctx context.Context, itemID int64, sessionID, submissionID string, status app.Status, purgeCards bool) error
	OutboxFailed(ctx context.Context, id int64, cause error, next time.Time) error
	OutboxLen(ctx context.Context) (int, error)
	ApplyStatuses(ctx context.Context, changes []store.StatusChange) error
	ImportRoster(ctx context.Context, entries []app.RosterEntry) (store.ImportStats, error)
	SaveVouchers(ctx context.Context, key string, vs []api.Voucher) error
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	Purge(ctx context.Context, now time.Time, r store.Retention) (store.PurgeStats, error)
}

// State is what the kiosk's sync indicator shows.
type State struct {
	Pending     int       // submissions not yet at the server
	LastSuccess time.Time // the last round that reached the server; zero: never
	Offline     bool      // the last round could not reach the server
	Problem     string    // the last failure that is not the network's, for the assistant
}

// Worker syncs the kiosk with the server: it sends each confirmed
// submission (metadata, then each photo the server does not hold yet, then
// submit), pulls review results and roster changes. It never blocks the
// kiosk: it works on its own goroutine, and everything it sends is in the
// outbox until the server confirmed it.
type Worker struct {
	Store  Store
	Client *Client
	School string // the roster to pull ("" the server's choice for this kiosk)
	// Every is the pause between rounds (default 15 s); after a round that
	// could not reach the server the pause grows up to MaxPause.
	Every, MaxPause time.Duration
	// Parallel submissions sent at once (default 4); each one's calls stay in order.
	Parallel int
	// OnState, if set, is called after every round (on the worker's goroutine).
	OnState func(State)
	Now     func() time.Time
	// Retention, when set, is applied after every round that reached the
	// server (once it has what would be purged).
	Retention store.Retention

	mu     sync.Mutex
	state  State
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{}
}

// NewWorker makes the sync worker of an enrolled kiosk's store;
// store.ErrNotEnrolled when it has no server.
func NewWorker(ctx context.Context, st *store.Store) (*Worker, error) {
	cfg, err := st.ServerConfig(ctx)
	if err != nil {
		return nil, err
	}
	c, err := New(Config{URL: cfg.URL, Token: cfg.Token, CA: cfg.CA})
	if err != nil {
		return nil, err
	}
	return &Worker{Store: st, Client: c, School: cfg.School, Retention: store.DefaultRetention}, nil
}

// Outbox backoff for one submission: attempts 1, 2, 3… wait about 5 s, 10 s,
// 20 s… up to an hour (with jitter); a refusal the server will repeat
// waits an hour.
const (
	backoffFirst = 5 * time.Second
	backoffMax   = time.Hour
)

func (w *Worker) defaults() {
	if w.Every <= 0 {
		w.Every = 15 * time.Second
	}
	if w.MaxPause <= 0 {
		w.MaxPause = 5 * time.Minute
	}
	if w.Parallel <= 0 {
		w.Parallel = 4
	}
	if w.Now == nil {
		w.Now = time.Now
	}
}

// Start runs rounds until Stop or until ctx ends.
func (w *Worker) Start(ctx context.Context) {
	w.defaults()
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	w.kick = make(chan struct{}, 1)
	go w.loop(ctx)
}

// Stop ends the worker and waits for the round under way.
func (w *Worker) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
}

// Kick starts a round now (a submission was just confirmed).
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// State is the state after the last round.
func (w *Worker) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

func (w *Worker) loop(ctx context.Context) {
	defer close(w.done)
	pause := w.Every
	for {
		st, _ := w.Round(ctx)
		if ctx.Err() != nil {
			return
		}
		if st.Offline {
			pause = min(2*pause, w.MaxPause)
		} else {
			pause = w.Every
		}
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-time.After(pause):
		}
	}
}

// Round drains the due outbox, then pulls statuses and the roster. It
// returns the new state and the first error that stopped it early.
func (w *Worker) Round(ctx context.Context) (State, error) {
	w.defaults()
	err := w.drain(ctx)
	if err == nil {
		err = w.pullStatuses(ctx)
	}
	if err == nil {
		err = w.pullRoster(ctx)
	}
	if err == nil {
		err = w.pullVouchers(ctx)
	}
	if err == nil && w.Retention != (store.Retention{}) {
		_, err = w.Store.Purge(ctx, w.Now(), w.Retention)
	}
	st := w.finish(ctx, err)
	return st, err
}

// finish records the state after a round and reports it.
func (w *Worker) finish(ctx context.Context, err error) State {
	w.mu.Lock()
	st := w.state
	st.Offline = errors.Is(err, ErrOffline) || errors.Is(err, ErrServer)
	switch {
	case err == nil:
		st.LastSuccess, st.Problem = w.Now(), ""
		w.Store.SetSetting(ctx, store.SettingLastSync, w.Now().UTC().Format(time.RFC3339))
	case !st.Offline && ctx.Err() == nil:
		st.Problem = err.Error()
	}
	if n, e := w.Store.OutboxLen(ctx); e == nil {
		st.Pending = n
	}
	w.state = st
	w.mu.Unlock()
	if w.OnState != nil && ctx.Err() == nil {
		w.OnState(st)
	}
	return st
}

// drain sends every due submission, Parallel at a time, batch by batch.
// A submission that cannot be sent waits (backoff) in the outbox; the
// network or the server failing stops the round.
func (w *Worker) drain(ctx context.Context) error {
	for {
		items, payloads, err := w.Store.SubmitItems(ctx, w.Now(), 100)
		if err != nil || len(items) == 0 {
			return err
		}
		if err := w.sendBatch(ctx, items, payloads); err != nil {
			return err
		}
	}
}

func (w *Worker) sendBatch(ctx context.Context, items []store.OutboxItem, payloads []store.SubmitPayload) error {
	sem := make(chan struct{}, w.Parallel)
	var mu sync.Mutex
	var stop error
	var wg sync.WaitGroup
	for i := range items {
		mu.Lock()
		stopped := stop != nil
		mu.Unlock()
		if stopped || ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(it store.OutboxItem, p store.SubmitPayload) {
			defer func() { <-sem; wg.Done() }()
			if err := w.sendItem(ctx, it, p); err != nil {
				mu.Lock()
				if stop == nil {
					stop = err
				}
				mu.Unlock()
			}
		}(items[i], payloads[i])
	}
	wg.Wait()
	if stop == nil {
		stop = ctx.Err()
	}
	return stop
}

// sendItem sends one submission; the error it returns stops the round
// (network, server, authorisation), others only delay this submission.
func (w *Worker) sendItem(ctx context.Context, it store.OutboxItem, p store.SubmitPayload) error {
	err := w.send(ctx, it, p)
	if err == nil || ctx.Err() != nil {
		return ctx.Err()
	}
	wait := backoff(it.Attempts)
	stopRound := Retryable(err) || errors.Is(err, ErrUnauthorized)
	if !stopRound {
		wait = backoffMax // the server will say the same again: the assistant must look
		log.Printf("sync: submission of session %s refused: %v", p.SessionID, err)
	}
	if ferr := w.Store.OutboxFailed(ctx, it.ID, err, w.Now().Add(wait)); ferr != nil {
		return ferr
	}
	if stopRound {
		return err
	}
	return nil
}

// backoff is the wait after n failed attempts: doubling from backoffFirst,
// at most backoffMax, with up to 50 % jitter.
func backoff(n int) time.Duration {
	d := backoffFirst
	for i := 0; i < n && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// send runs one submission's calls in order: metadata, the photos the
// server does not hold yet, submit; then records it as synced, deleting
// the ID-card images the server confirmed it holds.
func (w *Worker) send(ctx context.Context, it store.OutboxItem, p store.SubmitPayload) error {
	a, err := w.Store.Attempt(ctx, p.SessionID)
	if err != nil {
		return err
	}
	meta, photos := submission(a)
	st, err := w.Client.PutSubmission(ctx, meta)
	if err != nil {
		return err
	}
	if st.Version != a.Version {
		return &Error{Op: "put submission", kind: ErrConflict,
			Message: fmt.Sprintf("the server is at version %d of %s, this is attempt %d", st.Version, meta.ID, a.Version)}
	}
	held := 0
	for _, ph := range photos {
		if st.Photos[ph.kind] != ph.sha {
			if _, err := w.Client.PutPhoto(ctx, meta.ID, ph.kind, ph.data); err != nil {
				return err
			}
		}
		if ph.kind == api.KindCardFront || ph.kind == api.KindCardBack {
			held++
		}
	}
	st, err = w.Client.Submit(ctx, meta.ID)
	if err != nil {
		return err
	}
	purge := held > 0 // every card image still here was sent above
	status := app.Status(st.Status)
	if st.Status == api.StatusReceived { // submitted, waiting for its pay-later payment
		status = app.StatusUnpaid
	}
	return w.Store.Synced(ctx, it.ID, p.SessionID, meta.ID, status, purge)
}

// photo is one photo to send.
type photo struct {
	kind, sha string
	data      []byte
}

// submission is what the server gets of an attempt: metadata and photos.
// Card images purged already (sent by an earlier round) are not sent again.
func submission(a store.Attempt) (api.Submission, []photo) {
	s := a.Session
	m := api.Submission{ID: s.SubmissionID, SessionID: s.ID, Payment: string(s.Payment), OrderRef: s.OrderRef,
		Code: s.Code, CardCheck: s.CardCheck.String(), StatusToken: s.StatusToken, ConfirmedAt: a.ConfirmedAt.UTC(), Reports: map[string]api.RawJSON{}}
	if id := s.Identity; id != nil {
		m.DocType, m.Number, m.Name = string(id.Doc), id.Number, id.Name
	}
	if e := s.Roster; e != nil {
		m.School, m.StudentNo, m.College, m.Major, m.Degree, m.GradYear = e.School, e.StudentNo, e.College, e.Major, e.Degree, e.GradYear
		if m.Name == "" {
			m.Name = e.Name
		}
	}
	var out []photo
	for _, kind := range []string{api.KindStandard, api.KindRaw} {
		if p, ok := a.Photos[kind]; ok {
			out = append(out, photo{kind, p.SHA256, p.Data})
			if len(p.Report) > 0 {
				m.Reports[kind] = api.RawJSON(p.Report)
			}
		}
	}
	for side, kind := range map[app.CardSide]string{app.CardFront: api.KindCardFront, app.CardBack: api.KindCardBack} {
		if c, ok := a.Cards[side]; ok && c.Image != nil {
			out = append(out, photo{kind, c.SHA256, c.Image})
		}
	}
	return m, out
}

// pullStatuses brings the review results back, page by page.
func (w *Worker) pullStatuses(ctx context.Context) error {
	cur, err := w.Store.Setting(ctx, store.SettingStatusCursor)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return err
	}
	since, _ := strconv.ParseInt(cur, 10, 64)
	for {
		page, err := w.Client.Statuses(ctx, since)
		if err != nil {
			return err
		}
		changes := make([]store.StatusChange, 0, len(page.Changes))
		for _, c := range page.Changes {
			if c.Status == api.StatusReceived {
				continue
			}
			changes = append(changes, store.StatusChange{SubmissionID: c.SubmissionID, Version: c.Version,
				Status: app.Status(c.Status), Reason: c.Reason})
		}
		if err := w.Store.ApplyStatuses(ctx, changes); err != nil {
			return err
		}
		if page.Next > since {
			since = page.Next
			if err := w.Store.SetSetting(ctx, store.SettingStatusCursor, strconv.FormatInt(since, 10)); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
}

// pullVouchers brings the voucher book's new entries, page by page, so
// vouchers can be checked on days without a network.
func (w *Worker) pullVouchers(ctx context.Context) error {
	since, err := w.Store.Setting(ctx, store.SettingVoucherCursor)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return err
	}
	for {
		book, err := w.Client.Vouchers(ctx, since)
		if err != nil {
			return err
		}
		if err := w.Store.SaveVouchers(ctx, book.Key, book.Vouchers); err != nil {
			return err
		}
		if book.Next != since && book.Next != "" {
			since = book.Next
			if err := w.Store.SetSetting(ctx, store.SettingVoucherCursor, since); err != nil {
				return err
			}
		}
		if !book.More {
			return nil
		}
	}
}

// pullRoster brings roster changes of the kiosk's school, page by page.
func (w *Worker) pullRoster(ctx context.Context) error {
	since, err := w.Store.Setting(ctx, store.SettingRosterCursor)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return err
	}
	for {
		page, err := w.Client.Roster(ctx, w.School, since)
		if err != nil {
			return err
		}
		entries := make([]app.RosterEntry, 0, len(page.Entries))
		for _, e := range page.Entries {
			entries = append(entries, app.RosterEntry{Doc: app.DocType(e.DocType), Number: e.Number, Name: e.Name,
				StudentNo: e.StudentNo, School: e.School, College: e.College, Major: e.Major, Degree: e.Degree,
				GradYear: e.GradYear, Prepaid: e.Prepaid})
		}
		if len(entries) > 0 {
			if _, err := w.Store.ImportRoster(ctx, entries); err != nil {
				return err
			}
		}
		if page.Next != since && page.Next != "" {
			since = page.Next
			if err := w.Store.SetSetting(ctx, store.SettingRosterCursor, since); err != nil {
				return err
			}
		}
		if !page.More {
			return nil
		}
	}
}
